"""Malformed and hostile input: always 400 (or 417) and a closed connection, never forwarded."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from tests.runtime.proxy.conftest import Running, StartProxy
from tests.runtime.proxy.support import DictGate, Upstream, status_of

_UP = "plain.test:{port}"


def request(*lines: str, target: str = "http://plain.test:{port}/x", method: str = "GET") -> str:
    return "\r\n".join([f"{method} {target} HTTP/1.1", *lines, "", ""])


CASES: list[tuple[str, str | bytes, str]] = [
    ("origin-form", request(target="/x"), "origin-form"),
    ("asterisk", request(target="*", method="OPTIONS"), "'*'"),
    ("https absolute-form", request(target="https://plain.test:{port}/"), "CONNECT"),
    ("CONNECT without port", request(target="plain.test", method="CONNECT"), "port is required"),
    ("CONNECT with body", request("Content-Length: 2", target=_UP, method="CONNECT"), "body"),
    ("CL and TE", request("Content-Length: 3", "Transfer-Encoding: chunked"), "smuggling"),
    ("TE and CL", request("Transfer-Encoding: chunked", "Content-Length: 3"), "smuggling"),
    ("differing CLs", request("Content-Length: 3", "Content-Length: 4"), "differ"),
    ("CL list", request("Content-Length: 3, 4"), "differ"),
    ("CL sign", request("Content-Length: +3"), "not a number"),
    ("TE not chunked", request("Transfer-Encoding: gzip"), "exactly 'chunked'"),
    ("TE chunked twice", request("Transfer-Encoding: chunked, chunked"), "exactly 'chunked'"),
    (
        "TE in HTTP/1.0",
        "GET http://plain.test:{port}/ HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.0",
    ),
    ("obs-fold", request("X-A: 1", " continued"), "obs-fold"),
    ("space before colon", request("X-A : 1"), "whitespace"),
    ("bad header name", request("X@A: 1"), "invalid header name"),
    ("NUL in value", request("X-A: 1\x002"), "invalid character"),
    ("DEL in value", request("X-A: 1\x7f2"), "invalid character"),
    ("bare LF", "GET http://plain.test:{port}/ HTTP/1.1\nHost: a\n\n", "bare LF"),
    ("bare CR", request("X-A: 1\r2"), "bare LF or CR"),
    ("duplicate Host", request("Host: a", "Host: b"), "more than one Host"),
    ("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "HTTP/2"),
    ("HTTP/0.9", "GET http://plain.test:{port}/\r\n\r\n", "HTTP/0.9"),
    ("lower-case version", "GET http://plain.test:{port}/ http/1.1\r\n\r\n", "HTTP version"),
    ("double space", "GET  http://plain.test:{port}/ HTTP/1.1\r\n\r\n", "single spaces"),
    ("TLS hello", b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + bytes(40), "not an HTTP"),
    ("binary garbage", bytes(range(128, 256)), "not an HTTP"),
    ("control bytes", bytes(range(32)), "bare LF"),
    ("space first", " GET http://plain.test:{port}/ HTTP/1.1\r\n\r\n", "not an HTTP"),
    ("long request line", request(target="http://plain.test:{port}/" + "a" * 9000), "longer"),
    ("long header line", request("X-A: " + "v" * 9000), "longer than 8192"),
    ("too many headers", request(*[f"X-{i}: v" for i in range(101)]), "more than 100"),
    ("huge head", request(*[f"X-{i}: {'v' * 1100}" for i in range(62)]), "larger than 65536"),
    ("fragment", request(target="http://plain.test:{port}/x#frag"), "fragment"),
    ("backslash", request(target="http://plain.test:{port}/a\\..\\b"), "backslash"),
    ("dot segment", request(target="http://plain.test:{port}/a/../b"), "'.' or '..'"),
    ("userinfo", request(target="http://user@plain.test:{port}/"), "invalid host"),
    ("bad port", request(target="http://plain.test:99999/"), "port out of range"),
]


@pytest.fixture(scope="module")
def quiet_upstream() -> Iterator[Upstream]:
    server = Upstream()
    yield server
    server.stop()


@pytest.fixture
def proxy(start_proxy: StartProxy) -> Running:
    return start_proxy({"bot": DictGate({"plain.test": ["127.0.0.1"]})})


def send(address: tuple[str, int], data: bytes) -> tuple[bytes, bool]:
    """Send, read to the end; return the bytes and whether the proxy closed the connection."""
    with socket.create_connection(address, timeout=3) as sock:
        sock.sendall(data)
        out = b""
        try:
            while chunk := sock.recv(65536):
                out += chunk
        except TimeoutError:
            return out, False
        except ConnectionResetError:
            pass
        return out, True


@pytest.mark.parametrize(("name", "data", "reason"), CASES, ids=[case[0] for case in CASES])
def test_refused_and_closed_never_forwarded(
    proxy: Running, quiet_upstream: Upstream, name: str, data: str | bytes, reason: str
) -> None:
    raw = (
        data.replace("{port}", str(quiet_upstream.port)).encode("latin-1")
        if isinstance(data, str)
        else data
    )
    before = quiet_upstream.connections
    response, closed = send(proxy.address, raw)
    assert status_of(response) == 400, response[:200]
    assert closed
    body = response.partition(b"\r\n\r\n")[2].decode()
    assert reason in body
    assert quiet_upstream.connections == before
    gate = proxy.proxy.gates["bot"]
    assert isinstance(gate, DictGate)
    assert gate.calls == []
    assert proxy.seen[-1].status == 400


def test_unsupported_expectation_is_417(proxy: Running, quiet_upstream: Upstream) -> None:
    data = request("Expect: 200-ok").replace("{port}", str(quiet_upstream.port)).encode()
    response, closed = send(proxy.address, data)
    assert status_of(response) == 417
    assert closed


@pytest.mark.parametrize(
    "body",
    [b"zz\r\nab\r\n0\r\n\r\n", b"2\r\nabc\r\n0\r\n\r\n", b"2\nab\r\n0\r\n\r\n", b"-1\r\n"],
)
def test_bad_chunked_body_refused_before_any_request_bytes(
    proxy: Running, quiet_upstream: Upstream, body: bytes
) -> None:
    head = request("Transfer-Encoding: chunked", method="POST").replace(
        "{port}", str(quiet_upstream.port)
    )
    before = len(quiet_upstream.requests)
    response, closed = send(proxy.address, head.encode() + body)
    assert status_of(response) == 400
    assert b"chunk" in response
    assert closed
    assert len(quiet_upstream.requests) == before


def test_slow_garbage_is_refused_as_it_arrives(proxy: Running) -> None:
    with socket.create_connection(proxy.address, timeout=3) as sock:
        sock.sendall(b"GET http://plain.test/ HTTP/1.1\r\nX: y\n")
        assert status_of(sock.recv(65536)) == 400


def test_many_empty_lines_before_a_request_are_cheap(
    proxy: Running, quiet_upstream: Upstream
) -> None:
    with socket.create_connection(proxy.address, timeout=3) as sock:
        sock.sendall(
            b"\r\n" * 30_000
            + f"GET http://plain.test:{quiet_upstream.port}/echo HTTP/1.1\r\n\r\n".encode()
        )
        assert status_of(sock.recv(65536)) == 200
