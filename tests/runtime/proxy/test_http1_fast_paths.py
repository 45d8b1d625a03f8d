"""The head parser's faster forms agree with the plain forms they replaced, on any input.

``_FIELDS`` became possessive and the special-field patterns now capture the value span, so
``_split_fields`` no longer searches for each line's end. The plain pattern and the former
``_split_fields`` are kept here as the reference (the slow path), and hypothesis checks that
both give the same verdict and the same split on blocks built to hit the edge cases: special
names in any case, blanks around values, empty values, repeated fields, bytes that are invalid.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from botwarden.runtime.proxy import http1
from botwarden.runtime.proxy.limits import ProxyLimits

LIMITS = ProxyLimits()

_PLAIN_FIELDS = re.compile(rb"(?:[" + http1._TCHAR + rb"]+:" + http1._VALUE + rb"\r\n)*")
_PLAIN_REQUEST_SPECIAL = re.compile(
    rb"\n(host|content-length|transfer-encoding|proxy-authorization|expect|accept|"
    + http1._HOP
    + rb"):"
)
_PLAIN_RESPONSE_SPECIAL = re.compile(rb"\n(content-length|transfer-encoding|" + http1._HOP + rb"):")


def _plain_split(
    block: bytes, special: re.Pattern[bytes]
) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """The former ``_split_fields`` body (limits left out: they run before it, unchanged)."""
    found: list[tuple[bytes, bytes]] = []
    pieces: list[bytes] = []
    pos = 0
    for match in special.finditer(b"\n" + block.lower()):
        name, value_start = match.group(1), match.end() - 1
        line_end = block.index(b"\r\n", value_start)
        found.append((name, block[value_start:line_end].strip(b" \t")))
        if name not in http1._KEPT:
            pieces.append(block[pos : match.start()])
            pos = line_end + 2
    if not pos:
        return block, found
    pieces.append(block[pos:])
    return b"".join(pieces), found


_SPECIAL_NAMES = [
    "Host",
    "Content-Length",
    "TRANSFER-ENCODING",
    "proxy-authorization",
    "Expect",
    "Accept",
    "Connection",
    "Proxy-Connection",
    "Keep-Alive",
    "TE",
    "Trailer",
    "Upgrade",
    "Proxy-Authenticate",
    "Content-Lengthx",
    "X-Host",
    "Accept-Ranges",
]
_NAME = st.one_of(
    st.sampled_from(_SPECIAL_NAMES),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC-!#$%&'*+.^_`|~0123456789", min_size=1),
)
_VALUE_TEXT = st.text(
    alphabet=st.sampled_from([" ", "\t", "a", "B", "0", "9", ",", ":", "\x80", "\xff", "\x7e"]),
    max_size=12,
)
_FIELD = st.tuples(_NAME, _VALUE_TEXT).map(lambda f: f"{f[0]}:{f[1]}\r\n".encode("latin-1"))
_BLOCK = st.lists(_FIELD, max_size=12).map(b"".join)
# Near-valid bytes: lines with stray CR/LF, controls, blanks before the colon, folded lines.
_NOISE = st.lists(
    st.one_of(_FIELD, st.sampled_from([b"\r", b"\n", b" ", b"\t", b":", b"\x00", b"\x7f", b"a"])),
    max_size=16,
).map(b"".join)


@given(st.one_of(_BLOCK, _NOISE, st.binary(max_size=64)))
def test_possessive_fields_pattern_accepts_exactly_what_the_plain_one_did(block: bytes) -> None:
    fast = http1._FIELDS.fullmatch(block) is not None
    assert fast == (_PLAIN_FIELDS.fullmatch(block) is not None)


@given(_BLOCK)
def test_split_fields_agrees_with_the_plain_split(block: bytes) -> None:
    assert http1._FIELDS.fullmatch(block) is not None  # only valid blocks reach the split
    for fast, plain, what in (
        (http1._REQUEST_SPECIAL, _PLAIN_REQUEST_SPECIAL, ""),
        (http1._RESPONSE_SPECIAL, _PLAIN_RESPONSE_SPECIAL, " in the response"),
    ):
        try:
            got = http1._split_fields(block, fast, LIMITS, what)
        except http1.MessageError:
            assert block.count(b"\n") > LIMITS.max_headers
            continue
        assert got == _plain_split(block, plain)


def test_split_fields_keeps_accept_and_strips_blanks() -> None:
    block = b"Accept: \t*/* \r\nContent-Length:  12\t\r\nX-A: b\r\n"
    fields, found = http1._split_fields(block, http1._REQUEST_SPECIAL, LIMITS, "")
    assert fields == b"Accept: \t*/* \r\nX-A: b\r\n"
    assert found == [(b"accept", b"*/*"), (b"content-length", b"12")]


def _plain_host_field(host: str, port: int, default_port: int) -> bytes:
    text = f"[{host}]" if ":" in host else host
    return (text if port == default_port else f"{text}:{port}").encode("ascii")


@given(
    st.one_of(
        st.sampled_from(["a.test", "::1", "10.0.0.1", "x" * 600]), st.text("ab.:-", min_size=1)
    ),
    st.integers(min_value=1, max_value=65535),
    st.sampled_from([80, 443]),
)
def test_host_field_remembered_is_the_host_field_built(host: str, port: int, default: int) -> None:
    expected = _plain_host_field(host, port, default)
    assert http1.host_field(host, port, default) == expected
    assert http1.host_field(host, port, default) == expected  # the second comes from the cache
