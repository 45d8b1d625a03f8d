"""Each kind of personal datum: valid values are redacted, near misses (a wrong check digit,
an impossible date, a date or version shaped like a number) are left alone."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botwarden.guards.output import OutputPolicy, OutputSanitizer
from botwarden.guards.output.pii import find_pii

VALID = [
    ("email", "write to jane.roe+bot@mail.corp.invalid today"),
    ("phone", "call +1 415 555 0132"),
    ("phone", "call +44 20 7946 0958 now"),
    ("phone", "call (415) 555-0132"),
    ("phone", "call 415.555.0132"),
    ("phone", "ring 020 7946 0958"),
    ("phone", "appelez le 01 23 45 67 89"),
    ("phone", "Tel. 030 12345678"),
    ("card", "visa 4111 1111 1111 1111"),
    ("card", "mc 5555-5555-5555-4444"),
    ("card", "amex 378282246310005"),
    ("iban", "IBAN DE89 3704 0044 0532 0130 00"),
    ("iban", "GB82WEST12345698765432"),
    ("us-ssn", "SSN 123-45-6789"),
    ("uk-nino", "NI number AB 12 34 56 C"),
    ("nl-bsn", "mijn BSN is 111222333"),
    ("es-dni", "DNI 12345678Z"),
    ("es-nie", "NIE X1234567L"),
    ("it-codice-fiscale", "CF RSSMRA85T10A562S"),
    ("br-cpf", "CPF 111.444.777-35"),
    ("br-cpf", "cpf: 11144477735"),
    ("pl-pesel", "PESEL 44051401359"),
    ("se-personnummer", "personnummer 811218-9876"),
    ("fi-hetu", "henkilötunnus 131052-308T"),
    ("cn-resident-id", "身份证 11010519491231002X"),
    ("in-aadhaar", "Aadhaar 2341 2341 2346"),
    ("fr-nir", "NIR 2 69 05 49 588 157 80"),
]

INVALID = [
    "email at example dot com, user@localhost",
    "released 2024-01-15, version 3.11.7, build 20240115",
    "meeting on 01.02.2024 at 10:30, room 12 34",
    "card 4111 1111 1111 1112",  # Luhn fails
    "IBAN DE89 3704 0044 0532 0130 01",  # mod-97 fails
    "IBAN DE89 3704 0044 0532 0130",  # wrong length for DE
    "SSN 000-12-3456 and 666-12-3456 and 912-12-3456",  # SSA never issues these
    "NI number BG 12 34 56 C",  # prefix never issued
    "mijn BSN is 111222334",  # 11-proof fails
    "order 111222333",  # valid 11-proof, but nothing says it is a BSN
    "DNI 12345678A",  # wrong letter
    "CF RSSMRA85T10A562T",  # wrong check letter
    "CPF 111.444.777-36",
    "PESEL 44051401358",
    "personnummer 811218-9875",
    "henkilötunnus 131052-308U",
    "身份证 110105194912310021",
    "Aadhaar 2341 2341 2347",
    "NIR 2 69 05 49 588 157 81",
    "IP 192.168.100.200 and port 8080, ratio 1.23456789",
    "id 1234 5678 9012 3456 7890",  # no prefix of it is a card either
    "card 41111111111111111",  # a card's digits inside a longer number are not cut out
]


@pytest.mark.parametrize(("kind", "text"), VALID, ids=[f"{k}:{t}" for k, t in VALID])
def test_valid_values_are_found(kind: str, text: str) -> None:
    assert kind in {match.kind for match in find_pii(text)}


# A datum beside more digits: the pattern's longest match fails its check, a shorter one passes.
BESIDE_DIGITS = [
    ("card", "4111 1111 1111 1111", "card 4111 1111 1111 1111 123 (the code on the back)"),
    ("card", "4111 1111 1111 1111", "order 123 4111 1111 1111 1111 charged"),
    ("card", "5555-5555-5555-4444", "5555-5555-5555-4444 12 27"),
    ("iban", "DE89 3704 0044 0532 0130 00", "IBAN DE89 3704 0044 0532 0130 00 12 EUR"),
    ("phone", "+44 20 7946 0958", "call +44 20 7946 0958 1234 (extension)"),
]


@pytest.mark.parametrize(("kind", "value", "text"), BESIDE_DIGITS)
def test_a_datum_beside_more_digits_is_found(kind: str, value: str, text: str) -> None:
    assert (kind, value) in {(m.kind, text[m.start : m.end]) for m in find_pii(text)}
    out = OutputSanitizer(OutputPolicy(redact=frozenset({"pii"}))).sanitize(text, "text").text
    assert value not in out


def test_a_window_ending_inside_a_word_does_not_end_the_word() -> None:
    """An id looked for around an earlier one: the window's end is not the text's end, and
    "X1234567Ldata" is no NIE (it was one when the window stopped right after the 'L')."""
    text = "X1234567L" + " " * 30 + "X1234567Ldata"
    assert [(m.start, m.end) for m in find_pii(text)] == [(0, 9)]


@pytest.mark.parametrize("text", INVALID)
def test_near_misses_are_left_alone(text: str) -> None:
    assert find_pii(text) == []


@pytest.mark.parametrize(("kind", "text"), VALID, ids=[f"{k}:{t}" for k, t in VALID])
def test_redaction_types_the_placeholder_and_hides_the_value(kind: str, text: str) -> None:
    guard = OutputSanitizer(OutputPolicy(redact=frozenset({"pii"})))
    out = guard.sanitize(text, "text")
    assert f"[REDACTED:{kind}]" in out.text
    finding = next(f for f in out.findings if f.kind == f"redact.pii.{kind}")
    value = text[finding.start : finding.end]
    assert value not in out.text
    assert value not in finding.evidence and value not in finding.message


def test_secrets_are_redacted_with_their_rule() -> None:
    guard = OutputSanitizer(OutputPolicy(redact=frozenset({"secrets"})))
    out = guard.sanitize("key AKIAZ3MXQ2Y4N5P6R7TW for the bucket", "text")
    assert out.text == "key [REDACTED:secret:aws-access-key-id] for the bucket"
    assert [f.kind for f in out.findings] == ["redact.secret.aws-access-key-id"]
    assert "AKIAZ3MXQ2Y4N5P6R7TW" not in out.findings[0].evidence


@pytest.mark.parametrize("word", ["example", "test", "dummy", "sample"])
def test_a_word_on_the_line_does_not_hide_a_key(word: str) -> None:
    """Files may mark fixtures so; a model (or whoever steers it) must not hide a key that way."""
    guard = OutputSanitizer(OutputPolicy(redact=frozenset({"secrets"})))
    out = guard.sanitize(f"for {word}: key AKIAZ3MXQ2Y4N5P6R7TW", "text")
    assert out.text == f"for {word}: key [REDACTED:secret:aws-access-key-id]"


def test_a_placeholder_cannot_become_a_markdown_link() -> None:
    guard = OutputSanitizer(OutputPolicy(links="any"))
    out = guard.sanitize("jane@corp.invalid(/api/delete)\n\njane@corp.invalid: /x", "markdown")
    assert "[REDACTED:email]\\(/api/delete)" in out.text
    assert "[REDACTED:email]\\: /x" in out.text


@pytest.mark.parametrize(
    ("fmt", "text", "kept"),
    [
        (fmt, text, kept)
        for fmt in ("markdown", "html", "text")
        for text, kept in [
            # the value with "<br>" reads as a documented placeholder, and is refused whole
            ("password: Xk9mQ2vL7pR4nTw8<br>next", "<br>next"),
            ('password: Xk9mQ2vL7pR4nTw8<a href="https://allowed.invalid/">x</a>', "<a href="),
        ]
    ]
    + [("markdown", "[see password=Xk9mQ2vL7pR4nTw8](https://allowed.invalid/x)", "](https://")],
)
def test_a_secret_ends_where_markup_begins(fmt: str, text: str, kept: str) -> None:
    guard = OutputSanitizer(OutputPolicy(link_allowed=lambda url: "allowed.invalid" in url))
    out = guard.sanitize(text, fmt).text  # type: ignore[arg-type]
    assert "Xk9mQ2vL7pR4nTw8" not in out
    assert f"[REDACTED:secret:generic-password]{kept}" in out
    assert guard.sanitize(out, fmt).text == out  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_a_url_that_a_placeholder_frees_is_judged(fmt: str) -> None:
    """After a digit no renderer links the URL; after "[REDACTED:iban]" linkify-style ones do."""
    guard = OutputSanitizer(OutputPolicy(link_allowed=lambda url: "allowed.invalid" in url))
    text = "IBAN GB82 WEST 1234 5698 7654 32https://evil.invalid/x?q=1"
    out = guard.sanitize(text, fmt)  # type: ignore[arg-type]
    assert out.text == "IBAN [REDACTED:iban][link removed]"
    assert {f.kind for f in out.findings} == {"redact.pii.iban", "link.removed"}


def test_redaction_off_keeps_personal_data() -> None:
    guard = OutputSanitizer(OutputPolicy(redact=frozenset()))
    assert guard.sanitize("mail jane@corp.invalid", "text").text == "mail jane@corp.invalid"


@pytest.mark.parametrize(
    "text",
    [
        "AKIAZ3MXQ2Y4N5P6R7TW.jane@corp.invalid",  # a key as an address's local part
        "write to jane.AKIAZ3MXQ2Y4N5P6R7TW@corp.invalid today",
    ],
)
def test_what_overlaps_a_secret_is_not_left_half_shown(text: str) -> None:
    """The key wins the overlap; what is left of the address must not be shown either."""
    shown = OutputSanitizer(OutputPolicy()).sanitize(text, "text").text
    assert "corp.invalid" not in shown
    assert "AKIA" not in shown


# The address pattern as a whole, for the property below: what a search for it may still find.
_WHOLE_ADDRESS = re.compile(
    r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,63}(?![\w\-])"
)


_ADDRESS_PIECES = st.sampled_from(
    ["jo@b.co", "jane@corp.invalid", "a", "b1", "@", ".", "-", "_", " ", "x@", "@y.io"]
)


@given(
    st.one_of(
        st.text(st.sampled_from("ab.@-_1 "), max_size=90),
        st.lists(
            st.tuples(_ADDRESS_PIECES, st.integers(1, 6)).map(lambda r: r[0] * r[1]), max_size=8
        ).map("".join),
    )
)
def test_addresses_leave_no_address_behind(text: str) -> None:
    """Found addresses do not overlap, each is one whole address, and once they are blanked out
    no address is left: chained ones ("a@b.coa@b.co...") included, so a second pass finds none."""
    found = [m for m in find_pii(text) if m.kind == "email"]
    last = 0
    for match in found:
        assert match.start >= last
        assert _WHOLE_ADDRESS.fullmatch(text, match.start, match.end)
        last = match.end
    blanked = list(text)
    for match in found:
        blanked[match.start : match.end] = " " * (match.end - match.start)
    assert _WHOLE_ADDRESS.search("".join(blanked)) is None


def test_chained_addresses_are_all_found_at_once() -> None:
    text = "jane@corp.invalid" * 5
    spans = [(m.start, m.end) for m in find_pii(text) if m.kind == "email"]
    assert spans == [(0, 21), (22, 55), (56, 85)]
