"""``--since``: ISO 8601 times and durations ago."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botwarden.ledger.timespec import iso, parse_since

NOW = 1_800_000_000.0


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", NOW - 90),
        ("15m", NOW - 900),
        ("2h", NOW - 7200),
        ("7d", NOW - 7 * 86400),
        ("1w", NOW - 604800),
        ("1.5h", NOW - 5400),
        (" 15M ", NOW - 900),
        ("2026-11-26T09:30:00Z", 1795685400.0),
        ("2026-11-26T09:30:00", 1795685400.0),
        ("2026-11-26T10:30:00+01:00", 1795685400.0),
        ("2026-11-26", 1795651200.0),
    ],
)
def test_parse_since(text: str, seconds: float) -> None:
    assert parse_since(text, NOW) == seconds


@pytest.mark.parametrize("text", ["", "15", "15 minutes", "-5m", "yesterday", "2026-13-01", "5y"])
def test_bad_since(text: str) -> None:
    with pytest.raises(ValueError, match="neither an ISO 8601 time"):
        parse_since(text, NOW)


@given(st.floats(min_value=0, max_value=4e9))
def test_iso_round_trips_to_the_millisecond(seconds: float) -> None:
    assert abs(parse_since(iso(seconds), NOW) - seconds) < 0.001


@given(st.text(max_size=30))
def test_parse_since_only_raises_value_error(text: str) -> None:
    try:
        parse_since(text, NOW)
    except ValueError:
        pass
