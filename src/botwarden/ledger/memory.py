"""A ledger in this process's memory: for tests, and for trying the ledger without a file.

``memory://`` is a fresh ledger each time it is opened; ``memory://NAME`` is shared by every
``Ledger`` of the process opened with the same name (so a test can reopen it, as a restarted
process would reopen a file). ``table`` and ``checkpoint_table`` are plain lists on purpose: tests
tamper with them the way an attacker would edit a database.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from botwarden.ledger.chain import GENESIS
from botwarden.ledger.interface import (
    ChainRow,
    Checkpoint,
    Filters,
    Head,
    LedgerStore,
    Row,
    RowValues,
    WriterConnection,
    WriteTransaction,
)

_NAMED: weakref.WeakValueDictionary[str, MemoryLedgerStore] = weakref.WeakValueDictionary()
_NAMED_LOCK = threading.Lock()


class MemoryLedgerStore(LedgerStore):
    def __init__(self, url: str = "memory://") -> None:
        self.url = url
        self.table: list[Row] = []
        self.checkpoint_table: list[Checkpoint] = []
        self.lock = threading.RLock()

    @classmethod
    def named(cls, name: str) -> MemoryLedgerStore:
        if not name:
            return cls()
        with _NAMED_LOCK:
            store = _NAMED.get(name)
            if store is None:
                store = _NAMED[name] = cls(f"memory://{name}")
            return store

    def prepare(self) -> None:
        return None

    def check_readable(self) -> None:
        return None

    def writer(self) -> WriterConnection:
        return _MemoryWriter(self)

    def rows_snapshot(self) -> list[Row]:
        with self.lock:
            return list(self.table)

    def rows(self, filters: Filters) -> Iterator[Row]:
        selected = [row for row in self.rows_snapshot() if _matches(row, filters)]
        return iter(sorted(selected, key=lambda row: (row.time, row.instance, row.seq)))

    def chain_rows(self) -> Iterator[ChainRow]:
        ordered = sorted(self.rows_snapshot(), key=lambda row: (row.instance, row.seq))
        return ((*row[:5], row.body.encode("utf-8"), row.prev_hash, row.hash) for row in ordered)

    def checkpoints(self) -> list[Checkpoint]:
        with self.lock:
            return sorted(self.checkpoint_table, key=lambda cp: (cp.instance, cp.seq))


def _matches(row: Row, filters: Filters) -> bool:
    return (
        (filters.bot is None or row.bot == filters.bot)
        and (filters.since is None or row.time >= filters.since)
        and (filters.verdict is None or row.verdict == filters.verdict)
        and (filters.instance is None or row.instance == filters.instance)
    )


class _MemoryTransaction(WriteTransaction):
    def __init__(self, store: MemoryLedgerStore) -> None:
        self.store = store
        self.new_rows: list[Row] = []
        self.new_checkpoints: list[Checkpoint] = []

    def head(self, instance: str) -> Head:
        mine = [row for row in self.store.table if row.instance == instance]
        if not mine:
            return Head(0, GENESIS)
        last = max(mine, key=lambda row: row.seq)
        return Head(last.seq, last.hash)

    def add_entries(self, rows: Sequence[RowValues]) -> None:
        self.new_rows.extend(Row._make(row) for row in rows)

    def add_checkpoint(self, checkpoint: Checkpoint) -> None:
        self.new_checkpoints.append(checkpoint)


class _MemoryWriter(WriterConnection):
    def __init__(self, store: MemoryLedgerStore) -> None:
        self.store = store

    @contextmanager
    def transaction(self, instance: str) -> Iterator[WriteTransaction]:
        with self.store.lock:
            transaction = _MemoryTransaction(self.store)
            yield transaction
            self.store.table.extend(transaction.new_rows)
            self.store.checkpoint_table.extend(transaction.new_checkpoints)

    def last_checkpoint(self, instance: str) -> Checkpoint | None:
        with self.store.lock:
            mine = [cp for cp in self.store.checkpoint_table if cp.instance == instance]
        return max(mine, key=lambda cp: cp.seq) if mine else None

    def close(self) -> None:
        return None
