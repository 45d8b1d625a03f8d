"""What every match of a pattern begins with, read from the parsed pattern."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botwarden.regex_heads import HeadFinder, literal_heads, matches_at_heads


def heads(pattern: str, size: int = 4, flags: int = 0) -> set[str]:
    found = literal_heads(re.compile(pattern, flags), size)
    assert found is not None
    return {head for head, _ in found}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\b(?:ignore|ignoring|forget)\s+all", {"igno", "forg"}),
        (r"(?<!x)abc", {"abc"}),  # a look-behind is zero-width; the head stops at the end
        (r"(?:your|the|my)\s+new", {"your", "the", "my"}),
        (r"instructions?", {"inst"}),
        (r"(?:the\s+)?assistant", {"the", "assi"}),  # optional: with it or without it
        (r"e-?mail", {"e-ma", "emai"}),
        (r"x{2,}y", {"x"}),  # the first time is certain, then a repeat ends the head
        (r"(?:ab){1}c", {"abc"}),  # exactly once goes on
        (r"[ \t]*#", {""}),  # may begin with anything: zero or more times
        (r"[a-z]+x", {""}),
        (r"ABC", {"abc"}),  # lower-cased (ASCII only)
        (r"(?:ab|cd)(?:ef|gh)", {"abef", "abgh", "cdef", "cdgh"}),
        (r"(a|b)c", {""}),  # one-character alternatives are parsed as a class: not followed
    ],
)
def test_heads(pattern: str, expected: set[str]) -> None:
    assert heads(pattern) == expected


def test_an_unparsable_pattern_has_no_heads() -> None:
    class Fake:
        pattern = "(unclosed"
        flags = 0

    assert literal_heads(Fake(), 4) is None  # type: ignore[arg-type]


WORDS = ["ignore", "ignoring", "forget", "the", "your", "my", "new", "rules", "all", "x"]


@given(st.lists(st.sampled_from(WORDS), max_size=12))
def test_every_match_begins_with_a_head(words: list[str]) -> None:
    text = " ".join(words)
    for pattern in (r"\b(?:ignore|ignoring|forget)\s+(?:all\s+)?(?:the\s+)?rules",
                    r"\b(?:your|the|my)\s+new\b", r"(?:the\s+)?rules",
                    r"(?:the\s+)?(?:my\s+)?(?:new\s+)?rules", r"(?:all){1,2}\s+x",
                    r"(?:ignor(?:e|ing)){1}\s+(?:all)?"):  # fmt: skip
        found = heads(pattern)
        for match in re.finditer(pattern, text):
            assert any(text.startswith(head, match.start()) for head in found)


_HEADS = ("ig", "ignore", "the", "he", "e r", "rules", "x")
_PATTERN = re.compile(r"(?:ig\w*|the\s+\w+|he|e r|rules|x+)")


@given(
    st.lists(st.sampled_from([*WORDS, " ", "  ", "e", "h"]), max_size=30).map("".join),
    st.integers(0, 80),
    st.integers(0, 80),
)
def test_a_head_finder_finds_what_str_find_finds(text: str, a: int, b: int) -> None:
    """Overlapping heads ("he" inside "the"), heads inside heads, windows cutting a head: one
    pass of the automaton gives the places and matches a ``str.find`` pass per head gives."""
    finder = HeadFinder(_HEADS)
    lo, hi = sorted((min(a, len(text)), min(b, len(text))))
    for windows in ([(0, len(text))], [(lo, hi)], [(0, lo), (hi, len(text))] if lo < hi else []):
        expected = sorted(
            {
                at
                for w_lo, w_hi in windows
                for head in _HEADS
                for at in range(w_lo, w_hi)
                if text.startswith(head, at) and at + len(head) <= w_hi
            }
        )
        assert finder.starts(text, windows) == expected
        assert [m.span() for m in finder.matches(_PATTERN, text, windows)] == [
            m.span() for m in matches_at_heads(_PATTERN, _HEADS, text, windows)
        ]


def test_a_head_finder_needs_heads() -> None:
    with pytest.raises(ValueError, match="heads"):
        HeadFinder(())


@pytest.mark.parametrize(
    ("pattern", "flags", "expected"),
    [
        ("(?:ии|ai)x", re.IGNORECASE, {"aix"}),  # a Cyrillic name is never in ASCII text
        ("(?:\u212aey|ai)", re.IGNORECASE, {"", "ai"}),  # the Kelvin sign matches "k": kept
        ("(?:\u212aey|ai)", 0, {"ai"}),  # not without IGNORECASE
        ("(?:été|ai)", 0, {"ai"}),
    ],
)
def test_heads_in_ascii_text(pattern: str, flags: int, expected: set[str]) -> None:
    found = literal_heads(re.compile(pattern, flags), 4, ascii_text=True)
    assert found is not None
    assert {head for head, _ in found} == expected
