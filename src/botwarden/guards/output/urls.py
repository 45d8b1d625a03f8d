"""Which link destinations may stay: absolute http(s) URLs that the link policy admits.

A destination is first decoded the way the renderer decodes it (Markdown backslash escapes and
character references; HTML attribute values arrive decoded from the parser), then judged on an
allow-list: the scheme must be ``http`` or ``https`` and the URL must name a host. Everything else
goes, whatever the mode: ``javascript:``, ``data:``, ``vbscript:`` and every other scheme, relative
and scheme-relative URLs (they point at whatever site shows the output), URLs with credentials
(``https://allowed.example@evil.example/`` names ``evil.example``), and URLs holding whitespace,
controls or invisible characters (``java\u200bscript:``), which no honest answer needs. So the
question "is this scheme dangerous?" is never asked: only two schemes are ever kept.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from botwarden.errors import Error
from botwarden.guards.finding import excerpt
from botwarden.guards.output.policy import OutputPolicy

_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_EDGE = "".join(chr(c) for c in range(0x21))  # what URL parsers strip from both ends
_REMOVED_INSIDE = str.maketrans("", "", "\t\n\r")  # what URL parsers drop anywhere
_KEPT_SCHEMES = frozenset({"http", "https"})
_WHITESPACE = re.compile(r"\s")
_AUTHORITY = re.compile(r"[^/?#]*")


def absolute_url(raw: str, *, markdown: bool) -> str | None:
    """The http(s) URL a renderer would follow for ``raw``, or None when it is never kept.
    Cached (a pure function of its arguments): the passes meet each destination several times,
    as a link, as the bare URL inside it, again in the next round, and in the evidence. Only
    short ones, so that long URLs in hostile output cannot make the cache hold much."""
    if len(raw) > _CACHED_UP_TO:
        return _absolute_url(raw, markdown)
    return _cached_absolute_url(raw, markdown)


def _absolute_url(raw: str, markdown: bool) -> str | None:
    url = raw
    if markdown:  # each step only when it can change something: this runs for every link
        if "\\" in url:
            url = _MD_ESCAPE.sub(r"\1", url)
        url = html.unescape(url)
    url = url.strip(_EDGE).translate(_REMOVED_INSIDE)
    if _WHITESPACE.search(url) or (not url.isascii() and any(_hidden(char) for char in url)):
        return None
    match = _SCHEME.match(url)
    if match is None or match.group(1).lower() not in _KEPT_SCHEMES:
        return None
    rest = url[match.end() :].replace("\\", "/")  # browsers read \ as / in http(s) URLs
    if not rest.startswith("//"):
        return None
    authority = _AUTHORITY.match(rest, 2).group()  # type: ignore[union-attr]  # matches ""
    if not authority or "@" in authority:
        return None
    return f"{match.group(1).lower()}:{rest}"


_cached_absolute_url = functools.lru_cache(maxsize=1024)(_absolute_url)
_CACHED_UP_TO = 1024  # characters: at most ~1024 x 2 x 1024 characters held


def _hidden(char: str) -> bool:
    return unicodedata.category(char) in {"Cc", "Cf", "Co", "Cn", "Zl", "Zp", "Zs"}


_verdicts: ContextVar[dict[str, bool] | None] = ContextVar(
    "botwarden_output_link_verdicts", default=None
)


class LinkJudge:
    """The link half of an :class:`OutputPolicy`, compiled once."""

    def __init__(self, policy: OutputPolicy) -> None:
        self.mode = policy.links
        self.allowed = policy.link_allowed

    @contextmanager
    def remembering(self) -> Iterator[None]:
        """The policy's verdicts remembered until the block ends: within one output, the passes
        meet a URL several times (as a link, as the bare URL inside it, in an HTML attribute,
        and again in every round). Not longer: the egress policy may change between outputs."""
        token = _verdicts.set({})
        try:
            yield
        finally:
            _verdicts.reset(token)

    def keeps(self, raw: str, *, markdown: bool) -> bool:
        if self.mode == "none":
            return False
        url = absolute_url(raw, markdown=markdown)
        if url is None:
            return False
        if self.mode == "any":
            return True
        memo = _verdicts.get()
        if memo is None:
            return self._allows(url)
        verdict = memo.get(url)
        if verdict is None:
            verdict = memo[url] = self._allows(url)
        return verdict

    def _allows(self, url: str) -> bool:
        if self.allowed is None:
            return False
        try:
            return bool(self.allowed(url))
        except (Error, ValueError):  # a URL the egress policy cannot even parse is not allowed
            return False


def shown(raw: str, *, markdown: bool) -> str:
    """Evidence for a removed destination: its scheme and host, never its path or query (where
    exfiltrated data sits)."""
    url = absolute_url(raw, markdown=markdown)
    if url is None:
        match = _SCHEME.match(raw.strip(_EDGE))
        return excerpt(f"{match.group(1).lower()}:" if match else "(relative or malformed URL)")
    host = _AUTHORITY.match(url, url.index("//") + 2).group()  # type: ignore[union-attr]
    return excerpt(f"{url.split(':', 1)[0]}://{host}")
