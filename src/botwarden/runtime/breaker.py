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


@dataclass
class BreakerBook:
    """A bot's breaker settings and the store that holds its state.

    Reads are cached per upstream for ``REFRESH`` seconds, and a success is written only when
    the last known state had failures to reset: a healthy upstream costs no store round trip
    per request, and a breaker opened by one replica is seen by the others within ``REFRESH``.
    """

    bot: str
    settings: Breaker
    store: StateStore
    report_mode: bool = False
    _known: dict[str, tuple[float, BreakerState]] = field(default_factory=dict)

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

    def _state(self, host: str, port: int, outcome: Outcome | None) -> BreakerState:
        s = self.settings
        key = self.key(host, port)
        known = self._known.get(key)
        now = time.monotonic()
        if outcome is None and known is not None and now - known[0] < REFRESH:
            return known[1]
        if outcome == "success" and known is not None and _healthy(known[1]):
            return known[1]
        state = self.store.breaker(key, outcome, s.threshold, s.cool_down.seconds)
        if len(self._known) > 4096:
            self._known.clear()
        self._known[key] = (now, state)
        return state

    def check(self, target: Target, decision: Decision) -> Decision:
        """A Gate check: refuse while the breaker for this upstream is open."""
        state = self._state(target.host, target.port, None)
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
        if status in self.settings.trip_after_status:
            return "failure"
        return "success" if 200 <= status < 400 else None

    def record(
        self, host: str, port: int, status: int | None, connection_failed: bool = False
    ) -> None:
        outcome = self.outcome(status, connection_failed)
        if outcome is not None:
            self._state(host, port, outcome)


def _healthy(state: BreakerState) -> bool:
    return state.state == "closed" and state.failures == 0


__all__ = ["BreakerBook"]
