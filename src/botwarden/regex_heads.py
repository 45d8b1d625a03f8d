"""What text every match of a regular expression must begin with, read from the parsed pattern.

A scanner that knows a rule's matches all begin with one of a few strings can look for those
strings (``str.find`` runs at memory speed) and try the rule only there, instead of letting
``re`` try it at every position of the text: ``re`` cannot skip ahead to a pattern that opens
with ``\\b``, a look-around or an alternation of words. :func:`literal_heads` names those
strings; :func:`matches_at` then gives what ``finditer`` would, trying only the places found.
:class:`HeadFinder` finds every head of many rules in one pass of a DFA, where a ``str.find``
pass per head per rule cost more than the rules once they had dozens of heads.
Used by the prompt-injection patterns (word heads); the secrets scanner tries its anchored rules
at their keywords' starts the same way.

The analysis reads CPython's own parse of the pattern (``re._parser``), so it agrees with the
engine. It follows literal ASCII characters through groups and alternations, skips zero-width
assertions, and stops a head at anything else: where it cannot know, a head is cut short, which
only makes a caller less selective, never wrong.
"""

from __future__ import annotations

import functools
import re
from re import _parser as sre_parse
from typing import Any

import ahocorasick_rs

Heads = frozenset[tuple[str, bool]]  # text a match may begin with; whether it could grow


def literal_heads(
    pattern: re.Pattern[str], size: int, *, lower_text: bool = False, ascii_text: bool = False
) -> Heads | None:
    """The texts (lower-cased, at most ``size`` characters) every match begins with one of;
    None when the pattern cannot be parsed. A head of ``""`` means some match may begin with
    anything. ``lower_text``: the pattern (without IGNORECASE) is matched against lower-case
    text, so its lower-case letters of any script are literal too, not only ASCII ones.
    ``ascii_text``: the heads of the matches in ASCII text only; a way through the pattern that
    needs a character no ASCII one matches (a Cyrillic name) has none."""
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    except re.error:
        return None
    wide = lower_text and not pattern.flags & re.IGNORECASE
    ascii_flags = pattern.flags & re.IGNORECASE if ascii_text else None
    return _heads(list(parsed), frozenset({("", True)}), size, wide, ascii_flags)


@functools.cache
def _meets_ascii(code: int, flags: int) -> bool:
    """Whether the literal ``chr(code)`` matches some ASCII character under ``flags`` (the
    Kelvin sign matches "k" case-insensitively); asked of the engine itself."""
    return re.compile(re.escape(chr(code)), flags).search(_ASCII) is not None


_ASCII = "".join(map(chr, range(128)))


def matches_at(
    pattern: re.Pattern[str], text: str, windows: list[tuple[int, int]], starts: list[int]
) -> list[re.Match[str]]:
    """What ``pattern.finditer`` finds in each of ``windows`` (sorted, disjoint) in turn, when
    only ``starts`` (sorted) can begin a match: those are tried with ``pattern.match``, in one
    pass. Like ``finditer``, a match resumes the search at its end (an anchored match is never
    empty: it holds a keyword; and it ends inside its window, before the next one begins), a
    start outside every window is not tried, and a look-behind at a start sees the text before
    it just as it does inside a window."""
    found: list[re.Match[str]] = []
    pos, index, last = 0, 0, len(windows)
    for start in starts:
        while windows[index][1] <= start:
            index += 1
            if index == last:
                return found
        if start < windows[index][0] or start < pos:
            continue
        match = pattern.match(text, start, windows[index][1])
        if match is not None:
            found.append(match)
            pos = match.end()
    return found


def matches_at_heads(
    pattern: re.Pattern[str], heads: tuple[str, ...], text: str, windows: list[tuple[int, int]]
) -> list[re.Match[str]]:
    """:func:`matches_at`, the starts being every place in ``windows`` where one of ``heads``
    begins (``str.find``): what ``finditer`` finds there when every match begins with a head."""
    starts: set[int] = set()
    for lo, hi in windows:
        for head in heads:
            at = text.find(head, lo, hi)
            while at != -1:
                starts.add(at)
                at = text.find(head, at + 1, hi)
    return matches_at(pattern, text, windows, sorted(starts)) if starts else []


class HeadFinder:
    """Every place any of a set of heads occurs, found in one pass of a DFA (Aho-Corasick): a
    ``str.find`` pass per head cost more than the rule tried at what they found once a rule had
    dozens of heads."""

    def __init__(self, heads: tuple[str, ...]) -> None:
        if not heads or min(map(len, heads)) < 1:
            raise ValueError("a head finder needs heads of at least one character")
        self.heads = heads
        self._automaton = ahocorasick_rs.AhoCorasick(
            list(heads),
            matchkind=ahocorasick_rs.MatchKind.Standard,
            implementation=ahocorasick_rs.Implementation.DFA,
        )

    def places(self, text: str) -> dict[str, list[int]]:
        """Where each head occurs in ``text`` (every occurrence, overlapping ones too, in
        order): for callers whose many rules share the heads."""
        found: dict[str, list[int]] = {}
        heads = self.heads
        for head, at, _ in self._automaton.find_matches_as_indexes(text, overlapping=True):
            found.setdefault(heads[head], []).append(at)
        return found

    def starts(self, text: str, windows: list[tuple[int, int]]) -> list[int]:
        """Where a head begins and ends inside one of ``windows``, sorted: the places
        :func:`matches_at_heads` finds with ``str.find``."""
        found: set[int] = set()
        for lo, hi in windows:
            part = text if (lo, hi) == (0, len(text)) else text[lo:hi]
            found.update(lo + at for _, at, _ in self._automaton.find_matches_as_indexes(
                part, overlapping=True
            ))  # fmt: skip
        return sorted(found)

    def matches(
        self, pattern: re.Pattern[str], text: str, windows: list[tuple[int, int]]
    ) -> list[re.Match[str]]:
        """:func:`matches_at_heads` with these heads."""
        starts = self.starts(text, windows)
        return matches_at(pattern, text, windows, starts) if starts else []


_REPEATS = (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, sre_parse.POSSESSIVE_REPEAT)


def _heads(
    items: list[tuple[Any, Any]],
    heads: Heads,
    size: int,
    wide: bool = False,
    ascii_flags: int | None = None,
) -> Heads:
    for index, (op, av) in enumerate(items):
        if not any(grows and len(head) < size for head, grows in heads):
            break
        if _zero_width(op, av):
            continue
        # ASCII: lower() is exact; another script's letter only where it is already lower case
        # and the text is too
        if op is sre_parse.LITERAL and (av < 0x80 or (wide and chr(av).lower() == chr(av))):
            char = chr(av).lower()
            heads = frozenset((h + char, True) if g and len(h) < size else (h, False)
                              for h, g in heads)  # fmt: skip
        elif (
            op is sre_parse.LITERAL
            and ascii_flags is not None
            and not _meets_ascii(av, ascii_flags)
        ):
            return frozenset()  # no match this way in ASCII text
        elif op is sre_parse.SUBPATTERN:
            heads = _heads(list(av[3]), heads, size, wide, ascii_flags)
        elif op is sre_parse.BRANCH:
            heads = frozenset().union(
                *(_heads(list(alt), heads, size, wide, ascii_flags) for alt in av[1])
            )
        elif op in _REPEATS and av[0] == 0 and av[1] == 1:
            # "(?:the\s+)?user": what follows without it, or it and then what follows
            rest = items[index + 1 :]
            return _heads(rest, heads, size, wide, ascii_flags) | _heads(
                list(av[2]) + rest, heads, size, wide, ascii_flags
            )
        elif op in _REPEATS and av[0] >= 1:
            # at least once: the first time is certain; after it, another time or what follows
            heads = _heads(list(av[2]), heads, size, wide, ascii_flags)
            if av[1] != 1:
                heads = _stopped(heads)
        else:
            heads = _stopped(heads)
    return heads


def _stopped(heads: Heads) -> Heads:
    return frozenset((head, False) for head, _ in heads)


def _zero_width(op: Any, av: Any) -> bool:
    if op in (sre_parse.AT, sre_parse.ASSERT, sre_parse.ASSERT_NOT):
        return True
    if op is sre_parse.BRANCH:
        return all(all(_zero_width(o, a) for o, a in alt) for alt in av[1])
    return False


__all__ = ["HeadFinder", "Heads", "literal_heads", "matches_at", "matches_at_heads"]
