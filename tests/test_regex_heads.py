"""What every match of a pattern begins with, read from the parsed pattern."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botwarden.regex_heads import literal_heads


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
        (r"(?:the\s+)?assistant", {""}),  # a repeat ends every head: may begin anywhere
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
                    r"\b(?:your|the|my)\s+new\b", r"(?:the\s+)?rules"):  # fmt: skip
        found = heads(pattern)
        for match in re.finditer(pattern, text):
            assert any(text.startswith(head, match.start()) for head in found)
