"""One store per backend, for test bodies written once and run over every store."""

from __future__ import annotations

import multiprocessing
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from botwarden.stores import FailFastStore, LeasingStore, StateStore, open_state_store

PLAIN = ["memory", "sqlite", "redis", "postgresql"]
"""Backends whose rate and volume answers must match the memory reference exactly."""

SHARED = ["sqlite", "redis", "postgresql"]
"""Backends several processes can share."""


def store_url(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if kind == "memory":
        return "memory://"
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'state' / 'state.db'}"
    if kind in ("redis", "leasing", "failfast"):
        return str(request.getfixturevalue("redis_url"))
    return str(request.getfixturevalue("postgres_url"))


def make_store(kind: str, url: str) -> StateStore:
    store = open_state_store(url)
    if kind == "leasing":
        return LeasingStore(store, lease_requests=8, lease_share=0.25, lease_ttl=5.0)
    if kind == "failfast":
        return FailFastStore(store)
    return store


@pytest.fixture(params=PLAIN)
def plain_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    """Every backend on its own (no leasing)."""
    store = make_store(request.param, store_url(request.param, request, tmp_path))
    yield store
    store.close()


@pytest.fixture(params=[*PLAIN, "leasing", "failfast"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    """Every backend, and the runtime's wrappers over Redis: for what they must not change."""
    store = make_store(request.param, store_url(request.param, request, tmp_path))
    yield store
    store.close()


@pytest.fixture(params=SHARED)
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a store several processes can share."""
    return store_url(request.param, request, tmp_path)


@pytest.fixture(scope="session")
def process_pool() -> Iterator[ProcessPoolExecutor]:
    """Four worker processes (spawned, so no lock or connection is inherited), started once."""
    pool = ProcessPoolExecutor(4, mp_context=multiprocessing.get_context("spawn"))
    yield pool
    pool.shutdown(cancel_futures=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("no redis-server binary to start a private server")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path), "--requirepass", "s3cr3t-pw"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while not answers(port):
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.skip("the private redis-server did not start")
            time.sleep(0.02)
        yield process, port
    finally:
        process.send_signal(signal.SIGCONT)
        process.kill()
        process.wait(timeout=10)
