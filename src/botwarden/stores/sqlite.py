"""The embedded default: one SQLite file, safe for several processes on one host.

The file is opened in WAL mode (readers never wait for the writer) with a busy timeout equal to
the store's timeout; every operation that changes state runs in ``BEGIN IMMEDIATE``, which takes
the database's write lock before reading, so two processes can never both read the old value.
The folder and the file are created if missing, the file readable by its owner only (0600;
SQLite gives its ``-wal`` and ``-shm`` files the same mode).

One connection per store object, guarded by a lock so threads can share the object; a process
that inherits a store across ``fork`` opens its own connection on first use.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from botwarden.stores.base import DEFAULT_TIMEOUT, StoreError
from botwarden.stores.sql import TABLE_NAMES, Row, Session, SqlStore, T, columns, schema


class _Session:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def query(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return self._connection.execute(sql, params).fetchall()

    def change(self, sql: str, params: Sequence[object] = ()) -> int:
        return self._connection.execute(sql, params).rowcount


class SqliteStore(SqlStore):
    """State in one SQLite file."""

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = DEFAULT_TIMEOUT,
                 url: str | None = None) -> None:  # fmt: skip
        self.path = Path(path)
        self.url = url or f"sqlite:///{self.path}"
        self.timeout = timeout
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    def _atomic(self, op: str, work: Callable[[Session], T], *, write: bool) -> T:
        with self._lock:
            try:
                connection = self._connect()
                if not write:
                    return work(_Session(connection))
                connection.execute("BEGIN IMMEDIATE")
                try:
                    result = work(_Session(connection))
                    connection.execute("COMMIT")
                except BaseException:
                    with contextlib.suppress(sqlite3.Error):
                        connection.execute("ROLLBACK")
                    raise
                return result
            except (sqlite3.Error, OSError) as exc:
                self._drop()
                raise StoreError(f"state store {self.url}: {op}: {exc}") from exc

    def _fetch(
        self, session: Session, table: str, key: str, *, lock: bool
    ) -> tuple[Row | None, float]:
        rows = session.query(f"SELECT {columns(table)} FROM {table} WHERE key = ?", (key,))  # noqa: S608 (constant names)
        return (rows[0] if rows else None), time.time()

    def _connect(self) -> sqlite3.Connection:
        if self._connection is not None and self._pid == os.getpid():
            return self._connection
        self._connection = None  # one inherited across fork belongs to the parent
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
        connection = sqlite3.connect(
            self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
        )
        try:
            connection.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            self._use_wal(connection)
            connection.execute("PRAGMA synchronous = NORMAL")
            self._create_tables(connection)
        except BaseException:
            connection.close()
            raise
        self._connection, self._pid = connection, os.getpid()
        return connection

    @staticmethod
    def _create_tables(connection: sqlite3.Connection) -> None:
        """Create what is missing; a file that has every table is not write-locked to check."""
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if tables.issuperset(TABLE_NAMES):
            return
        connection.execute("BEGIN IMMEDIATE")
        for statement in schema("TEXT"):
            connection.execute(statement)
        connection.execute("COMMIT")

    def _use_wal(self, connection: sqlite3.Connection) -> None:
        """Switch to WAL once per file; the switch skips the busy handler, so wait here."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    connection.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _drop(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            with contextlib.suppress(sqlite3.Error):
                self._connection.close()
        self._connection = None

    def close(self) -> None:
        with self._lock:
            self._drop()
