"""Limits and accounting: timeouts, connection caps, byte counts and the meter that can stop."""

from __future__ import annotations

import socket
import time

import httpx
import pytest
from tests.runtime.proxy.conftest import Running, StartProxy
from tests.runtime.proxy.support import DictGate, Responses, Upstream, read_until_close, status_of

from botwarden.runtime.proxy import Exchange, ProxyLimits


def wait_for(predicate: object, seconds: float = 3.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.01)


def test_slow_head_is_408_and_closed(start_proxy: StartProxy) -> None:
    proxy = start_proxy(limits=ProxyLimits(head_timeout=0.2))
    with socket.create_connection(proxy.address, timeout=3) as sock:
        sock.sendall(b"GET http://plain.test/ HTTP/1.1\r\nX-Slow: ")
        response = read_until_close(sock)
    assert status_of(response) == 408
    assert b"request head not complete within 0.2 s" in response


def test_trickled_head_is_cut_at_the_head_deadline(start_proxy: StartProxy) -> None:
    proxy = start_proxy(limits=ProxyLimits(head_timeout=0.3))
    answer = b""
    with socket.create_connection(proxy.address, timeout=0.05) as sock:
        sock.sendall(b"GET http://plain.test/ HTTP/1.1\r\n")
        for _ in range(100):  # a byte every 50 ms keeps an idle timer happy, not the head one
            try:
                sock.sendall(b"X")
                chunk = sock.recv(1000)
            except TimeoutError:
                continue
            except OSError:
                break
            answer += chunk
            if not chunk:
                break
    assert status_of(answer) == 408


def test_idle_connection_is_closed_quietly(start_proxy: StartProxy) -> None:
    proxy = start_proxy(limits=ProxyLimits(idle_timeout=0.2))
    with socket.create_connection(proxy.address, timeout=3) as sock:
        assert read_until_close(sock) == b""
    assert proxy.seen == []


def test_connection_limit_is_503(start_proxy: StartProxy) -> None:
    proxy = start_proxy(limits=ProxyLimits(max_connections=2))
    held = [socket.create_connection(proxy.address, timeout=3) for _ in range(2)]
    wait_for(lambda: proxy.proxy.connections == 2)
    with socket.create_connection(proxy.address, timeout=3) as sock:
        response = read_until_close(sock)
    assert status_of(response) == 503
    assert b"too many connections" in response
    for sock in held:
        sock.close()


def test_slow_upstream_is_504(start_proxy: StartProxy, upstream: Upstream) -> None:
    proxy = start_proxy(limits=ProxyLimits(response_timeout=0.2))
    response = httpx.get(
        f"http://plain.test:{upstream.port}/slow/1.5", proxy=proxy.url, trust_env=False
    )
    assert response.status_code == 504
    assert "did not answer within 0.2 s" in response.text


def test_decision_that_hangs_is_504(start_proxy: StartProxy, upstream: Upstream) -> None:
    gate = DictGate({"plain.test": ["127.0.0.1"]}, hang=True)
    proxy = start_proxy({"bot": gate}, limits=ProxyLimits(decide_timeout=0.2))
    before = upstream.connections
    response = httpx.get(f"http://plain.test:{upstream.port}/", proxy=proxy.url, trust_env=False)
    assert response.status_code == 504
    assert "no decision within" in response.text
    assert upstream.connections == before


def test_byte_counts_and_times_in_the_observer(start_proxy: StartProxy, upstream: Upstream) -> None:
    proxy = start_proxy()
    url = f"http://plain.test:{upstream.port}/bytes/1000"
    with socket.create_connection(proxy.address, timeout=3) as sock:
        sock.sendall(f"POST {url} HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello".encode())
        status, _, body = Responses(sock).next()
    assert (status, len(body)) == (200, 1000)
    wait_for(lambda: proxy.seen)
    (seen,) = proxy.seen
    forwarded = (
        f"POST /bytes/1000 HTTP/1.1\r\nHost: plain.test:{upstream.port}\r\nContent-Length: 5\r\n"
        "Via: 1.1 botwarden\r\n\r\nhello"
    )
    assert seen.bytes_up == len(forwarded)
    assert 1000 < seen.bytes_down < 1400  # the upstream's head and body as received
    assert (seen.bot, seen.method, seen.target) == ("bot", "POST", url)
    assert (seen.status, seen.upstream_status, seen.outcome) == (200, 200, "ok")
    assert seen.ended is not None
    assert seen.started <= seen.ended


class StopAfter:
    """A meter that allows ``budget`` bytes down, then says stop."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.calls: list[tuple[int, int]] = []

    def add(self, up: int, down: int) -> bool:
        self.calls.append((up, down))
        self.budget -= down
        return self.budget >= 0


def test_meter_can_stop_an_exchange_at_once(start_proxy: StartProxy, upstream: Upstream) -> None:
    meters: list[StopAfter] = []

    def factory(exchange: Exchange) -> StopAfter:
        meters.append(StopAfter(100_000))
        return meters[-1]

    proxy = start_proxy(meter_factory=factory)
    with httpx.Client(proxy=proxy.url, trust_env=False) as http:
        assert http.get(f"http://plain.test:{upstream.port}/bytes/1000").status_code == 200
        with pytest.raises(httpx.HTTPError):
            http.get(f"http://plain.test:{upstream.port}/bytes/3000000")
    wait_for(lambda: len(proxy.seen) == 2)
    assert proxy.seen[1].outcome == "stopped by the meter"
    assert proxy.seen[1].bytes_down < 3_000_000
    assert meters[0].calls[0][0] > 0  # the request head counted up


def test_observer_errors_do_not_stop_the_proxy(start_proxy: StartProxy, upstream: Upstream) -> None:
    proxy: Running = start_proxy()

    def broken(exchange: Exchange) -> None:
        raise RuntimeError("observer bug")

    proxy.proxy.observer = broken
    with httpx.Client(proxy=proxy.url, trust_env=False) as http:
        assert http.get(f"http://plain.test:{upstream.port}/echo").status_code == 200
        assert http.get(f"http://plain.test:{upstream.port}/echo").status_code == 200


def test_limits_are_validated() -> None:
    with pytest.raises(ValueError, match="idle_timeout"):
        ProxyLimits(idle_timeout=0)
    with pytest.raises(ValueError, match="max_line <= max_head"):
        ProxyLimits(max_line=100_000)
    assert ProxyLimits(head_timeout=0.1).tick == 0.05
    assert ProxyLimits().tick == 1.0
