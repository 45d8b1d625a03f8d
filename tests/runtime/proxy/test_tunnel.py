"""CONNECT tunnels: decided, connected to the vetted address, relayed without reading TLS."""

from __future__ import annotations

import socket
import ssl
import time

import httpx
import pytest
import trustme
from tests.runtime.proxy.conftest import StartProxy
from tests.runtime.proxy.support import DictGate, Responses, Upstream, read_until_close

from botwarden.runtime.proxy import ProxyLimits


def connect(address: tuple[str, int], authority: str) -> tuple[socket.socket, bytes]:
    sock = socket.create_connection(address, timeout=5)
    sock.sendall(f"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n".encode())
    reply = b""
    while b"\r\n\r\n" not in reply:
        chunk = sock.recv(4096)
        if not chunk:
            break
        reply += chunk
    return sock, reply


def test_https_through_a_tunnel_with_the_test_ca(
    start_proxy: StartProxy, tls_upstream: Upstream, ca: trustme.CA
) -> None:
    proxy = start_proxy({"bot": DictGate({"secure.test": ["127.0.0.1"]})})
    context = ssl.create_default_context()
    ca.configure_trust(context)
    with httpx.Client(proxy=proxy.url, verify=context, trust_env=False, timeout=5) as http:
        first = http.get(f"https://secure.test:{tls_upstream.port}/echo")
        second = http.post(f"https://secure.test:{tls_upstream.port}/echo", content=b"x" * 5000)
    assert first.status_code == 200
    assert second.json()["body"] == "x" * 5000
    assert first.json()["connection"] == second.json()["connection"]
    with pytest.raises(httpx.ProxyError, match="403"):
        httpx.get("https://elsewhere.test/", proxy=proxy.url, verify=context, trust_env=False)
    authority = f"secure.test:{tls_upstream.port}"
    deadline = time.monotonic() + 3  # a tunnel is recorded once both sides have closed
    while not any(e.target == authority for e in proxy.seen) and time.monotonic() < deadline:
        time.sleep(0.01)
    (tunnel,) = [e for e in proxy.seen if e.target == authority]
    assert (tunnel.method, tunnel.status) == ("CONNECT", 200)
    assert tunnel.bytes_up > 5000
    assert tunnel.bytes_down > 1000
    assert tunnel.ended is not None
    assert tunnel.ended >= tunnel.started


def test_tunnel_bytes_are_counted_exactly(start_proxy: StartProxy, upstream: Upstream) -> None:
    proxy = start_proxy()
    sock, reply = connect(proxy.address, f"plain.test:{upstream.port}")
    assert reply == b"HTTP/1.1 200 Connection established\r\n\r\n"
    inner = b"GET /bytes/1000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    with sock:
        sock.sendall(inner)
        received = read_until_close(sock)
    assert received.startswith(b"HTTP/1.1 200")
    deadline = time.monotonic() + 3
    while not proxy.seen and time.monotonic() < deadline:
        time.sleep(0.01)
    (tunnel,) = proxy.seen
    assert (tunnel.bytes_up, tunnel.bytes_down) == (len(inner), len(received))
    assert tunnel.outcome == "ok"


def test_data_sent_before_the_200_is_relayed(start_proxy: StartProxy, upstream: Upstream) -> None:
    proxy = start_proxy()
    with socket.create_connection(proxy.address, timeout=5) as sock:
        sock.sendall(
            f"CONNECT plain.test:{upstream.port} HTTP/1.1\r\n\r\n"
            "GET /echo HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        )
        responses = Responses(sock)
        assert responses.next()[0] == 200  # the proxy's 200
        assert responses.next()[0] == 200  # the upstream's answer through the tunnel


def test_denied_tunnel_is_403(start_proxy: StartProxy) -> None:
    proxy = start_proxy()
    sock, reply = connect(proxy.address, "elsewhere.test:443")
    sock.close()
    assert reply.startswith(b"HTTP/1.1 403 Forbidden\r\n")
    assert b"X-Botwarden-Decision: not-in-allow-list" in reply


def test_tunnel_limit_is_503(start_proxy: StartProxy, upstream: Upstream) -> None:
    proxy = start_proxy(limits=ProxyLimits(max_tunnels=1))
    first, reply = connect(proxy.address, f"plain.test:{upstream.port}")
    assert reply.startswith(b"HTTP/1.1 200")
    second, refused = connect(proxy.address, f"plain.test:{upstream.port}")
    assert refused.startswith(b"HTTP/1.1 503")
    assert b"too many tunnels" in refused
    second.close()
    first.close()
    deadline = time.monotonic() + 3
    while proxy.proxy.tunnels and time.monotonic() < deadline:
        time.sleep(0.01)
    third, reply = connect(proxy.address, f"plain.test:{upstream.port}")
    third.close()
    assert reply.startswith(b"HTTP/1.1 200")


def test_idle_tunnel_is_closed(start_proxy: StartProxy, upstream: Upstream) -> None:
    proxy = start_proxy(limits=ProxyLimits(tunnel_idle_timeout=0.2))
    sock, reply = connect(proxy.address, f"plain.test:{upstream.port}")
    with sock:
        assert reply.startswith(b"HTTP/1.1 200")
        assert read_until_close(sock) == b""
