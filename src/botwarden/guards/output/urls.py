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
from contextlib import AbstractContextManager
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
# The usual destination, which every step of ``_decoded_url`` leaves as it is: a lower-case
# http(s) scheme, then printable ASCII without ``\\`` (no Markdown escape, and no ``\\`` for
# ``/``) or space and controls (nothing to strip, drop or refuse), and a host without ``@``. Such
# a URL is its own absolute form, unless Markdown decodes a character reference in it.
_PLAIN_HTTP = re.compile(
    r"https?://[^/?#@\\\x00-\x20\x7f-\U0010ffff]+(?:[/?#][^\\\x00-\x20\x7f-\U0010ffff]*)?"
)


def absolute_url(raw: str, *, markdown: bool) -> str | None:
    """The http(s) URL a renderer would follow for ``raw``, or None when it is never kept.
    Cached (a pure function of its arguments): the passes meet each destination several times,
    as a link, as the bare URL inside it, again in the next round, and in the evidence. Only
    short ones, so that long URLs in hostile output cannot make the cache hold much."""
    if len(raw) > _CACHED_UP_TO:
        return _absolute_url(raw, markdown)
    return _cached_absolute_url(raw, markdown)


def _absolute_url(raw: str, markdown: bool) -> str | None:
    if _PLAIN_HTTP.fullmatch(raw) is not None and (
        not markdown or "&" not in raw or html.unescape(raw) == raw
    ):  # the usual case: see _PLAIN_HTTP
        return raw
    return _decoded_url(raw, markdown)


def _decoded_url(raw: str, markdown: bool) -> str | None:
    """What ``absolute_url`` returns, step by step (the reference for the fast path)."""
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


_MAX_ORIGINS = 4096  # remembered verdicts (``links_by_origin``), then forgotten all at once
_cached_absolute_url = functools.lru_cache(maxsize=1024)(_absolute_url)
_CACHED_UP_TO = 1024  # characters: at most ~1024 x 2 x 1024 characters held


def _hidden(char: str) -> bool:
    return unicodedata.category(char) in {"Cc", "Cf", "Co", "Cn", "Zl", "Zp", "Zs"}


class _Memo:
    """One output's verdicts: by absolute URL (what the policy was asked), and by destination
    as written, Markdown and HTML apart (they decode differently)."""

    __slots__ = ("by_url", "html", "markdown")

    def __init__(self) -> None:
        self.by_url: dict[str, bool] = {}
        self.markdown: dict[str, bool] = {}
        self.html: dict[str, bool] = {}


_verdicts: ContextVar[_Memo | None] = ContextVar("botwarden_output_link_verdicts", default=None)


class _Remembering:
    """A fresh :class:`_Memo` for the block (a class, not ``@contextmanager``: this runs once
    per output, and a generator-based manager costs more than the judging it saves on a short
    one)."""

    __slots__ = ("_token",)

    def __enter__(self) -> None:
        self._token = _verdicts.set(_Memo())

    def __exit__(self, *_exc: object) -> None:
        _verdicts.reset(self._token)


class LinkJudge:
    """The link half of an :class:`OutputPolicy`, compiled once."""

    def __init__(self, policy: OutputPolicy) -> None:
        self.mode = policy.links
        self.allowed = policy.link_allowed
        # verdicts by origin (``links_by_origin``), for the judge's lifetime; a dict's get and
        # set are atomic, and two threads asking about one origin at once both get its verdict
        self._by_origin: dict[str, bool] | None = {} if policy.links_by_origin else None

    def remembering(self) -> AbstractContextManager[None]:
        """The policy's verdicts remembered until the block ends: within one output, the passes
        meet a URL several times (as a link, as the bare URL inside it, in an HTML attribute,
        and again in every round). Not longer: the egress policy may change between outputs."""
        return _Remembering()

    def keeps(self, raw: str, *, markdown: bool) -> bool:
        if self.mode == "none":
            return False
        memo = _verdicts.get()
        if memo is None:
            return self._judge(raw, markdown, None)
        seen = memo.markdown if markdown else memo.html
        verdict = seen.get(raw)
        if verdict is None:  # a pure function of the destination while the memo lives
            verdict = seen[raw] = self._judge(raw, markdown, memo.by_url)
        return verdict

    def _judge(self, raw: str, markdown: bool, by_url: dict[str, bool] | None) -> bool:
        url = absolute_url(raw, markdown=markdown)
        if url is None:
            return False
        if self.mode == "any":
            return True
        if by_url is None:
            return self._allows(url)
        verdict = by_url.get(url)
        if verdict is None:
            verdict = by_url[url] = self._allows(url)
        return verdict

    def _allows(self, url: str) -> bool:
        if self.allowed is None:
            return False
        if self._by_origin is None:
            return self._ask(url)
        origin = url[: _AUTHORITY.match(url, url.index("//") + 2).end()]  # type: ignore[union-attr]
        verdict = self._by_origin.get(origin)
        if verdict is None:
            verdict = self._ask(url)
            if len(self._by_origin) >= _MAX_ORIGINS:  # hostile output naming endless hosts
                self._by_origin.clear()
            self._by_origin[origin] = verdict
        return verdict

    def _ask(self, url: str) -> bool:
        assert self.allowed is not None
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
