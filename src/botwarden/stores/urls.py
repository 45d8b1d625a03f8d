"""Store URLs: what each scheme means, and how to print one without its credentials.

=========================================  ===================================================
``memory://``                              this process only (tests, one-shot runs)
``sqlite:///REL/PATH``                     a file relative to the working directory
``sqlite:////ABS/PATH``                    an absolute path (the fourth slash starts it)
``redis://[USER:PASS@]HOST:PORT/DB``       ``rediss://`` for TLS; ``?prefix=P`` namespaces
                                           every key (default ``botwarden:``)
``postgresql://USER[:PASS]@HOST:PORT/DB``  ``postgres://`` too; other libpq parameters
                                           (``?options=-csearch_path%3DS``, ``sslmode``) pass
=========================================  ===================================================

Every scheme takes ``?timeout=SECONDS`` (default 2): how long to wait to connect, for a lock or
for an answer before the operation raises :class:`StoreError`. Percent-escapes in a SQLite path
are decoded (``sqlite:////srv/my%20bot/state.db``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from botwarden.stores.base import DEFAULT_TIMEOUT, StoreError

DEFAULT_PREFIX = "botwarden:"
SCHEMES = ("memory", "sqlite", "redis", "rediss", "postgresql", "postgres")
_OURS = ("timeout", "prefix")  # query parameters botwarden reads and removes before the driver
_SECRET_PARAM = re.compile(r"pass|secret|token", re.IGNORECASE)
_MASK = "***"
_HELP = "use memory://, sqlite:///PATH, redis://HOST:PORT/DB or postgresql://USER@HOST:PORT/DB"


@dataclass(frozen=True, slots=True)
class StoreUrl:
    """A parsed store URL; ``target`` is what the driver gets (botwarden's parameters removed)."""

    kind: str  # memory | sqlite | redis | postgresql
    redacted: str
    target: str  # sqlite: the file path; redis and postgresql: the URL for the driver
    timeout: float = DEFAULT_TIMEOUT
    prefix: str = DEFAULT_PREFIX
    secrets: tuple[str, ...] = field(default=(), repr=False)  # to scrub from driver messages


def parse_store_url(url: str) -> StoreUrl:
    """Split a store URL into what its backend needs; StoreError says what is wrong and where."""
    redacted = redact_url(url)
    try:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError as exc:
        raise StoreError(f"state store {redacted}: not a URL ({exc}); {_HELP}") from exc
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        what = f"unknown scheme {scheme!r}" if scheme else "no scheme"
        raise StoreError(f"state store {redacted}: {what}; {_HELP}")
    ours = {name: value for name, value in query if name in _OURS}
    timeout = _timeout(ours.get("timeout"), redacted)
    secrets = url_secrets(url)
    if scheme == "memory":
        return StoreUrl("memory", redacted, "", timeout)
    if scheme == "sqlite":
        return StoreUrl("sqlite", redacted, _sqlite_path(parts.netloc, parts.path, redacted),
                        timeout)  # fmt: skip
    if "prefix" in ours and scheme.startswith("postgres"):
        raise StoreError(f"state store {redacted}: ?prefix= is for redis:// stores only")
    target = _without_ours(url)
    if scheme.startswith("redis"):
        if not parts.hostname:
            raise StoreError(f"state store {redacted}: no host; {_HELP}")
        prefix = ours.get("prefix", DEFAULT_PREFIX)
        return StoreUrl("redis", redacted, target, timeout, prefix, secrets)
    return StoreUrl("postgresql", redacted, target, timeout, secrets=secrets)


def redact_url(url: str) -> str:
    """The URL with its password and secret-looking query values replaced by ``***``.

    Only those parts change: the rest is kept character for character (``urlunsplit`` would
    turn ``sqlite:////abs`` into ``sqlite://abs``).
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return _redact_query(url)
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:end], rest[end:]
    if "@" in authority:
        userinfo, _, hostport = authority.rpartition("@")
        user, colon, _ = userinfo.partition(":")
        authority = f"{user}:{_MASK}@{hostport}" if colon else authority
    return f"{scheme}://{authority}{_redact_query(tail)}"


def _redact_query(text: str) -> str:
    path, question, rest = text.partition("?")
    if not question:
        return text
    query, hash_, fragment = rest.partition("#")
    pieces = "&".join(_redact_param(piece) for piece in query.split("&"))
    return f"{path}?{pieces}{hash_}{fragment}"


def url_secrets(url: str) -> tuple[str, ...]:
    """The secret values a URL carries, raw and percent-encoded, to scrub from error messages."""
    try:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return ()
    found: list[str] = []
    userinfo = parts.netloc.rpartition("@")[0]
    if ":" in userinfo:
        found.append(userinfo.partition(":")[2])
    found += [value for name, value in query if _SECRET_PARAM.search(name)]
    both = {
        variant for value in found if value for variant in (value, unquote(value), quote(value))
    }
    return tuple(sorted(both, key=len, reverse=True))


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every secret in ``secrets`` masked (longest first)."""
    for secret in secrets:
        text = text.replace(secret, _MASK)
    return text


def _without_ours(url: str) -> str:
    """The URL minus botwarden's own query parameters, the rest untouched."""
    head, question, rest = url.partition("?")
    query, hash_, fragment = rest.partition("#")
    kept = [p for p in query.split("&") if p and unquote(p.partition("=")[0]) not in _OURS]
    return f"{head}{question if kept else ''}{'&'.join(kept)}{hash_}{fragment}"


def _redact_param(piece: str) -> str:
    name, equals, _ = piece.partition("=")
    return f"{name}={_MASK}" if equals and _SECRET_PARAM.search(unquote(name)) else piece


def _timeout(text: str | None, redacted: str) -> float:
    if text is None:
        return DEFAULT_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (0 < value <= 3600):
        raise StoreError(f"state store {redacted}: timeout={text!r} is not a number of seconds "
                         "between 0 and 3600")  # fmt: skip
    return value


def _sqlite_path(netloc: str, path: str, redacted: str) -> str:
    if netloc not in ("", "localhost"):
        raise StoreError(
            f"state store {redacted}: a SQLite store is a local file; write sqlite:///REL/PATH "
            "or sqlite:////ABS/PATH"
        )
    file = unquote(path[1:] if path.startswith("/") else path)
    if not file or file.endswith("/"):
        raise StoreError(f"state store {redacted}: no file name; write sqlite:///REL/PATH.db")
    return file
