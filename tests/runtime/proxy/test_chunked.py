"""The chunked coding: decoded strictly however the bytes are split, re-encoded without extras."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botwarden.runtime.proxy.chunked import LAST_CHUNK, ChunkedDecoder, encode_chunk
from botwarden.runtime.proxy.http1 import MessageError
from botwarden.runtime.proxy.limits import ProxyLimits

LIMITS = ProxyLimits()


def decode(data: bytes, pieces: list[int] | None = None) -> tuple[bytes, bytes]:
    """Feed ``data`` in pieces; return the payload and what follows the body."""
    decoder = ChunkedDecoder(LIMITS)
    cuts = sorted({min(p, len(data)) for p in pieces or []})
    payload, rest, start = b"", b"", 0
    for end in [*cuts, len(data)]:
        part = data[start:end]
        start = end
        if decoder.done:
            rest += part
            continue
        out, used = decoder.feed(part)
        payload += out
        rest += part[used:]
    assert decoder.done
    return payload, rest


def test_extensions_and_trailers_are_read_and_dropped() -> None:
    body = b"5;name=value\r\nhello\r\n6 ; x\r\n world\r\n0\r\nX-Sum: 1\r\n\r\nNEXT"
    assert decode(body) == (b"hello world", b"NEXT")


def test_encode_round_trip() -> None:
    assert encode_chunk(b"abc") == b"3\r\nabc\r\n"
    assert decode(encode_chunk(b"x" * 300) + LAST_CHUNK) == (b"x" * 300, b"")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"x\r\n", "invalid chunk size"),
        (b"-1\r\n", "invalid chunk size"),
        (b" 1\r\na\r\n", "invalid chunk size"),
        (b"0x1\r\na\r\n", "invalid chunk size"),
        (b"11111111111111111\r\n", "invalid chunk size"),
        (b"1\na\r\n", "bare LF or CR"),
        (b"1\r\na\n", "bare LF or CR"),
        (b"1;a\rb\r\na\r\n", "bare LF or CR"),
        (b"1\r\nab\r\n", "longer than its declared size"),
        (b"1;\x00\r\n", "invalid chunk size"),
        (b"0\r\nbad trailer\r\n\r\n", "invalid trailer"),
        (b"1" * 5000, "too long"),
    ],
)
def test_refusals(data: bytes, reason: str) -> None:
    with pytest.raises(MessageError) as caught:
        ChunkedDecoder(LIMITS).feed(data)
    assert reason in caught.value.reason


def test_too_many_trailers() -> None:
    trailers = b"".join(b"X-%d: v\r\n" % i for i in range(101))
    with pytest.raises(MessageError, match="trailer fields"):
        ChunkedDecoder(LIMITS).feed(b"0\r\n" + trailers + b"\r\n")


def test_status_for_upstream_errors() -> None:
    with pytest.raises(MessageError) as caught:
        ChunkedDecoder(LIMITS, status=502).feed(b"z\r\n")
    assert caught.value.status == 502


@given(
    st.lists(st.binary(min_size=1, max_size=50), max_size=8),
    st.lists(st.integers(min_value=0, max_value=600), max_size=10),
    st.binary(max_size=10),
)
def test_any_split_decodes_the_same(chunks: list[bytes], cuts: list[int], tail: bytes) -> None:
    data = b"".join(encode_chunk(chunk) for chunk in chunks) + LAST_CHUNK + tail
    assert decode(data, cuts) == (b"".join(chunks), tail)


@given(st.binary(max_size=200))
def test_any_bytes_decode_or_give_a_reason(data: bytes) -> None:
    try:
        ChunkedDecoder(LIMITS).feed(data)
    except MessageError as exc:
        assert exc.reason
