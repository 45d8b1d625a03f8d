"""Plain HTTP through the proxy, end to end: real sockets, a real upstream, httpx and raw bytes."""

from __future__ import annotations

import socket
import time

import httpx
import pytest
from tests.runtime.proxy.conftest import StartProxy
from tests.runtime.proxy.support import (
    DictGate,
    Responses,
    Upstream,
    read_response,
    read_until_close,
)

from botwarden.policy.decision import Decision


def client(url: str) -> httpx.Client:
    return httpx.Client(proxy=url, trust_env=False, timeout=5)


def test_get_is_forwarded_in_origin_form_with_hop_fields_stripped(
    start_proxy: StartProxy, upstream: Upstream
) -> None:
    proxy = start_proxy()
    with socket.create_connection(proxy.address, timeout=5) as sock:
        sock.sendall(
            f"GET http://plain.test:{upstream.port}/echo?q=1 HTTP/1.1\r\n"
            "Host: evil.test\r\nConnection: X-Drop\r\nX-Drop: 1\r\nX-Keep: 2\r\n"
            "Proxy-Authorization: Basic eDp5\r\nTE: trailers\r\n\r\n".encode()
        )
        status, headers, body = read_response(sock)
    assert status == 200
    assert "via" in headers
    assert "keep-alive" not in headers
    seen = httpx.Response(200, content=body).json()
    fields = {name.lower(): value for name, value in seen["headers"]}
    assert seen["path"] == "/echo?q=1"
    assert fields["host"] == f"plain.test:{upstream.port}"
    assert fields["x-keep"] == "2"
    assert not {"x-drop", "connection", "proxy-authorization", "te"} & set(fields)


def test_keep_alive_reuses_the_upstream_connection(
    start_proxy: StartProxy, upstream: Upstream
) -> None:
    proxy = start_proxy()
    with client(proxy.url) as http:
        ids = [
            http.get(f"http://plain.test:{upstream.port}/echo/{i}").json()["connection"]
            for i in range(3)
        ]
    assert len(set(ids)) == 1
    assert [e.status for e in proxy.seen] == [200, 200, 200]


def test_pipelined_requests_answered_in_order(start_proxy: StartProxy, upstream: Upstream) -> None:
    proxy = start_proxy()
    request = f"GET http://plain.test:{upstream.port}/echo/%d HTTP/1.1\r\n\r\n"
    with socket.create_connection(proxy.address, timeout=5) as sock:
        sock.sendall(b"\r\n" + b"".join((request % i).encode() for i in range(3)))
        responses = Responses(sock)
        paths = [httpx.Response(200, content=responses.next()[2]).json()["path"] for _ in "abc"]
    assert paths == ["/echo/0", "/echo/1", "/echo/2"]


@pytest.mark.parametrize("size", [0, 1, 70_000, 3_000_000])
def test_bodies_stream_both_ways(start_proxy: StartProxy, upstream: Upstream, size: int) -> None:
    proxy = start_proxy()
    payload = bytes(i % 256 for i in range(size))
    with client(proxy.url) as http:
        sent = http.post(f"http://plain.test:{upstream.port}/bytes/{size}", content=payload)
        streamed = http.post(
            f"http://plain.test:{upstream.port}/echo", content=iter([payload[:10], payload[10:]])
        )
    assert sent.content == bytes(i % 251 for i in range(size))
    assert upstream.requests[-1]["body"].encode("latin-1") == payload
    assert streamed.status_code == 200
    assert upstream.requests[-2]["body"].encode("latin-1") == payload


def test_chunked_both_ways(start_proxy: StartProxy, upstream: Upstream) -> None:
    proxy = start_proxy()
    with socket.create_connection(proxy.address, timeout=5) as sock:
        sock.sendall(
            f"POST http://plain.test:{upstream.port}/chunked/5500 HTTP/1.1\r\n"
            "Transfer-Encoding: chunked\r\n\r\n4;ext=x\r\nabcd\r\n3\r\nefg\r\n0\r\n"
            "Trailer-X: 1\r\n\r\n".encode()
        )
        sock.settimeout(2)
        data = b""
        while not data.endswith(b"\r\n0\r\n\r\n"):
            data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in head
    assert b"ext=" not in body
    assert b"X-Trailer" not in body
    assert upstream.requests[-1]["body"] == "abcdefg"
    with client(proxy.url) as http:
        response = http.get(f"http://plain.test:{upstream.port}/chunked/5500")
    assert response.content == bytes(i % 251 for i in range(5500))


def test_response_until_close_closes_the_client(
    start_proxy: StartProxy, upstream: Upstream
) -> None:
    proxy = start_proxy()
    with socket.create_connection(proxy.address, timeout=5) as sock:
        sock.sendall(f"GET http://plain.test:{upstream.port}/close/300 HTTP/1.1\r\n\r\n".encode())
        data = read_until_close(sock)
    assert data.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"Connection: close" in data
    assert data.endswith(b"\r\n\r\n" + b"z" * 300)
    assert proxy.seen[-1].outcome == "ok"


def test_head_and_bodiless_statuses(start_proxy: StartProxy, upstream: Upstream) -> None:
    proxy = start_proxy()
    with client(proxy.url) as http:
        head = http.head(f"http://plain.test:{upstream.port}/bytes/500")
        empty = http.get(f"http://plain.test:{upstream.port}/status/204")
        after = http.get(f"http://plain.test:{upstream.port}/bytes/3")
    assert (head.status_code, head.headers["content-length"], head.content) == (200, "500", b"")
    assert empty.status_code == 204
    assert after.content == bytes([0, 1, 2])


def test_expect_continue_answered_by_the_proxy(start_proxy: StartProxy, upstream: Upstream) -> None:
    proxy = start_proxy()
    with socket.create_connection(proxy.address, timeout=5) as sock:
        sock.sendall(
            f"PUT http://plain.test:{upstream.port}/echo HTTP/1.1\r\nContent-Length: 4\r\n"
            "Expect: 100-continue\r\n\r\n".encode()
        )
        assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"data")
        status, _, _ = read_response(sock)
    assert status == 200
    assert upstream.requests[-1]["body"] == "data"
    assert "expect" not in {name.lower() for name, _ in upstream.requests[-1]["headers"]}


def test_gate_that_suspends_is_awaited(start_proxy: StartProxy, upstream: Upstream) -> None:
    gate = DictGate({"plain.test": ["127.0.0.1"]}, suspend=True)
    proxy = start_proxy({"bot": gate})
    with client(proxy.url) as http:
        assert http.get(f"http://plain.test:{upstream.port}/echo").status_code == 200
        assert http.get("http://other.test/").status_code == 403
    assert gate.calls == [
        ("GET", f"http://plain.test:{upstream.port}/echo"),
        ("GET", "http://other.test/"),
    ]


def test_vetted_addresses_are_tried_in_order(start_proxy: StartProxy, upstream: Upstream) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    dead = closed.getsockname()[1]
    closed.close()
    gate = DictGate({"plain.test": ["127.0.0.7", "127.0.0.1"]})
    proxy = start_proxy({"bot": gate})
    with client(proxy.url) as http:
        good = http.get(f"http://plain.test:{upstream.port}/echo")
        bad = http.get(f"http://plain.test:{dead}/echo")
    assert good.status_code == 200  # nothing listens on 127.0.0.7: refused, then 127.0.0.1
    assert bad.status_code == 502
    assert "cannot connect" in bad.text


def test_upstream_that_closes_without_answering_is_502(start_proxy: StartProxy) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    proxy = start_proxy()
    with client(proxy.url) as http:
        import threading

        def accept_and_close() -> None:
            conn, _ = listener.accept()
            conn.recv(1000)
            conn.close()

        worker = threading.Thread(target=accept_and_close)
        worker.start()
        response = http.get(f"http://plain.test:{port}/")
        worker.join()
    listener.close()
    assert response.status_code == 502
    assert "without answering" in response.text


def test_malformed_upstream_response_is_502(start_proxy: StartProxy) -> None:
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def answer_badly() -> None:
        conn, _ = listener.accept()
        conn.recv(1000)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx")
        conn.close()

    worker = threading.Thread(target=answer_badly)
    worker.start()
    proxy = start_proxy()
    with client(proxy.url) as http:
        response = http.get(f"http://plain.test:{port}/")
    worker.join()
    listener.close()
    assert response.status_code == 502
    assert "Content-Length" in response.text


class ImmediateDictGate(DictGate):
    """Answers at once for names it knows, and asks to be awaited for the rest."""

    def __init__(self, hosts: dict[str, list[str]], known: set[str]) -> None:
        super().__init__(hosts)
        self.known = known
        self.immediate: list[str] = []

    def decide_url_now(self, method: str, url: str) -> Decision | None:
        host = url.split("/")[2].split(":", maxsplit=1)[0]
        if host == "boom.test":
            raise RuntimeError("gate bug")
        if host not in self.known:
            return None
        self.immediate.append(url)
        return self._decide(host, int(url.split("/")[2].split(":")[1]))

    def decide_connect_now(self, authority: str) -> Decision | None:
        return None


def test_immediate_answers_skip_the_await(start_proxy: StartProxy, upstream: Upstream) -> None:
    gate = ImmediateDictGate(
        {"plain.test": ["127.0.0.1"], "slow.test": ["127.0.0.1"]}, {"plain.test"}
    )
    proxy = start_proxy({"bot": gate})
    with client(proxy.url) as http:
        fast = http.get(f"http://plain.test:{upstream.port}/echo")
        slow = http.get(f"http://slow.test:{upstream.port}/echo")
        broken = http.get(f"http://boom.test:{upstream.port}/echo")
    assert (fast.status_code, slow.status_code, broken.status_code) == (200, 200, 500)
    assert gate.immediate == [f"http://plain.test:{upstream.port}/echo"]
    assert gate.calls == [("GET", f"http://slow.test:{upstream.port}/echo")]


def test_upstream_closing_a_kept_connection_is_survived(start_proxy: StartProxy) -> None:
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    accepted: list[int] = []

    def serve_one_request_per_connection() -> None:
        for _ in range(2):
            conn, _ = listener.accept()
            accepted.append(1)
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            conn.close()  # says nothing about it: the proxy finds out on reuse

    worker = threading.Thread(target=serve_one_request_per_connection)
    worker.start()
    proxy = start_proxy()
    with client(proxy.url) as http:
        first = http.get(f"http://plain.test:{port}/1")
        second = http.get(f"http://plain.test:{port}/2")
    worker.join(5)
    listener.close()
    assert (first.text, second.text) == ("ok", "ok")
    assert len(accepted) == 2


def test_client_leaving_before_the_response_ends_the_exchange(
    start_proxy: StartProxy, upstream: Upstream
) -> None:
    proxy = start_proxy()
    with socket.create_connection(proxy.address, timeout=5) as sock:
        sock.sendall(f"GET http://plain.test:{upstream.port}/slow/0.3 HTTP/1.1\r\n\r\n".encode())
        deadline = time.monotonic() + 5
        while (
            not any(r["path"] == "/slow/0.3" for r in upstream.requests)
            and time.monotonic() < deadline
        ):
            time.sleep(0.01)
    deadline = time.monotonic() + 5
    while not proxy.seen and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proxy.seen[0].outcome == "client closed the connection"
    assert proxy.seen[0].status is None
    assert proxy.proxy.connections == 0
