"""Budgets, breaker and kill switch through the gate, on every state store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from botwarden.manifest import parse_manifest
from botwarden.policy.decision import Code, Verdict
from botwarden.policy.request import Target
from botwarden.runtime.enforcer import Enforcer
from botwarden.runtime.gate import Gate
from botwarden.runtime.resolve import Resolver
from botwarden.stores import (
    BreakerState,
    LeasingStore,
    MemoryStore,
    StateStore,
    StoreError,
    open_state_store,
)

MANIFEST = """
schema_version = 1
[bot]
name = "spree"
owner = "o"
[egress]
allow = ["api.example.com", "cdn.example.net", "other.example.org"]
[[capability]]
name = "feeds"
provider = "http"
methods = ["GET"]
urls = ["https://api.example.com/v3/*"]
[budget."api.example.com"]
requests = "3/minute"
[budget."capability:feeds"]
bytes = "1000B/day"
[budget.total]
requests = "5/minute"
[breaker]
trip_after_status = [401, 429]
threshold = 2
cool_down = "1m"
"""
DNS = {
    "api.example.com": ["93.184.216.34"],
    "cdn.example.net": ["93.184.216.35"],
    "other.example.org": ["93.184.216.36"],
}


@pytest.fixture(params=["memory", "sqlite", "leased-sqlite", "redis", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    if request.param == "leased-sqlite":  # as `botwarden proxy` opens it: the leases' fast path
        leased = LeasingStore(open_state_store(f"sqlite:///{tmp_path / 'state.db'}"))
        yield leased
        leased.close()
        return
    if request.param == "memory":
        url = "memory://"
    elif request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'state.db'}"
    else:
        url = request.getfixturevalue("redis_url" if request.param == "redis" else "postgres_url")
    opened = open_state_store(url)
    yield opened
    opened.close()


def enforcer_for(store: StateStore, text: str = MANIFEST) -> tuple[Enforcer, Gate]:
    enforcer = Enforcer(parse_manifest(text), store)
    return enforcer, enforcer.gate(Resolver(DNS))


def test_request_budgets_refuse_with_the_budget_and_when_it_refills(store: StateStore) -> None:
    _, gate = enforcer_for(store)
    codes = [gate.decide_url("GET", "https://api.example.com/v3/x").code for _ in range(4)]
    assert codes == [Code.ALLOWED] * 3 + [Code.BUDGET_EXHAUSTED]
    refused = gate.decide_url("GET", "https://api.example.com/v3/x")
    assert refused.rule == 'budget."api.example.com"'
    assert "requests (3/minute) is spent" in refused.reason
    assert refused.retry_after is not None
    assert 0 < refused.retry_after <= 20.5
    # the total budget (5/minute) still has room for two requests elsewhere, then none
    others = [gate.decide_url("GET", "https://cdn.example.net/").code for _ in range(3)]
    assert others == [Code.ALLOWED, Code.ALLOWED, Code.BUDGET_EXHAUSTED]


def test_byte_budgets_cut_a_transfer_when_spent(store: StateStore) -> None:
    enforcer, gate = enforcer_for(store)
    decision = gate.decide_url("GET", "https://api.example.com/v3/big")
    meter = enforcer.meter(Target("https", "api.example.com", 443, "/v3/big"), decision)
    assert meter is not None
    assert meter.add(0, 600)
    assert not meter.add(0, 600)  # 1,200 bytes would exceed 1000B/day
    assert meter.exhausted is not None
    assert meter.exhausted.code is Code.BUDGET_EXHAUSTED
    assert 'budget."capability:feeds".bytes' in meter.exhausted.reason
    # hosts outside the capability have no byte budget
    other = gate.decide_url("GET", "https://other.example.org/")
    assert enforcer.meter(Target("https", "other.example.org", 443, "/"), other) is None


def test_the_breaker_opens_after_refusals_and_refuses_that_upstream(store: StateStore) -> None:
    enforcer, gate = enforcer_for(store)
    for _ in range(2):
        decision = gate.decide_url("GET", "https://other.example.org/")
        assert decision.allowed
        enforcer.finished(method="GET", target="https://other.example.org/", decision=decision,
                          upstream_status=401)  # fmt: skip
    refused = gate.decide_url("GET", "https://other.example.org/")
    assert refused.code is Code.BREAKER_OPEN
    assert refused.retry_after is not None
    assert gate.decide_url("GET", "https://cdn.example.net/").allowed


def test_success_resets_the_breaker(store: StateStore) -> None:
    enforcer, gate = enforcer_for(store)
    for status in (401, 200, 401):
        decision = gate.decide_url("GET", "https://other.example.org/")
        enforcer.finished(method="GET", target="x", decision=decision, upstream_status=status)
    assert gate.decide_url("GET", "https://other.example.org/").allowed


def test_a_killed_bot_is_refused_everything_and_spends_nothing(store: StateStore) -> None:
    enforcer, gate = enforcer_for(store)
    store.kill("spree", "runaway crawl", "ops@host")
    enforcer.kill.refresh = 0  # type: ignore[union-attr]
    refused = gate.decide_url("GET", "https://api.example.com/v3/x")
    assert refused.code is Code.KILLED
    assert "runaway crawl" in refused.reason
    assert "ops@host" in refused.reason
    store.revive("spree")
    codes = [gate.decide_url("GET", "https://api.example.com/v3/x").code for _ in range(3)]
    assert codes == [Code.ALLOWED] * 3  # the refused request spent no budget


def test_report_mode_budgets_let_through_and_say_so(store: StateStore) -> None:
    text = MANIFEST.replace(
        '[budget."api.example.com"]\n', '[budget."api.example.com"]\nmode = "report"\n'
    )
    _, gate = enforcer_for(store, text)
    decisions = [gate.decide_url("GET", "https://api.example.com/v3/x") for _ in range(4)]
    assert decisions[-1].verdict is Verdict.REPORT
    assert decisions[-1].would_deny is Code.BUDGET_EXHAUSTED


@pytest.mark.parametrize(("policy", "allowed"), [("deny", False), ("allow", True)])
def test_the_failure_policy(policy: str, allowed: bool) -> None:
    text = MANIFEST.replace('owner = "o"\n', f'owner = "o"\non_store_error = "{policy}"\n', 1)
    unreachable = open_state_store("redis://127.0.0.1:1/0?timeout=0.5")  # nothing listens there
    enforcer = Enforcer(parse_manifest(text), unreachable)
    decision = enforcer.gate(Resolver(DNS)).decide_url("GET", "https://api.example.com/v3/x")
    assert decision.allowed is allowed
    if not allowed:
        assert decision.code is Code.STORE_ERROR
    assert enforcer.metrics.store_errors.values[("spree",)] >= 1


class BrokenBreakers(MemoryStore):
    """A store whose breaker calls fail; budgets and kills work."""

    def breaker(self, *args: object, **kwargs: object) -> BreakerState:
        raise StoreError("breaker table is corrupt")


@pytest.mark.parametrize(("policy", "allowed"), [("deny", False), ("allow", True)])
def test_a_failing_check_is_judged_alone_and_the_next_ones_still_run(
    policy: str, allowed: bool
) -> None:
    text = MANIFEST.replace('owner = "o"\n', f'owner = "o"\non_store_error = "{policy}"\n', 1)
    store = BrokenBreakers()
    enforcer = Enforcer(parse_manifest(text), store)
    gate = enforcer.gate(Resolver(DNS))
    codes = [gate.decide_url("GET", "https://api.example.com/v3/x").code for _ in range(4)]
    if allowed:  # let through by the failed breaker, then counted by the budgets (3/minute)
        assert codes == [Code.ALLOWED] * 3 + [Code.BUDGET_EXHAUSTED]
    else:  # refused at the breaker: the budgets were never charged
        assert codes == [Code.STORE_ERROR] * 4
        assert store.rate("b:spree:api.example.com:requests", 3, 60.0, 0).remaining == 3
    assert enforcer.metrics.store_errors.values[("spree",)] == 4  # every request asked again
