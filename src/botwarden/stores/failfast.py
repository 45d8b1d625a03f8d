"""A store that stopped answering fails at once, until a background probe finds it back.

The proxy makes its checks on its event loop. When the shared store stops answering (a network
partition, a Redis that accepts connections but hangs, a SQLite file locked by another process),
every call waits for the store's timeout (2 s by default) before it raises, and every connection
of the proxy waits with it. Measured through the proxy against a server that accepts
connections and never answers: each request took 2.0 s, and nothing else moved meanwhile (other
bots' requests, tunnels, ``/metrics``).

:class:`FailFastStore` remembers such a failure instead: one that took at least
``slow_failure`` seconds (50 ms by default; a working local store answers in well under one).
Until the store answers again, every call
raises :class:`~botwarden.stores.base.StoreError` at once (the runtime then applies
``[bot].on_store_error``, as for any store failure: fail closed unless the manifest says
otherwise), and one background thread asks the store every ``probe_interval`` seconds; its first
answer ends the outage. An outage thus costs one timeout rather than one a request, and the
runtime uses the store again about ``probe_interval`` after it recovers (plus one round trip).

A failure that comes at once (connection refused, a corrupt table) is passed on and changes
nothing: it costs the event loop no wait, and a store whose breaker table fails may still count
budgets, which the runtime judges check by check.

Operator actions (``kill``, ``revive``) always go to the store: they are rare, and whoever runs
them should see the store's own answer. Their success ends an outage too.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from botwarden.stores.base import BreakerState, Kill, Outcome, StateStore, StoreError, Take

T = TypeVar("T")

DEFAULT_PROBE_INTERVAL = 0.5
DEFAULT_SLOW_FAILURE = 0.05
log = logging.getLogger("botwarden.runtime")


class FailFastStore:
    """Any :class:`~botwarden.stores.base.StateStore`, failing at once while it is down."""

    def __init__(
        self,
        inner: StateStore,
        *,
        probe_interval: float = DEFAULT_PROBE_INTERVAL,
        slow_failure: float = DEFAULT_SLOW_FAILURE,
    ) -> None:
        if not (probe_interval > 0 and slow_failure >= 0):
            raise ValueError("probe_interval must be positive and slow_failure not negative")
        self.inner = inner
        self.url = inner.url
        self.probe_interval = probe_interval
        self.slow_failure = slow_failure
        self._lock = threading.Lock()
        self._down: tuple[float, str] | None = None  # (monotonic time it failed, why)
        self._prober: threading.Thread | None = None
        self._closed = threading.Event()

    @property
    def down(self) -> bool:
        """Whether the store is taken to be down (calls fail at once)."""
        return self._down is not None

    # -- checked: the calls the runtime makes -------------------------------------------------

    def rate(
        self, key: str, limit: int, period: float, cost: int = 1, now: float | None = None
    ) -> Take:
        return self._ask(lambda: self.inner.rate(key, limit, period, cost, now))

    def volume(
        self, key: str, amount: float, limit: float, period: float, now: float | None = None
    ) -> Take:
        return self._ask(lambda: self.inner.volume(key, amount, limit, period, now))

    def breaker(
        self,
        key: str,
        outcome: Outcome | None,
        threshold: int,
        cool_down: float,
        now: float | None = None,
    ) -> BreakerState:
        return self._ask(lambda: self.inner.breaker(key, outcome, threshold, cool_down, now))

    def killed(self, bot: str) -> Kill | None:
        return self._ask(lambda: self.inner.killed(bot))

    def killed_bots(self) -> list[Kill]:
        return self._ask(self.inner.killed_bots)

    def keys(self, prefix: str) -> list[str]:
        return self._ask(lambda: self.inner.keys(prefix))

    # -- operator actions: always asked --------------------------------------------------------

    def kill(self, bot: str, reason: str, by: str, now: float | None = None) -> None:
        self.inner.kill(bot, reason, by, now)
        self._recovered()

    def revive(self, bot: str) -> bool:
        revived = self.inner.revive(bot)
        self._recovered()
        return revived

    def close(self) -> None:
        self._closed.set()
        prober = self._prober
        if prober is not None:
            prober.join(0.1)  # a probe may be waiting on the store; it is a daemon thread
        self.inner.close()

    # -- the outage ----------------------------------------------------------------------------

    def _ask(self, call: Callable[[], T]) -> T:
        down = self._down
        if down is not None:
            raise StoreError(_outage(self.url, down, self.probe_interval))
        started = time.monotonic()
        try:
            return call()
        except StoreError as exc:
            if time.monotonic() - started >= self.slow_failure:
                self._failed(exc.message)
            raise

    def _failed(self, why: str) -> None:
        with self._lock:
            if self._down is None:
                self._down = (time.monotonic(), why)
            if self._prober is None and not self._closed.is_set():
                self._prober = threading.Thread(
                    target=self._probe, name="botwarden-store-probe", daemon=True
                )
                self._prober.start()

    def _recovered(self) -> None:
        with self._lock:
            self._down = None

    def _probe(self) -> None:
        """Ask the store until it answers (or the store is closed); then end the outage."""
        try:
            while not self._closed.wait(self.probe_interval):
                try:
                    self.inner.killed_bots()
                except StoreError as exc:
                    with self._lock:
                        if self._down is not None:
                            self._down = (self._down[0], exc.message)
                    continue
                except Exception as exc:  # noqa: BLE001 -- a probe must not die, the store down
                    log.warning("botwarden: probing state store %s: %r", self.url, exc)
                    continue
                self._recovered()
                return
        finally:
            with self._lock:
                self._prober = None


def _outage(url: str, down: tuple[float, str], interval: float) -> str:
    since, why = down
    cause = why.removeprefix(f"state store {url}: ")
    return (
        f"state store {url}: not answering for {time.monotonic() - since:.1f} s, so not asked "
        f"until a background probe (every {interval:g} s) gets an answer; last error: {cause}"
    )


__all__ = ["DEFAULT_PROBE_INTERVAL", "DEFAULT_SLOW_FAILURE", "FailFastStore"]
