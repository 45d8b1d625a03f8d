"""The embedded ledger: a SQLite file in WAL mode, shared safely by the processes of one host.

Each batch is one ``BEGIN IMMEDIATE`` transaction, so writers queue on the file lock (up to the
busy timeout) instead of failing, and readers never block them. With ``synchronous=NORMAL`` (the
default) a committed batch survives the death of the process (SIGKILL included) but the last
batches before a power loss or kernel crash may be lost; ``?synchronous=full`` makes every commit
wait for the disk (fsync) and survive those too, at a cost in throughput.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote

from botwarden.ledger.chain import GENESIS
from botwarden.ledger.interface import (
    ChainRow,
    Checkpoint,
    Filters,
    Head,
    LedgerError,
    LedgerStore,
    Row,
    RowValues,
    WriterConnection,
    WriteTransaction,
)

# Indexes: the chain order (the primary key) and time. Filters on bot or verdict scan, in C
# (well under a second per million entries); an index on bot would cost a tenth of the append
# rate, and decisions are written far more often than they are read.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger_entries (
    instance TEXT NOT NULL, seq INTEGER NOT NULL, time REAL NOT NULL, bot TEXT NOT NULL,
    verdict TEXT, body TEXT NOT NULL, prev_hash BLOB NOT NULL, hash BLOB NOT NULL,
    PRIMARY KEY (instance, seq)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ledger_entries_time ON ledger_entries (time);
CREATE TABLE IF NOT EXISTS ledger_checkpoints (
    instance TEXT NOT NULL, seq INTEGER NOT NULL, hash BLOB NOT NULL, time REAL NOT NULL,
    key_id TEXT NOT NULL, signature BLOB NOT NULL, PRIMARY KEY (instance, seq));
"""
_COLUMNS = "instance, seq, time, bot, verdict, body, prev_hash, hash"
_CHAIN_QUERY = (
    "SELECT instance, seq, time, bot, verdict, CAST(body AS BLOB), prev_hash, hash "
    "FROM ledger_entries ORDER BY instance, seq"
)
_ROW = "(?, ?, ?, ?, ?, ?, ?, ?)"
_INSERTS = {  # rows per statement -> the statement, largest first
    size: f"INSERT INTO ledger_entries ({_COLUMNS}) VALUES " + ", ".join([_ROW] * size)  # noqa: S608
    for size in (256, 64, 16, 4, 1)
}


def _inserts(rows: Sequence[RowValues]) -> Iterator[tuple[str, list[object]]]:
    """Multi-row INSERTs for ``rows``, in a few fixed sizes (so few statements are cached).

    One statement per chunk, not one per row: the sqlite3 module releases the interpreter lock
    around every step, and in a proxy whose event loop shares the lock with this writer, each
    release let the loop take the lock and the writer wait for it back (a convoy costing more
    than the insert itself).
    """
    at = 0
    for size, sql in _INSERTS.items():
        while len(rows) - at >= size:
            yield sql, [value for row in rows[at : at + size] for value in row]
            at += size


_SYNCHRONOUS = ("normal", "full", "extra")


class SqliteLedgerStore(LedgerStore):
    def __init__(
        self, path: Path, url: str, *, synchronous: str = "normal", timeout: float = 10.0
    ) -> None:
        self.path = path
        self.url = url
        self.synchronous = synchronous
        self.timeout = timeout

    @classmethod
    def from_url(cls, url: str) -> SqliteLedgerStore:
        if not url.lower().startswith("sqlite:///"):
            raise LedgerError(f"{url}: a SQLite store URL is sqlite:///PATH (three slashes)")
        location, _, query = url[len("sqlite:///") :].partition("?")
        path = unquote(location)
        if not path or path == ":memory:":
            raise LedgerError(f"{url}: name the database file, as in sqlite:///.botwarden/state.db")
        options = dict(parse_qsl(query, keep_blank_values=True))
        synchronous = options.pop("synchronous", "normal").lower()
        if synchronous not in _SYNCHRONOUS:
            raise LedgerError(f"{url}: synchronous must be one of {', '.join(_SYNCHRONOUS)}")
        try:
            timeout = float(options.pop("timeout", "10"))
        except ValueError:
            raise LedgerError(f"{url}: timeout must be a number of seconds") from None
        return cls(Path(path), url, synchronous=synchronous, timeout=timeout)

    def _error(self, doing: str, exc: BaseException) -> LedgerError:
        return LedgerError(f"{self.url}: cannot {doing}: {exc}")

    def _connect(self, *, read_only: bool = False) -> sqlite3.Connection:
        target = f"file:{quote(str(self.path))}?mode=ro" if read_only else str(self.path)
        try:
            connection = sqlite3.connect(
                target, uri=read_only, timeout=self.timeout, isolation_level=None,
                check_same_thread=False,
            )  # fmt: skip
            connection.execute(f"PRAGMA synchronous={self.synchronous}")
        except sqlite3.Error as exc:
            raise self._error("open the database", exc) from None
        return connection

    def prepare(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not self.path.exists():  # records may be sensitive: not world-readable
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        except OSError as exc:
            raise LedgerError(f"{self.url}: cannot create {self.path}: {exc.strerror}") from None
        connection = self._connect()
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise self._error("create the ledger tables", exc) from None
        finally:
            connection.close()

    def check_readable(self) -> None:
        if not self.path.is_file():
            raise LedgerError(f"{self.url}: no ledger database at {self.path}")
        with self._reading() as connection:
            self._has_ledger(connection)

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        connection = self._connect(read_only=True)
        try:
            yield connection
        except sqlite3.Error as exc:
            raise self._error("read the ledger", exc) from None
        finally:
            connection.close()

    @staticmethod
    def _has_ledger(connection: sqlite3.Connection) -> bool:
        found = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'ledger_entries'"
        ).fetchone()
        return bool(found[0])

    def writer(self) -> WriterConnection:
        return _SqliteWriter(self._connect(), self)

    def rows(self, filters: Filters) -> Iterator[Row]:
        clauses, parameters = filters.where("?")
        with self._reading() as connection:
            if not self._has_ledger(connection):
                return
            cursor = connection.execute(
                f"SELECT {_COLUMNS} FROM ledger_entries{clauses} "  # noqa: S608 - fixed text
                "ORDER BY time, instance, seq",
                parameters,
            )
            for found in cursor:
                yield Row._make(found)

    def chain_rows(self) -> Iterator[ChainRow]:
        with self._reading() as connection:
            if not self._has_ledger(connection):
                return
            yield from connection.execute(_CHAIN_QUERY)

    def checkpoints(self) -> list[Checkpoint]:
        with self._reading() as connection:
            if not self._has_ledger(connection):
                return []
            found = connection.execute(
                "SELECT instance, seq, hash, time, key_id, signature FROM ledger_checkpoints "
                "ORDER BY instance, seq"
            )
            return [Checkpoint(*values) for values in found]


class _SqliteTransaction(WriteTransaction):
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def head(self, instance: str) -> Head:
        found = self.connection.execute(
            "SELECT seq, hash FROM ledger_entries WHERE instance = ? ORDER BY seq DESC LIMIT 1",
            (instance,),
        ).fetchone()
        return Head(0, GENESIS) if found is None else Head(found[0], found[1])

    def add_entries(self, rows: Sequence[RowValues]) -> None:
        execute = self.connection.execute
        for sql, values in _inserts(rows):
            execute(sql, values)

    def add_checkpoint(self, checkpoint: Checkpoint) -> None:
        self.connection.execute(
            "INSERT INTO ledger_checkpoints (instance, seq, hash, time, key_id, signature) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (checkpoint.instance, checkpoint.seq, checkpoint.hash, checkpoint.time,
             checkpoint.key_id, checkpoint.signature),
        )  # fmt: skip


class _SqliteWriter(WriterConnection):
    def __init__(self, connection: sqlite3.Connection, store: SqliteLedgerStore) -> None:
        self.connection = connection
        self.store = store

    @contextmanager
    def transaction(self, instance: str) -> Iterator[WriteTransaction]:
        try:
            self.connection.execute("BEGIN IMMEDIATE")
            yield _SqliteTransaction(self.connection)
            self.connection.execute("COMMIT")
        except sqlite3.Error as exc:
            with suppress(sqlite3.Error):
                self.connection.execute("ROLLBACK")
            raise self.store._error("write a batch", exc) from None
        except BaseException:
            with suppress(sqlite3.Error):
                self.connection.execute("ROLLBACK")
            raise

    def last_checkpoint(self, instance: str) -> Checkpoint | None:
        try:
            found = self.connection.execute(
                "SELECT instance, seq, hash, time, key_id, signature FROM ledger_checkpoints "
                "WHERE instance = ? ORDER BY seq DESC LIMIT 1",
                (instance,),
            ).fetchone()
        except sqlite3.Error as exc:
            raise self.store._error("read the last checkpoint", exc) from None
        return None if found is None else Checkpoint(*found)

    def close(self) -> None:
        with suppress(sqlite3.Error):
            self.connection.close()
