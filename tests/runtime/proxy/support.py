"""Real loopback parts for the proxy tests: an upstream HTTP server, a dict-backed gate, raw I/O."""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import threading
import time
from collections.abc import Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from typing import Any
from urllib.parse import urlsplit

from botwarden.policy.decision import Code, Decision, allow, deny


class DictGate:
    """The EgressGate protocol over a dict of host -> vetted addresses (every port allowed)."""

    def __init__(
        self,
        hosts: Mapping[str, Sequence[str]],
        *,
        suspend: bool = False,
        fail: bool = False,
        hang: bool = False,
    ) -> None:
        self.hosts = {host: tuple(addresses) for host, addresses in hosts.items()}
        self.suspend = suspend
        self.fail = fail
        self.hang = hang
        self.calls: list[tuple[str, str]] = []

    async def adecide_url(self, method: str, url: str) -> Decision:
        self.calls.append((method, url))
        await self._pause()
        parts = urlsplit(url)
        return self._decide(parts.hostname or "", parts.port or 80)

    async def adecide_connect(self, authority: str) -> Decision:
        self.calls.append(("CONNECT", authority))
        await self._pause()
        host, _, port = authority.rpartition(":")
        return self._decide(host.strip("[]").lower(), int(port))

    async def _pause(self) -> None:
        if self.hang:
            await asyncio.sleep(3600)
        if self.suspend:
            await asyncio.sleep(0)
        if self.fail:
            raise RuntimeError("gate exploded")

    def _decide(self, host: str, port: int) -> Decision:
        addresses = self.hosts.get(host)
        if addresses is None:
            return deny(
                Code.NOT_ALLOWED,
                f"{host} is not in the allow-list",
                "egress.default-deny",
                host=host,
                port=port,
            )
        return allow(
            f"{host} is listed", "egress.allow[0]", host=host, port=port, addresses=addresses
        )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Upstream

    def setup(self) -> None:
        super().setup()
        self.connection_id = self.server.connected()

    def log_message(self, *args: object) -> None:
        pass

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _handle(self) -> None:
        body = self._body()
        record = {
            "method": self.command,
            "path": self.path,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body": body.decode("latin-1"),
            "connection": self.connection_id,
        }
        self.server.requests.append(record)
        parts = self.path.strip("/").split("/")
        route, arg = parts[0], parts[1] if len(parts) > 1 else "0"
        if route == "slow":
            time.sleep(float(arg))
        if route == "bytes":
            self._reply(200, bytes(i % 251 for i in range(int(arg))))
        elif route == "chunked":
            self._chunked(int(arg))
        elif route == "close":
            self._until_close(int(arg))
        elif route == "status":
            self._reply(int(arg), b"")
        else:
            self._reply(200, json.dumps(record).encode(), "application/json")

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _handle  # noqa: N815

    def _reply(self, status: int, body: bytes, content_type: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if not self.close_connection:  # hop-by-hop fields the proxy must drop
            self.send_header("Connection", "keep-alive")
            self.send_header("Keep-Alive", "timeout=5")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _chunked(self, size: int) -> None:
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        data = bytes(i % 251 for i in range(size))
        for start in range(0, size, 1000):
            piece = data[start : start + 1000]
            self.wfile.write(b"%x;ext=1\r\n%s\r\n" % (len(piece), piece))
        self.wfile.write(b"0\r\nX-Trailer: yes\r\n\r\n")

    def _until_close(self, size: int) -> None:
        self.close_connection = True
        self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n")
        self.wfile.write(b"z" * size)


class Upstream(ThreadingHTTPServer):
    """A real HTTP/1.1 server on loopback that records what reached it."""

    daemon_threads = True

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)
        self.requests: list[dict[str, Any]] = []
        self._ids = count(1)
        self.connections = 0
        self.port = self.server_address[1]
        self._thread = threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def connected(self) -> int:
        self.connections += 1
        return next(self._ids)

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that vanish mid-request are part of the tests

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def exchange_raw(address: tuple[str, int], data: bytes, timeout: float = 3.0) -> bytes:
    """Send raw bytes to the proxy and read until it closes the connection (or timeout)."""
    with socket.create_connection(address, timeout=timeout) as sock:
        sock.sendall(data)
        return read_until_close(sock)


def read_until_close(sock: socket.socket) -> bytes:
    out = b""
    try:
        while chunk := sock.recv(65536):
            out += chunk
    except (TimeoutError, ConnectionResetError):
        pass
    return out


class Responses:
    """Read responses with a Content-Length (or no) body one by one from a raw socket."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def next(self) -> tuple[int, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.buffer:
            self._more()
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        size = int(headers.get("content-length", "0"))
        while len(self.buffer) < size:
            self._more()
        body, self.buffer = self.buffer[:size], self.buffer[size:]
        return status, headers, body

    def _more(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed after {self.buffer!r}")
        self.buffer += chunk


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Read one response from a socket that will carry no other before it is read."""
    return Responses(sock).next()


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/1.1 ") else 0
