"""The kill switch's and the breaker's caches: how stale an answer may be, on explicit clocks."""

from __future__ import annotations

import pytest

from botwarden.manifest import parse_manifest
from botwarden.policy.decision import Code, allow
from botwarden.policy.request import Target
from botwarden.runtime.breaker import REFRESH, BreakerBook
from botwarden.runtime.killswitch import KillSwitch
from botwarden.stores import BreakerState, Kill, MemoryStore

TARGET = Target("https", "api.example.com", 443, "/")
ALLOWED = allow("listed", "egress.allow[0]", host="api.example.com", port=443)


class Counted(MemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.kills = 0
        self.breakers = 0

    def killed(self, bot: str) -> Kill | None:
        self.kills += 1
        return super().killed(bot)

    def breaker(self, *args: object, **kwargs: object) -> BreakerState:
        self.breakers += 1
        return super().breaker(*args, **kwargs)  # type: ignore[arg-type]


def test_a_kill_is_seen_by_the_first_check_a_refresh_after_the_last_read() -> None:
    store = Counted()
    switch = KillSwitch("b", store, refresh=0.5)
    assert switch.check(TARGET, ALLOWED, 100.0) is ALLOWED
    store.kill("b", "runaway", "ops")
    assert switch.check(TARGET, ALLOWED, 100.49) is ALLOWED  # cached, within the bound
    assert store.kills == 1
    refused = switch.check(TARGET, ALLOWED, 100.5)  # the bound: read again
    assert refused.code is Code.KILLED
    assert store.kills == 2
    store.revive("b")
    assert switch.check(TARGET, ALLOWED, 100.9).code is Code.KILLED
    assert switch.check(TARGET, ALLOWED, 101.0) is ALLOWED


def breakers(store: MemoryStore, scope: str = "host") -> BreakerBook:
    manifest = parse_manifest(
        f"""
schema_version = 1
[bot]
name = "b"
owner = "o"
[egress]
allow = ["api.example.com", "cdn.example.net"]
[breaker]
threshold = 1
cool_down = "1m"
scope = "{scope}"
"""
    )
    book = BreakerBook.from_manifest(manifest, store)
    assert book is not None
    return book


def test_a_breaker_opened_by_another_replica_is_seen_within_the_refresh() -> None:
    store = Counted()
    here, there = breakers(store), breakers(store)
    assert here.check(TARGET, ALLOWED, 10.0) is ALLOWED
    there.record("api.example.com", 443, 429)  # the other replica's upstream refused it
    assert here.check(TARGET, ALLOWED, 10.0 + REFRESH / 2) is ALLOWED  # cached
    assert here.check(TARGET, ALLOWED, 10.0 + REFRESH).code is Code.BREAKER_OPEN


def test_healthy_successes_cost_no_store_call_and_a_failure_is_always_written() -> None:
    store = Counted()
    book = breakers(store)
    assert book.check(TARGET, ALLOWED, 1.0) is ALLOWED
    calls = store.breakers
    for _ in range(5):
        book.record("api.example.com", 443, 200)
    assert store.breakers == calls
    book.record("api.example.com", 443, 401)
    assert store.breakers == calls + 1
    assert book.check(TARGET, ALLOWED, 1.1).code is Code.BREAKER_OPEN  # its own write is known
    book.record("api.example.com", 443, 500)  # neither success nor failure: nothing written
    assert store.breakers == calls + 1


@pytest.mark.parametrize("scope", ["host", "bot"])
def test_one_cache_entry_per_breaker_key(scope: str) -> None:
    store = Counted()
    book = breakers(store, scope)
    book.record("api.example.com", 443, 401)
    other = Target("https", "cdn.example.net", 443, "/")
    decision = book.check(other, ALLOWED, 1.0)
    if scope == "bot":  # one breaker for the whole bot: the refusal from one host stops all
        assert decision.code is Code.BREAKER_OPEN
    else:
        assert decision is ALLOWED


def test_a_configured_status_trips_the_breaker_even_when_it_looks_like_success() -> None:
    manifest = parse_manifest(
        """
schema_version = 1
[bot]
name = "b"
owner = "o"
[egress]
allow = ["api.example.com"]
[breaker]
trip_after_status = [302]
threshold = 1
"""
    )
    book = BreakerBook.from_manifest(manifest, MemoryStore())
    assert book is not None
    assert book.check(TARGET, ALLOWED, 1.0) is ALLOWED  # known healthy
    book.record("api.example.com", 443, 200)
    book.record("api.example.com", 443, 302)  # a redirect to a login page, say
    assert book.check(TARGET, ALLOWED, 1.1).code is Code.BREAKER_OPEN
