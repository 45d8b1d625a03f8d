"""The forms of a request path that a URL capability must all admit.

Servers disagree on what a path means: one decodes ``%2F`` to ``/`` before routing, another does
not; one resolves ``/a/%2e%2e/b`` to ``/b``, another serves it as is. A capability such as
``https://api.example.com/v3/streams/*`` must not be escaped by picking the reading that suits the
attacker, so a request is allowed only when *every* reading stays inside the pattern:

- the *plain* form: unreserved characters decoded (``%41`` is ``A``), other escapes kept, dot
  segments removed (RFC 3986, section 5.2.4);
- the *decoded* form, when the path holds escapes: every escape decoded, ``\\`` read as ``/``,
  then dot segments removed.
"""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _plain_escape(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else "%" + match.group(1).upper()


def _full_escape(match: re.Match[str]) -> str:
    return chr(int(match.group(1), 16))


def remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, on a path that starts with ``/``."""
    if "." not in path:
        return path
    segments = path.split("/")
    out: list[str] = []
    for segment in segments[1:]:
        if segment == "..":
            if out:
                out.pop()
        elif segment != ".":
            out.append(segment)
    trailing = segments[-1] in (".", "..")
    return "/" + "/".join(out) + ("/" if trailing and out else "")


def path_forms(path: str) -> tuple[str, ...]:
    """The readings of an origin-form path (``/a/b``, query excluded) a capability must admit."""
    if not path.startswith("/"):
        path = "/" + path
    if "%" not in path and "\\" not in path:
        return (remove_dot_segments(path),)
    plain = remove_dot_segments(_ESCAPE.sub(_plain_escape, path))
    decoded = remove_dot_segments(_ESCAPE.sub(_full_escape, path).replace("\\", "/"))
    return (plain,) if decoded == plain else (plain, decoded)


def query_forms(query: str) -> tuple[str, ...]:
    """Readings of a query string: as sent, and with every escape decoded."""
    if "%" not in query:
        return (query,)
    decoded = _ESCAPE.sub(_full_escape, query)
    return (query,) if decoded == query else (query, decoded)


__all__ = ["path_forms", "query_forms", "remove_dot_segments"]
