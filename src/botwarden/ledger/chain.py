"""The hash chain: how a record becomes canonical bytes, and how each entry commits to the last.

An entry's canonical bytes are the compact JSON object ``{"bot", "instance", "record", "seq",
"time", "verdict"}`` (``verdict`` is ``null`` when the record has none), where ``record`` is the
appended record without its ``bot``, ``time`` and ``verdict``: those three sit beside it so that
``verify`` can check the columns kept for queries against the bytes without parsing JSON. Keys
are sorted at every level, ``","`` and ``":"`` separate, non-ASCII is escaped (``\\uXXXX``)
and floats are written as Python's shortest round-trip ``repr``. Its hash is
``SHA-256(prev_hash || bytes)``, where ``prev_hash`` is the previous entry's hash, or 32 zero
bytes for ``seq`` 1. The bytes are stored as they were hashed, so a verifier (in any language)
hashes what is stored and never has to reproduce this serialisation.
"""

from __future__ import annotations

import hashlib
import json
import json.encoder
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from botwarden.ledger.interface import Head, LedgerError, Row, RowValues

GENESIS = bytes(32)
"""``prev_hash`` of every chain's first entry."""

_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), allow_nan=False)


def _refuse(value: object) -> object:
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# The C encoder behind _ENCODER, built once: ``JSONEncoder.encode`` builds a new one (and a
# dict for cycle detection) on every call, a fifth of the cost of encoding a record. A cycle
# shows up here as RecursionError instead.
_MAKE_ENCODER: Callable[..., Callable[[object, int], Iterable[str]]] | None = getattr(
    json.encoder, "c_make_encoder", None
)
_C_ENCODER = (
    _MAKE_ENCODER(
        None, _refuse, json.encoder.encode_basestring_ascii, None, ":", ",", True, False, False
    )
    if _MAKE_ENCODER is not None
    else None
)


def canonical(value: object) -> str:
    """``value`` as canonical JSON (see the module docstring)."""
    if _C_ENCODER is not None:
        return "".join(_C_ENCODER(value, 0))
    return _ENCODER.encode(value)


class Prepared(NamedTuple):
    """A record made canonical at ``append`` time, waiting for its place in a chain."""

    time: float
    bot: str
    verdict: str | None
    text: str  # canonical JSON of the record without its bot, time and verdict
    bot_json: str
    verdict_json: str


_HOISTED = ("bot", "time", "verdict")
quote: Callable[[str], str] = json.encoder.encode_basestring_ascii
"""A string as a JSON string literal, non-ASCII escaped: as ``canonical`` writes strings."""


def prepare(record: Mapping[str, Any]) -> Prepared:
    """Check and serialise a record now, so that a caller's later changes to its dict cannot
    alter what is recorded and a record that cannot be stored fails at the caller's line."""
    rest = dict(record)
    when = rest.pop("time", None)
    bot = rest.pop("bot", None)
    verdict = rest.pop("verdict", None)
    if type(when) is not float or not math.isfinite(when):
        if when is None:
            when = time.time()
        elif isinstance(when, int | float) and not isinstance(when, bool) and math.isfinite(when):
            when = float(when)
        else:
            raise LedgerError(f"record 'time' must be a finite number of seconds, not {when!r}")
    if not isinstance(bot, str):
        raise LedgerError(f"record 'bot' must be a string (it may be empty), not {bot!r}")
    if verdict is not None and not isinstance(verdict, str):
        raise LedgerError(f"record 'verdict' must be a string when present, not {verdict!r}")
    try:
        text = canonical(rest)
    except (TypeError, ValueError, RecursionError) as exc:
        raise LedgerError(f"record cannot be stored as JSON: {exc}") from None
    bot_json = quote(bot)
    if verdict is None:
        return Prepared(when, str.__str__(bot), None, text, bot_json, "null")
    return Prepared(when, str.__str__(bot), str.__str__(verdict), text, bot_json, quote(verdict))


def body_text(instance: str, seq: int, prepared: Prepared) -> str:
    """The canonical bytes of an entry (as ASCII text), built without re-serialising.
    ``link`` inlines this f-string (it runs for every entry); ``verify`` relies on its shape."""
    when, _, _, text, bot_json, verdict_json = prepared
    return (
        f'{{"bot":{bot_json},"instance":{quote(instance)},"record":{text},"seq":{seq},'
        f'"time":{when!r},"verdict":{verdict_json}}}'
    )


def link(instance: str, head: Head, batch: Sequence[Prepared]) -> tuple[list[RowValues], Head]:
    """Give each prepared record the next seq and chain it to the previous entry's hash."""
    instance_json = quote(instance)
    seq, prev = head
    rows: list[RowValues] = []
    add = rows.append
    sha256 = hashlib.sha256
    for when, bot, verdict, text, bot_json, verdict_json in batch:
        seq += 1
        body = (
            f'{{"bot":{bot_json},"instance":{instance_json},"record":{text},"seq":{seq},'
            f'"time":{when!r},"verdict":{verdict_json}}}'
        )
        digest = sha256(prev + body.encode("ascii")).digest()
        # a plain tuple, not a Row: building the NamedTuple would cost a quarter of link()
        add((instance, seq, when, bot, verdict, body, prev, digest))
        prev = digest
    return rows, Head(seq, prev)


def parse_body(body: str | bytes) -> dict[str, Any]:
    """The canonical bytes as an object; raises ValueError if they are not an entry."""
    document = json.loads(body)
    if not isinstance(document, dict) or not isinstance(document.get("record"), dict):
        raise ValueError("not a ledger entry object")
    return document


def record_of(document: Mapping[str, Any]) -> dict[str, Any]:
    """The record as it was appended (a ``None`` verdict reads back as no verdict)."""
    record = {"time": document["time"], "bot": document["bot"]}
    if document.get("verdict") is not None:
        record["verdict"] = document["verdict"]
    record.update(document["record"])
    return record


def column_disagreement(row: Row) -> str | None:
    """Why the stored columns do not match the hashed bytes, or None if they do."""
    try:
        document = parse_body(row.body)
    except ValueError:
        return "the stored entry is not a JSON ledger entry"
    hashed = {name: document.get(name) for name in ("instance", "seq", *_HOISTED)}
    if not _same(row.instance, hashed["instance"]):
        return (
            f"the row holds an entry hashed for instance {hashed['instance']!r}: rows were "
            "moved between chains or the instance column was edited"
        )
    if not _same(row.seq, hashed["seq"]):
        return (
            f"the row holds the entry hashed as seq {hashed['seq']!r}: entries were reordered "
            "or moved, or the seq column was edited"
        )
    stored = {"time": row.time, "bot": row.bot, "verdict": row.verdict}
    for name, value in stored.items():
        if not _same(value, hashed[name]):
            return (
                f"the {name} column ({value!r}) does not match the hashed entry "
                f"({hashed[name]!r}): the row was edited"
            )
    return None


def _same(stored: object, hashed: object) -> bool:
    if isinstance(stored, bool) or isinstance(hashed, bool):
        return stored is hashed
    if isinstance(stored, int | float) and isinstance(hashed, int | float):
        return float(stored) == float(hashed)
    return type(stored) is type(hashed) and stored == hashed
