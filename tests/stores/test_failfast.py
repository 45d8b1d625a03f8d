"""A store that stops answering costs one timeout, not one a call, and is found again.

A private ``redis-server`` frozen with SIGSTOP (connections are accepted, answers never come:
what a partition or a hung server looks like) and thawed with SIGCONT; a real SQLite file
locked by another connection. What the wrapper must not change about a working store is checked
by the shared store tests (``any_store`` includes it).
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from botwarden.stores import FailFastStore, LeasingStore, StateStore, StoreError, open_state_store

TIMEOUT = 1.0  # the store's own: long enough that a call that waits for it cannot pass as fast
FAST = 0.2  # a call that fails at once does so well within this, on a loaded machine too
PROBE = 0.1

CALLS: dict[str, Callable[[StateStore], object]] = {
    "rate": lambda s: s.rate("k", 10, 60),
    "volume": lambda s: s.volume("k", 1, 10, 60),
    "breaker": lambda s: s.breaker("k", "failure", 3, 30),
    "breaker read": lambda s: s.breaker("k", None, 3, 30),
    "killed": lambda s: s.killed("bot"),
    "killed_bots": lambda s: s.killed_bots(),
    "keys": lambda s: s.keys(""),
}


def timed_failure(store: StateStore, call: Callable[[StateStore], object]) -> tuple[float, str]:
    started = time.monotonic()
    with pytest.raises(StoreError) as caught:
        call(store)
    return time.monotonic() - started, caught.value.message


def wait_until(predicate: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


@pytest.fixture
def frozen(
    private_redis: tuple[subprocess.Popen[bytes], int],
) -> tuple[subprocess.Popen[bytes], FailFastStore]:
    """A working store over a private Redis, which is then frozen."""
    process, port = private_redis
    inner = open_state_store(f"redis://:s3cr3t-pw@127.0.0.1:{port}/0?timeout={TIMEOUT}")
    store = FailFastStore(inner, probe_interval=PROBE)
    for call in CALLS.values():
        call(store)  # all well while the server answers
    assert not store.down
    process.send_signal(signal.SIGSTOP)
    return process, store


def test_one_timeout_then_every_call_fails_at_once(
    frozen: tuple[subprocess.Popen[bytes], FailFastStore],
) -> None:
    _, store = frozen
    took, _ = timed_failure(store, CALLS["rate"])
    assert took >= TIMEOUT * 0.9  # the first call waited for the store
    assert store.down
    for name, call in CALLS.items():
        took, message = timed_failure(store, call)
        assert took < FAST, name
        assert store.url in message
        assert "not answering" in message and "background probe" in message
        assert "s3cr3t-pw" not in message
    store.close()


def test_found_again_once_it_answers(
    frozen: tuple[subprocess.Popen[bytes], FailFastStore],
) -> None:
    process, store = frozen
    timed_failure(store, CALLS["killed"])
    time.sleep(3 * PROBE)  # probes meet the frozen server too
    assert store.down
    process.send_signal(signal.SIGCONT)
    assert wait_until(lambda: not store.down, PROBE + 2 * TIMEOUT + 1.0)
    for call in CALLS.values():
        call(store)
    store.close()


def test_operator_actions_are_always_asked_and_end_an_outage(
    frozen: tuple[subprocess.Popen[bytes], FailFastStore],
) -> None:
    process, store = frozen
    timed_failure(store, CALLS["killed"])
    took, _ = timed_failure(store, lambda s: s.kill("bot", "runaway", "ops"))
    assert took >= TIMEOUT * 0.9  # asked, not failed at once
    process.send_signal(signal.SIGCONT)
    store.inner.close()  # drop connections that timed out mid-answer
    store.kill("bot", "runaway", "ops")
    assert not store.down
    kill = store.killed("bot")
    assert kill is not None and kill.reason == "runaway"
    assert store.revive("bot")
    store.close()


def test_close_stops_the_probe(frozen: tuple[subprocess.Popen[bytes], FailFastStore]) -> None:
    _, store = frozen
    timed_failure(store, CALLS["rate"])
    assert any(t.name == "botwarden-store-probe" for t in threading.enumerate())
    store.close()
    assert wait_until(
        lambda: not any(t.name == "botwarden-store-probe" for t in threading.enumerate()),
        2 * TIMEOUT + 1.0,
    )


def test_leases_in_hand_are_still_used_while_the_store_is_down(
    frozen: tuple[subprocess.Popen[bytes], FailFastStore],
) -> None:
    """Leasing over the fail-fast store, as the runtime stacks them: held units are admitted,
    and what needs the store fails at once after the first timeout."""
    process, inner = frozen
    process.send_signal(signal.SIGCONT)
    store = LeasingStore(inner, lease_requests=8, lease_share=1.0, lease_ttl=60)
    for _ in range(8):  # leases of 1, 2, 4, then 8: one used, seven held
        assert store.rate("k2", 1000, 60).allowed
    process.send_signal(signal.SIGSTOP)
    assert [store.rate("k2", 1000, 60).allowed for _ in range(7)] == [True] * 7
    took, _ = timed_failure(store, CALLS["volume"])
    assert took >= TIMEOUT * 0.9
    took, _ = timed_failure(store, lambda s: s.rate("k2", 1000, 60))
    assert took < FAST
    store.close()


def test_a_locked_sqlite_store_fails_at_once_until_the_lock_is_gone(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    store = FailFastStore(open_state_store(f"sqlite:///{path}?timeout=0.5"), probe_interval=PROBE)
    assert store.rate("k", 10, 60).allowed
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    took, _ = timed_failure(store, CALLS["rate"])
    assert took >= 0.4
    took, _ = timed_failure(store, CALLS["rate"])
    assert took < FAST
    locker.execute("COMMIT")
    locker.close()
    assert wait_until(lambda: not store.down, PROBE + 2.0)
    assert store.rate("k", 10, 60).allowed
    store.close()


def test_a_failure_that_comes_at_once_changes_nothing() -> None:
    """Connection refused costs no wait: passed on, and the next call asks the store again."""
    store = FailFastStore(open_state_store("redis://127.0.0.1:1/0?timeout=1"))
    for _ in range(3):
        took, message = timed_failure(store, CALLS["rate"])
        assert took < FAST
        assert "not answering" not in message
        assert not store.down
    assert not any(t.name == "botwarden-store-probe" for t in threading.enumerate())
    store.close()


@pytest.mark.parametrize(("probe", "slow"), [(0, 0.05), (-1, 0.05), (0.5, -0.01)])
def test_settings_are_checked(probe: float, slow: float) -> None:
    inner = open_state_store("memory://")
    with pytest.raises(ValueError, match="probe_interval"):
        FailFastStore(inner, probe_interval=probe, slow_failure=slow)
