"""The tamper-evident ledger: every decision appended to a per-instance hash chain.

Each entry commits to the previous entry's hash; periodic checkpoints, signed with an Ed25519
key, pin a chain's hash at a seq so that rewriting the chain, or cutting entries off its end,
is detected by whoever holds the public key. Appends are batched by a writer thread and are
durable once acknowledged (``Ledger.flush``, ``Ledger.durable``). Stores: SQLite (default),
PostgreSQL (a fleet), memory (tests). See docs/ledger.md for the format and what ``verify``
does and does not detect.

Records are stored as given: the caller must never put a full secret in one.
"""

from __future__ import annotations

from botwarden.ledger.export import EXPORT_FORMATS, ExportFormat
from botwarden.ledger.interface import Checkpoint, Entry, LedgerError, Verification
from botwarden.ledger.keys import write_key_pair
from botwarden.ledger.ledger import Ledger, default_instance, open_ledger
from botwarden.ledger.urls import (
    ledger_url_beside,
    redact,
)

__all__ = [
    "EXPORT_FORMATS",
    "Checkpoint",
    "Entry",
    "ExportFormat",
    "Ledger",
    "LedgerError",
    "Verification",
    "default_instance",
    "ledger_url_beside",
    "open_ledger",
    "redact",
    "write_key_pair",
]
