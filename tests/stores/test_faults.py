"""The store goes away mid-run: every operation raises StoreError, within the timeout.

Redis: a private ``redis-server`` on a free port, frozen (SIGSTOP: answers time out) and then
killed (SIGKILL: connections refused). SQLite: the file locked by another connection, then
overwritten with garbage. PostgreSQL: a port where nothing listens, and our backend terminated
under us. Never another exception type, never a wait longer than the timeout (plus slack for a
loaded machine), and never a password in a message.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from tests.stores.conftest import free_port

from botwarden.stores import LeasingStore, StateStore, StoreError, open_state_store

TIMEOUT = 0.2
SLACK = 3.0  # a loaded machine may add this much; a hang would take far longer

Op = Callable[[StateStore], object]
WRITES: dict[str, Op] = {
    "rate": lambda s: s.rate("k", 10, 60),
    "volume": lambda s: s.volume("k", 1, 10, 60),
    "breaker": lambda s: s.breaker("k", "failure", 3, 30),
    "kill": lambda s: s.kill("bot", "r", "me"),
    "revive": lambda s: s.revive("bot"),
}
READS: dict[str, Op] = {
    "breaker read": lambda s: s.breaker("k", None, 3, 30),
    "killed": lambda s: s.killed("bot"),
    "killed_bots": lambda s: s.killed_bots(),
    "keys": lambda s: s.keys(""),
}
OPS = {**WRITES, **READS}


def fails_fast(store: StateStore, name: str, op: Op) -> StoreError:
    started = time.monotonic()
    with pytest.raises(StoreError) as caught:
        op(store)
    assert time.monotonic() - started < TIMEOUT + SLACK, f"{name} hung"
    assert store.url in caught.value.message
    return caught.value


def test_redis_frozen_then_killed(private_redis: tuple[subprocess.Popen[bytes], int]) -> None:
    process, port = private_redis
    store = open_state_store(f"redis://:s3cr3t-pw@127.0.0.1:{port}/0?timeout={TIMEOUT}")
    assert "s3cr3t-pw" not in store.url
    for op in OPS.values():
        op(store)  # all well while the server runs
    process.send_signal(signal.SIGSTOP)
    for name, op in OPS.items():
        error = fails_fast(store, name, op)
        assert "s3cr3t-pw" not in str(error)
    process.kill()
    process.wait(timeout=10)
    for name, op in OPS.items():
        fails_fast(store, name, op)
    store.close()


def test_redis_wrong_password_names_no_password(
    private_redis: tuple[subprocess.Popen[bytes], int],
) -> None:
    _, port = private_redis
    store = open_state_store(f"redis://:wrong-pw@127.0.0.1:{port}/0?timeout={TIMEOUT}")
    error = fails_fast(store, "rate", WRITES["rate"])
    assert "wrong-pw" not in str(error)


def test_leasing_over_a_dead_redis(private_redis: tuple[subprocess.Popen[bytes], int]) -> None:
    """Units already leased stay usable; then every call that needs the store fails."""
    process, port = private_redis
    inner = open_state_store(f"redis://:s3cr3t-pw@127.0.0.1:{port}/0?timeout={TIMEOUT}")
    store = LeasingStore(inner, lease_requests=8, lease_share=1.0, lease_ttl=60)
    for _ in range(8):  # leases of 1, 2, 4, then 8: one used, seven held
        assert store.rate("k", 1000, 60).allowed
    assert store.killed("bot") is None
    process.kill()
    process.wait(timeout=10)
    held = [store.rate("k", 1000, 60).allowed for _ in range(7)]
    assert held == [True] * 7
    fails_fast(store, "rate", WRITES["rate"])
    fails_fast(store, "breaker", WRITES["breaker"])
    time.sleep(0.55)  # the kill cache (0.5 s at most) has run out
    fails_fast(store, "killed", READS["killed"])


# -- SQLite --------------------------------------------------------------------------------------


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[tuple[StateStore, Path]]:
    path = tmp_path / "state.db"
    store = open_state_store(f"sqlite:///{path}?timeout={TIMEOUT}")
    for op in OPS.values():
        op(store)
    yield store, path
    store.close()


def test_sqlite_locked_by_another_writer(sqlite_store: tuple[StateStore, Path]) -> None:
    store, path = sqlite_store
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        for name, op in WRITES.items():
            error = fails_fast(store, name, op)
            assert "locked" in str(error)
        for op in READS.values():
            op(store)  # WAL: readers never wait for the writer
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    for op in OPS.values():
        op(store)  # and the store recovers once the lock is gone


def test_sqlite_file_overwritten(sqlite_store: tuple[StateStore, Path]) -> None:
    store, path = sqlite_store
    for file in path.parent.iterdir():
        file.write_bytes(b"not a database " * 1000)
    for name, op in OPS.items():
        error = fails_fast(store, name, op)
        assert "not a database" in str(error)


def test_sqlite_path_that_cannot_be_a_file(tmp_path: Path) -> None:
    (tmp_path / "plain-file").write_text("x")
    store = open_state_store(f"sqlite:///{tmp_path / 'plain-file' / 'state.db'}")
    for name, op in OPS.items():
        fails_fast(store, name, op)


# -- PostgreSQL ----------------------------------------------------------------------------------


def test_postgres_nothing_listening() -> None:
    store = open_state_store(
        f"postgresql://u:pg-s3cret@127.0.0.1:{free_port()}/db?timeout={TIMEOUT}"
    )
    for name, op in OPS.items():
        error = fails_fast(store, name, op)
        assert "pg-s3cret" not in str(error)


def test_postgres_backend_terminated_mid_run(postgres_url: str, postgres_server: str) -> None:
    url = f"{postgres_url}&application_name=bw-fault-test&timeout={TIMEOUT}"
    store = open_state_store(url)
    assert store.rate("k", 10, 60, now=1000).allowed
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'bw-fault-test'"
        )
    fails_fast(store, "rate", WRITES["rate"])
    take = store.rate("k", 10, 60, now=1000)  # a new connection: the state is still there
    assert (take.allowed, take.used) == (True, 2)
    store.close()
