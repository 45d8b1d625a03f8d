"""BudgetBook's fast path (every take of a check or a meter from the leases at once) decides
exactly as its take-by-take path: same decisions, same reasons, same meter answers.

Hypothesis drives two books of one manifest, each over its own LeasingStore(MemoryStore()), one
with the leases' all-at-once handle and one without, through the same requests and transfers on
one fake clock (both stores and the book read it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from typing import Any
from unittest import mock

from hypothesis import example, given, settings
from hypothesis import strategies as st

from botwarden.manifest import parse_manifest
from botwarden.policy.decision import Decision, allow
from botwarden.policy.request import Target
from botwarden.runtime import budgets as budgets_module
from botwarden.runtime.budgets import BudgetBook
from botwarden.stores import LeasingStore, MemoryStore
from botwarden.stores import leasing as leasing_module
from botwarden.stores import memory as memory_module
from botwarden.stores.leasing import _Lease

MANIFEST = """
schema_version = 1
[bot]
name = "fast"
owner = "o"
[egress]
allow = ["api.example.com", "cdn.example.net"]
[[capability]]
name = "feeds"
provider = "http"
methods = ["GET"]
urls = ["https://api.example.com/v3/*"]
[budget.total]
requests = "{total}/minute"
bytes = "{total_bytes}B/minute"
cost = "{cost}/minute"
cost_per_request = 0.5
cost_per_mb = {per_mb}
[budget."api.example.com"]
requests = "{host}/minute"
mode = "{host_mode}"
[budget."capability:feeds"]
bytes = "{feed_bytes}B/minute"
"""
TARGETS = [
    (Target("https", "api.example.com", 443, "/v3/x"), "capability[0]"),
    (Target("https", "cdn.example.net", 443, "/a"), "egress.allow[1]"),
]


class Clock:
    """time.time() and time.monotonic() for the book and both stores."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now


@contextmanager
def clocked(clock: Clock) -> Iterator[None]:
    with (
        mock.patch.object(budgets_module, "time", clock),
        mock.patch.object(leasing_module, "time", clock),
        mock.patch.object(memory_module, "time", clock),
    ):
        yield


class TakeByTake(LeasingStore):
    """A leasing store without the all-at-once handle: the book goes take by take."""

    local_takes = None  # type: ignore[assignment]


def leases(store: LeasingStore) -> dict[str, tuple[object, ...]]:
    """What the store's leases hold, but their locks; a lease never used counts as none."""
    names = [f.name for f in fields(_Lease) if f.name != "lock"]
    fresh = tuple(getattr(_Lease(), f) for f in names)
    found = {f"r:{key}": lease for key, lease in store._rates.items()}
    found |= {f"v:{key}": lease for key, lease in store._volumes.items()}
    states = {key: tuple(getattr(lease, f) for f in names) for key, lease in found.items()}
    return {key: state for key, state in states.items() if state != fresh}


def answer(decision: Decision) -> dict[str, Any]:
    return {**decision.to_dict(), "retry_after": decision.retry_after}


request = st.tuples(
    st.sampled_from([0.0, 0.0, 0.0, 0.05, 0.4, 2.0, 30.0]),  # seconds before it
    st.integers(0, len(TARGETS) - 1),
    st.lists(  # what passes through its meter, in pieces: (up, down)
        st.tuples(st.sampled_from([0, 60, 600]), st.sampled_from([0, 1, 1300, 7000])),
        max_size=4,
    ),
)


@settings(max_examples=150, deadline=None)
@example(
    total=1000, host=1000, host_mode="enforce", feed_bytes=100_000, lease_requests=8,
    per_mb=0.0, requests=[(0.0, 0, [(60, 1300)])] * 30 + [(2.0, 1, [(60, 1300)])] * 5,
)  # fmt: skip
@example(  # leases holding units when they expire: never used past their time
    total=1000, host=1000, host_mode="enforce", feed_bytes=100_000, lease_requests=64,
    per_mb=0.0, requests=[(0.0, 0, [])] * 20 + [(2.0, 0, [(60, 1)])] + [(0.0, 0, [])] * 5,
)  # fmt: skip
@given(
    total=st.sampled_from([3, 60, 1000]),
    host=st.sampled_from([2, 40, 1000]),
    host_mode=st.sampled_from(["enforce", "report"]),
    feed_bytes=st.sampled_from([5000, 100_000]),
    lease_requests=st.sampled_from([1, 8, 64]),
    per_mb=st.sampled_from([0.0, 900.0]),  # with 0, every take of a meter is the bytes moved
    requests=st.lists(request, min_size=1, max_size=50),
)
def test_the_fast_path_decides_as_the_slow_path(
    total: int,
    host: int,
    host_mode: str,
    feed_bytes: int,
    lease_requests: int,
    per_mb: float,
    requests: list[tuple[float, int, list[tuple[int, int]]]],
) -> None:
    text = MANIFEST.format(total=total, host=host, host_mode=host_mode, feed_bytes=feed_bytes,
                           total_bytes=20_000, cost=40, per_mb=per_mb)  # fmt: skip
    manifest = parse_manifest(text)
    options: dict[str, Any] = {"lease_requests": lease_requests, "lease_bytes": 4000.0,
                               "lease_share": 0.5, "lease_ttl": 1.0}  # fmt: skip
    fast_store = LeasingStore(MemoryStore(), **options)
    slow_store = TakeByTake(MemoryStore(), **options)
    fast, slow = BudgetBook(manifest, fast_store), BudgetBook(manifest, slow_store)
    clock = Clock()
    with clocked(clock):
        for elapsed, which, pieces in requests:
            clock.now += elapsed
            target, rule = TARGETS[which]
            asked = allow("listed", rule, host=target.host, port=target.port)
            decisions = [book.check(target, asked) for book in (fast, slow)]
            assert answer(decisions[0]) == answer(decisions[1])
            assert leases(fast_store) == leases(slow_store)
            if not decisions[0].allowed:
                continue
            meters = [
                book.meter(target, d) for book, d in zip((fast, slow), decisions, strict=True)
            ]
            assert (meters[0] is None) == (meters[1] is None)
            if meters[0] is None or meters[1] is None:
                continue
            for up, down in pieces:
                clock.now += 0.01
                assert meters[0].add(up, down) == meters[1].add(up, down)
                spent = [m.exhausted for m in meters]
                assert [s and answer(s) for s in spent] == [s and answer(s) for s in spent[::-1]]
                assert leases(fast_store) == leases(slow_store)


def test_the_fast_path_is_taken_once_the_leases_hold_enough() -> None:
    """Not a vacuous comparison: the handle does serve checks and meters on its own."""
    text = MANIFEST.format(total=10_000, host=10_000, host_mode="enforce", feed_bytes=10**8,
                           total_bytes=10**8, cost=10**6, per_mb=900.0)  # fmt: skip
    manifest = parse_manifest(text)
    store = LeasingStore(MemoryStore(), lease_requests=64)
    book = BudgetBook(manifest, store)
    target, rule = TARGETS[0]
    asked = allow("listed", rule, host=target.host, port=target.port)
    applicable = book.applicable(target, rule)
    assert applicable.check_fast is not None and applicable.meter_fast is not None
    for _ in range(20):
        assert book.check(target, asked) is asked
        meter = book.meter(target, asked)
        assert meter is not None and meter.add(60, 1300)
    inner = store.inner
    calls: list[str] = []
    store.inner = mock.Mock(wraps=inner, url=inner.url)
    store.inner.rate.side_effect = lambda *a, **k: calls.append("rate") or inner.rate(*a, **k)
    store.inner.volume.side_effect = lambda *a, **k: calls.append("v") or inner.volume(*a, **k)
    fast = applicable.check_fast
    assert fast.take(applicable.check_amounts, budgets_module.time.time())
    assert book.check(target, asked) is asked
    assert calls == []
