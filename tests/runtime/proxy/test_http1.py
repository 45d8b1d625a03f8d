"""Request and response heads: what is understood, what is refused and why, what is forwarded."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botwarden.runtime.proxy.http1 import (
    MessageError,
    check_partial_head,
    client_response_head,
    host_field,
    parse_request_head,
    parse_response_head,
    upstream_request_head,
)
from botwarden.runtime.proxy.limits import ProxyLimits

LIMITS = ProxyLimits()


def head(*lines: str, target: str = "http://a.test/x", method: str = "GET") -> bytes:
    return "\r\n".join([f"{method} {target} HTTP/1.1", *lines, "", ""]).encode("latin-1")


def test_absolute_form_is_split_and_hop_fields_are_dropped() -> None:
    request = parse_request_head(
        head(
            "Host: other.test",
            "User-Agent: t",
            "Connection: keep-alive, X-Secret",
            "X-Secret: 1",
            "Keep-Alive: timeout=5",
            "Proxy-Connection: keep-alive",
            "TE: trailers",
            "Upgrade: h2c",
            "Proxy-Authorization: Basic Ym90OnRvaw==",
            "Accept: application/json",
            target="http://A.Test.:8080/p/q?x=1",
        ),
        LIMITS,
    )
    assert (request.host, request.port, request.origin) == ("a.test", 8080, b"/p/q?x=1")
    assert request.fields == b"User-Agent: t\r\nAccept: application/json\r\n"
    assert request.authorization == b"Basic Ym90OnRvaw=="
    assert request.accept_json
    assert request.keep_alive


@pytest.mark.parametrize(
    ("target", "host", "port", "origin"),
    [
        ("http://a.test", "a.test", 80, b"/"),
        ("http://a.test?q", "a.test", 80, b"/?q"),
        ("HTTP://a.test:81/", "a.test", 81, b"/"),
        ("http://[::1]:8080/x", "::1", 8080, b"/x"),
        ("http://10.0.0.1/.well-known/x", "10.0.0.1", 80, b"/.well-known/x"),
        ("http://a.test/a..b/c.", "a.test", 80, b"/a..b/c."),
    ],
)
def test_targets(target: str, host: str, port: int, origin: bytes) -> None:
    request = parse_request_head(head(target=target), LIMITS)
    assert (request.host, request.port, request.origin) == (host, port, origin)


def test_connect_authority() -> None:
    request = parse_request_head(head(target="[2001:db8::1]:443", method="CONNECT"), LIMITS)
    assert (request.host, request.port, request.connect) == ("2001:db8::1", 443, True)


def test_framing_and_forwarded_head() -> None:
    request = parse_request_head(
        head("Content-Length: 5, 5", "Content-Length: 5", "X: y", method="POST"), LIMITS
    )
    assert request.content_length == 5
    forwarded = upstream_request_head(request, host_field("a.test", 80))
    assert forwarded == (
        b"POST /x HTTP/1.1\r\nHost: a.test\r\nX: y\r\nContent-Length: 5\r\n"
        b"Via: 1.1 botwarden\r\n\r\n"
    )
    chunked = parse_request_head(head("Transfer-Encoding: Chunked", method="POST"), LIMITS)
    assert chunked.chunked
    assert b"Transfer-Encoding: chunked\r\n" in upstream_request_head(chunked, b"h")


def test_http10_and_connection_close_end_the_connection() -> None:
    assert not parse_request_head(head("Connection: close"), LIMITS).keep_alive
    http10 = b"GET http://a.test/ HTTP/1.0\r\n\r\n"
    assert not parse_request_head(http10, LIMITS).keep_alive


def test_expect_100_continue() -> None:
    request = parse_request_head(head("Expect: 100-Continue", "Content-Length: 3"), LIMITS)
    assert request.expect_continue
    with pytest.raises(MessageError) as caught:
        parse_request_head(head("Expect: something-else"), LIMITS)
    assert caught.value.status == 417


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (head(target="/x"), "origin-form"),
        (head(target="*", method="OPTIONS"), "'*'"),
        (head(target="https://a.test/"), "CONNECT tunnel"),
        (head(target="ftp://a.test/"), "not an http:// URL"),
        (head(target="http://u:p@a.test/"), "invalid host"),
        (head(target="http://a.test:/"), "invalid host"),
        (head(target="http://a.test:99999/"), "port out of range"),
        (head(target="http://a.test/x#f"), "fragment"),
        (head(target="http://a.test/a\\b"), "backslash"),
        (head(target="http://a.test/a/../b"), "'.' or '..'"),
        (head(target="http://a.test/a/%2E%2e"), "'.' or '..'"),
        (head(target="http://a.test/./"), "'.' or '..'"),
        (head(target="http://[zz::1]/"), "invalid host"),
        (head(target="http://[::1/"), "invalid host"),
        (head(target="a.test", method="CONNECT"), "port is required"),
        (head(target="a.test:x", method="CONNECT"), "not a valid host:port"),
        (head(target="a.test:0", method="CONNECT"), "port out of range"),
        (head("Content-Length: 1", target="a.test:443", method="CONNECT"), "cannot have a body"),
        (b"GET http://a.test/ HTTP/2.0\r\n\r\n", "HTTP/2"),
        (b"PRI * HTTP/2.0\r\n\r\n", "HTTP/2"),
        (b"GET http://a.test/ HTTP/1.2\r\n\r\n", "HTTP/1.2"),
        (b"GET http://a.test/\r\n\r\n", "HTTP version"),
        (b"GET  http://a.test/ HTTP/1.1\r\n\r\n", "single spaces"),
        (b"G(T http://a.test/ HTTP/1.1\r\n\r\n", "invalid method"),
        (b"GET http://a.test/\x7f HTTP/1.1\r\n\r\n", "printable ASCII"),
        (b"\r\n\r\n", "empty request line"),
        (head(" folded"), "obs-fold"),
        (head("X: a", "\tfolded"), "obs-fold"),
        (head("X : a"), "whitespace between"),
        (head("X"), "without ':'"),
        (head("X(: a"), "invalid header name"),
        (head("X: a\x00b"), "invalid character"),
        (head("X: a\rb"), "bare LF or CR"),
        (head("X: a\nY: b"), "bare LF or CR"),
        (head("Content-Length: 1", "Transfer-Encoding: chunked"), "smuggling"),
        (head("Content-Length: 1", "Content-Length: 2"), "differ"),
        (head("Content-Length: 1, 2"), "differ"),
        (head("Content-Length: -1"), "not a number"),
        (head("Content-Length: 0x1"), "not a number"),
        (head("Transfer-Encoding: gzip, chunked"), "exactly 'chunked'"),
        (head("Transfer-Encoding: chunked", "Transfer-Encoding: chunked"), "exactly 'chunked'"),
        (head("Transfer-Encoding: chunked, identity"), "exactly 'chunked'"),
        (b"POST http://a.test/ HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", "HTTP/1.0"),
        (head("Host: a", "Host: b"), "more than one Host"),
        (head("Proxy-Authorization: a", "Proxy-Authorization: b"), "Proxy-Authorization"),
        (head(*[f"X-{i}: v" for i in range(101)]), "more than 100 header fields"),
        (head("X: " + "v" * 9000), "longer than 8192"),
        (head(target="http://a.test/" + "a" * 9000), "request line longer"),
    ],
)
def test_refusals(data: bytes, reason: str) -> None:
    with pytest.raises(MessageError) as caught:
        parse_request_head(data, LIMITS)
    assert reason in caught.value.reason
    assert caught.value.status in (400, 417)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", "not an HTTP request"),
        (b" GET", "not an HTTP request"),
        (b"GET http://a.test/ HTTP/1.1\nHost: a", "bare LF"),
        (b"GET http://a.test/ HTTP/1.1\r\nHost: a\n\n", "bare LF"),
        (b"GET http://a.test/ HTTP/1.1\rX", "bare LF or CR"),
        (b"G" * 9000, "request line longer"),
        (b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 12000, "request head larger"),
    ],
)
def test_partial_heads_refused_early(data: bytes, reason: str) -> None:
    problem = check_partial_head(data, LIMITS)
    assert problem is not None
    assert reason in problem


@pytest.mark.parametrize("data", [b"GET", b"GET http://a", b"GET / HTTP/1.1\r\nHost: a\r\n\r"])
def test_partial_heads_waited_for(data: bytes) -> None:
    assert check_partial_head(data, LIMITS) is None


def test_response_head_rewritten() -> None:
    response = parse_response_head(
        b"HTTP/1.0 200 OK\r\nServer: s\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\n"
        b"Keep-Alive: timeout=5\r\nContent-Length: 3\r\nProxy-Authenticate: Basic\r\n\r\n",
        LIMITS,
    )
    assert (response.status, response.content_length, response.keep_alive) == (200, 3, True)
    assert client_response_head(response, b"Content-Length: 3", close=True) == (
        b"HTTP/1.1 200 OK\r\nServer: s\r\nContent-Length: 3\r\nVia: 1.1 botwarden\r\n"
        b"Connection: close\r\n\r\n"
    )
    old = parse_response_head(b"HTTP/1.0 200 OK\r\n\r\n", LIMITS)
    assert not old.keep_alive
    assert old.content_length is None
    assert not old.chunked


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"HTTP/2 200 OK\r\n\r\n", "malformed status line"),
        (b"HTTP/1.1 20 OK\r\n\r\n", "malformed status line"),
        (b"HTTP/1.1 200 OK\r\n folded\r\n\r\n", "obs-fold"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", "both"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "differ"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "exactly 'chunked'"),
    ],
)
def test_bad_responses(data: bytes, reason: str) -> None:
    with pytest.raises(MessageError) as caught:
        parse_response_head(data, LIMITS)
    assert reason in caught.value.reason
    assert caught.value.status == 502


_TOKEN = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-0123456789", min_size=1, max_size=12)
_VALUE = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=30)


@given(st.lists(st.tuples(_TOKEN.map(lambda t: "x-" + t), _VALUE), max_size=20))
def test_end_to_end_fields_are_forwarded_untouched(fields: list[tuple[str, str]]) -> None:
    lines = [f"{name}: {value}" for name, value in fields]
    request = parse_request_head(head(*lines), LIMITS)
    assert request.fields == "".join(f"{line}\r\n" for line in lines).encode()


@given(st.binary(max_size=300))
def test_any_bytes_parse_or_give_a_reason(data: bytes) -> None:
    for candidate in (data, data + b"\r\n\r\n", b"GET http://a.test/ HTTP/1.1\r\n" + data):
        try:
            parse_request_head(candidate, LIMITS)
        except MessageError as exc:
            assert exc.reason
        check_partial_head(candidate, LIMITS)
        try:
            parse_response_head(candidate, LIMITS)
        except MessageError as exc:
            assert exc.status == 502
