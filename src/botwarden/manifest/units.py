"""Durations, sizes and per-window amounts as written in a manifest ("30d", "50MB", "100/minute").

Values keep the text the user wrote (``text``) so errors and reports quote it back unchanged, and
carry the parsed number so the runtime never parses twice.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_DURATION_UNITS: dict[str, int] = {}
for _names, _seconds in (
    (("s", "sec", "secs", "second", "seconds"), 1),
    (("m", "min", "mins", "minute", "minutes"), 60),
    (("h", "hr", "hrs", "hour", "hours"), 3600),
    (("d", "day", "days"), 86400),
    (("w", "week", "weeks"), 604800),
):
    for _name in _names:
        _DURATION_UNITS[_name] = _seconds

_DURATION_PART = re.compile(r"\s*(\d+)\s*([a-z]+)", re.IGNORECASE)
DURATION_HELP = "a number and a unit (s, m, h, d, w), e.g. '90s', '15m', '30d' or '1h30m'"


def _parse_duration_seconds(text: str) -> int | None:
    pos, total, parts = 0, 0, 0
    while pos < len(text):
        match = _DURATION_PART.match(text, pos)
        if match is None:
            return None
        seconds = _DURATION_UNITS.get(match.group(2).lower())
        if seconds is None:
            return None
        total += int(match.group(1)) * seconds
        pos, parts = match.end(), parts + 1
        if text[pos:].strip() == "":
            break
    return total if parts else None


@dataclass(frozen=True, slots=True)
class Duration:
    """A positive length of time, in whole seconds."""

    seconds: int
    text: str

    @classmethod
    def parse(cls, value: object) -> Duration:
        if isinstance(value, Duration):
            return value
        if not isinstance(value, str):
            raise ValueError(f"expected a string with {DURATION_HELP}")
        seconds = _parse_duration_seconds(value.strip())
        if seconds is None:
            raise ValueError(f"{value!r} is not a duration: expected {DURATION_HELP}")
        if seconds <= 0:
            raise ValueError(f"{value!r} must be longer than zero")
        return cls(seconds, value.strip())

    def __str__(self) -> str:
        return self.text


_SIZE_UNITS = {
    "b": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*", re.IGNORECASE)
SIZE_HELP = "a number and a unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB), e.g. '50MB'"


def parse_size(text: str) -> int:
    """Bytes in ``text``; decimal units are powers of 1000, binary (KiB...) powers of 1024."""
    match = _SIZE.fullmatch(text)
    unit = _SIZE_UNITS.get(match.group(2).lower()) if match else None
    if match is None or unit is None:
        raise ValueError(f"{text!r} is not a size: expected {SIZE_HELP}")
    return int(float(match.group(1)) * unit)


WINDOW_HELP = "second, minute, hour, day, week, or a duration such as 10s or 15m"


def parse_window(text: str) -> int:
    """Seconds in a window: a unit name ('minute', 'm', 'hours') or a duration ('15m')."""
    name = text.strip().lower()
    if name in _DURATION_UNITS:
        return _DURATION_UNITS[name]
    seconds = _parse_duration_seconds(name)
    if seconds is None or seconds <= 0:
        raise ValueError(f"window {text!r} is not valid: expected {WINDOW_HELP}")
    return seconds


@dataclass(frozen=True, slots=True)
class PerWindow:
    """An amount allowed per window of time: requests, bytes or cost."""

    amount: float
    window_seconds: int
    text: str

    def __str__(self) -> str:
        return self.text


def _split_rate(value: object, example: str) -> tuple[str, str]:
    if not isinstance(value, str):
        raise ValueError(f"expected a string such as {example!r}")
    amount, sep, window = value.partition("/")
    if not sep or not amount.strip() or not window.strip():
        raise ValueError(f"{value!r} is not a budget: expected AMOUNT/WINDOW such as {example!r}")
    return amount.strip(), window


def _positive(amount: float, value: str) -> float:
    if amount <= 0:
        raise ValueError(f"{value!r}: the amount must be greater than zero")
    return amount


def parse_request_rate(value: object) -> PerWindow:
    amount, window = _split_rate(value, "100/minute")
    assert isinstance(value, str)
    if not amount.isdigit():
        raise ValueError(f"{value!r}: the number of requests must be a whole number")
    return PerWindow(_positive(int(amount), value), parse_window(window), value.strip())


def parse_byte_rate(value: object) -> PerWindow:
    amount, window = _split_rate(value, "50MB/day")
    assert isinstance(value, str)
    return PerWindow(_positive(parse_size(amount), value), parse_window(window), value.strip())


def parse_cost_rate(value: object) -> PerWindow:
    amount, window = _split_rate(value, "5.00/day")
    assert isinstance(value, str)
    try:
        number = float(amount)
    except ValueError:
        raise ValueError(f"{value!r}: the cost must be a number, e.g. '5.00/day'") from None
    if not math.isfinite(number):
        raise ValueError(f"{value!r}: the cost must be a finite number")
    return PerWindow(_positive(number, value), parse_window(window), value.strip())
