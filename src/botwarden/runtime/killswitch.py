"""The kill switch at run time: ``botwarden kill BOT`` refuses the bot's requests everywhere.

Every process of the bot reads the kill state from the shared store at most every
``refresh`` seconds (0.5 by default), so a kill reaches every replica within one second while a
busy proxy does not ask the store on every request. Between reads a check is one comparison
of the monotonic clock (which the enforcer reads once for all its checks) with the time the
cached answer expires.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from botwarden.policy.decision import Code, Decision, deny
from botwarden.policy.request import Target
from botwarden.stores import Kill, StateStore

REFRESH = 0.5


class KillSwitch:
    def __init__(self, bot: str, store: StateStore, refresh: float = REFRESH) -> None:
        self.bot = bot
        self.store = store
        self.refresh = refresh
        self._stale_at = -float("inf")  # monotonic time from which the cached answer is stale
        self._kill: Kill | None = None

    def current(self, now: float | None = None) -> Kill | None:
        """The kill record, read at most every ``refresh`` seconds (``now``: time.monotonic())."""
        if now is None:
            now = time.monotonic()
        if now >= self._stale_at:
            self._kill = self.store.killed(self.bot)
            self._stale_at = now + self.refresh
        return self._kill

    def check(self, target: Target, decision: Decision, now: float | None = None) -> Decision:
        """A Gate check, first of all: a killed bot is refused whatever it asks. Never reported."""
        kill = self.current(now)
        if kill is None:
            return decision
        when = datetime.fromtimestamp(kill.at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        why = f": {kill.reason}" if kill.reason else ""
        return deny(
            Code.KILLED,
            f"bot {self.bot!r} was killed by {kill.by} at {when}{why}; "
            f"`botwarden revive {self.bot}` lifts it",
            "kill-switch",
            host=target.host,
            port=target.port,
        )


__all__ = ["REFRESH", "KillSwitch"]
