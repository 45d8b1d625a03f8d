"""The fast paths find exactly what the plain formulations find.

Each scan that was rewritten for speed is compared, on generated text, with the regular
expression it replaces (kept here as the reference); and the bare-URL pass is checked to be
idempotent, which lets the sanitiser skip a round's tail (see ``sanitize``'s docstring).
"""

from __future__ import annotations

import re
from re import _parser as sre_parse

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests.guards.output.oracle import allowed

from botwarden.guards.output import OutputPolicy, pii
from botwarden.guards.output import markdown as md
from botwarden.guards.output.urls import LinkJudge

PROPERTY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def soup(*pieces: str, size: int = 40) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces) | st.text(max_size=2), max_size=size).map("".join)


URL_SOUP = soup(
    "://", "https://", "http://", "www.", "WwW.", "ftp", "a", "Z", "9", "+", ".", "-", "/", "@",
    " ", "\n", "<", ">", "[", "]", "(", ")", '"', "`", "_", "x" * 31, "\\", ":", ",", "!",
    "\u212a", "\u017f", "\u0130", "é", "evil.invalid", "allowed.invalid/p?q=1",
)  # fmt: skip
BRACKET_SOUP = soup("[", "]", "\\", "\\\\", "\\[", "a", "\n", "é", "](", "![")
DIGIT_SOUP = soup(
    "0", "1", "4", "9", "+", "(", ")", " ", "-", ".", "/", "A", "B", "F", "U", "X", "Y", "Z",
    "a", "DE", "GB", "\n", "4111 1111 1111 1111", "+1 415 555 0132", "X1234567L", "Q", "K",
    "\u0663", "\uff11", "\u212a", "é",
)  # fmt: skip

_BARE_REFERENCE = re.compile(
    r"(?<![\w/@.\-])(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}://|www\.)[^\s<>\[\]\"`]+", re.IGNORECASE
)
_BRACKET_REFERENCE = re.compile(r"\\.|[\[\]]", re.DOTALL)
_NUMBER_RUN_REFERENCE = re.compile(r"[+(]?[0-9][0-9 .\-/()+A-FU-Y]{6,}[0-9A-Z]")
_LETTERS_REFERENCE = re.compile(r"[A-Z]{2}[ \-]?[0-9]{2}|[XYZ]-?[0-9]{7}")


@PROPERTY
@given(URL_SOUP)
@example("abwww.x://y")  # a scheme that runs through an earlier www. hint
@example("https://a/b\u212ahttps://c")
def test_bare_urls_are_those_of_the_plain_pattern(text: str) -> None:
    expected = [m.span() for m in _BARE_REFERENCE.finditer(text)]
    assert [m.span() for m in md.bare_urls(text)] == expected


@PROPERTY
@given(BRACKET_SOUP)
def test_brackets_are_those_of_the_plain_tokenizer(text: str) -> None:
    expected = [(m.start(), m.group()) for m in _BRACKET_REFERENCE.finditer(text)]
    assert md._brackets(text) == [token for token in expected if token[1] in "[]"]


@pytest.mark.parametrize("links", ["egress-only", "any", "none"])
@PROPERTY
@given(text=URL_SOUP)
def test_the_bare_url_pass_is_idempotent(links: str, text: str) -> None:
    judge = LinkJudge(OutputPolicy(links=links, link_allowed=allowed))  # type: ignore[arg-type]
    once = md.rewrite_bare_urls(text, judge, [])
    assert md.rewrite_bare_urls(once, judge, []) == once


@PROPERTY
@given(DIGIT_SOUP)
@example("\u0663\uff11 12345678 Z-1234567 Q-1234567 AB12")  # other digits, a lettered near miss
def test_personal_data_scans_are_those_of_the_plain_patterns(text: str) -> None:
    codes = text.encode("ascii", "replace").translate(pii._CODES)
    assert len(codes) == len(text)
    runs = [m.span() for m in _NUMBER_RUN_REFERENCE.finditer(text)]
    assert [m.span() for m in pii._NUMBER_RUN.finditer(text)] == runs
    assert list(pii._number_runs(text, codes)) == runs
    hits = [m.start() for m in _LETTERS_REFERENCE.finditer(text)]
    assert [m.start() for m in pii._LETTERS_THEN_DIGITS.finditer(text)] == hits
    assert list(pii._lettered_starts(text, codes)) == hits


@PROPERTY
@given(DIGIT_SOUP)
def test_digit_counts_and_runs_read_from_the_codes_are_those_of_the_text(text: str) -> None:
    codes = text.encode("ascii", "replace").translate(pii._CODES)
    assert codes.count(b"0") == sum(char in "0123456789" for char in text)
    longest = max(map(len, re.findall("[0-9]+", text)), default=0)
    for run, zeros in enumerate(pii._DIGITS_IN_A_ROW):
        assert (zeros in codes) == (longest >= run)


@PROPERTY
@given(DIGIT_SOUP)
def test_no_match_has_fewer_digits_than_its_detector_expects(text: str) -> None:
    for detector in (*pii._NUMERIC, *pii._LETTERED):
        for match in detector.pattern.finditer(text):
            assert sum(char in "0123456789" for char in match.group()) >= detector.digits


def test_digit_counts_are_not_all_zero() -> None:
    """The skip can fail: formats made of digits are counted (a card holds at least 12)."""
    digits = {d.kind: d.digits for d in pii._NUMERIC}
    assert digits["card"] == 12
    assert digits["us-ssn"] == 9


@PROPERTY
@given(DIGIT_SOUP)
def test_every_detector_match_ends_with_a_letter_or_digit(text: str) -> None:
    """What lets a failed match be cut shorter only after a letter or digit."""
    for detector in (*pii._NUMERIC, *pii._LETTERED):
        for match in detector.pattern.finditer(text):
            assert match.group()[-1].isalnum()


@pytest.mark.parametrize("detector", [*pii._NUMERIC, *pii._LETTERED], ids=lambda d: d.kind)
def test_each_closing_look_ahead_is_known(detector: pii._Detector) -> None:
    """A shorter match is checked against the look-ahead its pattern closes with: a pattern
    that closes with one the detector does not know would be cut anywhere."""
    last_op, last_av = sre_parse.parse(detector.pattern.pattern)[-1]
    closes_with_look_ahead = last_op is sre_parse.ASSERT_NOT and last_av[0] == 1
    assert (detector.tail is not None) == closes_with_look_ahead
