"""The arithmetic of budgets and breakers, as pure functions of (stored state, request, now).

Every backend reads the stored state, calls one of these functions and writes back what it
returns, inside one atomic step of its own (a lock, a transaction, a Lua script). The Redis
backend runs the same formulas in Lua (:mod:`botwarden.stores.redis_scripts`), operation for
operation, so that every store gives the same answer; docs/stores.md states them precisely.

- :func:`gcra`: the generic cell rate algorithm. Emission interval ``T = period / limit``;
  the state is the theoretical arrival time ``tat``. A take of ``cost`` is allowed when
  ``max(tat, now) + cost*T - period <= now``, i.e. with a burst tolerance ``tau = period - T``:
  a full budget admits ``limit`` at once, then one more every ``T``.
- :func:`sliding_window`: two fixed windows aligned on multiples of ``period``; the previous
  one counts in proportion to how much of it the sliding window still overlaps.
- :func:`breaker_step`: closed, open and half-open, with consecutive failures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from botwarden.stores.base import BreakerName, BreakerState, Outcome, Take

TIME_SLACK = 1e-6
"""Seconds of floating-point rounding forgiven when a GCRA take lands exactly on its time."""

VOLUME_SLACK = 1e-9
"""Fraction of a volume limit forgiven for floating-point rounding; a volume take is also
forgiven what the previous window's share shrinks by in TIME_SLACK seconds."""

BREAKER_IDLE_MIN = 86400.0
"""A breaker that heard nothing for max(this, 2 * cool_down) seconds is forgotten (closed, 0)."""


# -- rates: GCRA --------------------------------------------------------------------------------


def gcra(
    tat: float | None, limit: int, period: float, cost: int, now: float
) -> tuple[Take, float | None]:
    """Decide one take; return the answer and the new ``tat`` to store (None: store nothing)."""
    interval = period / limit
    base = tat if tat is not None and tat > now else now
    if cost > limit:
        return Take(False, 0.0, math.inf, (base - now) / interval), None
    new_tat = base + cost * interval
    allow_at = new_tat - period
    if allow_at - now > TIME_SLACK:
        return Take(False, 0.0, allow_at - now, (base - now) / interval), None
    used = min(float(limit), (new_tat - now) / interval)
    remaining = float(max(0, math.floor(limit - used + 1e-9)))
    return Take(True, remaining, 0.0, used), (new_tat if cost > 0 else None)


# -- volumes: sliding-window counter ------------------------------------------------------------


class Window(NamedTuple):
    """A volume's stored state: the current window's number and the two windows' totals.

    (A tuple rather than a dataclass: it is built on every take, and tuples build faster.)
    """

    number: int  # floor(time / period) of the current window
    current: float
    previous: float


def sliding_window(
    window: Window | None, amount: float, limit: float, period: float, now: float
) -> tuple[Take, Window | None]:
    """Decide one take; return the answer and the window to store (None: store nothing)."""
    index = math.floor(now / period)
    if window is None or window.number < index - 1:
        current = previous = 0.0
    elif window.number == index - 1:
        current, previous = 0.0, window.current
    else:  # this window, or a clock behind the store's: never refund
        index, current, previous = window
    elapsed = max(0.0, now - index * period)
    used = previous * (1.0 - elapsed / period) + current
    if amount > limit:
        return Take(False, 0.0, math.inf, used), None
    if used + amount <= limit + limit * VOLUME_SLACK + previous * (TIME_SLACK / period):
        total = used + amount
        new = Window(index, current + amount, previous) if amount > 0 else None
        return Take(True, max(0.0, limit - total), 0.0, total), new
    wait = _volume_wait(Window(index, current, previous), amount, limit, period, now)
    return Take(False, 0.0, wait, used), None


def _volume_wait(window: Window, amount: float, limit: float, period: float, now: float) -> float:
    """Seconds until ``amount`` fits if nothing else is taken (closed form, see docs/stores.md)."""
    index, current, previous = window.number, window.current, window.previous
    room = limit - amount - current
    elapsed = max(0.0, now - index * period)
    if room >= 0 and previous > 0:  # fits once the previous window has slid out far enough
        return max(0.0, period * (1.0 - room / previous) - elapsed)
    if current <= 0:
        return 0.0
    left = (index + 1) * period - now  # otherwise: into the next window, as this one slides out
    return left + period * (1.0 - (limit - amount) / current)


# -- breakers -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BreakerRecord:
    """A breaker's stored state; a closed breaker without failures is not stored at all."""

    state: BreakerName
    failures: int
    until: float  # when an open breaker half-opens (0.0 unless open or half-open)
    touched: float  # when the last outcome was recorded


def breaker_idle(cool_down: float) -> float:
    """Seconds of silence after which a breaker's record is forgotten."""
    return max(BREAKER_IDLE_MIN, 2.0 * cool_down)


def breaker_step(
    record: BreakerRecord | None,
    outcome: Outcome | None,
    threshold: int,
    cool_down: float,
    now: float,
) -> tuple[BreakerState, BreakerRecord | None]:
    """Apply one outcome (or none: only read); return the state and the record to store.

    The caller stores the returned record when it differs from ``record`` and deletes the
    stored one when it is None.
    """
    if record is not None and now - record.touched >= breaker_idle(cool_down):
        record = None
    state: BreakerName
    if record is None:
        state, failures, until, touched = "closed", 0, 0.0, now
    else:
        state, failures, until, touched = (
            record.state,
            record.failures,
            record.until,
            record.touched,
        )
    if state == "open" and now >= until:
        state = "half-open"
    if outcome == "success":
        touched = now
        if state != "open":  # an answer still in flight when the breaker opened changes nothing
            state, failures, until = "closed", 0, 0.0
    elif outcome == "failure":
        touched, failures = now, failures + 1
        if state == "half-open" or (state == "closed" and failures >= threshold):
            state, until = "open", now + cool_down
    answer = BreakerState(state, failures, until - now if state == "open" else 0.0)
    if state == "closed" and failures == 0:
        return answer, None
    return answer, BreakerRecord(state, failures, until, touched)
