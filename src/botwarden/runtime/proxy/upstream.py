"""The proxy's side of a connection to an upstream: read its responses and stream them back.

A plain asyncio Protocol, driven by callbacks rather than a task per read, because on loopback
the cost of waking a task per response is a large share of the whole request. It parses each
response head strictly, decides the body's framing (length, chunked, or until close), and hands
bytes to the client connection that owns it, which does all the bookkeeping. After a complete
response with a known length it goes back to IDLE and may carry the client's next request.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, cast

from botwarden.runtime.proxy.chunked import LAST_CHUNK, ChunkedDecoder, encode_chunk
from botwarden.runtime.proxy.http1 import MessageError, parse_response_head

if TYPE_CHECKING:
    from botwarden.runtime.proxy.client import ClientConnection

IDLE, HEAD, BODY, TUNNEL, CLOSED = range(5)
_NONE, _LENGTH, _CHUNKED, _CLOSE = range(4)
_CHUNKED_LINE = b"Transfer-Encoding: chunked"


class UpstreamConnection(asyncio.Protocol):
    __slots__ = (
        "address",
        "answered",
        "body_left",
        "buf",
        "client",
        "decoder",
        "head_request",
        "host",
        "mode",
        "port",
        "reusable",
        "state",
        "transport",
    )

    def __init__(self, client: ClientConnection, host: str, port: int, address: str) -> None:
        self.client = client
        self.host = host
        self.port = port
        self.address = address
        self.transport: asyncio.Transport | None = None
        self.buf = b""
        self.state = IDLE
        self.mode = _NONE
        self.body_left = 0
        self.decoder: ChunkedDecoder | None = None
        self.head_request = False
        self.answered = False
        self.reusable = False

    # -- asyncio callbacks --------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass
        if self.client.closed:
            self.state = CLOSED
            transport.close()

    def data_received(self, data: bytes) -> None:
        try:
            self._received(data)
        except Exception:  # noqa: BLE001 - a bug must cost one connection, never the proxy
            self.client.internal_error()

    def _received(self, data: bytes) -> None:
        state = self.state
        if state == TUNNEL:
            self.client.tunnel_down(data)
            return
        if state not in (HEAD, BODY):
            self.close()  # an idle connection must stay silent: it cannot be trusted again
            return
        self.answered = True
        if not self.client.count_down(len(data)):
            return
        self.buf = self.buf + data if self.buf else data
        if state == HEAD:
            self._read_head()
        else:
            self._relay(b"")

    def eof_received(self) -> bool | None:
        if self.state == TUNNEL:
            self.client.tunnel_eof_from_upstream()
            return True
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        state = self.state
        self.state = CLOSED
        client = self.client
        if state == TUNNEL:
            client.tunnel_closed()
        elif state == HEAD:
            client.upstream_lost(self, answered=self.answered)
        elif state == BODY:
            if self.mode == _CLOSE:
                self.reusable = False
                client.response_done(self)
            else:
                client.upstream_cut(self)
        elif state == IDLE:
            client.upstream_gone(self)

    def pause_writing(self) -> None:
        self.client.pause_for_upstream()

    def resume_writing(self) -> None:
        self.client.resume_for_upstream()

    # -- used by the client connection --------------------------------------------------------

    def reusable_for(self, host: str | None, port: int | None, addresses: tuple[str, ...]) -> bool:
        transport = self.transport
        return (
            self.state == IDLE
            and self.reusable
            and transport is not None
            and not transport.is_closing()
            and self.host == host
            and self.port == port
            and self.address in addresses
        )

    def begin(self, head_request: bool) -> None:
        """A request is on its way: expect a response head."""
        self.state = HEAD
        self.head_request = head_request
        self.answered = False
        self.buf = b""

    def start_tunnel(self) -> None:
        self.state = TUNNEL

    def write(self, data: bytes) -> None:
        transport = self.transport
        if transport is not None and not transport.is_closing():
            transport.write(data)

    def close(self, abort: bool = False) -> None:
        """Close without telling the client (it asked, or already knows)."""
        self.state = CLOSED
        transport = self.transport
        if transport is not None:
            transport.abort() if abort else transport.close()

    def pause_reading(self) -> None:
        transport = self.transport
        if transport is not None and not transport.is_closing():
            transport.pause_reading()

    def resume_reading(self) -> None:
        transport = self.transport
        if transport is not None and not transport.is_closing():
            transport.resume_reading()

    # -- responses ----------------------------------------------------------------------------

    def _read_head(self) -> None:
        client = self.client
        limits = client.limits
        while True:
            buf = self.buf
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                if len(buf) > limits.max_head:
                    client.upstream_failed(502, f"response head larger than {limits.max_head}")
                return
            self.buf = buf[end + 4 :]
            try:
                response = parse_response_head(buf[: end + 4], limits)
            except MessageError as exc:
                client.upstream_failed(exc.status, f"bad response from the upstream: {exc.reason}")
                return
            if response.status >= 200:
                break
            if response.status == 101:
                client.upstream_failed(502, "the upstream switched protocols (101) unasked")
                return
            client.interim(response.status_line)
        framing: bytes | None
        if self.head_request or response.status in (204, 304):
            self.mode = _NONE
            framing = response.content_length_line if response.status != 204 else None
        elif response.chunked:
            self.mode = _CHUNKED
            self.decoder = ChunkedDecoder(limits, 502)
            framing = _CHUNKED_LINE
        elif response.content_length is not None:
            self.mode = _LENGTH
            self.body_left = response.content_length
            framing = b"Content-Length: %d" % response.content_length
        else:
            self.mode = _CLOSE
            framing = None
        self.reusable = response.keep_alive and self.mode != _CLOSE
        self.state = BODY
        self._relay(client.response_head(response, framing, until_close=self.mode == _CLOSE))

    def _relay(self, prefix: bytes) -> None:
        """Send on what the buffer holds of the body, after ``prefix`` (the head, once)."""
        mode = self.mode
        buf = self.buf
        done = False
        if mode == _LENGTH:
            left = self.body_left
            if len(buf) <= left:
                piece, self.buf, left = buf, b"", left - len(buf)
            else:
                piece, self.buf, left = buf[:left], buf[left:], 0
            self.body_left = left
            out = prefix + piece if prefix else piece
            done = not left
        elif mode == _CHUNKED:
            assert self.decoder is not None
            try:
                payload, used = self.decoder.feed(buf)
            except MessageError as exc:
                self.client.upstream_failed(502, f"bad chunked body from the upstream: {exc}")
                return
            self.buf = buf[used:] if used < len(buf) else b""
            out = prefix + encode_chunk(payload) if payload else prefix
            done = self.decoder.done
            if done:
                out += LAST_CHUNK
        elif mode == _CLOSE:
            out = prefix + buf if prefix else buf
            self.buf = b""
        else:
            out = prefix
            done = True
        if done:
            self.client.response_ending()
        if out:
            self.client.send(out)
        if done:
            self._finished()
        else:
            self.client.response_progress()

    def _finished(self) -> None:
        self.state = IDLE
        if self.buf:
            self.reusable = False  # bytes beyond the end of the response: out of step
            self.buf = b""
        self.decoder = None
        self.client.response_done(self)


__all__ = ["UpstreamConnection"]
