"""Leases: take small batches from a shared budget and hand them out locally.

Against Redis every budget check is a round trip. :class:`LeasingStore` wraps any store and,
for rates and volumes, charges the shared budget for a small batch (a *lease*) at once, then
admits takes from that batch without asking again. The design is **pre-leasing**: a unit is
charged to the shared budget before this process admits it, so

- the fleet never admits more than the shared budget allows: 0 overshoot, whatever the number
  of replicas (each admitted unit was charged exactly once, by the shared store's own atomic
  operation);
- a unit is admitted at most ``lease_ttl`` seconds after it was charged (leases expire; what is
  left of an expired lease is dropped, never returned and never re-used), so over any interval
  the fleet admits no more than the shared budget allowed over that interval widened by
  ``lease_ttl``;
- the price is *stranding*: units a replica holds but does not use are lost to the others until
  the budget refills. Lease sizes adapt to each replica's demand (they double while a lease runs
  out before it expires, and shrink to what was used when it expires) and are capped at
  ``lease_share`` of the limit, so a quiet replica leases one unit at a time and a busy one never
  holds more than a few percent of the budget.

When a lease does not fit any more, the store asks for exactly what the take still needs, and
keeps asking for exactly that while the shared budget reports less than a lease left, so the
last units of a budget are handed out one by one and a budget hammered to exhaustion by every
replica is used in full (near exhaustion, leasing costs one round trip per take, as without
it). A refused take drops what the lease still held (a few units stranded, so that small takes
are not admitted locally once the budget refused a larger one). A refusal is remembered until
its ``retry_after``: a take at least as large would be refused by the shared store too
(budgets only refill with time), so a bot hammering an
exhausted budget costs no round trips. Breakers and kills are never leased: breaker calls
always reach the shared store; ``killed`` answers are cached for at most ``kill_cache``
seconds (0.5 at most) so that a kill reaches every replica within one second.

An allowed take's ``remaining`` and ``used`` are the shared store's figures at the last lease,
adjusted by what this process still holds: a view from one replica, not the fleet's exact state.
Reads (cost or amount 0) go to the shared store.

A caller that makes the same takes on every request (the proxy: two request rates and a byte
budget per request, then the bytes of each piece) asks :meth:`LeasingStore.local_takes` once for
a :class:`LocalTakes` handle, which admits all of them at once when every lease holds enough, and
otherwise admits none (the caller then takes one by one): the same answers and the same leases as
the one-by-one path (a property test compares them), with one clock reading and no Take or
argument check per budget.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from botwarden.stores.base import (
    BreakerState,
    Kill,
    Outcome,
    StateStore,
    Take,
    check_rate,
    check_volume,
)

MAX_KILL_CACHE = 0.5


@dataclass(slots=True)
class _Lease:
    """What one process holds of one budget."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    budget: tuple[float, float] = (0.0, 0.0)  # (limit, period) the lease was taken under
    left: float = 0.0  # units charged to the shared budget and not handed out yet
    expires: float = -math.inf  # caller's clock
    granted: float = 0.0  # size of the current lease
    size: float = 0.0  # size of the next lease (adapts to demand)
    refused_until: float = -math.inf  # the shared budget refuses any need >= refused_need
    refused_need: float = math.inf
    scarce: bool = False  # the shared budget was (nearly) exhausted at the last ask
    last: Take = field(default_factory=lambda: Take(True, 0.0, 0.0, 0.0))


class LeasingStore:
    """Any :class:`~botwarden.stores.base.StateStore`, with rates and volumes leased locally."""

    def __init__(
        self,
        inner: StateStore,
        *,
        lease_requests: int = 1024,
        lease_bytes: float = 8 << 20,
        lease_share: float = 0.05,
        lease_ttl: float = 1.0,
        kill_cache: float = MAX_KILL_CACHE,
    ) -> None:
        if lease_requests < 1 or not lease_bytes > 0:
            raise ValueError("lease sizes must be positive")
        if not (0 < lease_share <= 1 and lease_ttl > 0):
            raise ValueError("lease_share must be in (0, 1] and lease_ttl positive")
        if not 0 <= kill_cache <= MAX_KILL_CACHE:
            raise ValueError(f"kill_cache must be between 0 and {MAX_KILL_CACHE} seconds")
        self.inner = inner
        self.url = inner.url
        self.lease_requests = lease_requests
        self.lease_bytes = lease_bytes
        self.lease_share = lease_share
        self.lease_ttl = lease_ttl
        self.kill_cache = kill_cache
        self._rates: dict[str, _Lease] = {}
        self._volumes: dict[str, _Lease] = {}
        self._kills: dict[str, tuple[float, Kill | None]] = {}

    # -- leased: rates and volumes ----------------------------------------------------------

    def rate(
        self, key: str, limit: int, period: float, cost: int = 1, now: float | None = None
    ) -> Take:
        lease = self._rates.get(key)
        if lease is not None and type(cost) is int and cost > 0:
            taken = _from_lease(lease, cost, (limit, period), now)
            if taken is not None:
                return taken
        check_rate(key, limit, period, cost)
        cap = max(1, min(self.lease_requests, math.floor(limit * self.lease_share)))

        def ask(amount: float) -> Take:
            return self.inner.rate(key, limit, period, round(amount), now)

        lease = _lease(self._rates, key)
        return self._take(lease, cost, budget=(limit, period), cap=cap, now=now, ask=ask)

    def volume(
        self, key: str, amount: float, limit: float, period: float, now: float | None = None
    ) -> Take:
        lease = self._volumes.get(key)
        if lease is not None and type(amount) in (int, float) and amount > 0:
            taken = _from_lease(lease, amount, (limit, period), now)
            if taken is not None:
                return taken
        check_volume(key, amount, limit, period)
        cap = min(self.lease_bytes, limit * self.lease_share)

        def ask(units: float) -> Take:
            return self.inner.volume(key, units, limit, period, now)

        lease = _lease(self._volumes, key)
        return self._take(lease, amount, budget=(limit, period), cap=cap, now=now, ask=ask)

    def _take(
        self,
        lease: _Lease,
        amount: float,
        *,
        budget: tuple[float, float],
        cap: float,
        now: float | None,
        ask: Callable[[float], Take],
    ) -> Take:
        if amount == 0:  # a read: the shared figures, which count what replicas hold as used
            return ask(0)
        clock = time.time() if now is None else now
        with lease.lock:
            if lease.budget != budget:  # the manifest changed: start afresh
                lease.budget, lease.left, lease.size, lease.expires = budget, 0.0, 0.0, -math.inf
                lease.refused_until, lease.scarce = -math.inf, False
            if clock >= lease.expires and lease.left > 0:
                lease.size, lease.left = lease.granted - lease.left, 0.0  # shrink to what was used
            if amount <= lease.left:
                lease.left -= amount
                return _local(lease.last, lease.left)
            need = amount - lease.left
            if need >= lease.refused_need and clock < lease.refused_until:
                return Take(False, 0.0, lease.refused_until - clock, lease.last.used)
            return self._renew(lease, need, cap, clock, ask)

    def _renew(
        self, lease: _Lease, need: float, cap: float, clock: float, ask: Callable[[float], Take]
    ) -> Take:
        want = need
        if not lease.scarce:
            if clock < lease.expires:  # the lease ran out before it expired: lease more
                lease.size = min(cap, max(lease.size, lease.granted, 1.0) * 2)
            want = max(need, min(lease.size, cap))
        answer = ask(want)
        if not answer.allowed and want > need:
            want, answer = need, ask(need)
        lease.last = answer
        if not answer.allowed:
            lease.refused_until, lease.refused_need = clock + answer.retry_after, need
            # what is still held here is dropped: otherwise small takes (the check before a
            # download) would go on being admitted locally after the budget refused this one
            lease.scarce, lease.size, lease.left = True, 0.0, 0.0
            return answer
        lease.refused_until, lease.refused_need = -math.inf, math.inf
        lease.scarce = answer.remaining < cap  # nearly exhausted: take only what is needed
        lease.left, lease.granted, lease.expires = want - need, want, clock + self.lease_ttl
        return _local(answer, lease.left)

    def local_takes(
        self, takes: Sequence[tuple[Literal["rate", "volume"], str, float, float]]
    ) -> LocalTakes | None:
        """A handle that answers several takes at once from this process's leases.

        ``takes`` are ``(kind, key, limit, period)``, passed exactly as :meth:`rate` (``limit``
        an int) or :meth:`volume` would be. The handle admits all of them when every lease holds
        enough, and otherwise admits nothing: the caller then goes the long way, take by take.
        None when two takes share a key (a handle takes each lease once).
        """
        if len({(kind, key) for kind, key, _, _ in takes}) != len(takes):
            return None
        leases = tuple(
            _lease(self._rates if kind == "rate" else self._volumes, key)
            for kind, key, _, _ in takes
        )
        return LocalTakes(leases, tuple((limit, period) for _, _, limit, period in takes))

    # -- read through: breakers and kills ---------------------------------------------------

    def breaker(
        self,
        key: str,
        outcome: Outcome | None,
        threshold: int,
        cool_down: float,
        now: float | None = None,
    ) -> BreakerState:
        return self.inner.breaker(key, outcome, threshold, cool_down, now)

    def kill(self, bot: str, reason: str, by: str, now: float | None = None) -> None:
        self._kills.pop(bot, None)
        self.inner.kill(bot, reason, by, now)

    def revive(self, bot: str) -> bool:
        self._kills.pop(bot, None)
        return self.inner.revive(bot)

    def killed(self, bot: str) -> Kill | None:
        cached = self._kills.get(bot)
        moment = time.monotonic()
        if cached is not None and moment - cached[0] < self.kill_cache:
            return cached[1]
        kill = self.inner.killed(bot)
        self._kills[bot] = (moment, kill)
        return kill

    def killed_bots(self) -> list[Kill]:
        return self.inner.killed_bots()

    def keys(self, prefix: str) -> list[str]:
        return self.inner.keys(prefix)

    def close(self) -> None:
        self.inner.close()


def _lease(leases: dict[str, _Lease], key: str) -> _Lease:
    lease = leases.get(key)
    return lease if lease is not None else leases.setdefault(key, _Lease())


def _from_lease(
    lease: _Lease, amount: float, budget: tuple[float, float], now: float | None
) -> Take | None:
    """The common case, without argument checks or closures: the current lease (taken under
    the same, already checked, limit and period) still holds ``amount``. None: go the long way."""
    with lease.lock:
        if lease.budget != budget or amount > lease.left:
            return None
        if (time.time() if now is None else now) >= lease.expires:
            return None
        lease.left -= amount
        return _local(lease.last, lease.left)


class LocalTakes:
    """Takes from several leases in one go, without a round trip, a Take or an argument check.

    :meth:`take` admits every amount when each lease, taken under the same (already checked)
    limit and period, is unexpired and holds its amount: exactly the takes :meth:`LeasingStore.
    rate` and :meth:`LeasingStore.volume` would answer from the lease one after the other, at
    the same moment. When any of them would not, it changes nothing and answers False, and the
    caller makes the takes one by one (which renews, refuses or remembers a refusal as usual).
    A lease busy in another thread (renewing) also answers False rather than wait.
    """

    __slots__ = ("_items", "_locks", "_one")

    def __init__(
        self, leases: tuple[_Lease, ...], budgets: tuple[tuple[float, float], ...]
    ) -> None:
        self._items = tuple(zip(leases, budgets, strict=True))
        self._locks = tuple(lease.lock for lease in leases)
        self._one = self._items[0] if len(leases) == 1 else None

    def take(self, amounts: Sequence[float], clock: float) -> bool:
        """Admit ``amounts[i]`` (each > 0) from lease ``i`` at wall time ``clock``, all or none."""
        one = self._one
        if one is not None:  # the common case of a meter with one byte budget, spelt out
            lease = one[0]
            if not lease.lock.acquire(False):
                return False
            try:
                return _spend(lease, one[1], amounts[0], clock)
            finally:
                lease.lock.release()
        held: list[threading.Lock] = []
        for lock in self._locks:
            if not lock.acquire(False):
                for taken in held:
                    taken.release()
                return False
            held.append(lock)
        try:
            for i, (lease, budget) in enumerate(self._items):
                if lease.budget != budget or amounts[i] > lease.left or clock >= lease.expires:
                    return False
            for i, (lease, _) in enumerate(self._items):
                lease.left -= amounts[i]
            return True
        finally:
            for lock in held:
                lock.release()


def _spend(lease: _Lease, budget: tuple[float, float], amount: float, clock: float) -> bool:
    if lease.budget != budget or amount > lease.left or clock >= lease.expires:
        return False
    lease.left -= amount
    return True


def _local(last: Take, left: float) -> Take:
    """An allowed take from the lease: the shared figures, counting what is still held here."""
    return Take(True, last.remaining + left, 0.0, max(0.0, last.used - left))
