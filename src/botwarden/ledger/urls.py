"""Which store a URL names, and the default one.

``sqlite:///PATH`` (relative to the current folder; ``sqlite:////abs/path`` for an absolute
path; ``?synchronous=full`` to survive power loss as well as process death), ``postgresql://...``
(every libpq parameter passes through), ``memory://`` (one process; ``memory://NAME`` shares one
ledger between the ``Ledger`` objects of a process that use the same name). Redis holds
budgets and kill state but not the ledger.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, unquote, urlsplit, urlunsplit

from botwarden.ledger.interface import LedgerError, LedgerStore

SCHEMES = "sqlite:///PATH, postgresql://... or memory://"


def redact(url: str) -> str:
    """``url`` with any password (in the authority or a ``password=`` parameter) hidden."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable store URL>"
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        if ":" in user:
            user = user.split(":", 1)[0] + ":***"
        netloc = f"{user}@{host}"
    query = "&".join(
        f"{name}=***" if name.lower() == "password" else f"{name}={value}"
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


LEDGER_FILE = "ledger.db"


def ledger_url_beside(store_url: str) -> str:
    """Where the ledger of the state store at ``store_url`` lives: for a SQLite store, the file
    ``ledger.db`` in the same folder (with the same options); any other store holds both.

    Why a file of its own: SQLite lets one writer at a time into a database, and the proxy
    renews its budget leases on the event loop. In one file, every renewal that met the ledger
    writer's batch waited in SQLite's busy handler (1 ms sleeps and up), stalling every
    connection, and one that waited past the store's timeout failed closed. Measured in
    ``docs/performance.md``. PostgreSQL locks rows, not the database, so it keeps one store.
    """
    if not store_url.lower().startswith("sqlite:///"):
        return store_url
    location, mark, query = store_url[len("sqlite:///") :].partition("?")
    folder, slash, _ = unquote(location).rpartition("/")  # as the store reads it: %2F is a '/'
    return f"sqlite:///{quote(folder)}{slash}{LEDGER_FILE}{mark}{query}"


def store_from_url(url: str) -> LedgerStore:
    """The backend ``url`` names; an unknown or unsuitable scheme is a :class:`LedgerError`."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "sqlite":
        from botwarden.ledger.sqlite import SqliteLedgerStore

        return SqliteLedgerStore.from_url(url)
    if scheme in ("postgresql", "postgres"):
        from botwarden.ledger.postgres import PostgresLedgerStore

        return PostgresLedgerStore(url, redact(url))
    if scheme == "memory":
        from botwarden.ledger.memory import MemoryLedgerStore

        return MemoryLedgerStore.named(unquote(url[len("memory://") :]))
    if scheme in ("redis", "rediss"):
        raise LedgerError(
            f"{redact(url)}: the ledger cannot live in Redis (it holds budgets, breaker and "
            "kill state only)",
            hint="give the ledger a sqlite:///PATH or postgresql://... store",
        )
    raise LedgerError(f"{redact(url)}: not a ledger store URL (expected {SCHEMES})")
