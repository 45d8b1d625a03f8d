"""The circuit breaker at run time: stop calling an upstream that keeps refusing the bot.

Upstream answers listed in ``[breaker].trip_after_status`` (and, by default, connection failures)
count as failures; a 2xx or 3xx answer counts as a success and resets the count; other answers
(404, 500, ...) leave it alone. ``threshold`` consecutive failures open the breaker: requests are
refused for ``cool_down``, then it half-opens and the next answer decides. One breaker per
upstream host and port, or one for the whole bot (``scope = "bot"``). The state lives in the
shared store, so one replica's 401s stop every replica.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

from botwarden.manifest.model import Breaker, Manifest, Mode
from botwarden.policy.decision import Code, Decision, deny, report
from botwarden.policy.request import Target
from botwarden.stores import BreakerState, StateStore

Outcome = Literal["success", "failure"]


REFRESH = 0.5  # seconds a breaker state read from the store is reused by this process


class _Known:
    """What this process last read of one breaker, and when (``time.monotonic()``)."""

    __slots__ = ("at", "state")

    def __init__(self) -> None:
        self.at = -float("inf")
        self.state: BreakerState | None = None


@dataclass
class BreakerBook:
    """A bot's breaker settings and the store that holds its state.

    Reads are cached per upstream for ``REFRESH`` seconds, and a success is written only when
    the last known state had failures to reset: a healthy upstream costs no store round trip
    per request, and a breaker opened by one replica is seen by the others within ``REFRESH``.
    The cache entry of each upstream (with its store key) is found with one dict look-up.
    """

    bot: str
    settings: Breaker
    store: StateStore
    report_mode: bool = False
    _known: dict[tuple[str, int], tuple[str, _Known]] = field(default_factory=dict)
    _by_key: dict[str, _Known] = field(default_factory=dict)
    _trips: frozenset[int] = field(init=False)

    def __post_init__(self) -> None:
        self._trips = frozenset(self.settings.trip_after_status)

    @classmethod
    def from_manifest(cls, manifest: Manifest, store: StateStore) -> BreakerBook | None:
        if manifest.breaker is None:
            return None
        mode = manifest.breaker.mode or manifest.bot.mode
        return cls(manifest.bot.name, manifest.breaker, store, mode is Mode.REPORT)

    def key(self, host: str, port: int) -> str:
        if self.settings.scope == "bot":
            return f"k:{self.bot}:breaker:*"
        return f"k:{self.bot}:breaker:{host}:{port}"

    def _entry(self, host: str, port: int) -> tuple[str, _Known]:
        """The store key and cache entry of an upstream (one entry per key: scope "bot")."""
        entry = self._known.get((host, port))
        if entry is None:
            if len(self._known) > 4096:
                self._known.clear()
                self._by_key.clear()
            key = self.key(host, port)
            known = self._by_key.get(key)
            if known is None:
                known = self._by_key[key] = _Known()
            entry = self._known[(host, port)] = (key, known)
        return entry

    def _state(
        self, host: str, port: int, outcome: Outcome | None, now: float | None = None
    ) -> BreakerState:
        key, known = self._entry(host, port)
        if now is None:
            now = time.monotonic()
        state = known.state
        if state is not None:
            if outcome is None and now - known.at < REFRESH:
                return state
            if outcome == "success" and _healthy(state):
                return state
        s = self.settings
        state = self.store.breaker(key, outcome, s.threshold, s.cool_down.seconds)
        known.state = state  # before the time: a reader in between may ask again, never trust
        known.at = now  # an old state as fresh
        return state

    def check(self, target: Target, decision: Decision, now: float | None = None) -> Decision:
        """A Gate check: refuse while the breaker for this upstream is open.

        ``now``: ``time.monotonic()`` when the caller already read it."""
        state = self._state(target.host, target.port, None, now)
        if state.state != "open":
            return decision
        where = "the bot" if self.settings.scope == "bot" else f"{target.host}:{target.port}"
        denial = deny(
            Code.BREAKER_OPEN,
            f"the breaker for {where} is open after {state.failures} refusals in a row; it "
            f"half-opens in {state.retry_after:.0f} s",
            "breaker",
            host=target.host,
            port=target.port,
        )
        denial.retry_after = state.retry_after
        return report(denial) if self.report_mode else denial

    def outcome(self, status: int | None, connection_failed: bool = False) -> Outcome | None:
        """What an upstream answer means for the breaker: failure, success or nothing."""
        if connection_failed:
            return "failure" if self.settings.count_connection_errors else None
        if status is None:
            return None
        if status in self._trips:
            return "failure"
        return "success" if 200 <= status < 400 else None

    def record(
        self, host: str, port: int, status: int | None, connection_failed: bool = False
    ) -> None:
        if not connection_failed and status is not None and 200 <= status < 400:
            # the common case, a success: nothing to write while the upstream is known healthy
            entry = self._known.get((host, port))
            known = entry[1].state if entry is not None else None
            if known is not None and _healthy(known) and status not in self._trips:
                return
        outcome = self.outcome(status, connection_failed)
        if outcome is not None:
            self._state(host, port, outcome)


def _healthy(state: BreakerState) -> bool:
    return state.state == "closed" and state.failures == 0


__all__ = ["BreakerBook"]
