"""From a store URL to a store: the one place that knows which class serves which scheme.

The Redis and PostgreSQL drivers are optional dependencies (``botwarden[redis]``,
``botwarden[postgres]``); they are imported only when such a URL is opened. Opening never
connects: the first operation does, so a process can start while its store is down and apply
its failure policy to each operation.
"""

from __future__ import annotations

from botwarden.stores.base import StateStore, StoreError
from botwarden.stores.urls import StoreUrl, parse_store_url


def open_state_store(url: str) -> StateStore:
    """The store a URL names; StoreError (naming the redacted URL) if it cannot be used."""
    parsed = parse_store_url(url)
    if parsed.kind == "memory":
        from botwarden.stores.memory import MemoryStore

        return MemoryStore(parsed.redacted)
    if parsed.kind == "sqlite":
        from botwarden.stores.sqlite import SqliteStore

        return SqliteStore(parsed.target, timeout=parsed.timeout, url=parsed.redacted)
    if parsed.kind == "redis":
        return _redis(parsed)
    return _postgres(parsed)


def _redis(parsed: StoreUrl) -> StateStore:
    try:
        from botwarden.stores.redis import RedisStore
    except ImportError as exc:
        raise _missing(parsed, "redis", "redis") from exc
    return RedisStore(parsed.target, prefix=parsed.prefix, timeout=parsed.timeout,
                      redacted=parsed.redacted, secrets=parsed.secrets)  # fmt: skip


def _postgres(parsed: StoreUrl) -> StateStore:
    try:
        from botwarden.stores.postgres import PostgresStore
    except ImportError as exc:
        raise _missing(parsed, "psycopg", "postgres") from exc
    return PostgresStore(parsed.target, timeout=parsed.timeout, url=parsed.redacted,
                         secrets=parsed.secrets)  # fmt: skip


def _missing(parsed: StoreUrl, package: str, extra: str) -> StoreError:
    return StoreError(
        f"state store {parsed.redacted}: the {package} package is not installed; "
        f"install botwarden[{extra}]"
    )
