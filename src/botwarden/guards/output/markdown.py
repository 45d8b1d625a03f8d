"""Links and images in Markdown, in every syntax a renderer may turn into a request.

An image is fetched as soon as the answer is shown, so an image URL with data in its query is a
zero-click leak; a link leaks on a click, and some chat clients fetch links to preview them. Each
pass finds one syntax and keeps a destination only when :class:`LinkJudge` admits it:

- inline links and images, ``[text](url "title")`` and ``![alt](url)``, with nested and escaped
  brackets, ``<...>`` destinations and balanced parentheses;
- link reference definitions ``[id]: url``, matched anywhere (inside block quotes and list items
  too); a removed definition vanishes, and references to it become plain text;
- autolinks ``<scheme:...>`` and bare URLs (``https://...``, ``www.``: GitHub's autolinks, and what
  chat clients link and preview).

The scanner is deliberately looser than CommonMark: it treats as a link anything a renderer
*might* treat as one. Being wrong that way costs a broken link to a host that was not allowed
anyway; being wrong the other way leaks. A removal can join text into a new link
(``[a]<i></i>(url)``); :mod:`.sanitize` therefore repeats the passes until nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from botwarden.guards.finding import GuardFinding
from botwarden.guards.output.urls import LinkJudge, shown

LINK_REMOVED = "[link removed]"
_MAX_DESTINATION = 8192  # a destination longer than this is cut where the scan stops, and judged

_DEFINITION = re.compile(
    r"\[(?P<label>(?:[^\[\]\\]|\\.){1,999})\]:[ \t]*\n?[ \t]*(?P<dest><[^<>\n]*>|[^\s<>]\S*)"
    r"(?:[ \t]*\n?[ \t]*(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?",
    re.DOTALL,
)
_LABEL = re.compile(r"\[((?:[^\[\]\\]|\\.){0,999})\]", re.DOTALL)
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^<>\x00-\x20]*)>")
# How a bare URL begins (with re.IGNORECASE, so the Kelvin sign and the long s too): a scheme
# and "://", or "www."
BARE_URL_START = r"(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}://|www\.)"
_BARE = re.compile(rf"(?<![\w/@.\-]){BARE_URL_START}[^\s<>\[\]\"`]+", re.IGNORECASE)
# Finding bare URLs fast: ``_BARE`` opens with a look-behind, so ``re`` would try it at every
# position. Every match holds ``://`` at most 32 characters after its start, or starts with
# ``www.``: those hints are found first (``str.find``), and ``_BARE_HEAD`` (``_BARE`` up to its
# first URL character) is searched only from where a scheme ending at the next hint could start.
_BARE_HEAD = re.compile(rf"(?<![\w/@.\-]){BARE_URL_START}(?=[^\s<>\[\]\"`])", re.IGNORECASE)
_NOT_SCHEME = re.compile(r"[^A-Za-z0-9+.\-]", re.IGNORECASE)  # exactly what a scheme cannot hold
_SCHEME_REACH = 32  # the longest scheme _BARE accepts
_WWW = re.compile(r"[Ww]{3}\.")
_TRAILING_CHARS = "?!.,:;*_~'\")"
_TRAILING = re.compile(r"[?!.,:;*_~'\"]+$")
_TITLE = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)", re.DOTALL)
_SPACE = re.compile(r"[ \t]*\n?[ \t]*")
_PLAIN_RUN = re.compile(r"[^\x00-\x20()\\]*")  # what a destination scan steps over one by one
_WHITESPACE_RUN = re.compile(r"\s+")
# Nesting peeled inside one call of rewrite_links; deeper nesting is left to the caller's next
# round (where, meanwhile, the bare-URL pass may take an outer destination: safe, not pretty).
_MAX_NESTING = 32

Sink = list[GuardFinding]


@dataclass(frozen=True, slots=True)
class _Edit:
    start: int
    end: int
    text: str


def rewrite_links(text: str, judge: LinkJudge, sink: Sink) -> str:
    """``text`` with every definition, inline link or image and autolink ``judge`` does not keep
    replaced by its text. Bare URLs are a pass of their own (:func:`rewrite_bare_urls`), run
    after this one: the caller relies on that pass being idempotent."""
    removed: set[str] = set()
    if "]:" in text:
        text = _definitions(text, judge, sink, removed)
    if "]" in text:
        for _ in range(_MAX_NESTING):
            text, nested = _inline(text, judge, sink, removed)
            if not nested:
                break
    if "<" in text:
        text = rewrite_autolinks(text, judge, sink, keep=_as_inline_link)
    return text


def rewrite_autolinks(text: str, judge: LinkJudge, sink: Sink, keep: Callable[[str], str]) -> str:
    """``<scheme:...>`` autolinks: removed, or written as ``keep`` says (the HTML pass would take
    a kept one for a tag)."""

    def one(match: re.Match[str]) -> str:
        url = match.group(1)
        if judge.keeps(url, markdown=True):
            return keep(url)
        sink.append(_removed("link", "an autolink", url))
        return LINK_REMOVED

    return _AUTOLINK.sub(one, text)


def rewrite_bare_urls(text: str, judge: LinkJudge, sink: Sink) -> str:
    """URLs written as text, which GitHub and chat clients link (and preview) on their own."""

    def one(match: re.Match[str]) -> str:
        url = _trim(match.group())
        rest = match.group()[len(url) :]
        target = f"http://{url}" if url[:4].lower() == "www." else url
        if judge.keeps(target, markdown=True):
            return match.group()
        sink.append(_removed("link", "a bare URL", target))
        return LINK_REMOVED + rest

    parts: list[str] = []
    last = 0
    for match in bare_urls(text):
        parts.extend((text[last : match.start()], one(match)))
        last = match.end()
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


def bare_urls(text: str) -> Iterator[re.Match[str]]:
    """What ``_BARE.finditer(text)`` yields. A match starting before the next hint (at or after
    where the search stands) reaches it through its scheme (else its own hint would come first),
    so it starts within the run of scheme characters that ends at the hint; and a head found
    there extends to the same match ``finditer`` makes at that position."""
    hints = _bare_hints(text)
    if not hints:
        return
    stop = hints[-1] + len("www.") + 1  # every head, and the character after it, ends before
    pos = 0
    for hint in hints:
        if hint < pos:
            continue  # inside the previous URL
        head = _BARE_HEAD.search(text, max(pos, _scheme_start(text, hint)), stop)
        if head is None:
            return
        match = _BARE.match(text, head.start())
        if match is None:  # cannot happen: the head promised one URL character
            raise AssertionError("bare URL head without a URL")
        yield match
        pos = match.end()


def _scheme_start(text: str, hint: int) -> int:
    """Where the run of (at most 32) scheme characters that ends at ``hint`` starts."""
    before = text[max(0, hint - _SCHEME_REACH) : hint]
    other = _NOT_SCHEME.search(before[::-1])
    return hint - (len(before) if other is None else other.start())


def _bare_hints(text: str) -> list[int]:
    """Where ``://`` and ``www.`` (in any case) start. Only ``W`` lower-cases to ``w``, and when
    lower-casing keeps the length, it keeps every offset (no character becomes none)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        return sorted([m.start() for m in _WWW.finditer(text)] + _find_all(text, "://"))
    return sorted(_find_all(text, "://") + _find_all(lowered, "www."))


def _find_all(text: str, needle: str) -> list[int]:
    found = []
    at = text.find(needle)
    while at != -1:
        found.append(at)
        at = text.find(needle, at + 1)
    return found


def plain_url(url: str) -> str:
    """A kept autolink in plain text: the URL alone, which clients link by themselves."""
    return url


def _as_inline_link(url: str) -> str:
    dest = url.replace("(", "%28").replace(")", "%29")
    label = url.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"[{label}]({dest})"


def _trim(url: str) -> str:
    """GitHub's rule: trailing punctuation, and closing parentheses without an opening one, are
    not part of a bare URL."""
    if url[-1] not in _TRAILING_CHARS:  # the usual case: nothing to cut
        return url
    while True:
        cut = _TRAILING.sub("", url)
        if cut.endswith(")") and cut.count(")") > cut.count("("):
            cut = cut[:-1]
        if cut == url:
            return url
        url = cut


def _definitions(text: str, judge: LinkJudge, sink: Sink, removed: set[str]) -> str:
    kept: set[str] = set()

    def one(match: re.Match[str]) -> str:
        dest = match.group("dest")
        if dest.startswith("<"):
            dest = dest[1:-1]
        label = normalise_label(match.group("label"))
        if label not in removed and judge.keeps(dest, markdown=True):
            kept.add(label)
            return match.group()
        if label not in kept:
            removed.add(label)
        sink.append(_removed("link", "a link reference definition", dest))
        return ""

    return _DEFINITION.sub(one, text)


def normalise_label(label: str) -> str:
    """CommonMark matches reference labels case-insensitively, with inner whitespace collapsed."""
    return _WHITESPACE_RUN.sub(" ", label.strip()).casefold()


def _inline(text: str, judge: LinkJudge, sink: Sink, removed: set[str]) -> tuple[str, bool]:
    """Inline links and images, and references to removed definitions; and whether a construct
    enclosing a change was left for another call. Only the innermost of nested constructs
    changes in one call (``[![i](u)](v)``: the image, then the link around what replaced it), so
    :func:`rewrite_links` calls again until none is left: the bare-URL pass that follows would
    otherwise take the outer destination ``v`` for a URL in text and leave ``[...]([link
    removed])`` for the next round to mangle."""
    edits: list[_Edit] = []
    opens: list[int] = []
    done = 0
    nested = False
    for close, char in _brackets(text):
        if char == "[":
            opens.append(close)
            continue
        start = opens.pop() if opens else None
        if start is not None and start < done:
            nested = True
            continue
        edit = _at_close(text, start, close, judge, sink, removed)
        if edit is not None and edit.start >= done:
            edits.append(edit)
            done = edit.end
            opens = [o for o in opens if o < edit.start]
    return _apply(text, edits), nested


def _brackets(text: str) -> list[tuple[int, str]]:
    """Where the brackets are that no backslash escapes, in order: the tokens of a left-to-right
    scan for ``\\.`` (an escape, which takes the next character whatever it is) and ``[``/``]``.
    Found with ``str.find``, which skips to each one at memory speed, where a regular expression
    for the three characters is tried at every position."""
    found = [(at, "[") for at in _find_all(text, "[")] + [(at, "]") for at in _find_all(text, "]")]
    if "\\" in text:
        escaped = set()
        for at in _find_all(text, "\\"):
            if at not in escaped:  # else this backslash is itself escaped and escapes nothing
                escaped.add(at + 1)
        found = [token for token in found if token[0] not in escaped]
    found.sort()
    return found


def _at_close(  # noqa: PLR0917 -- the text, the bracket pair, and where findings go
    text: str,
    start: int | None,
    close: int,
    judge: LinkJudge,
    sink: Sink,
    removed: set[str],
) -> _Edit | None:
    after = close + 1
    image = start is not None and start > 0 and text[start - 1] == "!"
    label_text = "" if start is None else text[start + 1 : close]
    first = close if start is None else (start - 1 if image else start)
    if text.startswith("(", after):
        dest, end = _destination(text, after + 1)
        if judge.keeps(dest, markdown=True):
            return None
        what = "image" if image else "link"
        sink.append(_removed(what, f"an inline {what}", dest))
        if start is None:  # no opening bracket: taking the destination away is enough
            return _Edit(after, end, "")
        return _Edit(first, end, _replacement(image, label_text))
    if start is None or not removed:
        return None
    label = label_text
    end = after
    if text.startswith("[", after) and (ref := _LABEL.match(text, after)) is not None:
        label = ref.group(1) or label_text
        end = ref.end()
    if normalise_label(label) not in removed:
        return None
    what = "image" if image else "link"
    sink.append(GuardFinding(f"{what}.removed", f"a reference {what} to a removed definition"))
    return _Edit(first, end, _replacement(image, label_text))


def _replacement(image: bool, label_text: str) -> str:
    if not image:
        return label_text
    alt = label_text.strip()
    return f"[image removed: {alt}]" if alt else "[image removed]"


def _destination(text: str, pos: int) -> tuple[str, int]:
    """The destination after ``(``, and where the construct ends: after its ``)``, or, when
    malformed, after the destination (removing that much breaks whatever a renderer made of it)."""
    pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]  # matches the empty string
    if text.startswith("<", pos):
        close = text.find(">", pos + 1)
        if close != -1 and "\n" not in text[pos:close] and "<" not in text[pos + 1 : close]:
            return text[pos + 1 : close], _finish(text, close + 1)
    end, depth, limit = pos, 0, min(len(text), pos + _MAX_DESTINATION)
    while end < limit:
        end = _PLAIN_RUN.match(text, end, limit).end()  # type: ignore[union-attr]  # may be ""
        if end == limit:
            break
        char = text[end]
        if char == "\\" and end + 1 < limit:
            end += 2
            continue
        if char <= " " or (char == ")" and depth == 0):
            break
        depth += (char == "(") - (char == ")")
        end += 1
    return text[pos:end], _finish(text, end)


def _finish(text: str, pos: int) -> int:
    """After a destination: an optional title, then ``)``. Returns the end of the construct, or
    ``pos`` when no ``)`` follows (the construct is then malformed)."""
    at = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
    if at > pos and (title := _TITLE.match(text, at)) is not None:
        at = _SPACE.match(text, title.end()).end()  # type: ignore[union-attr]
    return at + 1 if text.startswith(")", at) else pos


def _apply(text: str, edits: list[_Edit]) -> str:
    if not edits:
        return text
    parts: list[str] = []
    last = 0
    for edit in edits:
        parts.extend((text[last : edit.start], edit.text))
        last = edit.end
    parts.append(text[last:])
    return "".join(parts)


def _removed(what: str, syntax: str, dest: str) -> GuardFinding:
    return GuardFinding(
        f"{what}.removed",
        f"{syntax} to a destination the policy does not allow",
        evidence=shown(dest, markdown=True),
    )
