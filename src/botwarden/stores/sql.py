"""What the SQLite and PostgreSQL stores share: the tables and the read-decide-write steps.

Each operation reads the key's row under a write lock, asks :mod:`botwarden.stores.algorithms`
for the answer and the new state, and writes it back, all in one transaction of the backend's
(SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``
locks the row and returns its latest committed version). Calls that only read (cost 0, amount 0,
no breaker outcome) first try without a lock and take it only when the state must move (an open
breaker that is due to half-open, a record to forget).

Table names start with ``state_``: the SQLite file also holds the ledger's tables.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeAlias, TypeVar

from botwarden.stores import algorithms
from botwarden.stores.algorithms import BreakerRecord, Window
from botwarden.stores.base import (
    BreakerState,
    Kill,
    Outcome,
    Take,
    check_breaker,
    check_key,
    check_kill,
    check_rate,
    check_volume,
)

Row: TypeAlias = tuple[Any, ...]
T = TypeVar("T")

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS state_rate (key {key} PRIMARY KEY, tat DOUBLE PRECISION)",
    "CREATE TABLE IF NOT EXISTS state_volume (key {key} PRIMARY KEY, win BIGINT,"
    " cur DOUBLE PRECISION, prev DOUBLE PRECISION)",
    "CREATE TABLE IF NOT EXISTS state_breaker (key {key} PRIMARY KEY, state TEXT,"
    " failures INTEGER, half_open_at DOUBLE PRECISION, touched DOUBLE PRECISION)",
    "CREATE TABLE IF NOT EXISTS state_kill (bot TEXT PRIMARY KEY, reason TEXT NOT NULL,"
    " actor TEXT NOT NULL, killed_at DOUBLE PRECISION NOT NULL)",
)
"""``{key}`` is the key column's type: TEXT in SQLite, BYTEA (UTF-8, so NUL is fine) in
PostgreSQL. A row whose state columns are NULL is a key PostgreSQL locked but never set."""

TABLE_NAMES = ("state_rate", "state_volume", "state_breaker", "state_kill")

# table -> (its state columns, the column that is NULL in a row never set)
TABLES: dict[str, tuple[str, str]] = {
    "state_rate": ("tat", "tat"),
    "state_volume": ("win, cur, prev", "win"),
    "state_breaker": ("state, failures, half_open_at, touched", "state"),
}

_SET_RATE = (
    "INSERT INTO state_rate (key, tat) VALUES (?, ?)"
    " ON CONFLICT (key) DO UPDATE SET tat = excluded.tat"
)
_SET_VOLUME = (
    "INSERT INTO state_volume (key, win, cur, prev) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (key) DO UPDATE SET win = excluded.win, cur = excluded.cur,"
    " prev = excluded.prev"
)
_SET_BREAKER = (
    "INSERT INTO state_breaker (key, state, failures, half_open_at, touched)"
    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET state = excluded.state,"
    " failures = excluded.failures, half_open_at = excluded.half_open_at,"
    " touched = excluded.touched"
)
_SET_KILL = (
    "INSERT INTO state_kill (bot, reason, actor, killed_at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (bot) DO UPDATE SET reason = excluded.reason, actor = excluded.actor,"
    " killed_at = excluded.killed_at"
)


class Session(Protocol):
    """One transaction's statements, in the ``?`` parameter style."""

    def query(self, sql: str, params: Sequence[object] = ()) -> list[Row]: ...

    def change(self, sql: str, params: Sequence[object] = ()) -> int: ...


class SqlStore(ABC):
    """The operations of a SQL-backed :class:`~botwarden.stores.base.StateStore`."""

    url: str

    @abstractmethod
    def _atomic(self, op: str, work: Callable[[Session], T], *, write: bool) -> T:
        """Run ``work`` in one transaction (holding the write lock when ``write``); map errors."""

    @abstractmethod
    def _fetch(
        self, session: Session, table: str, key: str, *, lock: bool
    ) -> tuple[Row | None, float]:
        """The key's state columns (None if unset) and the store's time; lock the row if asked."""

    def _key(self, key: str) -> object:
        return key

    # -- budgets and breakers ---------------------------------------------------------------

    def rate(
        self, key: str, limit: int, period: float, cost: int = 1, now: float | None = None
    ) -> Take:
        check_rate(key, limit, period, cost)

        def work(session: Session, lock: bool) -> tuple[Take, bool]:
            row, clock = self._fetch(session, "state_rate", key, lock=lock)
            old = None if row is None else float(row[0])
            take, tat = algorithms.gcra(old, limit, period, cost, _now(now, clock))
            if tat is not None and lock:
                session.change(_SET_RATE, (self._key(key), tat))
            return take, tat is not None

        return self._decide(f"rate {key!r}", work, read_first=cost == 0)

    def volume(
        self, key: str, amount: float, limit: float, period: float, now: float | None = None
    ) -> Take:
        check_volume(key, amount, limit, period)

        def work(session: Session, lock: bool) -> tuple[Take, bool]:
            row, clock = self._fetch(session, "state_volume", key, lock=lock)
            old = None if row is None else Window(int(row[0]), float(row[1]), float(row[2]))
            take, new = algorithms.sliding_window(old, amount, limit, period, _now(now, clock))
            if new is not None and lock:
                params = (self._key(key), new.number, new.current, new.previous)
                session.change(_SET_VOLUME, params)
            return take, new is not None

        return self._decide(f"volume {key!r}", work, read_first=amount == 0)

    def breaker(
        self,
        key: str,
        outcome: Outcome | None,
        threshold: int,
        cool_down: float,
        now: float | None = None,
    ) -> BreakerState:
        check_breaker(key, outcome, threshold, cool_down)

        def work(session: Session, lock: bool) -> tuple[BreakerState, bool]:
            row, clock = self._fetch(session, "state_breaker", key, lock=lock)
            old = (
                None
                if row is None
                else BreakerRecord(row[0], int(row[1]), float(row[2]), float(row[3]))
            )
            clock = _now(now, clock)
            state, new = algorithms.breaker_step(old, outcome, threshold, cool_down, clock)
            if new == old:
                return state, False
            if lock and new is None:
                session.change("DELETE FROM state_breaker WHERE key = ?", (self._key(key),))
            elif lock and new is not None:
                params = (self._key(key), new.state, new.failures, new.until, new.touched)
                session.change(_SET_BREAKER, params)
            return state, True

        return self._decide(f"breaker {key!r}", work, read_first=outcome is None)

    def _decide(
        self, op: str, work: Callable[[Session, bool], tuple[T, bool]], *, read_first: bool
    ) -> T:
        if read_first:
            answer, must_write = self._atomic(op, lambda s: work(s, False), write=False)
            if not must_write:
                return answer
        return self._atomic(op, lambda s: work(s, True), write=True)[0]

    # -- kill switch ------------------------------------------------------------------------

    def kill(self, bot: str, reason: str, by: str, now: float | None = None) -> None:
        check_kill(bot, reason, by)
        at = time.time() if now is None else now
        self._atomic(
            f"kill {bot!r}", lambda s: s.change(_SET_KILL, (bot, reason, by, at)), write=True
        )

    def revive(self, bot: str) -> bool:
        check_kill(bot)
        sql = "DELETE FROM state_kill WHERE bot = ?"
        return self._atomic(f"revive {bot!r}", lambda s: s.change(sql, (bot,)), write=True) > 0

    def killed(self, bot: str) -> Kill | None:
        check_kill(bot)
        sql = "SELECT bot, reason, actor, killed_at FROM state_kill WHERE bot = ?"
        rows = self._atomic(f"killed {bot!r}", lambda s: s.query(sql, (bot,)), write=False)
        return _kill(rows[0]) if rows else None

    def killed_bots(self) -> list[Kill]:
        sql = "SELECT bot, reason, actor, killed_at FROM state_kill"
        rows = self._atomic("killed_bots", lambda s: s.query(sql), write=False)
        return sorted((_kill(row) for row in rows), key=lambda kill: kill.bot)

    def keys(self, prefix: str) -> list[str]:
        check_key(prefix)
        return self._atomic(f"keys {prefix!r}", lambda s: self._keys(s, prefix), write=False)

    def _keys(self, session: Session, prefix: str) -> list[str]:
        found: set[str] = set()
        for table, (_, live) in TABLES.items():
            sql = f"SELECT key FROM {table} WHERE key >= ? AND {live} IS NOT NULL ORDER BY key"  # noqa: S608 (constant names)
            for (raw,) in session.query(sql, (self._key(prefix),)):
                key = raw if isinstance(raw, str) else bytes(raw).decode("utf-8")
                if not key.startswith(prefix):
                    break  # keys sharing a prefix sort together, right after the prefix
                found.add(key)
        return sorted(found)


def schema(key_type: str) -> list[str]:
    """The CREATE TABLE statements with the key column's type filled in."""
    return [statement.format(key=key_type) for statement in SCHEMA]


def columns(table: str) -> str:
    return TABLES[table][0]


def _now(given: float | None, clock: float) -> float:
    return clock if given is None else given


def _kill(row: Row) -> Kill:
    return Kill(str(row[0]), str(row[1]), str(row[2]), float(row[3]))
