"""A fleet's state in PostgreSQL: the same tables and steps as SQLite, one transaction each.

Rows are locked with ``INSERT ... ON CONFLICT (key) DO UPDATE SET key = excluded.key
RETURNING ...``: one statement that creates the row if needed, waits for any other writer of it
and returns its latest committed version, so no lost update is possible at READ COMMITTED. The
time is the server's (``clock_timestamp()``, read in that same statement) so every replica
agrees, unless the caller passes ``now``. Keys are stored as BYTEA (their UTF-8), so any key is
safe, NUL included. Tables are created on first use, under an advisory lock so that several
processes starting at once do not race on the catalog.

The connection is opened on first use and dropped after any error (the next operation opens a
new one); a failed operation is never retried, since a take whose answer was lost may have been
applied. Timeouts: ``connect_timeout`` (libpq counts whole seconds, at least 2),
``statement_timeout`` and ``lock_timeout`` from the store's timeout, and ``tcp_user_timeout`` so
a silent network fails too; the URL's own parameters win.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Sequence

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from botwarden.stores.base import DEFAULT_TIMEOUT, StoreError
from botwarden.stores.sql import Row, Session, SqlStore, T, columns, schema
from botwarden.stores.urls import redact_url, scrub

_SCHEMA_LOCK = 0x626F7477617264  # pg_advisory_xact_lock id held while creating the tables
_CLOCK = "extract(epoch FROM clock_timestamp())::float8"


class _Session:
    def __init__(self, connection: psycopg.Connection[Row]) -> None:
        self._connection = connection

    def query(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return self._connection.execute(sql.replace("?", "%s"), params).fetchall()

    def change(self, sql: str, params: Sequence[object] = ()) -> int:
        return self._connection.execute(sql.replace("?", "%s"), params).rowcount


class PostgresStore(SqlStore):
    """State in PostgreSQL tables (``state_*``) of the connection's search path."""

    def __init__(self, conninfo: str, *, timeout: float = DEFAULT_TIMEOUT, url: str | None = None,
                 secrets: tuple[str, ...] = ()) -> None:  # fmt: skip
        self.conninfo = conninfo
        self.url = url or redact_url(conninfo)
        self.timeout = timeout
        self._secrets = secrets
        self._lock = threading.Lock()
        self._connection: psycopg.Connection[Row] | None = None
        self._pid = 0

    def _key(self, key: str) -> object:
        return key.encode("utf-8")

    def _atomic(self, op: str, work: Callable[[Session], T], *, write: bool) -> T:
        with self._lock:
            try:
                connection = self._connect()
                if not write:
                    return work(_Session(connection))
                with connection.transaction():
                    return work(_Session(connection))
            except psycopg.Error as exc:
                self._drop()
                cause = scrub(str(exc).strip() or type(exc).__name__, self._secrets)
                raise StoreError(f"state store {self.url}: {op}: {cause}") from exc

    def _fetch(
        self, session: Session, table: str, key: str, *, lock: bool
    ) -> tuple[Row | None, float]:
        names = columns(table)
        if lock:
            sql = (f"INSERT INTO {table} (key) VALUES (?) ON CONFLICT (key)"  # noqa: S608 (constant names)
                   f" DO UPDATE SET key = excluded.key RETURNING {names}, {_CLOCK}")  # fmt: skip
        else:
            sql = f"SELECT {names}, {_CLOCK} FROM (SELECT 1) AS one LEFT JOIN {table} ON key = ?"  # noqa: S608
        row = session.query(sql, (self._key(key),))[0]
        return (None if row[0] is None else row[:-1]), float(row[-1])

    def _connect(self) -> psycopg.Connection[Row]:
        current = self._connection
        if current is not None and self._pid == os.getpid() and not current.closed:
            return current
        self._connection = None  # one inherited across fork belongs to the parent
        given = conninfo_to_dict(self.conninfo)
        extra: dict[str, str | int | None] = {
            "connect_timeout": max(2, math.ceil(self.timeout)),
            "tcp_user_timeout": int(self.timeout * 1000),
        }
        extra = {name: value for name, value in extra.items() if name not in given}
        conninfo = make_conninfo(self.conninfo, **extra)
        connection: psycopg.Connection[Row] = psycopg.connect(conninfo, autocommit=True)
        try:
            milliseconds = f"{int(self.timeout * 1000)}ms"
            connection.execute(
                "SELECT set_config('statement_timeout', %s, false),"
                " set_config('lock_timeout', %s, false)",
                (milliseconds, milliseconds),
            )
            with connection.transaction():
                connection.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                for statement in schema("BYTEA"):
                    connection.execute(statement)
        except BaseException:
            connection.close()
            raise
        self._connection, self._pid = connection, os.getpid()
        return connection

    def _drop(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None

    def close(self) -> None:
        with self._lock:
            self._drop()
