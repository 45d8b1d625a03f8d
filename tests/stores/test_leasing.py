"""Leases: fewer round trips, never more than the shared budget, expiry, and what is not leased.

The shared store here is a real MemoryStore, wrapped only to count the calls that reach it; the
multi-process version against Redis is in test_concurrency.py.
"""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from botwarden.stores import Kill, LeasingStore, MemoryStore, Take


class Counted(MemoryStore):
    """The memory store, counting the budget calls that reach it."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def rate(self, *args, **kwargs) -> Take:
        self.calls += 1
        return super().rate(*args, **kwargs)

    def volume(self, *args, **kwargs) -> Take:
        self.calls += 1
        return super().volume(*args, **kwargs)


def test_most_takes_make_no_round_trip() -> None:
    shared = Counted()
    store = LeasingStore(shared, lease_requests=32)
    assert all(store.rate("k", 10**6, 60, now=1000.0).allowed for _ in range(1000))
    assert shared.calls <= 1000 / 32 + 6  # doubling from 1 to 32, then 32 at a time
    assert shared.rate("k", 10**6, 60, cost=0, now=1000.0).used >= 1000


def test_lease_size_is_capped_by_the_share_of_the_limit() -> None:
    shared = Counted()
    store = LeasingStore(shared, lease_requests=32, lease_share=0.05)
    for _ in range(100):
        store.rate("k", 100, 60, now=1000.0)  # cap: 5% of 100 = 5 units per lease
    assert shared.calls >= 100 / 5
    assert shared.rate("k", 100, 60, cost=0, now=1000.0).used == pytest.approx(100)


def test_one_replica_drains_exactly_the_budget_then_refusals_are_local() -> None:
    shared = Counted()
    store = LeasingStore(shared, lease_requests=16, lease_share=0.5)
    allowed = sum(store.rate("k", 100, 60, now=1000.0).allowed for _ in range(150))
    assert allowed == 100
    calls = shared.calls
    refused = store.rate("k", 100, 60, now=1000.0)
    assert (refused.allowed, refused.retry_after) == (False, pytest.approx(0.6))
    assert shared.calls == calls, "a refusal is remembered until its retry_after"
    assert store.rate("k", 100, 60, now=1000.6).allowed
    assert shared.calls == calls + 1


@pytest.mark.parametrize("seed", range(5))
def test_replicas_drain_exactly_the_budget(seed: int) -> None:
    rng = random.Random(seed)
    shared = MemoryStore()
    replicas = [LeasingStore(shared, lease_requests=8, lease_share=0.2) for _ in range(4)]
    running, admitted = set(range(4)), 0
    while running:
        n = rng.choice(sorted(running))
        if replicas[n].rate("k", 97, 60, now=1000.0).allowed:
            admitted += 1
        else:
            running.discard(n)  # refused: this replica holds nothing any more
    assert admitted == 97


def test_volume_leases_and_refuses_whole() -> None:
    shared = Counted()
    store = LeasingStore(shared, lease_bytes=1000, lease_share=0.5)
    admitted = sum(100 for _ in range(200) if store.volume("b", 100, 10_000, 60, now=1000).allowed)
    assert admitted == 10_000
    assert shared.calls < 40
    assert not store.volume("b", 1, 10_000, 60, now=1000).allowed


def test_an_expired_lease_is_dropped_and_the_next_one_shrinks() -> None:
    shared = Counted()
    store = LeasingStore(shared, lease_requests=8, lease_share=1.0, lease_ttl=1.0)
    for _ in range(12):  # leases of 1, 2, 4 and 8 units: 15 charged, 12 used, 3 held
        store.rate("k", 1000, 3600, now=1000.0)
    assert shared.rate("k", 1000, 3600, cost=0, now=1000.0).used == 15
    calls = shared.calls
    assert store.rate("k", 1000, 3600, now=1001.0).allowed  # expired: the 3 held are dropped
    assert shared.calls == calls + 1
    # the next lease is what the last one saw used (8 - 3 = 5); one second refilled 1000/3600
    used = shared.rate("k", 1000, 3600, cost=0, now=1001.0).used
    assert used == pytest.approx(15 + 5 - 1000 / 3600)


def test_a_new_budget_drops_the_old_lease() -> None:
    shared = Counted()
    store = LeasingStore(shared, lease_requests=8, lease_share=1.0)
    for _ in range(5):
        store.rate("k", 100, 60, now=1000.0)
    calls = shared.calls
    store.rate("k", 50, 60, now=1000.0)
    assert shared.calls == calls + 1


STEPS = st.sampled_from([0.0, 0.0, 0.0, 0.01, 0.3, 2.0, 12.0])  # bursts, and gaps past a period


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 2), STEPS, st.integers(1, 3)), max_size=300),
    st.integers(5, 40),
)
@example(  # replica 0 holds 7 units through a full refill while replica 1 drains the burst
    [(0, 0.0, 1)] * 8 + [(1, 12.0, 3)] + [(1, 0.0, 3)] * 14 + [(0, 0.0, 1)] * 7, 40
)
def test_the_fleet_admits_no_more_than_the_budget_widened_by_the_lease_ttl(
    takes: list[tuple[int, float, int]], limit: int
) -> None:
    """Over any interval [a, b] the fleet admits at most limit + (b - a + lease_ttl) / T."""
    period, ttl = 10.0, 1.0
    shared = MemoryStore()
    replicas = [LeasingStore(shared, lease_requests=8, lease_share=0.5, lease_ttl=ttl)
                for _ in range(3)]  # fmt: skip
    now, admitted = 1000.0, []
    for replica, step, cost in takes:
        now += step
        if replicas[replica].rate("k", limit, period, cost, now=now).allowed:
            admitted += [now] * cost
    interval = period / limit
    for i, start in enumerate(admitted):
        for j in range(i, len(admitted)):
            count = j - i + 1
            assert count <= limit + (admitted[j] - start + ttl) / interval + 1e-6


def test_breakers_are_never_leased() -> None:
    shared = MemoryStore()
    one, two = LeasingStore(shared), LeasingStore(shared)
    one.breaker("h", "failure", 1, 30, now=1000)
    assert two.breaker("h", None, 1, 30, now=1000).state == "open"


def test_kills_reach_every_replica_within_half_a_second() -> None:
    shared = MemoryStore()
    replica, operator = LeasingStore(shared), LeasingStore(shared)
    assert replica.killed("bot") is None  # now cached for at most 0.5 s
    operator.kill("bot", "spree", "alice", now=5.0)
    assert operator.killed("bot") == Kill("bot", "spree", "alice", 5.0)  # its own kill: at once
    time.sleep(0.55)
    assert replica.killed("bot") == Kill("bot", "spree", "alice", 5.0)
    assert replica.revive("bot") is True
    assert replica.killed("bot") is None
    assert [k.bot for k in operator.killed_bots()] == []


@pytest.mark.parametrize(
    "options",
    [{"kill_cache": 0.6}, {"lease_requests": 0}, {"lease_share": 0}, {"lease_ttl": 0},
     {"lease_bytes": -1}],
)  # fmt: skip
def test_unsafe_options_are_refused(options: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        LeasingStore(MemoryStore(), **options)  # type: ignore[arg-type]


def test_reads_go_to_the_shared_store() -> None:
    shared = Counted()
    store = LeasingStore(shared, lease_requests=8, lease_share=1.0)
    assert store.rate("k", 100, 60, cost=0, now=1000.0) == Take(True, 100.0, 0.0, 0.0)
    for _ in range(4):  # leases of 1, 2 and 4: 7 charged, 4 used
        store.rate("k", 100, 60, now=1000.0)
    assert store.rate("k", 100, 60, cost=0, now=1000.0).used == pytest.approx(7)
    assert store.volume("v", 0, 100, 60, now=1000.0) == Take(True, 100.0, 0.0, 0.0)


def test_a_refused_take_drops_what_the_lease_held() -> None:
    """Once the shared budget refuses a take, small takes are no longer admitted from units
    still held here: the check before a download must see the budget as the store sees it."""
    shared = Counted()
    store = LeasingStore(shared, lease_bytes=1000, lease_share=0.5)
    for _ in range(6):
        assert store.volume("b", 10, 1000, 3600, now=1000.0).allowed
    held = 1000 - 60 - shared.volume("b", 0, 1000, 3600, now=1000.0).remaining
    assert held > 0  # units charged to the shared budget, not handed out yet
    assert not store.volume("b", 2000, 1000, 3600, now=1000.0).allowed
    calls = shared.calls
    assert store.volume("b", 1, 1000, 3600, now=1000.0).allowed  # the store still has room...
    assert shared.calls == calls + 1  # ...and was asked, not the dropped lease
