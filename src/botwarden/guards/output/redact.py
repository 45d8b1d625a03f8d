"""Secrets and personal data replaced by typed placeholders: ``[REDACTED:secret:<rule>]``,
``[REDACTED:email]``, ``[REDACTED:iban]``...

Secrets are found by the secrets scanner's own rules and filters (one catalogue for files and for
model output). Where a secret and a personal datum overlap, the secret wins, then the datum whose
format is the most specific (an IBAN before the phone number hiding in its digits). Findings say
what kind was removed, with :func:`botwarden.guards.finding.redacted` evidence only.

In Markdown a placeholder is written so that it cannot become a link: a ``(``, ``[`` or ``:``
right after it is backslash-escaped, or ``[REDACTED:email](/path)`` and
``[REDACTED:email]: /path`` would be a link and a link definition the link pass never saw.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from itertools import pairwise
from typing import NamedTuple

from botwarden.guards.finding import GuardFinding, redacted
from botwarden.guards.output.markdown import BARE_URL_START
from botwarden.guards.output.pii import find_pii
from botwarden.secrets.scan import SecretScanner, load_rules

PLACEHOLDER = "[REDACTED:{}]"
_PRIORITY = {  # lower first; secrets come before all of these
    "email": 1, "iban": 2, "card": 3, "cn-resident-id": 4, "fr-nir": 4, "it-codice-fiscale": 4,
    "fi-hetu": 4, "uk-nino": 5, "es-nie": 5, "es-dni": 5, "us-ssn": 5, "br-cpf": 5,
    "se-personnummer": 5, "nl-bsn": 6, "pl-pesel": 6, "in-aadhaar": 6, "phone": 9,
}  # fmt: skip
_LINK_CONTINUATIONS = ("(", "[", ":")
_PLACEHOLDER = re.compile(r"\[REDACTED:[a-z0-9:\-]+\]")
_KEEP = "keep"  # an earlier placeholder: nothing overlapping it is redacted again
_MAX_ROUNDS = 3
# A placeholder starts with '[' and ends with ']', where the span began and ended with a word
# character, so a datum beside it may now be bounded where it was not: one that ends just
# before the span (a word character there), or one that starts just after it.
_ENDS = re.compile(r"\w")
DATUM_STARTS = r"\w+(\-"  # what a redacted datum may start with (a class body, for re)
_STARTS = re.compile(f"[{DATUM_STARTS}]")
TAG_OPENERS = "A-Za-z/!?"  # what after a '<' opens markup (a class body, for re: html.TAG_START)
_TAG_OPEN = re.compile(f"<(?=[{TAG_OPENERS}])")  # a '<' the markup pass kept as a tag
# Parentheses are left out: a datum holding one ("(415) 555-0132") cannot sit in a construct the
# link pass has not judged already (it judges every "](", well formed or not), and inside a kept
# destination it cannot move the host, which comes before any path.
_MARKUP = re.compile(r"[<>&\[\]\n]")
_URL_HEAD = re.compile(BARE_URL_START, re.IGNORECASE)
# What a redacted span may begin with, besides: an address's local part ('.' and '%'), the
# base64 of a key ('/'). Where ammonia escaped a '<' or '&' before one of these, the escape
# stays (see html._UNESCAPE): the placeholder that replaces the span will begin with '['.
SPAN_STARTS = DATUM_STARTS + "./%"


class _Span(NamedTuple):  # a tuple: made for every find, and sorted and compared as one
    start: int
    end: int
    rank: int
    kind: str  # "secret:<rule id>" or a personal data kind


class Redactor:
    """The scanner and the detectors, compiled once."""

    def __init__(self, kinds: frozenset[str]) -> None:
        self.secrets = (  # no line markers: whoever steers the model can write "example" there
            SecretScanner(load_rules(), line_markers=False) if "secrets" in kinds else None
        )
        self.pii = "pii" in kinds

    def redact(
        self, text: str, *, markdown: bool, placed: bool = True
    ) -> tuple[str, list[GuardFinding], bool]:
        """``text`` with its secrets and personal data replaced; the findings carry offsets into
        ``text`` when ``placed`` (the caller says when they would mean nothing to its reader);
        and whether a replacement may have changed the markup or links around it (see
        :func:`_reshapes`), so that the caller must sanitise the markup again.

        A placeholder can turn its neighbour into a datum the detectors then see: in
        ``jane@corp.invalid+1 415 555 0132`` the phone number starts inside a word until the
        address becomes ``[REDACTED:email]``. So when a redacted span touched a character the
        detectors' boundaries look at, the result is read again (a few rounds at most), and
        redacting twice gives what redacting once gave.
        """
        out, findings, touched, reshaped = self._round(text, markdown=markdown, placed=placed)
        for _ in range(_MAX_ROUNDS - 1):
            if not touched:
                break
            out, more, touched, again = self._round(out, markdown=markdown, placed=False)
            findings.extend(more)
            reshaped = reshaped or again
        return out, findings, reshaped

    def _round(
        self, text: str, *, markdown: bool, placed: bool
    ) -> tuple[str, list[GuardFinding], bool, bool]:
        spans = self._spans(text)
        if not spans or all(span.kind == _KEEP for span in spans):
            return text, [], False, False
        parts: list[str] = []
        findings: list[GuardFinding] = []
        last = 0
        touched = reshaped = False
        for start, end, _, kind in _without_overlaps(spans):
            if kind == _KEEP:
                continue
            reshaped = reshaped or _reshapes(text, start, end)
            if not touched:
                touched = bool(_ENDS.match(text, start - 1, start) if start else False) or bool(
                    _STARTS.match(text, end, end + 1)
                )
            placeholder = PLACEHOLDER.format(kind)
            if markdown and text[end : end + 1] in _LINK_CONTINUATIONS:
                placeholder += "\\"
            parts.extend((text[last:start], placeholder))
            last = end
            secret = kind.startswith("secret:")
            findings.append(
                GuardFinding(
                    f"redact.{kind.replace(':', '.', 1)}" if secret else f"redact.pii.{kind}",
                    f"{'secret' if secret else 'personal datum'} redacted ({kind.split(':')[-1]})",
                    evidence=redacted(text[start:end]),
                    start=start if placed else None,
                    end=end if placed else None,
                )
            )
        parts.append(text[last:])
        return "".join(parts), findings, touched, reshaped

    def _spans(self, text: str) -> list[_Span]:
        spans: list[_Span] = []
        if "[REDACTED:" in text:
            spans.extend(_Span(m.start(), m.end(), -1, _KEEP) for m in _PLACEHOLDER.finditer(text))
        if self.secrets is not None:
            # After the markup and link passes, a '<' that opens a tag and a "](" are markup, and
            # a value does not run on into them: "password: Xk9mQ2vL7pR4nTw8<br>" is refused
            # whole (a value holding "<...>" reads as a documented placeholder), and so is
            # "[password=Xk9mQ2vL7pR4nTw8](https://...)" (it holds a URL); the password alone
            # is not
            hits = self.secrets.scan_text(_markup_as_spaces(text))
            if hits:
                starts = _line_starts(text)
                for hit in hits:
                    for one in (hit, hit.partner):
                        if one is not None:
                            at = starts[one.line - 1] + one.column - 1
                            spans.append(
                                _Span(at, at + len(one.secret), 0, f"secret:{one.rule.id}")
                            )
        if self.pii:
            spans.extend(_Span(m.start, m.end, _PRIORITY[m.kind], m.kind) for m in find_pii(text))
        return spans


def _markup_as_spaces(text: str) -> str:
    """``text`` with a space for the ``<`` of each tag and the ``]`` of each ``](`` and ``][``
    (as long as before: offsets hold). ``str.replace`` first, since nearly every answer holds a
    link, and a pattern for both would be tried at every position."""
    if "](" in text or "][" in text:
        text = text.replace("](", " (").replace("][", " [")
    return _TAG_OPEN.sub(" ", text) if "<" in text else text


def _reshapes(text: str, start: int, end: int) -> bool:
    """Whether replacing ``text[start:end]`` may change what the markup and link passes see:
    the span holds a character of markup, a link or a block break (a secret's value may hold
    ``&``, ``>`` or a bracket), or a URL starts right after it, which the word before it kept
    from being a link (``...7654 32https://evil.example/``: once the IBAN is
    ``[REDACTED:iban]``, a renderer links the URL)."""
    return _MARKUP.search(text, start, end) is not None or _URL_HEAD.match(text, end) is not None


def _line_starts(text: str) -> list[int]:
    starts = [0]
    at = text.find("\n")
    while at != -1:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def _without_overlaps(spans: list[_Span]) -> list[_Span]:
    """One span per stretch of text, by rank, then the longest; returned in text order.

    A span that loses to higher-ranked ones keeps what they leave uncovered of it (a key as
    the local part of an address: the key wins, and the rest of the address is redacted too,
    not shown), unless it overlaps an earlier placeholder, which is never redacted again.

    Usually no two spans overlap: then each is kept whole, and they are only sorted."""
    ordered = sorted(spans)  # by start, then end: disjoint spans cannot share a start
    if all(a.end <= b.start for a, b in pairwise(ordered)):
        return ordered
    kept: list[_Span] = []
    for span in sorted(spans, key=lambda s: (s.rank, s.start - s.end, s.start)):
        index = bisect.bisect_left(kept, span.start, key=_start)
        first = index - 1 if index > 0 and kept[index - 1].end > span.start else index
        last = index
        while last < len(kept) and kept[last].start < span.end:
            last += 1
        overlapped = kept[first:last]  # kept is sorted and disjoint: the overlap is one run
        if not overlapped:
            pieces = [span]
        elif any(k.kind == _KEEP for k in overlapped):
            pieces = []
        else:
            pieces = list(_uncovered(span, overlapped))
        for piece in pieces:
            bisect.insort(kept, piece, key=_start)
    return kept


def _start(span: _Span) -> int:
    return span.start


def _uncovered(span: _Span, winners: list[_Span]) -> Iterator[_Span]:
    at = span.start
    for winner in winners:  # in text order
        if winner.start > at:
            yield _Span(at, winner.start, span.rank, span.kind)
        at = max(at, winner.end)
    if at < span.end:
        yield _Span(at, span.end, span.rank, span.kind)
