"""Real Redis and PostgreSQL servers for the tests: the machine's own, or a private one.

Each fixture first tries the server a developer machine runs (127.0.0.1:6379, 127.0.0.1:5432).
When nothing answers there but the binaries exist (``redis-server``; ``initdb`` and ``postgres``),
it starts a private server on a free port in a temporary directory and stops it afterwards. Only
when neither is possible is the test skipped, with the reason.

Tests never see each other's data: Redis keys are put under a prefix unique to the test session
(stores take ``?prefix=`` in their URL), and PostgreSQL tests get a schema of their own
(``?options=-csearch_path=...``), dropped at the end.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

SESSION = secrets.token_hex(4)


def _answers(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if _answers("127.0.0.1", port):
            return
        if process.poll() is not None:
            pytest.skip(f"{what}: the private server exited with {process.returncode}")
        time.sleep(0.05)
    process.kill()
    pytest.skip(f"{what}: the private server did not listen within 20 s")


# -- Redis ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """``redis://HOST:PORT/DB`` of a running server (no prefix: see ``redis_url``)."""
    if _answers("127.0.0.1", 6379):
        yield "redis://127.0.0.1:6379/0"
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("no Redis on 127.0.0.1:6379 and no redis-server binary to start one")
    port = _free_port()
    with tempfile.TemporaryDirectory() as folder:
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
             "no", "--dir", folder],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            _wait_for(port, process, "redis")
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def redis_url(redis_server: str) -> Iterator[str]:
    """A Redis store URL whose keys are this test's alone; deleted afterwards."""
    prefix = f"bwtest:{SESSION}:{secrets.token_hex(4)}:"
    yield f"{redis_server}?prefix={quote(prefix)}"
    import redis

    client = redis.Redis.from_url(redis_server)
    try:
        keys = list(client.scan_iter(match=prefix + "*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


# -- PostgreSQL ----------------------------------------------------------------------------------


def _private_postgres(folder: Path) -> tuple[subprocess.Popen[bytes], int]:
    initdb, postgres = shutil.which("initdb"), shutil.which("postgres")
    if initdb is None or postgres is None:
        pytest.skip("no PostgreSQL on 127.0.0.1:5432 and no initdb/postgres binaries")
    prefix: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: use an unprivileged account
        user = next((u for u in ("postgres", "nobody") if _has_user(u)), None)
        runuser = shutil.which("runuser")
        if user is None or runuser is None:
            pytest.skip("running as root without an unprivileged user to start PostgreSQL")
        prefix = [runuser, "-u", user, "--"]
        record = pwd.getpwnam(user)
        os.chown(folder, record.pw_uid, record.pw_gid)
    data = folder / "data"
    subprocess.run(
        [*prefix, initdb, "-D", str(data), "-A", "trust", "-U", "postgres"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    port = _free_port()
    process = subprocess.Popen(
        [*prefix, postgres, "-D", str(data), "-p", str(port), "-h", "127.0.0.1", "-k", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    _wait_for(port, process, "postgres")
    subprocess.run(
        [*prefix, shutil.which("createdb") or "createdb", "-h", "127.0.0.1", "-p", str(port),
         "-U", "postgres", "test"],
        check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return process, port


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """``postgresql://postgres@HOST:PORT/test`` of a running server."""
    if _answers("127.0.0.1", 5432):
        yield "postgresql://postgres@127.0.0.1:5432/test"
        return
    with tempfile.TemporaryDirectory() as name:
        process, port = _private_postgres(Path(name))
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/test"
        finally:
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A PostgreSQL store URL whose tables live in a schema of this test's own; dropped after."""
    import psycopg

    schema = f"bwtest_{SESSION}_{secrets.token_hex(4)}"
    with psycopg.connect(postgres_server, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    yield f"{postgres_server}?options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(postgres_server, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
