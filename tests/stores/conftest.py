"""One store per backend, for test bodies written once and run over every store."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from botwarden.stores import LeasingStore, StateStore, open_state_store

PLAIN = ["memory", "sqlite", "redis", "postgresql"]
"""Backends whose rate and volume answers must match the memory reference exactly."""

SHARED = ["sqlite", "redis", "postgresql"]
"""Backends several processes can share."""


def store_url(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if kind == "memory":
        return "memory://"
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'state' / 'state.db'}"
    if kind in ("redis", "leasing"):
        return str(request.getfixturevalue("redis_url"))
    return str(request.getfixturevalue("postgres_url"))


def make_store(kind: str, url: str) -> StateStore:
    store = open_state_store(url)
    if kind == "leasing":
        return LeasingStore(store, lease_requests=8, lease_share=0.25, lease_ttl=5.0)
    return store


@pytest.fixture(params=PLAIN)
def plain_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    """Every backend on its own (no leasing)."""
    store = make_store(request.param, store_url(request.param, request, tmp_path))
    yield store
    store.close()


@pytest.fixture(params=[*PLAIN, "leasing"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    """Every backend, and leasing over Redis: for what leasing must not change."""
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
