"""Entries out of the ledger: JSON Lines (lossless) or CSV (for people and spreadsheets).

JSON Lines: one object per entry, ``{"instance", "seq", "time", "record", "prev_hash",
"hash"}``, the record exactly as recorded.

CSV: a fixed header (below) so that files from different runs line up. The record's usual fields
get a column each and any other field goes, as a JSON object, in ``extra``. A cell holds a string
value as it is, nothing for a missing or null value, and compact JSON for anything else (numbers,
lists, objects). A string that a spreadsheet would run as a formula (it starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return), or that starts with ``'``, is written with a ``'``
before it; strip one leading ``'`` to get the value back.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO, Any, Literal

from botwarden.ledger.interface import Entry, LedgerError

ExportFormat = Literal["jsonl", "csv"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("jsonl", "csv")

RECORD_COLUMNS = (
    "bot", "verdict", "code", "rule", "reason", "method", "target", "host", "port", "addresses",
    "action", "resource", "bytes_up", "bytes_down", "budget",
)  # fmt: skip
CSV_HEADER = ("instance", "seq", "time", *RECORD_COLUMNS, "extra", "prev_hash", "hash")
_FORMULA = ("=", "+", "-", "@", "\t", "\r", "'")
_KNOWN = frozenset(("time", *RECORD_COLUMNS))


def write_entries(entries: Iterable[Entry], out: IO[str], format: ExportFormat) -> int:
    """Write ``entries`` to ``out`` in ``format``; return how many were written."""
    if format == "jsonl":
        return _jsonl(entries, out)
    if format == "csv":
        return _csv(entries, out)
    raise LedgerError(f"export format {format!r}: expected jsonl or csv")


def _jsonl(entries: Iterable[Entry], out: IO[str]) -> int:
    count = 0
    for entry in entries:
        out.write(json.dumps(entry.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
    return count


def _csv(entries: Iterable[Entry], out: IO[str]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    count = 0
    for entry in entries:
        record = entry.record
        extra = {key: value for key, value in record.items() if key not in _KNOWN}
        writer.writerow((
            cell(entry.instance), entry.seq, repr(entry.time),
            *(cell(record.get(name)) for name in RECORD_COLUMNS),
            cell(extra) if extra else "", entry.prev_hash, entry.hash,
        ))  # fmt: skip
        count += 1
    return count


def cell(value: Any) -> str:
    """One CSV cell, as the module docstring describes."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA) else value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
