"""A fleet's ledger in PostgreSQL: every instance's chain and every checkpoint in two tables.

Writers of different instances never wait for each other; two writers that share an instance id
are serialised by a transaction-scoped advisory lock on that instance, so the chain stays linear.
Batches go in with ``COPY``. A commit is durable once PostgreSQL acknowledges it (with the
server's default ``synchronous_commit = on``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    import psycopg

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS ledger_entries (
        instance text NOT NULL, seq bigint NOT NULL, time double precision NOT NULL,
        bot text NOT NULL, verdict text, body text NOT NULL, prev_hash bytea NOT NULL,
        hash bytea NOT NULL, PRIMARY KEY (instance, seq))""",
    "CREATE INDEX IF NOT EXISTS ledger_entries_time ON ledger_entries (time)",
    "CREATE INDEX IF NOT EXISTS ledger_entries_bot ON ledger_entries (bot, time)",
    """CREATE TABLE IF NOT EXISTS ledger_checkpoints (
        instance text NOT NULL, seq bigint NOT NULL, hash bytea NOT NULL,
        time double precision NOT NULL, key_id text NOT NULL, signature bytea NOT NULL,
        PRIMARY KEY (instance, seq))""",
)
_COLUMNS = "instance, seq, time, bot, verdict, body, prev_hash, hash"
_LOCK_CLASS = 0x4C444752  # "LDGR": the ledger's advisory locks, apart from anyone else's
_CONNECT_TIMEOUT = 10


class PostgresLedgerStore(LedgerStore):
    def __init__(self, conninfo: str, url: str) -> None:
        self.conninfo = conninfo
        self.url = url

    def _error(self, doing: str, exc: BaseException) -> LedgerError:
        cause = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return LedgerError(f"{self.url}: cannot {doing}: {cause}")

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            import psycopg
        except ImportError:
            raise LedgerError(
                f"{self.url}: a PostgreSQL ledger needs psycopg",
                hint="pip install 'botwarden[postgres]'",
            ) from None
        try:
            return psycopg.connect(self.conninfo, connect_timeout=_CONNECT_TIMEOUT)
        except psycopg.Error as exc:
            raise self._error("connect", exc) from None

    @contextmanager
    def _session(self, doing: str) -> Iterator[psycopg.Connection[Any]]:
        import psycopg

        connection = self._connect()
        try:
            yield connection
        except psycopg.Error as exc:
            raise self._error(doing, exc) from None
        finally:
            with suppress(psycopg.Error):
                connection.close()

    def prepare(self) -> None:
        with self._session("create the ledger tables") as connection, connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s, 0)", (_LOCK_CLASS,))
            for statement in _SCHEMA:
                connection.execute(statement)

    def check_readable(self) -> None:
        with self._session("read the ledger") as connection:
            _has_ledger(connection)

    def writer(self) -> WriterConnection:
        return _PostgresWriter(self._connect(), self)

    def rows(self, filters: Filters) -> Iterator[Row]:
        clauses, parameters = filters.where("%s")
        with self._session("read the ledger") as connection:
            if not _has_ledger(connection):
                return
            with connection.cursor(name="ledger_rows") as cursor:  # server-side: streams
                cursor.execute(
                    f"SELECT {_COLUMNS} FROM ledger_entries{clauses} "  # noqa: S608 - fixed text
                    "ORDER BY time, instance, seq",
                    parameters,
                )
                for found in cursor:
                    instance, seq, when, bot, verdict, body, prev_hash, digest = found
                    yield Row(
                        instance, seq, when, bot, verdict, body, bytes(prev_hash), bytes(digest)
                    )

    def chain_rows(self) -> Iterator[ChainRow]:
        with self._session("read the ledger") as connection:
            if not _has_ledger(connection):
                return
            with connection.cursor(name="ledger_chain") as cursor:
                cursor.itersize = 10_000
                cursor.execute(f"SELECT {_COLUMNS} FROM ledger_entries ORDER BY instance, seq")  # noqa: S608
                for instance, seq, when, bot, verdict, body, prev_hash, digest in cursor:
                    yield (instance, seq, when, bot, verdict, body.encode("utf-8"),
                           bytes(prev_hash), bytes(digest))  # fmt: skip

    def checkpoints(self) -> list[Checkpoint]:
        with self._session("read the ledger") as connection:
            if not _has_ledger(connection):
                return []
            found = connection.execute(
                "SELECT instance, seq, hash, time, key_id, signature FROM ledger_checkpoints "
                "ORDER BY instance, seq"
            ).fetchall()
            return [_checkpoint(values) for values in found]


def _has_ledger(connection: psycopg.Connection[Any]) -> bool:
    found = connection.execute("SELECT to_regclass('ledger_entries') IS NOT NULL").fetchone()
    return bool(found and found[0])


def _checkpoint(values: Sequence[Any]) -> Checkpoint:
    instance, seq, digest, when, signer, signature = values
    return Checkpoint(instance, seq, bytes(digest), when, signer, bytes(signature))


def _lock_key(instance: str) -> int:
    return int.from_bytes(hashlib.sha256(instance.encode()).digest()[:4], "big", signed=True)


class _PostgresTransaction(WriteTransaction):
    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self.connection = connection

    def head(self, instance: str) -> Head:
        found = self.connection.execute(
            "SELECT seq, hash FROM ledger_entries WHERE instance = %s ORDER BY seq DESC LIMIT 1",
            (instance,),
        ).fetchone()
        return Head(0, GENESIS) if found is None else Head(found[0], bytes(found[1]))

    def add_entries(self, rows: Sequence[RowValues]) -> None:
        with (
            self.connection.cursor() as cursor,
            cursor.copy(f"COPY ledger_entries ({_COLUMNS}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def add_checkpoint(self, checkpoint: Checkpoint) -> None:
        self.connection.execute(
            "INSERT INTO ledger_checkpoints (instance, seq, hash, time, key_id, signature) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            (checkpoint.instance, checkpoint.seq, checkpoint.hash, checkpoint.time,
             checkpoint.key_id, checkpoint.signature),
        )  # fmt: skip


class _PostgresWriter(WriterConnection):
    def __init__(self, connection: psycopg.Connection[Any], store: PostgresLedgerStore) -> None:
        self.connection = connection
        self.store = store

    @contextmanager
    def transaction(self, instance: str) -> Iterator[WriteTransaction]:
        import psycopg

        try:
            with self.connection.transaction():
                self.connection.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)", (_LOCK_CLASS, _lock_key(instance))
                )
                yield _PostgresTransaction(self.connection)
        except psycopg.Error as exc:
            raise self.store._error("write a batch", exc) from None

    def last_checkpoint(self, instance: str) -> Checkpoint | None:
        import psycopg

        try:
            with self.connection.transaction():
                found = self.connection.execute(
                    "SELECT instance, seq, hash, time, key_id, signature FROM ledger_checkpoints "
                    "WHERE instance = %s ORDER BY seq DESC LIMIT 1",
                    (instance,),
                ).fetchone()
        except psycopg.Error as exc:
            raise self.store._error("read the last checkpoint", exc) from None
        return None if found is None else _checkpoint(found)

    def close(self) -> None:
        import psycopg

        with suppress(psycopg.Error):
            self.connection.close()
