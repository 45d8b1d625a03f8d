"""One test body over every ledger store, and an attacker's direct access to each.

``store`` opens the same kind of ledger on memory, SQLite and PostgreSQL; ``tamper`` edits the
stored rows behind the ledger's back, with plain SQL on the SQL stores (as someone with write
access to the database would) and on the row lists of the memory store.
"""

from __future__ import annotations

import secrets
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from botwarden.ledger import Ledger, open_ledger
from botwarden.ledger.interface import Checkpoint, Row
from botwarden.ledger.memory import MemoryLedgerStore

COLUMNS = ("instance", "seq", "time", "bot", "verdict", "body", "prev_hash", "hash")
CHECKPOINT_COLUMNS = ("instance", "seq", "hash", "time", "key_id", "signature")


class Tamper(ABC):
    """Direct edits of the stored rows."""

    @abstractmethod
    def rows(self) -> list[Row]: ...

    @abstractmethod
    def update(self, instance: str, seq: int, /, **columns: Any) -> None: ...

    @abstractmethod
    def delete(self, instance: str, seq: int | None = None) -> None: ...

    @abstractmethod
    def insert(self, row: Row) -> None: ...

    @abstractmethod
    def checkpoints(self) -> list[Checkpoint]: ...

    @abstractmethod
    def update_checkpoint(self, instance: str, seq: int, /, **columns: Any) -> None: ...

    @abstractmethod
    def insert_checkpoint(self, checkpoint: Checkpoint) -> None: ...

    def row(self, instance: str, seq: int) -> Row:
        return next(r for r in self.rows() if (r.instance, r.seq) == (instance, seq))


class SqlTamper(Tamper):
    def __init__(self, execute: Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]], mark: str):
        self.execute = execute
        self.mark = mark  # the driver's parameter marker

    def _set(self, columns: dict[str, Any]) -> str:
        return ", ".join(f"{name} = {self.mark}" for name in columns)

    def rows(self) -> list[Row]:
        found = self.execute(f"SELECT {', '.join(COLUMNS)} FROM ledger_entries ORDER BY 1, 2", ())
        return [Row(*r[:6], bytes(r[6]), bytes(r[7])) for r in found]

    def update(self, instance: str, seq: int, /, **columns: Any) -> None:
        m = self.mark
        self.execute(
            f"UPDATE ledger_entries SET {self._set(columns)} WHERE instance = {m} AND seq = {m}",
            (*columns.values(), instance, seq),
        )

    def delete(self, instance: str, seq: int | None = None) -> None:
        m = self.mark
        if seq is None:
            self.execute(f"DELETE FROM ledger_entries WHERE instance = {m}", (instance,))
        else:
            self.execute(
                f"DELETE FROM ledger_entries WHERE instance = {m} AND seq = {m}", (instance, seq)
            )

    def insert(self, row: Row) -> None:
        marks = ", ".join([self.mark] * len(COLUMNS))
        self.execute(f"INSERT INTO ledger_entries ({', '.join(COLUMNS)}) VALUES ({marks})", row)

    def checkpoints(self) -> list[Checkpoint]:
        found = self.execute(
            f"SELECT {', '.join(CHECKPOINT_COLUMNS)} FROM ledger_checkpoints ORDER BY 1, 2", ()
        )
        return [Checkpoint(r[0], r[1], bytes(r[2]), r[3], r[4], bytes(r[5])) for r in found]

    def update_checkpoint(self, instance: str, seq: int, /, **columns: Any) -> None:
        m = self.mark
        self.execute(
            f"UPDATE ledger_checkpoints SET {self._set(columns)} "
            f"WHERE instance = {m} AND seq = {m}",
            (*columns.values(), instance, seq),
        )

    def insert_checkpoint(self, checkpoint: Checkpoint) -> None:
        marks = ", ".join([self.mark] * len(CHECKPOINT_COLUMNS))
        self.execute(
            f"INSERT INTO ledger_checkpoints ({', '.join(CHECKPOINT_COLUMNS)}) VALUES ({marks})",
            (checkpoint.instance, checkpoint.seq, checkpoint.hash, checkpoint.time,
             checkpoint.key_id, checkpoint.signature),
        )  # fmt: skip


class MemoryTamper(Tamper):
    def __init__(self, store: MemoryLedgerStore) -> None:
        self.store = store

    def rows(self) -> list[Row]:
        return sorted(self.store.table, key=lambda r: (r.instance, r.seq))

    def update(self, instance: str, seq: int, /, **columns: Any) -> None:
        table = self.store.table
        for index, row in enumerate(table):
            if (row.instance, row.seq) == (instance, seq):
                table[index] = row._replace(**columns)

    def delete(self, instance: str, seq: int | None = None) -> None:
        self.store.table[:] = [
            r for r in self.store.table if not (r.instance == instance and seq in (None, r.seq))
        ]

    def insert(self, row: Row) -> None:
        self.store.table.append(row)

    def checkpoints(self) -> list[Checkpoint]:
        return sorted(self.store.checkpoint_table, key=lambda c: (c.instance, c.seq))

    def update_checkpoint(self, instance: str, seq: int, /, **columns: Any) -> None:
        table = self.store.checkpoint_table
        for index, cp in enumerate(table):
            if (cp.instance, cp.seq) == (instance, seq):
                table[index] = replace(cp, **columns)

    def insert_checkpoint(self, checkpoint: Checkpoint) -> None:
        self.store.checkpoint_table.append(checkpoint)


@dataclass
class StoreCase:
    """A ledger store for one test: its URL, and direct access to its tables."""

    kind: str
    url: str
    _tamper: Callable[[], Tamper]
    _keep: list[Any]

    def open(self, **options: Any) -> Ledger:
        ledger = open_ledger(self.url, **options)
        self._keep.append(ledger)
        return ledger

    def reader(self, **options: Any) -> Ledger:
        return self.open(read_only=True, **options)

    @property
    def tamper(self) -> Tamper:
        return self._tamper()


def _sqlite_execute(path: Path) -> Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]:
    def execute(sql: str, parameters: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with closing(sqlite3.connect(path)) as connection, connection:
            return connection.execute(sql, parameters).fetchall()

    return execute


def _postgres_execute(url: str) -> Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]:
    import psycopg

    def execute(sql: str, parameters: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with psycopg.connect(url, autocommit=True) as connection:
            cursor = connection.execute(sql, parameters)
            return cursor.fetchall() if cursor.description else []

    return execute


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreCase]:
    kind: str = request.param
    keep: list[Any] = []
    if kind == "memory":
        url = f"memory://test-{secrets.token_hex(4)}"
        memory = MemoryLedgerStore.named(url.removeprefix("memory://"))
        keep.append(memory)  # named memory stores live as long as someone holds them
        case = StoreCase(kind, url, lambda: MemoryTamper(memory), keep)
    elif kind == "sqlite":
        path = tmp_path / "ledger.db"
        case = StoreCase(kind, f"sqlite:///{path}", lambda: SqlTamper(_sqlite_execute(path), "?"),
                         keep)  # fmt: skip
    else:
        url = request.getfixturevalue("postgres_url")
        case = StoreCase(kind, url, lambda: SqlTamper(_postgres_execute(url), "%s"), keep)
    yield case
    for item in keep:
        if isinstance(item, Ledger):
            item.close()
