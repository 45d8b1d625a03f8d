"""Functions the concurrency tests run in other processes (importable by spawned children)."""

from __future__ import annotations

import time

from botwarden.stores import LeasingStore, open_state_store


def wait_until(moment: float) -> None:
    """Start together: every worker sleeps until the same wall-clock moment."""
    delay = moment - time.time()
    if delay > 0:
        time.sleep(delay)


def hammer_rate(url: str, key: str, limit: int, attempts: int, start_at: float) -> int:
    """Unit takes at one fixed instant (no refill): how many were allowed."""
    store = open_state_store(url)
    try:
        store.rate(key, limit, 3600, cost=0, now=1000.0)  # connect before the start line
        wait_until(start_at)
        return sum(store.rate(key, limit, 3600, now=1000.0).allowed for _ in range(attempts))
    finally:
        store.close()


def hammer_volume(url: str, key: str, amount: float, limit: float, attempts: int,
                  start_at: float) -> float:  # fmt: skip
    """Takes of ``amount`` at one fixed instant: the total allowed."""
    store = open_state_store(url)
    try:
        store.volume(key, 0, limit, 3600, now=1000.0)
        wait_until(start_at)
        taken = (store.volume(key, amount, limit, 3600, now=1000.0) for _ in range(attempts))
        return sum(amount for take in taken if take.allowed)
    finally:
        store.close()


def replica(url: str, key: str, limit: int, period: float, start_at: float) -> tuple[int, int]:
    """A bot replica behind a lease, on the server's clock, taking until it is first refused.

    Returns (allowed, round trips to the shared store).
    """
    inner = open_state_store(url)
    calls = 0
    real_rate = inner.rate

    def counted(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        return real_rate(*args, **kwargs)  # type: ignore[arg-type]

    inner.rate = counted  # type: ignore[method-assign]
    store = LeasingStore(inner, lease_requests=16, lease_share=0.25, lease_ttl=30)
    try:
        inner.killed("warm-up")
        wait_until(start_at)
        allowed = 0
        while store.rate(key, limit, period).allowed:
            allowed += 1
        return allowed, calls
    finally:
        store.close()
