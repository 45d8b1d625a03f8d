from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botwarden.manifest.egress import EntryKind, entry_covers_host, parse_egress_entry

VALID = [
    ("api.feedly.com", EntryKind.HOST, "api.feedly.com", 443),
    ("API.Feedly.COM.", EntryKind.HOST, "api.feedly.com", 443),
    ("x.com:8080", EntryKind.HOST, "x.com", 8080),
    ("*.example.com", EntryKind.WILDCARD, "example.com", 443),
    ("*.example.com:8443", EntryKind.WILDCARD, "example.com", 8443),
    ("10.0.0.0/8", EntryKind.NETWORK, "10.0.0.0/8", 443),
    ("192.168.1.0/24:5432", EntryKind.NETWORK, "192.168.1.0/24", 5432),
    ("[::1]:8443", EntryKind.ADDRESS, "::1", 8443),
    ("2001:db8::1", EntryKind.ADDRESS, "2001:db8::1", 443),
    ("169.254.169.254", EntryKind.ADDRESS, "169.254.169.254", 443),
    ("bücher.de", EntryKind.HOST, "xn--bcher-kva.de", 443),
    ("faß.de", EntryKind.HOST, "xn--fa-hia.de", 443),  # IDNA 2008, as clients resolve it
    ("under_score.example", EntryKind.HOST, "under_score.example", 443),  # valid in DNS
    ("*", EntryKind.ANY, "*", 443),
    ("*:80", EntryKind.ANY, "*", 80),
]


@pytest.mark.parametrize(("text", "kind", "host", "port"), VALID)
def test_valid_entries(text: str, kind: EntryKind, host: str, port: int) -> None:
    entry = parse_egress_entry(text)
    assert (entry.kind, entry.host, entry.port, entry.text) == (kind, host, port, text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [("https://x.com", "is a URL"), ("x.com/path", "cannot have paths"), ("x.com:0", "port"),
     ("x.com:99999", "port"), ("x.com:", "port"), ("x.com:https", "port"),
     ("a*.com", "whole first label"), ("*x.com", "whole first label"),
     ("10.0.0.1/8", "no bits set"), ("-bad.com", "no '-' at either end"),
     ("a..b", "empty label"), ("[::1", "missing ']'"), ("[::1]x", "expected ':port'"),
     ("127.1", "legacy form: write it as 127.0.0.1"), ("\u0430pple.com", "look-alike"),
     ("", "empty"), (443, "expected a string"),
     ("*.", "'\\*\\.': the part after"), ("*.a..b", "the part after")],
)  # fmt: skip
def test_invalid_entries(text: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_egress_entry(text)


@pytest.mark.parametrize(
    ("entry", "host", "port", "covered"),
    [("x.com", "x.com", 443, True), ("x.com", "x.com", 80, False), ("x.com", "a.x.com", 443, False),
     ("*.x.com", "a.x.com", 443, True), ("*.x.com", "a.b.x.com", 443, True),
     ("*.x.com", "x.com", 443, False), ("*.x.com", "evilx.com", 443, False),
     ("*", "anything.org", 443, True), ("*", "anything.org", 22, False),
     ("10.0.0.0/8", "10.0.0.1", 443, False)],
)  # fmt: skip
def test_entry_covers_host(entry: str, host: str, port: int, covered: bool) -> None:
    assert entry_covers_host(parse_egress_entry(entry), host, port) is covered


_label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)


_last_label = st.from_regex(r"[a-z]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)  # not a number


@given(st.lists(_label, max_size=3), _last_label, st.booleans(), st.booleans())
def test_normalisation_is_idempotent(labels: list[str], last: str, upper: bool, dot: bool) -> None:
    name = ".".join([*labels, last])
    written = (name.upper() if upper else name) + ("." if dot else "")
    entry = parse_egress_entry(written)
    assert entry.host == name
    assert parse_egress_entry(entry.host).host == entry.host


@given(st.text(max_size=40))
def test_parser_only_raises_value_error(text: str) -> None:
    try:
        parse_egress_entry(text)
    except ValueError:
        pass
