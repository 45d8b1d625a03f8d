"""``--since`` values: an ISO 8601 time, or a duration ago such as ``90s``, ``15m``, ``2h``,
``7d``, ``1w`` (a decimal number and one unit). An ISO time without a zone is taken as UTC."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])", re.ASCII)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_since(text: str, now: float) -> float:
    """Seconds since the epoch that ``text`` names; ValueError (saying why) if it names none."""
    value = text.strip()
    duration = _DURATION.fullmatch(value.lower())
    if duration is not None:
        return now - float(duration.group(1)) * _UNITS[duration.group(2)]
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{text!r} is neither an ISO 8601 time (2026-11-26T09:30:00Z) nor a duration ago "
            "(90s, 15m, 2h, 7d, 1w)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def iso(seconds: float) -> str:
    """``seconds`` as an ISO 8601 UTC time with milliseconds, e.g. ``2026-11-26T09:30:00.000Z``."""
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
