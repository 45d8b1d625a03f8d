"""The payload suite: XSS and exfiltration cases, each naming what must not survive.

Each case is checked twice: the named strings must be gone from the output, and the output,
rendered as a browser gets it (Markdown through a CommonMark renderer with raw HTML on), must
hold no live markup, handler or link to a host outside the allow-list (see ``oracle.live``).
The same table drives ``benchmarks/guards_output/bench_sanitize.py``.
"""

from __future__ import annotations

import pytest
from tests.guards.output.oracle import live
from tests.guards.output.payloads import PAYLOADS, Payload


@pytest.mark.parametrize("case", PAYLOADS, ids=[p.name for p in PAYLOADS])
def test_payload_does_not_survive(sanitizer, case: Payload) -> None:
    out = sanitizer.sanitize(case.text, case.fmt).text
    for needle in case.gone:
        assert needle.lower() not in out.lower(), f"{needle!r} survived in {out!r}"
    assert live(out, case.fmt) == [], out
    for needle in case.kept:
        assert needle in out, f"{needle!r} was lost from {out!r}"


def test_the_suite_is_big_enough() -> None:
    assert len(PAYLOADS) >= 50
    assert len({p.name for p in PAYLOADS}) == len(PAYLOADS)


def test_payloads_are_live_before_sanitising() -> None:
    """The checks can fail: every attack, unsanitised, is live or holds what must go (the
    cases without anything to remove are the controls: allowed links that must stay)."""
    attacks = [p for p in PAYLOADS if p.gone]
    assert len(attacks) >= 50
    for case in attacks:
        assert live(case.text, case.fmt) or any(n.lower() in case.text.lower() for n in case.gone)
