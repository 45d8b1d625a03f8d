"""LeasingStore.local_takes: several takes answered from the leases at once, or not at all.

The fast path must admit exactly what the take-by-take path admits. Hypothesis drives two
identical leasing stores (each over its own MemoryStore) through the same sequence of checks at
the same explicit times: one tries the handle first and falls back to taking one by one, the
other only takes one by one. Every answer, every lease and the shared budgets must agree.
"""

from __future__ import annotations

import math
import threading
from dataclasses import fields
from typing import Literal

import pytest
from hypothesis import example, given, settings, target
from hypothesis import strategies as st

from botwarden.stores import LeasingStore, MemoryStore
from botwarden.stores.leasing import _Lease

Kind = Literal["rate", "volume"]
Spec = tuple[Kind, str, float, float]


def slow(store: LeasingStore, specs: list[Spec], amounts: list[float], now: float) -> int | None:
    """Take one by one as BudgetBook.check does, stopping at the first refusal (its index)."""
    for index, ((kind, key, limit, period), amount) in enumerate(zip(specs, amounts, strict=True)):
        if kind == "rate":
            take = store.rate(key, int(limit), period, int(amount), now)
        else:
            take = store.volume(key, amount, limit, period, now)
        if not take.allowed:
            return index
    return None


def lease_state(store: LeasingStore) -> dict[str, tuple[object, ...]]:
    """Every lease's fields but its lock, by kind and key; a lease never taken from (which a
    handle makes up front, and the slow path on first use) counts as none."""
    leases = {f"r:{k}": v for k, v in store._rates.items()}
    leases |= {f"v:{k}": v for k, v in store._volumes.items()}
    names = [f.name for f in fields(_Lease) if f.name != "lock"]
    fresh = tuple(getattr(_Lease(), f) for f in names)
    found = {name: tuple(getattr(lease, f) for f in names) for name, lease in leases.items()}
    return {name: state for name, state in found.items() if state != fresh}


budget = st.tuples(
    st.sampled_from(["rate", "volume"]),
    st.sampled_from([3, 400] + [10_000] * 6),  # limit
    st.sampled_from([1.0, 7.5, 60.0, 3600.0]),  # period
)
step = st.tuples(
    st.sampled_from([0.0, 0.0, 0.0, 0.01, 0.1, 0.3, 1.0, 3.0]),  # seconds since the last check
    # amount per budget (the first n used): mostly small, so that leases serve many takes
    st.lists(st.sampled_from([1] * 12 + [2, 3, 40, 900]), min_size=3, max_size=3),
    st.integers(0, 19).map(lambda n: n == 0),  # the periods change (a manifest reload)
)


_SMALL = (0.0, [1, 1, 1], False)


@settings(max_examples=300, deadline=None)
@example(  # two leases serving many takes, then both expired with units left, then a reload
    budgets=[("rate", 10_000, 60.0), ("volume", 10_000, 60.0)],
    steps=[_SMALL] * 8 + [(3.0, [1, 1, 1], False)] + [_SMALL] * 8 + [(0.0, [1, 1, 1], True)],
    lease_requests=20,
    lease_bytes=500.0,
    lease_share=0.05,
    lease_ttl=1.0,
)
@given(
    budgets=st.lists(budget, min_size=1, max_size=3),
    steps=st.lists(step, min_size=1, max_size=80),
    lease_requests=st.integers(1, 50),
    lease_bytes=st.sampled_from([16.0, 500.0, 500.0, 1.0]),
    lease_share=st.sampled_from([0.05, 0.5, 1.0]),
    lease_ttl=st.sampled_from([0.25, 1.0, 5.0]),
)
def test_the_fast_path_admits_exactly_what_the_slow_path_admits(
    budgets: list[tuple[Kind, int, float]],
    steps: list[tuple[float, list[int], bool]],
    lease_requests: int,
    lease_bytes: float,
    lease_share: float,
    lease_ttl: float,
) -> None:
    options = {"lease_requests": lease_requests, "lease_bytes": lease_bytes,
               "lease_share": lease_share, "lease_ttl": lease_ttl}  # fmt: skip
    fast, reference = LeasingStore(MemoryStore(), **options), LeasingStore(MemoryStore(), **options)
    specs: list[Spec] = [(kind, f"k{i}", float(limit), period)
                         for i, (kind, limit, period) in enumerate(budgets)]  # fmt: skip
    handle = fast.local_takes(specs)
    assert handle is not None
    now, fast_hits = 1_000_000.0, 0
    for elapsed, raw, reload in steps:
        now += elapsed
        if reload:  # a new limit: the leases must start afresh on both paths
            specs = [(kind, key, limit, period * 2) for kind, key, limit, period in specs]
            handle = fast.local_takes(specs)
            assert handle is not None
        amounts = [
            float(a) if kind == "volume" else a
            for (kind, *_), a in zip(specs, raw[: len(specs)], strict=True)
        ]
        if handle.take(amounts, now):
            fast_hits += 1
            answer = None
        else:
            answer = slow(fast, specs, amounts, now)
        assert answer == slow(reference, specs, amounts, now)
        assert lease_state(fast) == lease_state(reference)
    for kind, key, limit, period in specs:  # the shared budgets were charged alike
        if kind == "volume":
            read = [s.inner.volume(key, 0, limit, period, now) for s in (fast, reference)]
        else:
            read = [s.inner.rate(key, int(limit), period, 0, now) for s in (fast, reference)]
        assert read[0] == read[1]
    target(fast_hits)  # steer towards sequences where the fast path does the work


def test_a_full_lease_is_served_locally_and_all_or_nothing() -> None:
    store = LeasingStore(MemoryStore(), lease_requests=10, lease_share=1.0, lease_ttl=10.0)
    specs: list[Spec] = [("rate", "a", 100.0, 60.0), ("rate", "b", 100.0, 60.0)]
    handle = store.local_takes(specs)
    assert handle is not None
    assert not handle.take([1, 1], 0.0)  # nothing leased yet: the caller goes the long way
    assert slow(store, specs, [1, 1], 0.0) is None  # leases of exactly what is needed
    assert slow(store, specs, [1, 1], 0.0) is None  # then of 2 each (1 taken)
    assert handle.take([1, 1], 0.0)  # served from the leases
    before = lease_state(store)
    assert not handle.take([1, 5], 0.0)  # 'b' holds too little: nothing is taken from 'a'
    assert lease_state(store) == before
    assert not handle.take([1, 1], 10.0)  # expired leases are never used
    assert lease_state(store) == before


def test_a_lease_busy_in_another_thread_is_left_alone() -> None:
    store = LeasingStore(MemoryStore(), lease_requests=10, lease_share=0.5, lease_ttl=10.0)
    specs: list[Spec] = [("rate", "a", 1000.0, 60.0), ("volume", "b", 1000.0, 60.0)]
    handle = store.local_takes(specs)
    assert handle is not None
    for _ in range(4):  # leases of 1, 2 (1 left), none, then 4 (3 left)
        assert slow(store, specs, [1, 1.0], 0.0) is None
    assert store._rates["a"].left == store._volumes["b"].left == 3
    before = lease_state(store)
    lock = store._volumes["b"].lock
    with lock:  # 'b' is renewing elsewhere
        done: list[bool] = []
        worker = threading.Thread(target=lambda: done.append(handle.take([1, 1.0], 0.0)))
        worker.start()
        worker.join()
        assert done == [False]
    assert lease_state(store) == before
    assert not store._rates["a"].lock.locked()  # what it had acquired, it released
    assert handle.take([1, 1.0], 0.0)


def test_two_takes_on_one_key_get_no_handle() -> None:
    store = LeasingStore(MemoryStore())
    assert store.local_takes([("volume", "a", 1.0, 1.0), ("volume", "a", 1.0, 1.0)]) is None
    assert store.local_takes([("rate", "a", 1.0, 1.0), ("volume", "a", 1.0, 1.0)]) is not None


@pytest.mark.parametrize("left", [0.0, 0.5])
def test_a_single_lease_handle_refuses_what_it_does_not_hold(left: float) -> None:
    store = LeasingStore(MemoryStore())
    handle = store.local_takes([("volume", "a", 10.0, 1.0)])
    assert handle is not None
    lease: _Lease = store._volumes["a"]
    lease.budget, lease.left, lease.expires = (10.0, 1.0), left, math.inf
    assert not handle.take([1.0], 0.0)
    assert lease.left == left
