"""The exchange record written without a dict is byte for byte the record the dict path writes:
the same canonical text, the same entry, and a ledger that verifies."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from botwarden.ledger import open_ledger
from botwarden.ledger.chain import GENESIS, canonical, link, prepare
from botwarden.ledger.interface import Head
from botwarden.ledger.records import ExchangeRecords
from botwarden.manifest import parse_manifest
from botwarden.policy.decision import Code, Decision, Verdict, allow, deny
from botwarden.runtime.enforcer import Enforcer

texts = st.text(max_size=12)
decisions = st.builds(
    Decision,
    verdict=st.sampled_from(list(Verdict)),
    code=st.sampled_from(list(Code)),
    reason=texts,
    rule=texts,
    host=st.none() | texts,
    port=st.none() | st.integers(0, 70000),
    addresses=st.lists(texts, max_size=3).map(tuple),
    would_deny=st.none() | st.sampled_from(list(Code)),
    retry_after=st.none() | st.floats(0, 1e6),
)
statuses = st.none() | st.integers(100, 599)


def dict_path(
    instance: str, decision: Decision, *, method: str, target: str, status: int | None,
    upstream_status: int | None, bytes_up: int, bytes_down: int, outcome: str, duration: float,
) -> dict[str, Any]:  # fmt: skip
    """The record as Enforcer.finished builds it when it takes the dict path."""
    record: dict[str, Any] = {"instance": instance, "method": method, "target": target}
    record.update(decision.to_dict())
    record.update(
        status=status, upstream_status=upstream_status, bytes_up=bytes_up,
        bytes_down=bytes_down, outcome=outcome, duration=duration,
    )  # fmt: skip
    return record


@given(
    decisions, texts, texts, texts, texts, statuses, statuses, st.integers(0, 2**40),
    st.integers(0, 2**40), texts, st.floats(0, 1e5), st.floats(0, 4e9),
)  # fmt: skip
def test_the_entry_is_the_one_prepare_makes_from_the_dict(
    decision: Decision, bot: str, instance: str, method: str, target: str, status: int | None,
    upstream_status: int | None, bytes_up: int, bytes_down: int, outcome: str, duration: float,
    when: float,
) -> None:  # fmt: skip
    fields: dict[str, Any] = {
        "method": method, "target": target, "status": status, "upstream_status": upstream_status,
        "bytes_up": bytes_up, "bytes_down": bytes_down, "outcome": outcome, "duration": duration,
    }  # fmt: skip
    record = dict_path(instance, decision, **fields)
    fast = ExchangeRecords(bot, instance).prepared(when, decision, **fields)
    slow = prepare({**record, "time": when, "bot": bot})
    assert fast is not None
    assert fast == slow  # the same text, bot, verdict and time: the same entry
    rest = {k: v for k, v in record.items() if k != "verdict"}
    assert fast.text == canonical(rest)
    assert link("i", Head(0, GENESIS), [fast]) == link("i", Head(0, GENESIS), [slow])


def test_the_parts_of_a_decision_are_kept_and_not_confused_with_another() -> None:
    records = ExchangeRecords("bot", "host-1")
    first = allow("allowed by egress.allow[0]", "egress.allow[0]", host="a.example", port=443)
    second = deny(Code.NOT_ALLOWED, "not listed", "default-deny", host="b.example", port=443)
    for decision in (first, second, first, second):
        made = records.prepared(1.0, decision, **fields("http://x/", 200, 0.5))
        assert made is not None
        assert f'"rule":"{decision.rule}"' in made.text
        assert f'"host":"{decision.host}"' in made.text
        assert made.verdict == decision.verdict.value


def test_records_the_layout_does_not_cover_take_the_dict_path() -> None:
    records = ExchangeRecords("bot", "host-1")
    plain = allow("ok", "egress.allow[0]", host="a.example", port=80)
    extra = allow("ok", "egress.allow[0]", host="a.example", port=80, extra={"budget": {"n": 1}})
    url = "http://a.example/"
    assert records.prepared(1.0, plain, **fields(url, 200, 0.1)) is not None
    assert records.prepared(1.0, extra, **fields(url, 200, 0.1)) is None
    assert records.prepared(1.0, plain, **fields(url, True, 0.1)) is None
    assert records.prepared(1.0, plain, **fields(url, 200, 1)) is None
    assert records.prepared(1.0, plain, **fields(url, 200, math.nan)) is None
    assert records.prepared(1, plain, **fields(url, 200, 0.1)) is None
    assert records.prepared(math.inf, plain, **fields(url, 200, 0.1)) is None


def fields(target: str, status: object, duration: object) -> dict[str, Any]:
    return {
        "method": "GET", "target": target, "status": status, "upstream_status": 200,
        "bytes_up": 1, "bytes_down": 2, "outcome": "ok", "duration": duration,
    }  # fmt: skip


MANIFEST = """
schema_version = 1
[bot]
name = "rec"
owner = "o"
[egress]
allow = ["api.example.com"]
"""


def test_an_enforcer_writes_the_same_entries_either_way(tmp_path: Path) -> None:
    """The enforcer's fast path (a Ledger) and its dict path (a ledger-like object with only
    ``append``) give the same records, and the ledger verifies."""
    decisions = [
        allow("allowed", "egress.allow[0]", host="api.example.com", port=443,
              addresses=("93.184.216.34",)),
        deny(Code.BUDGET_EXHAUSTED, "spent ✓", "budget.total", host="api.example.com", port=443,
             retry_after=12.3456),
        allow("ok", "egress.allow[0]", host="api.example.com", port=443, extra={"k": [1, 2]}),
    ]  # fmt: skip

    class Plain:
        def __init__(self) -> None:
            self.records: list[dict[str, Any]] = []

        def append(self, record: dict[str, Any]) -> None:
            self.records.append(dict(record))

    plain = Plain()
    started = time.time()
    with open_ledger(f"sqlite:///{tmp_path / 'l.db'}", instance="one") as ledger:
        fast = Enforcer(parse_manifest(MANIFEST), ledger=ledger, instance="host-9")
        assert fast._records is not None  # the fast path is the one under test
        slow = Enforcer(parse_manifest(MANIFEST), ledger=plain, instance="host-9")
        for enforcer in (fast, slow):
            for number, decision in enumerate(decisions):
                enforcer.finished(
                    method="GET", target=f"https://api.example.com/{number}", decision=decision,
                    status=200, upstream_status=200, bytes_up=10, bytes_down=20,
                    started=started + number,
                )  # fmt: skip
        enforcer_duration = [r.pop("duration") for r in plain.records]
        ledger.flush()
        written = [entry.record for entry in ledger.entries()]
        assert [r.pop("duration") for r in written] != [None] * len(written)
        assert written == plain.records
        assert all(isinstance(d, float) for d in enforcer_duration)
        assert ledger.verify().ok
