"""``Ledger``: append decisions from any thread, read them back, verify the chains, export.

One ``Ledger`` writes one instance's chain (``instance``, by default ``HOST-PID-XXXX``) through
its writer thread, and reads every instance's entries from the same store.
"""

from __future__ import annotations

import atexit
import os
import secrets
import socket
import threading
import time
import weakref
from collections.abc import Iterator, Mapping
from contextlib import suppress
from itertools import count
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from botwarden.ledger.chain import Prepared, parse_body, prepare, record_of
from botwarden.ledger.export import ExportFormat, write_entries
from botwarden.ledger.interface import Entry, Filters, LedgerError, LedgerStore, Row, Verification
from botwarden.ledger.keys import load_public_key, load_signing_key
from botwarden.ledger.urls import store_from_url
from botwarden.ledger.verify import verify_store
from botwarden.ledger.writer import CheckpointPolicy, LedgerWriter

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

MAX_PENDING = 100_000
"""Records queued but not yet durable beyond which ``append`` waits for the writer."""
_EXIT_FLUSH = 2.0  # seconds a process exit waits for an unclosed ledger's queue
_OPEN: weakref.WeakSet[Ledger] = weakref.WeakSet()


def default_instance() -> str:
    return f"{socket.gethostname() or 'host'}-{os.getpid()}-{secrets.token_hex(2)}"


class Ledger:
    """A hash-chained, append-only record of decisions. Build one with :func:`open_ledger`."""

    def __init__(
        self,
        store: LedgerStore,
        instance: str,
        *,
        signing_key: Ed25519PrivateKey | None = None,
        writer: LedgerWriter | None = None,
        max_pending: int = MAX_PENDING,
    ) -> None:
        self.store = store
        self.instance = instance
        self._signing_key = signing_key
        self._writer = writer
        self._appended = count(1)
        self._queued = 0
        self._max_pending = max_pending
        self._closed = writer is None
        self._close_lock = threading.Lock()
        if writer is not None:
            _OPEN.add(self)

    @property
    def durable(self) -> int:
        """How many of this object's appends have committed (are acknowledged)."""
        return self._writer.durable if self._writer is not None else 0

    def append(self, record: Mapping[str, Any]) -> None:
        """Queue ``record`` for the writer. Checks and serialises it now (a bad record raises
        :class:`LedgerError` here); waits only if the writer is ``max_pending`` records behind."""
        writer = self._writer
        if writer is None or self._closed:
            raise LedgerError(f"{self.store.url}: the ledger is closed or opened read-only")
        prepared = prepare(record)
        self._queued = next(self._appended)
        if self._queued - writer.durable > self._max_pending:
            self._wait_for_room(writer)
        writer.put(prepared)

    def append_prepared(self, prepared: Prepared) -> None:
        """:meth:`append` for an entry a trusted in-package builder already made, such as
        :meth:`~botwarden.ledger.records.ExchangeRecords.prepared` (which writes the record's
        canonical text without a dict); nothing is checked or serialised here."""
        writer = self._writer
        if writer is None or self._closed:
            raise LedgerError(f"{self.store.url}: the ledger is closed or opened read-only")
        self._queued = queued = next(self._appended)
        if queued - writer.durable > self._max_pending:
            self._wait_for_room(writer)
        writer.queue.put(prepared)

    def _wait_for_room(self, writer: LedgerWriter) -> None:
        deadline = time.monotonic() + 30.0
        while self._queued - writer.durable > self._max_pending:
            if time.monotonic() > deadline or not writer.alive:
                raise LedgerError(
                    f"{self.store.url}: {self._queued - writer.durable} records are waiting "
                    f"to be written{_cause(writer)}"
                )
            time.sleep(0.001)

    def flush(self, timeout: float = 5.0) -> None:
        """Return once everything appended before this call is durable; raise
        :class:`LedgerError` if that does not happen within ``timeout`` seconds."""
        writer = self._writer
        if writer is None:
            return
        if not writer.alive:
            raise LedgerError(f"{self.store.url}: the ledger writer has stopped{_cause(writer)}")
        if not writer.flush(timeout):
            raise LedgerError(
                f"{self.store.url}: ledger entries not durable after {timeout:g} s{_cause(writer)}"
            )

    def close(self, timeout: float = 5.0) -> None:
        """Flush, sign a last checkpoint if a key was given, and stop the writer thread."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        _OPEN.discard(self)
        writer = self._writer
        if writer is not None and not writer.stop(timeout):
            raise LedgerError(
                f"{self.store.url}: ledger closed with {self._queued - writer.durable} records "
                f"not written{_cause(writer)}"
            )

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def entries(
        self,
        *,
        bot: str | None = None,
        since: float | None = None,
        verdict: str | None = None,
        instance: str | None = None,
    ) -> Iterator[Entry]:
        """Entries of every instance, oldest first, as stored (``verify`` says if they are
        authentic)."""
        filters = Filters(bot=bot, since=since, verdict=verdict, instance=instance)
        for row in self.store.rows(filters):
            yield _entry(row)

    def verify(self, public_key: Path | None = None) -> Verification:
        """Check every chain and checkpoint. Signatures are checked with ``public_key``, or with
        this ledger's signing key; with neither, checkpoints are matched but not authenticated."""
        if public_key is not None:
            public = load_public_key(public_key)
        elif self._signing_key is not None:
            public = self._signing_key.public_key()
        else:
            public = None
        return verify_store(self.store, public)

    def export(self, out: IO[str], format: ExportFormat, **filters: Any) -> int:
        """Write the matching entries to ``out`` as ``jsonl`` or ``csv``; return the count."""
        return write_entries(self.entries(**filters), out, format)


def _entry(row: Row) -> Entry:
    try:
        document = parse_body(row.body)
        return Entry(
            instance=document["instance"], seq=document["seq"], time=float(document["time"]),
            record=record_of(document), prev_hash=row.prev_hash.hex(), hash=row.hash.hex(),
        )  # fmt: skip
    except (ValueError, KeyError, TypeError):
        raise LedgerError(
            f"instance {row.instance!r} seq {row.seq}: the stored entry is unreadable",
            hint="run 'botwarden ledger verify'",
        ) from None


def _cause(writer: LedgerWriter) -> str:
    return f": {writer.failure.message}" if writer.failure is not None else ""


def open_ledger(
    url: str,
    *,
    instance: str | None = None,
    signing_key: Path | None = None,
    batch_size: int = 1000,
    flush_interval: float = 0.05,
    checkpoint_every: int = 10_000,
    checkpoint_interval: float = 60.0,
    read_only: bool = False,
) -> Ledger:
    """Open (creating if needed) the ledger at ``url`` and start its writer thread.

    ``read_only`` opens an existing ledger for ``entries``, ``verify`` and ``export`` only: no
    tables are created, no thread is started, and a missing database is an error.
    """
    store = store_from_url(url)
    name = default_instance() if instance is None else _check_instance(instance)
    key = load_signing_key(signing_key) if signing_key is not None else None
    if read_only:
        store.check_readable()
        return Ledger(store, name, signing_key=key)
    if batch_size < 1 or flush_interval < 0 or checkpoint_every < 1 or checkpoint_interval <= 0:
        raise LedgerError(
            "batch_size and checkpoint_every must be at least 1, flush_interval at least 0 "
            "and checkpoint_interval above 0"
        )
    store.prepare()
    policy = (
        CheckpointPolicy(key, every=checkpoint_every, interval=checkpoint_interval)
        if key is not None
        else None
    )
    writer = LedgerWriter(
        store, name, batch_size=batch_size, flush_interval=flush_interval, checkpoints=policy
    )
    return Ledger(store, name, signing_key=key, writer=writer)


def _check_instance(name: str) -> str:
    if not name or len(name) > 200 or not name.isprintable():
        raise LedgerError(f"instance {name!r}: expected 1 to 200 printable characters")
    return name


@atexit.register
def _flush_open_ledgers() -> None:
    """A process that exits without closing its ledger still gets its queue written."""
    for ledger in list(_OPEN):
        with suppress(LedgerError):
            ledger.close(timeout=_EXIT_FLUSH)
