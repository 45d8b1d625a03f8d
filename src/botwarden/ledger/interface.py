"""The ledger's data types, its error, and the small interface every storage backend implements.

A backend only stores and returns rows; the chain (sequence numbers, hashes), the batching writer,
checkpoint signing and verification live above it and are the same for every backend, so that
SQLite, PostgreSQL and memory ledgers cannot drift apart in what they guarantee.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeAlias

from botwarden.errors import Error


class LedgerError(Error):
    """The ledger cannot be opened, written or read (never: the ledger was tampered with)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One recorded decision, as the chain committed to it. Hashes are lowercase hex."""

    instance: str
    seq: int
    time: float
    record: dict[str, Any]
    prev_hash: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {
            "instance": self.instance,
            "seq": self.seq,
            "time": self.time,
            "record": self.record,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


@dataclass(frozen=True, slots=True)
class Verification:
    """What ``verify`` found. ``problem`` names the first bad entry (instance, seq and why)."""

    ok: bool
    entries: int
    instances: int
    checkpoints: int
    problem: str | None
    bad_instance: str | None = None
    bad_seq: int | None = None
    signatures_checked: bool = False


@dataclass(frozen=True, slots=True)
class Filters:
    """Which entries to read; ``None`` means any."""

    bot: str | None = None
    since: float | None = None
    verdict: str | None = None
    instance: str | None = None

    def where(self, placeholder: str) -> tuple[str, list[object]]:
        """The SQL ``WHERE`` clause for these filters, with ``placeholder`` for each value."""
        clauses: list[str] = []
        parameters: list[object] = []
        for column, value in (
            ("bot", self.bot),
            ("time >=", self.since),
            ("verdict", self.verdict),
            ("instance", self.instance),
        ):
            if value is not None:
                operator = "" if column.endswith("=") else " ="
                clauses.append(f"{column}{operator} {placeholder}")
                parameters.append(value)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), parameters


RowValues: TypeAlias = tuple[str, int, float, str, "str | None", str, bytes, bytes]
"""A :class:`Row`'s fields as a plain tuple: what the writer builds (it is cheaper)."""


class Row(NamedTuple):
    """One stored entry: the columns used for filtering, and the exact bytes that were hashed.

    ``body`` is the canonical JSON that ``hash`` commits to (ASCII, so ``str`` is exact);
    ``time``, ``bot`` and ``verdict`` are copies of the record's fields kept for queries, and
    ``verify`` checks that they still agree with ``body``.
    """

    instance: str
    seq: int
    time: float
    bot: str
    verdict: str | None
    body: str
    prev_hash: bytes
    hash: bytes


ChainRow: TypeAlias = tuple[str, int, float, str, "str | None", bytes, bytes, bytes]
"""A row as ``verify`` reads it, a plain tuple for speed: ``(instance, seq, time, bot, verdict,
body, prev_hash, hash)`` with ``body`` as bytes."""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed statement that ``instance``'s chain had ``hash`` at ``seq``."""

    instance: str
    seq: int
    hash: bytes
    time: float
    key_id: str
    signature: bytes


class Head(NamedTuple):
    """The last entry of a chain: where the next append links to."""

    seq: int
    hash: bytes


class WriteTransaction(ABC):
    """One atomic batch: read a chain's head, add entries and checkpoints, all or nothing."""

    @abstractmethod
    def head(self, instance: str) -> Head:
        """The chain's last entry, ``Head(0, GENESIS)`` when it has none. Called after the
        transaction locked the chain, so that writers sharing an instance cannot interleave."""

    @abstractmethod
    def add_entries(self, rows: Sequence[RowValues]) -> None: ...

    @abstractmethod
    def add_checkpoint(self, checkpoint: Checkpoint) -> None: ...


class WriterConnection(ABC):
    """A connection owned by the writer thread."""

    @abstractmethod
    def transaction(self, instance: str) -> AbstractContextManager[WriteTransaction]:
        """Begin, lock ``instance``'s chain, and commit on a clean exit (roll back otherwise)."""

    @abstractmethod
    def last_checkpoint(self, instance: str) -> Checkpoint | None: ...

    @abstractmethod
    def close(self) -> None: ...


class LedgerStore(ABC):
    """Where a ledger lives. ``url`` is safe to print (any password removed)."""

    url: str

    @abstractmethod
    def prepare(self) -> None:
        """Create the tables if needed; raise :class:`LedgerError` if the store is unusable."""

    @abstractmethod
    def check_readable(self) -> None:
        """Raise :class:`LedgerError` if there is no store to read (a missing file, say)."""

    @abstractmethod
    def writer(self) -> WriterConnection: ...

    @abstractmethod
    def rows(self, filters: Filters) -> Iterator[Row]:
        """Matching rows in time order (ties by instance, then seq)."""

    @abstractmethod
    def chain_rows(self) -> Iterator[ChainRow]:
        """Every row, ordered by instance then seq: the order ``verify`` walks."""

    @abstractmethod
    def checkpoints(self) -> list[Checkpoint]: ...
