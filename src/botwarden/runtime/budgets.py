"""Budgets at run time: requests, bytes and cost per window, per host, capability and in total.

A request counts against every budget that applies to it: ``[budget.total]``, the budget of each
egress entry that admits its host and port, and the budget of the capability that allowed it.
Requests are counted when they are decided (GCRA, :meth:`StateStore.rate`), and so is the cost of
a request; bytes, and the cost of bytes, are counted as they stream through a :class:`BudgetMeter`
(sliding-window counters, :meth:`StateStore.volume`), so a download is cut off when its budget
runs out, not after it finished. A refusal names the budget and when it refills.

The numbers live in a :class:`~botwarden.stores.StateStore` shared by every process of the bot,
under keys ``b:BOT:KEY:KIND`` (``b:bibliobot:total:bytes``).
"""

from __future__ import annotations

import functools
import ipaddress
import math
import time
from dataclasses import dataclass, field
from typing import Literal

from botwarden.manifest.egress import EgressEntry, EntryKind, entry_covers_host, parse_egress_entry
from botwarden.manifest.model import Budget, Manifest, Mode
from botwarden.manifest.units import PerWindow
from botwarden.policy.decision import Code, Decision, deny, report
from botwarden.policy.request import Target
from botwarden.stores import LocalTakes, StateStore, Take

_MB = 1_000_000


@dataclass(frozen=True, slots=True)
class Limit:
    """One limit of one budget, with the store key it is counted under."""

    budget: str  # the manifest key: "total", "api.feedly.com", "capability:feedly"
    kind: str  # "requests", "bytes" or "cost"
    key: str
    window: PerWindow
    report: bool

    @property
    def label(self) -> str:
        return f'budget."{self.budget}".{self.kind} ({self.window.text})'


@dataclass(frozen=True, slots=True)
class _Applicable:
    requests: tuple[Limit, ...] = ()
    cost_per_request: tuple[tuple[Limit, float], ...] = ()
    bytes: tuple[Limit, ...] = ()
    cost_per_mb: tuple[tuple[Limit, float], ...] = ()
    # with a leasing store: every take of a check, and of a meter, answered from the leases
    # in one go (None: take by take); see LeasingStore.local_takes
    check_fast: LocalTakes | None = None
    check_amounts: tuple[float, ...] = ()
    meter_fast: LocalTakes | None = None
    target: Target | None = None  # the target these were found for (its host and port)


_TakeSpec = tuple[Literal["rate", "volume"], str, float, float]


def _rate_spec(limit: Limit) -> _TakeSpec:
    """The arguments :meth:`BudgetBook.check` passes to ``store.rate`` for ``limit``."""
    return ("rate", limit.key, int(limit.window.amount), limit.window.window_seconds)


def _volume_spec(limit: Limit) -> _TakeSpec:
    return ("volume", limit.key, limit.window.amount, limit.window.window_seconds)


@dataclass(slots=True)
class _Compiled:
    key: str
    entry: EgressEntry | None
    capability: str | None
    budget: Budget
    report: bool


def _names_port(key: str) -> bool:
    """Whether a budget key written as an egress entry names a port ('x.com:8443', '[::1]:80')."""
    return "]:" in key if key.startswith("[") else key.count(":") == 1


def _rule_index(rule: str) -> int | None:
    if rule.startswith("capability[") and rule.endswith("]"):
        return int(rule[len("capability[") : -1])
    return None


@dataclass
class BudgetBook:
    """A bot's budgets, compiled once, counted in ``store``."""

    manifest: Manifest
    store: StateStore
    _budgets: list[_Compiled] = field(default_factory=list)
    _names: dict[int, str] = field(default_factory=dict)
    _memo: dict[tuple[str, int, str], _Applicable] = field(default_factory=dict)

    def __post_init__(self) -> None:
        bot_report = self.manifest.bot.mode is Mode.REPORT
        for index, cap in enumerate(self.manifest.capability):
            if cap.name is not None:
                self._names[index] = cap.name
        for key, budget in self.manifest.budget.items():
            entry = None
            capability = None
            if key.startswith("capability:"):
                capability = key.split(":", 1)[1]
            elif key != "total":
                entry = parse_egress_entry(key)
            report_mode = (
                budget.mode or (Mode.REPORT if bot_report else Mode.ENFORCE)
            ) is Mode.REPORT
            self._budgets.append(_Compiled(key, entry, capability, budget, report_mode))

    @property
    def bot(self) -> str:
        return self.manifest.bot.name

    def limit(self, budget: _Compiled, kind: str, window: PerWindow) -> Limit:
        return Limit(budget.key, kind, f"b:{self.bot}:{budget.key}:{kind}", window, budget.report)

    def applicable(self, target: Target, rule: str) -> _Applicable:
        """The limits a request to ``target`` allowed by ``rule`` counts against (remembered)."""
        memo_key = (target.host, target.port, rule)
        found = self._memo.get(memo_key)
        if found is not None:
            return found
        capability = self._names.get(index) if (index := _rule_index(rule)) is not None else None
        requests: list[Limit] = []
        per_request: list[tuple[Limit, float]] = []
        volume: list[Limit] = []
        per_mb: list[tuple[Limit, float]] = []
        for budget in self._budgets:
            if not self._applies(budget, target, capability):
                continue
            spec = budget.budget
            if spec.requests is not None:
                requests.append(self.limit(budget, "requests", spec.requests))
            if spec.bytes is not None:
                volume.append(self.limit(budget, "bytes", spec.bytes))
            if spec.cost is not None:
                cost = self.limit(budget, "cost", spec.cost)
                if spec.cost_per_request:
                    per_request.append((cost, spec.cost_per_request))
                if spec.cost_per_mb:
                    per_mb.append((cost, spec.cost_per_mb))
        compiled = _Applicable(
            tuple(requests), tuple(per_request), tuple(volume), tuple(per_mb), target=target
        )
        found = self._with_fast_paths(compiled)
        if len(self._memo) > 4096:
            self._memo.clear()
        self._memo[memo_key] = found
        return found

    def _with_fast_paths(self, found: _Applicable) -> _Applicable:
        """Add the leases' all-at-once handles, when the store leases (LeasingStore)."""
        local_takes = getattr(self.store, "local_takes", None)
        if local_takes is None:
            return found
        # the takes check() makes, in its order and with its amounts (each > 0, as a lease needs)
        specs = [_rate_spec(limit) for limit in found.requests]
        specs += [_volume_spec(limit) for limit, _ in found.cost_per_request]
        specs += [_volume_spec(limit) for limit in found.bytes]
        amounts = (
            (1.0,) * len(found.requests)
            + tuple(cost for _, cost in found.cost_per_request)
            + (1.0,) * len(found.bytes)
        )
        check_fast = local_takes(specs) if all(a > 0 for a in amounts) else None
        meter_specs = [_volume_spec(limit) for limit in found.bytes]
        meter_specs += [_volume_spec(limit) for limit, _ in found.cost_per_mb]
        meter_fast = local_takes(meter_specs) if meter_specs else None
        return _Applicable(found.requests, found.cost_per_request, found.bytes, found.cost_per_mb,
                           check_fast, amounts, meter_fast, found.target)  # fmt: skip

    @staticmethod
    def _applies(budget: _Compiled, target: Target, capability: str | None) -> bool:
        if budget.key == "total":
            return True
        if budget.capability is not None:
            return budget.capability == capability
        entry = budget.entry
        assert entry is not None
        if entry.kind in (EntryKind.ADDRESS, EntryKind.NETWORK):
            if not target.host_is_ip or (_names_port(budget.key) and entry.port != target.port):
                return False
            network = entry.network or ipaddress.ip_network(entry.host)
            return ipaddress.ip_address(target.host) in network
        if target.host_is_ip:
            return False
        # a key without a port ('api.x.com') budgets the host on every port; 'api.x.com:8443' one
        port = target.port if _names_port(budget.key) else None
        return entry_covers_host(entry, target.host, port)

    # -- the request ---------------------------------------------------------------------------

    def check(self, target: Target, decision: Decision) -> Decision:
        """A Gate check: count the request (and its cost); refuse when a budget is spent."""
        applicable = self._memo.get((target.host, target.port, decision.rule))
        if applicable is None:
            applicable = self.applicable(target, decision.rule)
        fast = applicable.check_fast
        if fast is not None and fast.take(applicable.check_amounts, time.time()):
            return decision  # every take admitted from the leases, as the loop below would
        for limit in applicable.requests:
            take = self.store.rate(limit.key, int(limit.window.amount), limit.window.window_seconds)
            if not take.allowed:
                return self._refused(limit, take, target, decision)
        for limit, cost in applicable.cost_per_request:
            take = self.store.volume(
                limit.key, cost, limit.window.amount, limit.window.window_seconds
            )
            if not take.allowed:
                return self._refused(limit, take, target, decision)
        # a request whose byte budget is already spent would be cut at its first byte: refuse it
        # before it connects, so that it transfers nothing at all (one byte is counted for the
        # asking, which a leasing store answers locally, remembering an exhausted budget)
        for limit in applicable.bytes:
            take = self.store.volume(limit.key, 1, limit.window.amount, limit.window.window_seconds)
            if not take.allowed:
                return self._refused(limit, take, target, decision)
        return decision

    def _refused(self, limit: Limit, take: Take, target: Target, decision: Decision) -> Decision:
        denial = refused(limit, take, target)
        if limit.report or decision.would_deny is not None:
            return report(denial)
        return denial

    def meter(self, target: Target, decision: Decision) -> BudgetMeter | None:
        """A meter for the bytes of an allowed request, or None when no byte budget applies."""
        applicable = self.applicable(target, decision.rule)
        if not applicable.bytes and not applicable.cost_per_mb:
            return None
        return BudgetMeter(self.store, target, applicable.bytes, applicable.cost_per_mb,
                           applicable.meter_fast)  # fmt: skip

    def meter_at(self, host: str, port: int, decision: Decision) -> BudgetMeter | None:
        """:meth:`meter` when only the decision is at hand (its host and port): the target is
        the one the remembered limits were found for, made only when they were not."""
        applicable = self._memo.get((host, port, decision.rule))
        if applicable is None or applicable.target is None:
            return self.meter(Target("", host, port, "", is_ip(host)), decision)
        if not applicable.bytes and not applicable.cost_per_mb:
            return None
        return BudgetMeter(self.store, applicable.target, applicable.bytes,
                           applicable.cost_per_mb, applicable.meter_fast)  # fmt: skip


@functools.lru_cache(maxsize=4096)
def is_ip(host: str) -> bool:
    """Whether ``host`` is an IP address rather than a name."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def refused(limit: Limit, take: Take, target: Target) -> Decision:
    """The denial for a spent budget: which one, how much was used, when it refills."""
    if math.isinf(take.retry_after):
        why = f"{limit.label} can never take this much at once"
    else:
        when = f"; it refills in {take.retry_after:.1f} s" if take.retry_after else ""
        why = f"{limit.label} is spent ({take.used:.6g} used){when}"
    denial = deny(
        Code.BUDGET_EXHAUSTED, why, f'budget."{limit.budget}"', host=target.host, port=target.port
    )
    if math.isfinite(take.retry_after):
        denial.retry_after = take.retry_after
    return denial


class BudgetMeter:
    """Counts an exchange's bytes against its byte (and cost-per-MB) budgets as they pass.

    ``add`` answers False the moment a budget cannot take the next piece: the enforcement point
    stops the transfer there. ``exhausted`` then says which limit ran out.
    """

    __slots__ = ("_bytes", "_fast", "_per_mb", "_same", "_store", "down", "exhausted", "target",
                 "up")  # fmt: skip

    def __init__(
        self,
        store: StateStore,
        target: Target,
        byte_limits: tuple[Limit, ...],
        per_mb: tuple[tuple[Limit, float], ...],
        fast: LocalTakes | None = None,
    ) -> None:
        self._store = store
        self._fast = fast  # the takes of add(), from the leases at once (LeasingStore)
        self._same = len(byte_limits) if not per_mb else -1  # every take is the bytes moved
        self.target = target
        self._bytes = byte_limits
        self._per_mb = per_mb
        self.up = 0
        self.down = 0
        self.exhausted: Decision | None = None

    def _spend_rest(self, limit: Limit) -> None:
        """The piece that did not fit was still received: count the budget as spent, so that
        the next request is refused before it connects instead of each downloading a piece."""
        window = limit.window
        left = self._store.volume(limit.key, 0, window.amount, window.window_seconds).remaining
        if left > 0:
            self._store.volume(limit.key, left, window.amount, window.window_seconds)

    def add(self, up: int, down: int) -> bool:
        self.up += up
        self.down += down
        moved = up + down
        if not moved or self.exhausted is not None:
            return self.exhausted is None
        fast = self._fast
        if fast is not None and moved > 0:  # all admitted from the leases, as below would be
            same = self._same
            if same >= 0:
                if fast.take((moved,) * same, time.time()):
                    return True
            else:
                amounts = (moved,) * len(self._bytes) + tuple(
                    moved / _MB * cost_per_mb for _, cost_per_mb in self._per_mb
                )
                if min(amounts) > 0 and fast.take(amounts, time.time()):
                    return True
        for limit in self._bytes:
            take = self._store.volume(limit.key, moved, limit.window.amount,
                                      limit.window.window_seconds)  # fmt: skip
            if not take.allowed and not limit.report:
                self._spend_rest(limit)
                self.exhausted = refused(limit, take, self.target)
                return False
        for limit, cost_per_mb in self._per_mb:
            take = self._store.volume(limit.key, moved / _MB * cost_per_mb, limit.window.amount,
                                      limit.window.window_seconds)  # fmt: skip
            if not take.allowed and not limit.report:
                self._spend_rest(limit)
                self.exhausted = refused(limit, take, self.target)
                return False
        return True


__all__ = ["BudgetBook", "BudgetMeter", "Limit", "is_ip", "refused"]
