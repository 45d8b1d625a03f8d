"""One bot's run-time enforcement, assembled: gate checks, byte meters, and what happens after.

The :class:`~botwarden.runtime.gate.Gate` decides what may go out; this adds what depends on
state shared by every process of the bot: the kill switch, the breaker and the budgets (as gate
checks, in that order, so a killed bot spends nothing), the byte meter of each allowed exchange,
and, once an exchange is over, the breaker's count, the ledger entry, the metrics and the JSON
log line. The proxy, ``botwarden run`` and the in-process guard all use it.

**When the store fails** (unreachable, locked, corrupt) the manifest's ``[bot].on_store_error``
decides: ``"deny"`` (the default: fail closed) refuses the request with ``store-error``;
``"allow"`` lets it through unmetered. Either way the error is logged and counted.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from botwarden.manifest.model import Manifest
from botwarden.policy.decision import Code, Decision, Verdict, deny
from botwarden.policy.request import Target
from botwarden.runtime.breaker import BreakerBook
from botwarden.runtime.budgets import BudgetBook, BudgetMeter
from botwarden.runtime.gate import Check, Gate
from botwarden.runtime.killswitch import KillSwitch
from botwarden.runtime.metrics import Metrics
from botwarden.runtime.resolve import Resolver
from botwarden.stores import StateStore, StoreError

if TYPE_CHECKING:
    from botwarden.ledger.records import ExchangeRecords
    from botwarden.runtime.proxy.exchange import Exchange, Meter

log = logging.getLogger("botwarden.runtime")

_DENY = Verdict.DENY

LedgerLike = Any  # botwarden.ledger.Ledger: append(record), flush(), close()


def default_instance() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


@dataclass
class Enforcer:
    manifest: Manifest
    store: StateStore | None = None
    ledger: LedgerLike | None = None
    metrics: Metrics = field(default_factory=Metrics)
    log_file: IO[str] | None = None
    instance: str = field(default_factory=default_instance)

    def __post_init__(self) -> None:
        self.bot = self.manifest.bot.name
        self.fail_open = self.manifest.bot.on_store_error == "allow"
        self.kill = KillSwitch(self.bot, self.store) if self.store is not None else None
        self.breakers = (
            BreakerBook.from_manifest(self.manifest, self.store) if self.store is not None else None
        )
        self.budgets = BudgetBook(self.manifest, self.store) if self.store is not None else None
        # the ledger's record of an exchange, written without a dict (botwarden.ledger.records)
        self._records: ExchangeRecords | None = None
        if hasattr(self.ledger, "append_prepared"):
            from botwarden.ledger.records import ExchangeRecords

            self._records = ExchangeRecords(self.bot, self.instance)

    def gauges(self) -> list[str]:
        """Budget remaining and breaker states, read from the store (for ``/metrics``)."""
        from botwarden.cli_state import collect_status
        from botwarden.runtime.metrics import gauge_lines

        if self.store is None:
            return []
        report = collect_status(self.store, self.manifest, self.bot)
        budgets = [
            ({"bot": self.bot, "budget": b["budget"], "kind": b["kind"]}, float(b["remaining"]))
            for b in report["budgets"]
        ]
        breakers = [
            ({"bot": self.bot, "upstream": b["upstream"]}, 1.0 if b["state"] == "open" else 0.0)
            for b in report["breakers"]
        ]
        return gauge_lines(
            "botwarden_budget_remaining", "What is left of each budget in its window.", budgets
        ) + gauge_lines("botwarden_breaker_open", "1 while a breaker is open.", breakers)

    # -- before the request ------------------------------------------------------------------

    def checks(self) -> list[Check]:
        """The store's gate checks, as one: kill switch, breaker, budgets, in that order."""
        if self.kill is None and self.breakers is None and self.budgets is None:
            return []
        return [self.store_check]

    def store_check(self, target: Target, decision: Decision) -> Decision:
        """Kill switch, then breaker, then budgets, each under the failure policy; the first
        refusal ends it (a reported one does not). One clock reading serves the kill switch and
        the breaker; the budgets answer from their leases at once when they can (budgets.py).
        """
        now = time.monotonic()
        kill = self.kill
        if kill is not None:
            try:
                decision = kill.check(target, decision, now)
            except StoreError as exc:
                decision = self.store_failed(exc, target, decision)
            if decision.verdict is _DENY:
                return decision
        breakers = self.breakers
        if breakers is not None:
            try:
                decision = breakers.check(target, decision, now)
            except StoreError as exc:
                decision = self.store_failed(exc, target, decision)
            if decision.verdict is _DENY:
                return decision
        budgets = self.budgets
        if budgets is not None:
            try:
                decision = budgets.check(target, decision)
            except StoreError as exc:
                decision = self.store_failed(exc, target, decision)
        return decision

    def gate(self, resolver: Resolver | None = None) -> Gate:
        return Gate.from_manifest(self.manifest, resolver=resolver, checks=self.checks())

    def store_failed(self, exc: StoreError, target: Target | None, decision: Decision) -> Decision:
        """The failure policy: log and count, then refuse (default) or let through."""
        self.metrics.store_errors.inc(self.bot)
        log.warning("botwarden: store error for bot %s: %s", self.bot, exc.message)
        if self.fail_open:
            return decision
        return deny(
            Code.STORE_ERROR,
            f"the state store failed ({exc.message}); refused because [bot].on_store_error "
            "is 'deny'",
            "store",
            host=target.host if target else None,
            port=target.port if target else None,
        )

    # -- during ------------------------------------------------------------------------------

    def meter(self, target: Target, decision: Decision) -> BudgetMeter | None:
        if self.budgets is None or not decision.allowed:
            return None
        return self.budgets.meter(target, decision)

    def meter_for(self, decision: Decision) -> BudgetMeter | None:
        """:meth:`meter` for an allowed decision, when only the decision is at hand."""
        if decision.host is None or decision.port is None:
            return None
        if self.budgets is None or not decision.allowed:
            return None
        return self.budgets.meter_at(decision.host, decision.port, decision)

    def metered(self, meter: BudgetMeter) -> Callable[[int, int], bool]:
        """``meter.add`` under the failure policy."""

        def add(up: int, down: int) -> bool:
            try:
                return meter.add(up, down)
            except StoreError as exc:
                self.metrics.store_errors.inc(self.bot)
                log.warning("botwarden: store error for bot %s: %s", self.bot, exc.message)
                return self.fail_open

        return add

    # -- after -------------------------------------------------------------------------------

    def finished(
        self,
        *,
        method: str,
        target: str,
        decision: Decision | None,
        status: int | None = None,
        upstream_status: int | None = None,
        bytes_up: int = 0,
        bytes_down: int = 0,
        started: float | None = None,
        outcome: str = "ok",
        connection_failed: bool = False,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Record an exchange: breaker, ledger, metrics and log. Never raises."""
        now = time.time()
        if decision is not None and decision.allowed and decision.host and self.breakers:
            try:
                self.breakers.record(decision.host, decision.port or 0, upstream_status,
                                     connection_failed)  # fmt: skip
            except StoreError as exc:
                self.metrics.store_errors.inc(self.bot)
                log.warning("botwarden: store error for bot %s: %s", self.bot, exc.message)
        self.metrics.count(self.bot, decision, bytes_up, bytes_down)
        if self.ledger is None and self.log_file is None:
            return
        records = self._records
        if records is not None and not extra and decision is not None and self.log_file is None:
            when = started if started is not None else now
            entry = records.prepared(
                when, decision, method=method, target=target, status=status,
                upstream_status=upstream_status, bytes_up=bytes_up, bytes_down=bytes_down,
                outcome=outcome, duration=round(now - when, 6),
            )  # fmt: skip
            if entry is not None:
                ledger: LedgerLike = self.ledger
                try:
                    ledger.append_prepared(entry)
                except Exception as exc:  # noqa: BLE001 -- a ledger failure must not stop traffic
                    self.metrics.store_errors.inc(self.bot)
                    log.warning("botwarden: ledger error for bot %s: %s", self.bot, exc)
                return
        record: dict[str, Any] = {
            "time": started if started is not None else now,
            "bot": self.bot,
            "instance": self.instance,
            "method": method,
            "target": target,
        }
        if decision is not None:
            record.update(decision.to_dict())
        else:
            record["verdict"] = "refused"
        record.update(
            status=status, upstream_status=upstream_status, bytes_up=bytes_up,
            bytes_down=bytes_down, outcome=outcome, duration=round(now - record["time"], 6),
        )  # fmt: skip
        if extra:
            record.update(extra)
        self._write(record)

    def record_guard(
        self, side: str, kind: str, verdict: str, score: float | None, findings: list[str]
    ) -> None:
        """A text guard's decision (``side`` input or output): ledger and log. Never raises."""
        if self.ledger is None and self.log_file is None:
            return
        record: dict[str, Any] = {
            "time": time.time(), "bot": self.bot, "instance": self.instance, "method": "GUARD",
            "target": f"{side}:{kind}", "verdict": verdict, "findings": findings,
        }  # fmt: skip
        if score is not None:
            record["score"] = round(score, 4)
        self._write(record)

    def _write(self, record: dict[str, Any]) -> None:
        if self.ledger is not None:
            try:
                self.ledger.append(record)
            except Exception as exc:  # noqa: BLE001 -- a ledger failure must not stop traffic
                self.metrics.store_errors.inc(self.bot)
                log.warning("botwarden: ledger error for bot %s: %s", self.bot, exc)
        if self.log_file is not None:
            self.log_file.write(json.dumps(record, default=str) + "\n")
            self.log_file.flush()

    # -- cloud calls ---------------------------------------------------------------------------

    def decide_aws(self, gate: Gate, action: str, resource: str) -> Decision:
        """An AWS call: refused while the bot is killed, else the policy; recorded either way."""
        decision = gate.decide_aws(action, resource)
        if self.kill is not None and decision.allowed:
            try:
                decision = self.kill.check(Target("", "", 0, ""), decision)
            except StoreError as exc:
                decision = self.store_failed(exc, None, decision)
        self.finished(method="AWS", target=f"{action} {resource}", decision=decision)
        return decision

    # -- the proxy's hooks ---------------------------------------------------------------------

    def proxy_meter(self, exchange: Exchange) -> Meter:
        """The proxy's meter factory: byte budgets for allowed exchanges, counting otherwise."""
        decision = exchange.decision
        meter = self.meter_for(decision) if decision is not None else None
        if meter is not None:
            return _ProxyMeter(self, meter, exchange)
        from botwarden.runtime.proxy.exchange import CountingMeter

        return CountingMeter()

    def proxy_observer(self, exchange: Exchange) -> None:
        """The proxy's observer: every exchange, allowed or not, once it is over."""
        decision = exchange.decision
        failed = (
            decision is not None
            and decision.allowed
            and exchange.status in (502, 504)
            and exchange.upstream_status is None
            and not exchange.tunnel
        )
        self.finished(
            method=exchange.method, target=exchange.target, decision=decision,
            status=exchange.status, upstream_status=exchange.upstream_status,
            bytes_up=exchange.bytes_up, bytes_down=exchange.bytes_down,
            started=exchange.started, outcome=exchange.outcome, connection_failed=failed,
        )  # fmt: skip

    def close(self) -> None:
        if self.ledger is not None:
            self.ledger.close()
        if self.store is not None:
            self.store.close()


class _ProxyMeter:
    """A budget meter for one proxy exchange; says on the exchange why it stopped it.

    (:meth:`Enforcer.metered`, inlined: the failure policy applies to every add.)"""

    __slots__ = ("_enforcer", "_exchange", "_meter")

    def __init__(self, enforcer: Enforcer, meter: BudgetMeter, exchange: Exchange) -> None:
        self._enforcer = enforcer
        self._meter = meter
        self._exchange = exchange

    @property
    def refusal(self) -> Decision | None:
        """Why the exchange was stopped, once it was: the proxy may still say so to the client."""
        return self._meter.exhausted

    def add(self, up: int, down: int) -> bool:
        try:
            if self._meter.add(up, down):
                return True
        except StoreError as exc:
            enforcer = self._enforcer
            enforcer.metrics.store_errors.inc(enforcer.bot)
            log.warning("botwarden: store error for bot %s: %s", enforcer.bot, exc.message)
            if enforcer.fail_open:
                return True
        spent = self._meter.exhausted
        reason = spent.reason if spent is not None else "the state store failed"
        if self._exchange.outcome == "ok":
            self._exchange.outcome = f"stopped: {reason}"
        return False


__all__ = ["Enforcer", "default_instance"]
