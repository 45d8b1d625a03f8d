"""The shortcuts of issue #7's second speed pass agree with the long way round.

Each is compared, on generated input, with the code it short-cuts: the plain-URL path of
``absolute_url`` with the step-by-step decoding, the disjoint-spans path of the redactor's overlap
resolution with the general one, the digit-run skip of the personal-data detectors with what they
match, the rel-only skip of the removed-markup census with the census, the scanner's one-pass
anchored search with ``finditer`` window by window, and the per-origin verdicts with asking the
policy every time.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

import nh3
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests.guards.output.oracle import allowed
from tests.guards.output.test_properties import SOUP

from botwarden.guards.output import OutputPolicy, OutputSanitizer, html, pii, redact, urls
from botwarden.guards.output.urls import LinkJudge
from botwarden.regex_heads import matches_at

PROPERTY = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def soup(*pieces: str, size: int = 30) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces) | st.text(max_size=2), max_size=size).map("".join)


URLS = soup(
    "http://", "https://", "HTTPS://", "allowed.invalid", "evil.invalid", "/", "?", "#", "@",
    "&", "&amp;", "&not", "&#47;", "&lt", "\\", "\\/", ":", "8080", " ", "\t", "\n", "\x00", "\x7f",
    "\u200b", "é", "%2F", "a", "Z", "9", "-", ".", "(", ")", "[", "]", "'", '"',
)  # fmt: skip


@PROPERTY
@given(URLS, st.booleans())
@example("https://allowed.invalid/?a=1&not=2", True)  # "&not" is a reference without ";"
@example("https://allowed.invalid/a\\)b", True)
@example("https://a@evil.invalid/", False)
def test_plain_urls_are_their_own_absolute_form(raw: str, markdown: bool) -> None:
    assert urls._absolute_url(raw, markdown) == urls._decoded_url(raw, markdown)


def test_the_plain_url_path_is_taken() -> None:
    """The comparison above can fail: the usual link is decided by the shortcut."""
    assert urls._PLAIN_HTTP.fullmatch("https://allowed.invalid/a/b?q=1&id=2") is not None
    assert urls._PLAIN_HTTP.fullmatch("https://user@allowed.invalid/") is None


def _resolved(spans: list[redact._Span]) -> list[redact._Span]:
    """The general overlap resolution alone (what ``_without_overlaps`` does with overlaps)."""
    kept: list[redact._Span] = []
    for span in sorted(spans, key=lambda s: (s.rank, s.start - s.end, s.start)):
        index = bisect.bisect_left(kept, span.start, key=redact._start)
        first = index - 1 if index > 0 and kept[index - 1].end > span.start else index
        last = index
        while last < len(kept) and kept[last].start < span.end:
            last += 1
        overlapped = kept[first:last]
        if not overlapped:
            pieces = [span]
        elif any(k.kind == redact._KEEP for k in overlapped):
            pieces = []
        else:
            pieces = list(redact._uncovered(span, overlapped))
        for piece in pieces:
            bisect.insort(kept, piece, key=redact._start)
    return kept


SPANS = st.lists(
    st.builds(
        lambda start, size, rank, kind: redact._Span(start, start + size, rank, kind),
        st.integers(0, 60),
        st.integers(1, 12),
        st.integers(-1, 9),
        st.sampled_from(["email", "phone", "card", "secret:x", redact._KEEP]),
    ),
    max_size=8,
)


@PROPERTY
@given(SPANS)
def test_disjoint_spans_resolve_as_overlapping_ones_do(spans: list[redact._Span]) -> None:
    assert redact._without_overlaps(spans) == _resolved(spans)


DIGITS = soup(
    "0", "1", "2", "4", "9", "19", "20", "+", "(", ")", " ", "-", ".", "/", "A", "B", "F", "L",
    "U", "X", "Y", "Z", "a", "DE", "GB", "\n", "4111 1111 1111 1111", "+1 415 555 0132",
    "X1234567L", "12345678", "0123456789", "2A", size=40,
)  # fmt: skip
_RUN = re.compile(r"[0-9]+")


@PROPERTY
@given(DIGITS)
def test_no_match_has_a_shorter_run_of_digits_than_its_detector_expects(text: str) -> None:
    for detector in (*pii._NUMERIC, *pii._LETTERED):
        for match in detector.pattern.finditer(text):
            longest = max(map(len, _RUN.findall(match.group())), default=0)
            assert longest >= detector.run, (detector.kind, match.group())


def test_digit_runs_are_not_all_trivial() -> None:
    """The skip can fail: a resident id holds 9 digits in a row, a PESEL 11."""
    runs = {d.kind: d.run for d in pii._NUMERIC if d.context is None}
    assert runs["cn-resident-id"] == 9
    assert runs["es-dni"] == 8
    assert max(d.run for d in pii._NUMERIC if d.kind == "pl-pesel") == 11


MARKUP = soup(
    "<a href=", '"https://allowed.invalid/x"', '"https://evil.invalid/"', ">", "</a>", "<b>",
    "</b>", "<i>", "<img src=", "<script>", "</script>", "<!--", "-->", " rel=", '"nofollow"',
    ' rel="noopener noreferrer nofollow"', " title=x", " onclick=y", "text", " ", "&", "<br>",
)  # fmt: skip
_CLEANER = html.HtmlSanitizer(LinkJudge(OutputPolicy(link_allowed=allowed)))


@PROPERTY
@given(MARKUP)
@example('<a href="https://allowed.invalid/x">text</a>')
def test_links_given_rel_alone_lose_nothing_the_census_would_count(text: str) -> None:
    out = nh3.clean(text, link_rel=html._LINK_REL)
    if out.replace(html._REL, "") == text:
        assert html._removed_markup(text, out) == []


def test_a_kept_link_skips_the_census() -> None:
    sink: list[object] = []
    text = '<a href="https://allowed.invalid/x">text</a>'
    with _CLEANER.judge.remembering():
        out = _CLEANER.clean(text, sink)  # type: ignore[arg-type]
    assert out != text
    assert sink == []


def _per_window(
    pattern: re.Pattern[str], text: str, windows: list[tuple[int, int]], starts: list[int]
) -> Iterable[re.Match[str]]:
    """The scanner's former search: window by window, each from its start (the reference)."""
    for begin, endpos in windows:
        pos = begin
        for start in starts[bisect.bisect_left(starts, begin) :]:
            if start >= endpos:
                break
            if start < pos:
                continue
            match = pattern.match(text, start, endpos)
            if match is not None:
                yield match
                pos = match.end()


_KEYED = re.compile(r"(?<![a-z])(?:tok|token)[=:]?[a-z0-9]{0,6}")


@PROPERTY
@given(soup("tok", "token", "=", ":", "a", "9", " ", "\n", "x", size=30), st.data())
def test_anchored_search_finds_what_windows_find(text: str, data: st.DataObject) -> None:
    starts = sorted({m.start() for m in re.finditer("(?=tok)", text)})
    cuts = sorted(data.draw(st.sets(st.integers(0, len(text)), max_size=6)))
    windows = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if a < b]
    if not windows:
        return
    expected = [m.span() for m in _per_window(_KEYED, text, windows, starts)]
    assert [m.span() for m in matches_at(_KEYED, text, windows, starts)] == expected


class _Counting:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, url: str) -> bool:
        self.asked.append(url)
        return allowed(url)


@PROPERTY
@given(SOUP, st.sampled_from(["markdown", "html", "text"]))
def test_verdicts_by_origin_change_nothing(text: str, fmt: str) -> None:
    plain = OutputSanitizer(OutputPolicy(link_allowed=allowed)).sanitize(text, fmt)  # type: ignore[arg-type]
    by_origin = OutputSanitizer(OutputPolicy(link_allowed=allowed, links_by_origin=True))
    assert by_origin.sanitize(text, fmt) == plain  # type: ignore[arg-type]


def test_the_policy_is_asked_once_per_origin() -> None:
    policy = _Counting()
    guard = OutputSanitizer(OutputPolicy(link_allowed=policy, links_by_origin=True))
    text = (
        "[a](https://allowed.invalid/1) [b](https://allowed.invalid/2) "
        "![c](https://evil.invalid/3?d=secret) https://evil.invalid/4 https://allowed.invalid:8443/"
    )
    first = guard.sanitize(text)
    assert guard.sanitize(text) == first
    assert [url.split("/")[2] for url in policy.asked] == [
        "allowed.invalid",
        "evil.invalid",
        "allowed.invalid:8443",
    ]
    assert "https://allowed.invalid/1" in first.text
    assert "evil.invalid" not in first.text


def test_without_the_promise_the_policy_is_asked_for_every_url() -> None:
    policy = _Counting()
    guard = OutputSanitizer(OutputPolicy(link_allowed=policy))
    guard.sanitize("[a](https://allowed.invalid/1) [b](https://allowed.invalid/2)")
    guard.sanitize("[a](https://allowed.invalid/1)")
    assert policy.asked == [
        "https://allowed.invalid/1",
        "https://allowed.invalid/2",
        "https://allowed.invalid/1",
    ]


def test_remembered_origins_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(urls, "_MAX_ORIGINS", 3)
    judge = LinkJudge(OutputPolicy(link_allowed=allowed, links_by_origin=True))
    for number in range(10):
        assert not judge.keeps(f"https://host{number}.invalid/", markdown=True)
        assert judge._by_origin is not None
        assert len(judge._by_origin) <= 3
    assert judge.keeps("https://allowed.invalid/", markdown=True)
