"""What every state store answers, and the one error type they raise.

A state store keeps the little shared state enforcement needs between requests and between
processes: budgets (rate and volume), circuit breakers and the kill switch. Each backend
(memory, SQLite, Redis, PostgreSQL) implements :class:`StateStore`; the arithmetic lives once in
:mod:`botwarden.stores.algorithms`, so every backend gives the same answer to the same questions.

Every failure of the store itself (unreachable, timed out, locked, corrupt) raises
:class:`StoreError`, naming the store by its redacted URL; the runtime decides what a failure
means (fail closed unless the manifest says otherwise). Arguments that make no sense (a limit
of zero, a negative cost) are the caller's bug and raise :class:`ValueError`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, Protocol, TypeAlias

from botwarden.errors import Error

Outcome: TypeAlias = Literal["success", "failure"]
BreakerName: TypeAlias = Literal["closed", "open", "half-open"]

DEFAULT_TIMEOUT = 2.0
"""Seconds a store waits to connect, for a lock or for an answer before raising StoreError."""


class StoreError(Error):
    """The state store could not answer: the message names the store (redacted) and the cause."""


@dataclass(frozen=True, slots=True)
class Take:
    """The answer to "may I spend this much?".

    ``remaining`` is what is left after this take (0 when refused); ``retry_after`` the seconds
    until the refused amount would fit if nothing else were taken (0.0 when allowed, ``inf`` when
    the amount is larger than the whole budget); ``used`` what the window holds after this take.
    """

    allowed: bool
    remaining: float
    retry_after: float
    used: float


@dataclass(frozen=True, slots=True)
class BreakerState:
    """A breaker as the caller should act on it now."""

    state: BreakerName
    failures: int
    retry_after: float  # seconds until an open breaker half-opens (0 otherwise)


@dataclass(frozen=True, slots=True)
class Kill:
    """Who stopped a bot, when and why."""

    bot: str
    reason: str
    by: str
    at: float


class StateStore(Protocol):
    """Budgets, breakers and kill switches, shared by everything that opens the same URL."""

    url: str  # redacted: safe to print

    def rate(
        self, key: str, limit: int, period: float, cost: int = 1, now: float | None = None
    ) -> Take:
        """GCRA: ``limit`` per ``period`` seconds, bursts up to ``limit``; refusals cost nothing."""
        ...

    def volume(
        self, key: str, amount: float, limit: float, period: float, now: float | None = None
    ) -> Take:
        """Sliding-window counter; a take that does not fit is refused whole; 0 only reads."""
        ...

    def breaker(
        self,
        key: str,
        outcome: Outcome | None,
        threshold: int,
        cool_down: float,
        now: float | None = None,
    ) -> BreakerState:
        """Record an outcome (or only read, with None) and return the breaker's state."""
        ...

    def kill(self, bot: str, reason: str, by: str, now: float | None = None) -> None:
        """Stop a bot everywhere (a second kill replaces the first record)."""
        ...

    def revive(self, bot: str) -> bool:
        """Lift a kill; False when the bot was not killed."""
        ...

    def killed(self, bot: str) -> Kill | None:
        """The kill record of a bot, or None."""
        ...

    def killed_bots(self) -> list[Kill]:
        """Every kill record, sorted by bot."""
        ...

    def keys(self, prefix: str) -> list[str]:
        """Budget and breaker keys starting with ``prefix``, sorted, each once."""
        ...

    def close(self) -> None:
        """Release connections; the store must not be used afterwards."""
        ...


# -- argument checks shared by every backend ---------------------------------------------------


def check_key(key: str) -> None:
    """Keys are opaque but must be text every backend can store: valid UTF-8."""
    try:
        key.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"a store key must be valid UTF-8: {key!r}") from exc


def check_kill(*texts: str) -> None:
    """Bot names, reasons and authors are text any backend stores: UTF-8 without NUL."""
    for text in texts:
        check_key(text)
        if "\x00" in text:
            raise ValueError(f"a bot name, kill reason or author must not contain NUL: {text!r}")


def check_rate(key: str, limit: int, period: float, cost: int) -> None:
    check_key(key)
    if limit < 1:
        raise ValueError(f"a rate limit must be at least 1, not {limit}")
    _check_period(period)
    if cost < 0:
        raise ValueError(f"a rate cost must not be negative, not {cost}")


def check_volume(key: str, amount: float, limit: float, period: float) -> None:
    check_key(key)
    if not (limit > 0 and math.isfinite(limit)):
        raise ValueError(f"a volume limit must be a positive number, not {limit}")
    _check_period(period)
    if not (amount >= 0 and math.isfinite(amount)):
        raise ValueError(f"a volume amount must be a non-negative number, not {amount}")


def check_breaker(key: str, outcome: str | None, threshold: int, cool_down: float) -> None:
    check_key(key)
    if outcome not in (None, "success", "failure"):
        raise ValueError(f"a breaker outcome is 'success', 'failure' or None, not {outcome!r}")
    if threshold < 1:
        raise ValueError(f"a breaker threshold must be at least 1, not {threshold}")
    if not (cool_down >= 0 and math.isfinite(cool_down)):
        raise ValueError(f"a breaker cool-down must be a non-negative number, not {cool_down}")


def _check_period(period: float) -> None:
    if not (period > 0 and math.isfinite(period)):
        raise ValueError(f"a budget period must be a positive number of seconds, not {period}")
