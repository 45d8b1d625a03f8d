from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botwarden.manifest.units import (
    Duration,
    parse_byte_rate,
    parse_cost_rate,
    parse_request_rate,
    parse_size,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("15m", 900), ("1h30m", 5400), ("30d", 2592000), ("2w", 1209600),
     ("30 days", 2592000), ("1 hour 5 minutes", 3900), ("10 SEC", 10)],
)  # fmt: skip
def test_durations(text: str, seconds: int) -> None:
    assert Duration.parse(text).seconds == seconds
    assert str(Duration.parse(text)) == text


@pytest.mark.parametrize(
    ("value", "reason"),
    [("30 dayz", "is not a duration"), ("", "is not a duration"), ("5", "is not a duration"),
     ("0s", "must be longer than zero"), ("3d junk", "is not a duration"),
     (30, "expected a string"),
     ("-5m", "is not a duration"), ("1.5h", "is not a duration")],
)  # fmt: skip
def test_bad_durations(value: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        Duration.parse(value)


@pytest.mark.parametrize(
    ("text", "size"),
    [("50MB", 50_000_000), ("1GB", 10**9), ("10MiB", 10 * 2**20), ("512 B", 512), ("1.5kb", 1500)],
)
def test_sizes(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["50", "MB", "5 parsecs", "-1MB", "1e3MB"])
def test_bad_sizes(text: str) -> None:
    with pytest.raises(ValueError, match="is not a size"):
        parse_size(text)


@pytest.mark.parametrize(
    ("parse", "text", "amount", "window"),
    [(parse_request_rate, "100/minute", 100, 60), (parse_request_rate, "5/10s", 5, 10),
     (parse_byte_rate, "50MB/day", 50_000_000, 86400), (parse_cost_rate, "2.50/hour", 2.5, 3600),
     (parse_request_rate, "7 / week", 7, 604800), (parse_request_rate, "100/m", 100, 60),
     (parse_request_rate, "100/hr", 100, 3600), (parse_request_rate, "100/minutes", 100, 60),
     (parse_request_rate, "100/seconds", 100, 1), (parse_request_rate, "100/1h30m", 100, 5400)],
)  # fmt: skip
def test_rates(parse: object, text: str, amount: float, window: int) -> None:
    rate = parse(text)  # type: ignore[operator]
    assert (rate.amount, rate.window_seconds, rate.text) == (amount, window, text)


@pytest.mark.parametrize(
    ("parse", "text", "reason"),
    [(parse_request_rate, "100", "expected AMOUNT/WINDOW"),
     (parse_request_rate, "1.5/minute", "whole number"),
     (parse_request_rate, "0/minute", "greater than zero"),
     (parse_request_rate, "10/fortnight", "window 'fortnight' is not valid"),
     (parse_byte_rate, "lots/day", "is not a size"),
     (parse_cost_rate, "nan/day", "finite"), (parse_cost_rate, "free/day", "must be a number"),
     (parse_cost_rate, "-1/day", "greater than zero")],
)  # fmt: skip
def test_bad_rates(parse: object, text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse(text)  # type: ignore[operator]


@given(st.lists(st.tuples(st.integers(1, 10**6), st.sampled_from("smhdw")), min_size=1, max_size=4))
def test_compound_durations_add_up(parts: list[tuple[int, str]]) -> None:
    unit = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
    text = "".join(f"{n}{u}" for n, u in parts)
    assert Duration.parse(text).seconds == sum(n * unit[u] for n, u in parts)


@given(st.text(max_size=20))
def test_duration_parser_only_raises_value_error(text: str) -> None:
    try:
        assert Duration.parse(text).seconds > 0
    except ValueError:
        pass
