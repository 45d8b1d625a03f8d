"""The in-process store: one lock around plain dictionaries.

It is the reference the other backends are tested against (they must give the same answers to
the same calls) and the store for one-process runs and tests. Nothing survives the process.
"""

from __future__ import annotations

import threading
import time

from botwarden.stores import algorithms
from botwarden.stores.algorithms import BreakerRecord, Window
from botwarden.stores.base import (
    BreakerState,
    Kill,
    Outcome,
    Take,
    check_breaker,
    check_key,
    check_kill,
    check_rate,
    check_volume,
)


class MemoryStore:
    """Thread-safe state for one process."""

    def __init__(self, url: str = "memory://") -> None:
        self.url = url
        self._lock = threading.Lock()
        self._rates: dict[str, float] = {}
        self._volumes: dict[str, Window] = {}
        self._breakers: dict[str, BreakerRecord] = {}
        self._kills: dict[str, Kill] = {}

    def rate(
        self, key: str, limit: int, period: float, cost: int = 1, now: float | None = None
    ) -> Take:
        check_rate(key, limit, period, cost)
        with self._lock:
            clock = time.time() if now is None else now
            take, tat = algorithms.gcra(self._rates.get(key), limit, period, cost, clock)
            if tat is not None:
                self._rates[key] = tat
        return take

    def volume(
        self, key: str, amount: float, limit: float, period: float, now: float | None = None
    ) -> Take:
        check_volume(key, amount, limit, period)
        with self._lock:
            clock = time.time() if now is None else now
            take, window = algorithms.sliding_window(
                self._volumes.get(key), amount, limit, period, clock
            )
            if window is not None:
                self._volumes[key] = window
        return take

    def breaker(
        self,
        key: str,
        outcome: Outcome | None,
        threshold: int,
        cool_down: float,
        now: float | None = None,
    ) -> BreakerState:
        check_breaker(key, outcome, threshold, cool_down)
        with self._lock:
            clock = time.time() if now is None else now
            old = self._breakers.get(key)
            state, record = algorithms.breaker_step(old, outcome, threshold, cool_down, clock)
            if record is None:
                self._breakers.pop(key, None)
            elif record != old:
                self._breakers[key] = record
        return state

    def kill(self, bot: str, reason: str, by: str, now: float | None = None) -> None:
        check_kill(bot, reason, by)
        with self._lock:
            self._kills[bot] = Kill(bot, reason, by, time.time() if now is None else now)

    def revive(self, bot: str) -> bool:
        check_kill(bot)
        with self._lock:
            return self._kills.pop(bot, None) is not None

    def killed(self, bot: str) -> Kill | None:
        check_kill(bot)
        with self._lock:
            return self._kills.get(bot)

    def killed_bots(self) -> list[Kill]:
        with self._lock:
            return sorted(self._kills.values(), key=lambda kill: kill.bot)

    def keys(self, prefix: str) -> list[str]:
        check_key(prefix)
        with self._lock:
            names = {*self._rates, *self._volumes, *self._breakers}
        return sorted(name for name in names if name.startswith(prefix))

    def close(self) -> None:
        """Nothing to release."""
