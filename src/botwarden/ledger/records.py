"""The canonical text of the runtime's exchange record, written without building a dict.

Every request through the proxy leaves one ledger entry, so the record is made here with one
f-string instead of a dict, ``Decision.to_dict``, ``prepare``'s copy and checks and a sorted
JSON encoding (a third of the ledger's CPU per request went there). What the decision contributes
(address list, code, host, port, reason, rule, the optional ``retry_after`` and ``would_deny``)
is the same for every request the gate's memo answers with the same :class:`Decision` object, so
it is quoted once per decision object and kept.

The text is exactly what :func:`~botwarden.ledger.chain.canonical` writes for the record that
``Enforcer.finished`` would build (sorted keys, compact separators, non-ASCII escaped, floats as
``repr``), so entries written either way are the same bytes and verify alike. Records this
layout does not cover (a decision with ``extra`` fields, a refusal with no decision, values that
are not plain ``int``/``str``) get ``None`` from :meth:`ExchangeRecords.prepared`: the caller
builds the dict as before.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

from botwarden.ledger.chain import Prepared, quote

if TYPE_CHECKING:
    from botwarden.policy.decision import Decision

_KEPT = 4096  # decision objects whose quoted parts are remembered


class _Parts(NamedTuple):
    """The constant stretches of a record's text around the per-request values."""

    decision: Decision  # held so that its id() cannot be reused while the entry is cached
    verdict: str
    verdict_json: str
    head: str  # '{"addresses":[...],"bytes_down":'
    code: str  # ',"code":"...","duration":'
    host: str  # ',"host":...,"instance":"...","method":'
    rule: str  # ',"port":...,"reason":"..."[,"retry_after":...],"rule":"...","status":'
    tail: str  # '}' or ',"would_deny":"..."}'


class ExchangeRecords:
    """Ledger entries of one enforcer's exchanges: ``bot`` and ``instance`` (the enforcer's own
    name, a field of the record) are the same in all of them."""

    __slots__ = ("_bot", "_bot_json", "_instance_json", "_parts")

    def __init__(self, bot: str, instance: str) -> None:
        self._bot = str.__str__(bot)
        self._bot_json = quote(bot)
        self._instance_json = quote(instance)
        self._parts: dict[int, _Parts] = {}

    def prepared(
        self,
        when: float,
        decision: Decision,
        *,
        method: str,
        target: str,
        status: int | None,
        upstream_status: int | None,
        bytes_up: int,
        bytes_down: int,
        outcome: str,
        duration: float,
    ) -> Prepared | None:
        """The entry :func:`~botwarden.ledger.chain.prepare` would make from the record
        ``Enforcer.finished`` builds of these fields (``time`` is ``when``); None when this
        layout does not write that record (the caller then builds the dict)."""
        parts = self._parts.get(id(decision))
        if parts is None or parts.decision is not decision:
            parts = self._remember(decision)
            if parts is None:
                return None
        if (
            type(when) is not float
            or not math.isfinite(when)
            or type(bytes_up) is not int
            or type(bytes_down) is not int
            or type(method) is not str
            or type(target) is not str
            or type(outcome) is not str
            or type(duration) is not float
            or not math.isfinite(duration)
        ):
            return None
        if status is None:
            status_json = "null"
        elif type(status) is int:
            status_json = int.__repr__(status)
        else:
            return None
        if upstream_status is None:
            upstream_json = "null"
        elif type(upstream_status) is int:
            upstream_json = int.__repr__(upstream_status)
        else:
            return None
        text = (
            f'{parts.head}{bytes_down},"bytes_up":{bytes_up}{parts.code}{duration!r}{parts.host}'
            f'{quote(method)},"outcome":{quote(outcome)}{parts.rule}{status_json},"target":'
            f'{quote(target)},"upstream_status":{upstream_json}{parts.tail}'
        )
        return Prepared(when, self._bot, parts.verdict, text, self._bot_json, parts.verdict_json)

    def _remember(self, decision: Decision) -> _Parts | None:
        parts = self._parts_of(decision)
        if parts is not None:
            if len(self._parts) >= _KEPT:
                self._parts.clear()
            self._parts[id(decision)] = parts
        return parts

    def _parts_of(self, d: Decision) -> _Parts | None:
        if d.extra:
            return None  # its keys may fall anywhere in the sorted record (or replace others)
        verdict, code, reason, rule = (
            d.verdict.value, d.code.value, d.reason, d.rule,
        )  # fmt: skip
        strings = (verdict, code, reason, rule, *d.addresses)
        if any(type(s) is not str for s in strings):
            return None
        if d.host is not None and type(d.host) is not str:
            return None
        if d.port is not None and type(d.port) is not int:
            return None
        retry = ""
        if d.retry_after is not None:
            rounded = round(d.retry_after, 3)
            if type(rounded) is not float or not math.isfinite(rounded):
                return None
            retry = f',"retry_after":{rounded!r}'
        tail = "}"
        if d.would_deny is not None:
            would = d.would_deny.value
            if type(would) is not str:
                return None
            tail = f',"would_deny":{quote(would)}}}'
        return _Parts(
            decision=d,
            verdict=verdict,
            verdict_json=quote(verdict),
            head=f'{{"addresses":[{",".join(map(quote, d.addresses))}],"bytes_down":',
            code=f',"code":{quote(code)},"duration":',
            host=f',"host":{_json(d.host)},"instance":{self._instance_json},"method":',
            rule=(
                f',"port":{_json(d.port)},"reason":{quote(reason)}{retry},"rule":{quote(rule)},'
                '"status":'
            ),
            tail=tail,
        )


def _json(value: str | int | None) -> str:
    if value is None:
        return "null"
    if type(value) is int:
        return int.__repr__(value)
    return quote(value)  # type: ignore[arg-type]
