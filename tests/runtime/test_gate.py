"""The gate's memory: what it may remember, for how long, and what it must run every time."""

from __future__ import annotations

import asyncio

import pytest

from botwarden.manifest import parse_manifest
from botwarden.policy.decision import Code, Decision, Verdict, deny
from botwarden.policy.request import Target
from botwarden.runtime.gate import Gate
from botwarden.runtime.resolve import Resolver

MANIFEST = parse_manifest(
    'schema_version = 1\n[bot]\nname = "b"\nowner = "o"\n'
    '[egress]\nallow = ["localhost:8080", "127.0.0.1:8080", "svc.test", "93.184.216.34"]\n'
)


def test_literals_and_overrides_are_decided_at_once() -> None:
    gate = Gate.from_manifest(MANIFEST, resolver=Resolver({"svc.test": ["93.184.216.34"]}))
    assert gate.decide_url_now("GET", "https://93.184.216.34/").verdict is Verdict.ALLOW  # type: ignore[union-attr]
    decision = gate.decide_url_now("GET", "https://svc.test/")
    assert decision is not None
    assert decision.addresses == ("93.184.216.34",)
    assert gate.decide_connect_now("svc.test:443") is not None


def test_a_name_needing_a_lookup_waits_until_its_answer_is_known() -> None:
    gate = Gate.from_manifest(MANIFEST, resolver=Resolver(ttl=60))
    assert gate.decide_url_now("GET", "http://localhost:8080/") is None
    first = gate.decide_url("GET", "http://localhost:8080/")  # resolves, for real
    assert first.verdict is Verdict.ALLOW
    again = gate.decide_url_now("GET", "http://localhost:8080/")  # the answer is remembered
    assert again is not None
    assert again.addresses == first.addresses


def test_without_a_ttl_every_request_resolves_again() -> None:
    gate = Gate.from_manifest(MANIFEST, resolver=Resolver(ttl=0))
    gate.decide_url("GET", "http://localhost:8080/")
    assert gate.decide_url_now("GET", "http://localhost:8080/") is None


def test_refusals_before_dns_are_decided_at_once_and_never_resolve() -> None:
    gate = Gate.from_manifest(MANIFEST, resolver=Resolver(ttl=0))
    decision = gate.decide_url_now("GET", "https://elsewhere.example/")
    assert decision is not None
    assert decision.code is Code.NOT_ALLOWED


def test_later_checks_run_on_every_request_even_when_remembered() -> None:
    seen: list[str] = []

    def budget(target: Target, decision: Decision) -> Decision:
        seen.append(target.host)
        if len(seen) > 2:
            return deny(Code.NOT_ALLOWED, "budget spent", "budget.test")
        return decision

    gate = Gate.from_manifest(
        MANIFEST, resolver=Resolver({"svc.test": ["93.184.216.34"]}), checks=[budget]
    )
    verdicts = [gate.decide_url("GET", "https://svc.test/a").verdict for _ in range(3)]
    assert verdicts == [Verdict.ALLOW, Verdict.ALLOW, Verdict.DENY]
    assert seen == ["svc.test"] * 3


@pytest.mark.parametrize("url", ["https://svc.test/", "http://localhost:8080/"])
def test_async_and_sync_paths_agree(url: str) -> None:
    gate = Gate.from_manifest(MANIFEST, resolver=Resolver({"svc.test": ["93.184.216.34"]}))
    sync = gate.decide_url("GET", url)
    fresh = Gate.from_manifest(MANIFEST, resolver=Resolver({"svc.test": ["93.184.216.34"]}))
    assert asyncio.run(fresh.adecide_url("GET", url)) == sync
