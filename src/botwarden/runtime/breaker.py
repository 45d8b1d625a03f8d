"""The circuit breaker at run time: stop calling an upstream that keeps refusing the bot.

Upstream answers listed in ``[breaker].trip_after_status`` (and, by default, connection failures)
count as failures; a 2xx or 3xx answer counts as a success and resets the count; other answers
(404, 500, ...) leave it alone. ``threshold`` consecutive failures open the breaker: requests are
refused for ``cool_down``, then it half-opens and the next answer decides. One breaker per
upstream host and port, or one for the whole bot (``scope = "bot"``). The state lives in the
shared store, so one replica's 401s stop every replica.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from botwarden.manifest.model import Breaker, Manifest, Mode
from botwarden.policy.decision import Code, Decision, deny, report
from botwarden.policy.request import Target
from botwarden.stores import BreakerState, StateStore

Outcome = Literal["success", "failure"]


@dataclass
class BreakerBook:
    """A bot's breaker settings and the store that holds its state."""

    bot: str
    settings: Breaker
    store: StateStore
    report_mode: bool = False

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
        return self.store.breaker(self.key(host, port), outcome, s.threshold, s.cool_down.seconds)

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


__all__ = ["BreakerBook"]
