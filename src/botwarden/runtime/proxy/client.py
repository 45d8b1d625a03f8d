"""One client connection: read requests, ask the gate, relay to the vetted address, account.

A callback-driven state machine (no task per request: on loopback, waking a task per request
costs as much as the rest of the work). Each request moves through::

    IDLE -> HEAD -> DECIDING -> [CONNECTING] -> FORWARDING -> IDLE (keep-alive) or closed
                                            \\-> TUNNEL (CONNECT) until either side closes

and every step can end it with a reply of the proxy's own (400, 403, 407, 502, 503, 504). The
upstream side (:mod:`.upstream`) calls back into this object, which owns the exchange record, the
meter, the deadline the proxy's sweeper checks, and flow control in both directions.

Nothing is sent upstream before the gate has allowed it; the upstream connection goes only to an
address from ``decision.addresses``; an upstream connection is reused only for the same host and
port and only while its address is still among the vetted ones.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from functools import partial
from ipaddress import ip_address
from typing import TYPE_CHECKING, cast

from botwarden.policy.decision import Decision
from botwarden.runtime.proxy import responses
from botwarden.runtime.proxy.chunked import LAST_CHUNK, ChunkedDecoder, encode_chunk
from botwarden.runtime.proxy.eager import run_eagerly
from botwarden.runtime.proxy.exchange import Exchange, Meter
from botwarden.runtime.proxy.gate_protocol import EgressGate
from botwarden.runtime.proxy.http1 import (
    MessageError,
    RequestHead,
    ResponseHead,
    check_partial_head,
    client_response_head,
    host_field,
    parse_request_head,
    upstream_request_head,
)
from botwarden.runtime.proxy.upstream import UpstreamConnection

if TYPE_CHECKING:
    from botwarden.runtime.proxy.server import Proxy

log = logging.getLogger("botwarden.proxy")

IDLE, HEAD, DECIDING, CONNECTING, FORWARDING, TUNNEL, CLOSED = range(7)
_PAUSE_BUFFER, _PAUSE_UPSTREAM = 1, 2
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})
_FOREVER = float("inf")
_EMPTY_LINES = re.compile(rb"(?:\r\n)+")


class ConnectError(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class ClientConnection(asyncio.Protocol):
    __slots__ = (
        "auth_cache",
        "body_left",
        "buf",
        "deadline",
        "decision",
        "decoder",
        "eof_from_client",
        "eof_from_upstream",
        "ex",
        "keep_alive",
        "limits",
        "meter",
        "paused",
        "pending",
        "proxy",
        "req",
        "req_done",
        "resp_done",
        "resp_started",
        "retry_ok",
        "state",
        "transport",
        "tunnel_counted",
        "upstream",
    )

    def __init__(self, proxy: Proxy) -> None:
        self.proxy = proxy
        self.limits = proxy.limits
        self.transport: asyncio.Transport | None = None
        self.buf = b""
        self.state = IDLE
        self.deadline = _FOREVER
        self.paused = 0
        self.ex: Exchange | None = None
        self.req: RequestHead | None = None
        self.decision: Decision | None = None
        self.meter: Meter | None = None
        self.upstream: UpstreamConnection | None = None
        self.pending: asyncio.Task[object] | None = None
        self.decoder: ChunkedDecoder | None = None
        self.body_left = 0
        self.keep_alive = True
        self.req_done = self.resp_started = self.resp_done = False
        self.retry_ok = False
        self.tunnel_counted = False
        self.eof_from_client = self.eof_from_upstream = False
        self.auth_cache: tuple[bytes, str] | None = None

    @property
    def closed(self) -> bool:
        return self.state == CLOSED

    # -- asyncio callbacks --------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass
        if not self.proxy.register(self):
            self.state = CLOSED
            limit = self.limits.max_connections
            transport.write(responses.plain(503, f"too many connections (limit {limit})"))
            transport.close()
            return
        self.deadline = self.proxy.now + self.limits.idle_timeout

    def data_received(self, data: bytes) -> None:
        try:
            self._received(data)
        except Exception:  # noqa: BLE001 - a bug must cost one connection, never the proxy
            self.internal_error()

    def _received(self, data: bytes) -> None:
        state = self.state
        if state == TUNNEL:
            self.tunnel_up(data)
            return
        if state == CLOSED:
            return
        self.buf = self.buf + data if self.buf else data
        if state <= HEAD:
            self._read_head()
        elif state == FORWARDING and not self.req_done:
            self._pump_body()
        if len(self.buf) > self.limits.buffer_size and self.state != CLOSED:
            self._pause(_PAUSE_BUFFER)

    def eof_received(self) -> bool | None:
        self.eof_from_client = True
        state = self.state
        if state == TUNNEL:
            upstream = self.upstream
            if upstream is not None and upstream.transport is not None:
                if upstream.transport.can_write_eof():
                    upstream.transport.write_eof()
                if self.eof_from_upstream:
                    self._close()
            return True
        # As nginx does by default: a client that stops sending has given up on its request
        # (a half-close after a request is legal HTTP, but no client of note relies on it).
        self.keep_alive = False
        self._close()
        return True

    def connection_lost(self, exc: Exception | None) -> None:
        state = self.state
        self.state = CLOSED
        self.proxy.unregister(self)
        if self.pending is not None:
            self.pending.cancel()
            self.pending = None
        upstream = self.upstream
        self.upstream = None
        if upstream is not None:
            upstream.close(abort=state == FORWARDING)
        ex = self.ex
        if ex is not None:
            if state != TUNNEL and ex.outcome == "ok":
                ex.outcome = "client closed the connection"
            self._end(ex)

    def pause_writing(self) -> None:
        if self.upstream is not None:
            self.upstream.pause_reading()

    def resume_writing(self) -> None:
        if self.upstream is not None:
            self.upstream.resume_reading()

    # -- flow control and small helpers -------------------------------------------------------

    def _pause(self, reason: int) -> None:
        if not self.paused and self.transport is not None:
            self.transport.pause_reading()
        self.paused |= reason

    def _resume(self, reason: int) -> None:
        if self.paused & reason:
            self.paused &= ~reason
            if not self.paused and self.state != CLOSED and self.transport is not None:
                self.transport.resume_reading()

    def _check_buffer(self) -> None:
        if self.paused & _PAUSE_BUFFER and len(self.buf) <= self.limits.buffer_size:
            self._resume(_PAUSE_BUFFER)

    def pause_for_upstream(self) -> None:
        self._pause(_PAUSE_UPSTREAM)

    def resume_for_upstream(self) -> None:
        self._resume(_PAUSE_UPSTREAM)

    def _close(self, abort: bool = False) -> None:
        transport = self.transport
        if transport is not None and not transport.is_closing():
            transport.abort() if abort else transport.close()

    def send(self, data: bytes) -> None:
        transport = self.transport
        if transport is not None and not transport.is_closing():
            transport.write(data)

    def _end(self, ex: Exchange) -> None:
        """Record the exchange as over, once, and tell the observer."""
        self.ex = None
        if self.tunnel_counted:
            self.tunnel_counted = False
            self.proxy.tunnels -= 1
        ex.ended = time.time()
        self.proxy.observe(ex)

    # -- reading a request --------------------------------------------------------------------

    def _read_head(self) -> None:
        buf = self.buf
        if buf[:2] == b"\r\n":  # RFC 9112 2.2: empty lines before a request line are ignored
            empty = _EMPTY_LINES.match(buf)
            assert empty is not None
            self.buf = buf = buf[empty.end() :]
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            if buf:
                problem = check_partial_head(buf, self.limits)
                if problem is not None:
                    self._refuse(400, problem)
                elif self.state == IDLE:
                    self.state = HEAD
                    self.deadline = self.proxy.now + self.limits.head_timeout
            return
        self.buf = buf[end + 4 :]
        self.state = DECIDING
        self.ex = Exchange(self.proxy.default_bot, "", "", time.time())
        try:
            req = parse_request_head(buf[: end + 4], self.limits)
        except MessageError as exc:
            self._refuse(exc.status, exc.reason)
            return
        self._begin(req)

    def _begin(self, req: RequestHead) -> None:
        ex = self.ex
        assert ex is not None
        ex.method = req.method
        ex.target = req.target
        self.req = req
        self.keep_alive = req.keep_alive and not self.eof_from_client
        self.req_done = self.resp_started = self.resp_done = False
        bot = self._bot(req)
        if bot is None:
            self._reply(
                407,
                responses.auth_required(
                    wrong=req.authorization is not None, close=self._must_close()
                ),
            )
            return
        ex.bot = bot
        gate = self.proxy.gates[bot]
        try:
            decision = _decide_now(gate, req)
        except Exception as exc:  # noqa: BLE001 - a failing gate is a refusal, not a crash
            self._decided(None, exc)
            return
        if decision is not None:
            self._decided(decision, None)
            return
        self.deadline = self.proxy.now + self.limits.decide_timeout
        if req.connect:
            task = run_eagerly(gate.adecide_connect(req.target), self._decided)
        else:
            task = run_eagerly(gate.adecide_url(req.method, req.target), self._decided)
        if task is not None:
            self.pending = task

    def _bot(self, req: RequestHead) -> str | None:
        auth = self.proxy.auth
        if auth is None:
            return self.proxy.default_bot
        header = req.authorization
        cached = self.auth_cache
        if cached is not None and cached[0] == header:
            return cached[1]  # the same bytes this client proved before on this connection
        bot = auth.bot_for(header)
        if bot is not None and header is not None:
            self.auth_cache = (header, bot)
        return bot

    def _decided(self, decision: Decision | None, error: BaseException | None) -> None:
        if self.state != DECIDING:
            return
        self.pending = None
        if decision is None:
            log.error("the gate failed: %s: %s", type(error).__name__, error)
            self._refuse(500, "the gate failed to decide: refused (fail closed)")
            return
        ex = self.ex
        assert ex is not None
        assert self.req is not None
        ex.decision = self.decision = decision
        if not decision.allowed:
            self._reply(
                responses.denial_status(decision),
                responses.denial(
                    decision,
                    ex.method,
                    ex.target,
                    as_json=self.req.accept_json,
                    close=self._must_close(),
                ),
            )
            return
        if decision.port != self.req.port or not _same_host(self.req.host, decision.host):
            self._refuse(400, "the gate and the proxy read the target's host differently")
            return
        self.meter = self.proxy.meter_factory(ex)
        if self.req.connect:
            self._open_tunnel(decision)
        else:
            self._forward(decision)

    # -- plain HTTP ---------------------------------------------------------------------------

    def _forward(self, decision: Decision) -> None:
        req = self.req
        assert req is not None
        upstream = self.upstream
        if upstream is not None:
            if upstream.reusable_for(decision.host, decision.port, decision.addresses):
                self.retry_ok = req.method in _IDEMPOTENT and not req.has_body
                self._send(upstream)
                return
            upstream.close()
            self.upstream = None
        self.retry_ok = False
        self._connect(decision)

    def _send(self, upstream: UpstreamConnection) -> None:
        req, decision = self.req, self.decision
        assert req is not None
        assert decision is not None
        assert decision.host is not None
        self.state = FORWARDING
        upstream.begin(head_request=req.method == "HEAD")
        head = upstream_request_head(req, host_field(decision.host, req.port))
        if req.chunked:
            self.decoder = ChunkedDecoder(self.limits)
            self.body_left = -1
        else:
            self.decoder = None
            self.body_left = req.content_length or 0
        out = head
        if not self.body_left:
            self.req_done = True
        elif self.buf:
            try:
                out += self._take_body()
            except MessageError as exc:
                self._refuse(exc.status, exc.reason)
                return
            self._check_buffer()
        if not self.count_up(len(out)):
            return
        upstream.write(out)
        if req.expect_continue and not self.req_done:
            self.send(responses.CONTINUE)
        if self.req_done:
            self.deadline = self.proxy.now + self.limits.response_timeout
        else:
            self.deadline = self.proxy.now + self.limits.io_timeout

    def _take_body(self) -> bytes:
        """The next piece of the request body from the buffer, framed for the upstream."""
        buf = self.buf
        decoder = self.decoder
        if decoder is None:
            left = self.body_left
            if len(buf) <= left:
                piece, self.buf, left = buf, b"", left - len(buf)
            else:
                piece, self.buf, left = buf[:left], buf[left:], 0
            self.body_left = left
            self.req_done = not left
            return piece
        payload, used = decoder.feed(buf)
        self.buf = buf[used:] if used < len(buf) else b""
        out = encode_chunk(payload) if payload else b""
        if decoder.done:
            self.req_done = True
            out += LAST_CHUNK
        return out

    def _pump_body(self) -> None:
        try:
            piece = self._take_body()
        except MessageError as exc:
            self._refuse(exc.status, exc.reason)
            return
        self._check_buffer()
        if piece:
            if not self.count_up(len(piece)):
                return
            if self.upstream is not None:
                self.upstream.write(piece)
        if not self.req_done:
            self.deadline = self.proxy.now + self.limits.io_timeout
        elif self.resp_done:
            self._complete()
        elif not self.resp_started:
            self.deadline = self.proxy.now + self.limits.response_timeout

    # -- callbacks from the upstream ----------------------------------------------------------

    def count_up(self, size: int) -> bool:
        ex, meter = self.ex, self.meter
        if ex is None:
            return True
        ex.bytes_up += size
        if meter is None or meter.add(size, 0):
            return True
        self._stopped()
        return False

    def count_down(self, size: int) -> bool:
        ex, meter = self.ex, self.meter
        if ex is None:
            return True
        ex.bytes_down += size
        if meter is None or meter.add(0, size):
            return True
        self._stopped()
        return False

    def _stopped(self) -> None:
        """The meter said stop (a budget is spent): cut both sides at once.

        When the client has been sent nothing yet and the meter says why, it gets the refusal
        (429 and Retry-After for a spent budget) instead of a connection closed on it.
        """
        ex = self.ex
        if ex is not None and ex.outcome == "ok":
            ex.outcome = "stopped by the meter"  # unless the meter said why
        if self.upstream is not None:
            self.upstream.close(abort=True)
            self.upstream = None
        refusal = getattr(self.meter, "refusal", None)
        if ex is not None and ex.status is None and refusal is not None and self.req is not None:
            payload = responses.denial(
                refusal, ex.method, ex.target, as_json=self.req.accept_json, close=True
            )
            self._reply(responses.denial_status(refusal), payload)
        self._close(abort=ex is None or ex.status is None or refusal is None)

    def interim(self, status_line: bytes) -> None:
        req = self.req
        if req is not None and req.version == 11:
            self.send(status_line + b"\r\n\r\n")

    def response_head(
        self, response: ResponseHead, framing: bytes | None, until_close: bool
    ) -> bytes:
        ex = self.ex
        assert ex is not None
        self.resp_started = True
        ex.status = ex.upstream_status = response.status
        if until_close:
            self.keep_alive = False
        self.deadline = self.proxy.now + self.limits.io_timeout
        return client_response_head(response, framing, close=not self.keep_alive)

    def response_ending(self) -> None:
        """The last bytes of the response are about to go: record the exchange first."""
        if self.ex is not None:
            self._end(self.ex)

    def response_progress(self) -> None:
        self.deadline = self.proxy.now + self.limits.io_timeout

    def response_done(self, upstream: UpstreamConnection) -> None:
        if upstream is not self.upstream:
            return
        self.resp_done = True
        if not upstream.reusable or not self.req_done:
            upstream.close()
            self.upstream = None
        if not self.req_done:
            self.keep_alive = False  # answered before the body was read: cannot go on
        self._complete()

    def upstream_lost(self, upstream: UpstreamConnection, *, answered: bool) -> None:
        """The upstream closed before a response head arrived."""
        if upstream is not self.upstream or self.state != FORWARDING:
            return
        self.upstream = None
        if self.retry_ok and not answered and self.req_done and self.decision is not None:
            self.retry_ok = False  # a kept-alive connection the upstream had just closed
            self._connect(self.decision)
            return
        self._fail(502, "the upstream closed the connection without answering")

    def upstream_cut(self, upstream: UpstreamConnection) -> None:
        """The upstream closed in the middle of a response body: the client must see it cut."""
        if upstream is not self.upstream:
            return
        self.upstream = None
        if self.ex is not None:
            self.ex.outcome = "the upstream closed mid-response"
        self._close(abort=True)

    def upstream_gone(self, upstream: UpstreamConnection) -> None:
        if upstream is self.upstream and self.state != FORWARDING:
            self.upstream = None

    def upstream_failed(self, status: int, reason: str) -> None:
        if self.resp_started:
            if self.ex is not None:
                self.ex.outcome = reason
            if self.upstream is not None:
                self.upstream.close(abort=True)
                self.upstream = None
            self._close(abort=True)
        else:
            self._fail(status, reason)

    # -- ending an exchange -------------------------------------------------------------------

    def _must_close(self) -> bool:
        """Whether the connection must close after the proxy's own reply."""
        req = self.req
        unread_body = req is not None and req.has_body and not self.req_done
        return not self.keep_alive or unread_body

    def _reply(self, status: int, payload: bytes) -> None:
        """Answer the request ourselves and end the exchange."""
        close = self._must_close()
        ex = self.ex
        if ex is not None:
            ex.status = status
            self._end(ex)  # recorded before the client can see the answer
        self.send(payload)
        if close:
            self.keep_alive = False
        self._complete()

    def _refuse(self, status: int, reason: str) -> None:
        """Answer with an error and close (malformed input, or an internal inconsistency)."""
        log.debug("refused with %d: %s", status, reason)
        if self.ex is None:
            self.ex = Exchange(self.proxy.default_bot, "", "", time.time())
        self.ex.outcome = reason
        self.keep_alive = False
        self._drop_upstream()
        self._reply(status, responses.plain(status, reason))

    def _fail(self, status: int, reason: str) -> None:
        """The upstream could not be reached or did not answer: 502/504, before any response."""
        ex = self.ex
        if ex is not None:
            ex.outcome = reason
        self._drop_upstream()
        self._reply(status, responses.plain(status, reason, close=self._must_close()))

    def _drop_upstream(self) -> None:
        if self.pending is not None:
            self.pending.cancel()
            self.pending = None
        if self.upstream is not None and self.state in (FORWARDING, TUNNEL, CONNECTING):
            self.upstream.close(abort=True)
            self.upstream = None

    def _complete(self) -> None:
        ex = self.ex
        if ex is not None:
            self._end(ex)
        self.req = None
        self.decision = None
        self.meter = None
        self.decoder = None
        if not self.keep_alive:
            self.state = CLOSED
            self.proxy.unregister(self)
            if self.upstream is not None:
                self.upstream.close()
                self.upstream = None
            self._close()
            return
        self.state = IDLE
        self.deadline = self.proxy.now + self.limits.idle_timeout
        if self.paused & _PAUSE_BUFFER:
            self._resume(_PAUSE_BUFFER)
        if self.buf:
            self._read_head()  # a pipelined request was waiting

    # -- connecting ---------------------------------------------------------------------------

    def _connect(self, decision: Decision) -> None:
        self.state = CONNECTING
        per_try = self.limits.connect_timeout
        self.deadline = self.proxy.now + per_try * max(1, len(decision.addresses)) + 1.0
        task = asyncio.get_running_loop().create_task(self._open(decision))
        task.add_done_callback(self._connected)
        self.pending = task

    async def _open(self, decision: Decision) -> UpstreamConnection:
        if not decision.addresses or decision.port is None:
            raise ConnectError(502, "the gate allowed the request but vetted no address")
        loop = asyncio.get_running_loop()
        host = decision.host or ""
        timeouts, last = 0, ""
        for address in decision.addresses:
            try:
                factory = partial(UpstreamConnection, self, host, decision.port, address)
                connecting = loop.create_connection(factory, address, decision.port)
                _, upstream = await asyncio.wait_for(connecting, self.limits.connect_timeout)
            except TimeoutError:
                timeouts += 1
                wait = self.limits.connect_timeout
                last = f"{address} port {decision.port}: no answer within {wait:g} s"
            except OSError as exc:
                last = f"{address} port {decision.port}: {exc.strerror or exc}"
            else:
                return upstream
        status = 504 if timeouts == len(decision.addresses) else 502
        raise ConnectError(status, f"cannot connect to the upstream: {last}")

    def _connected(self, task: asyncio.Task[UpstreamConnection]) -> None:
        if task.cancelled():
            return
        error = task.exception()
        if self.state != CONNECTING:
            if error is None:
                task.result().close()
            return
        self.pending = None
        if error is not None:
            if isinstance(error, ConnectError):
                self._fail(error.status, error.reason)
            else:
                log.error("connecting upstream failed: %s: %s", type(error).__name__, error)
                self._fail(502, "cannot connect to the upstream")
            return
        upstream = task.result()
        self.upstream = upstream
        req = self.req
        assert req is not None
        if req.connect:
            self._start_tunnel(upstream)
        else:
            self._send(upstream)

    # -- CONNECT tunnels ----------------------------------------------------------------------

    def _open_tunnel(self, decision: Decision) -> None:
        proxy = self.proxy
        if proxy.tunnels >= self.limits.max_tunnels:
            self._refuse(503, f"too many tunnels open (limit {self.limits.max_tunnels})")
            return
        proxy.tunnels += 1
        self.tunnel_counted = True
        if self.upstream is not None:
            self.upstream.close()
            self.upstream = None
        self._connect(decision)

    def _start_tunnel(self, upstream: UpstreamConnection) -> None:
        ex = self.ex
        assert ex is not None
        upstream.start_tunnel()
        self.state = TUNNEL
        ex.status = 200
        self.send(responses.ESTABLISHED)
        self.deadline = self.proxy.now + self.limits.tunnel_idle_timeout
        if self.buf:  # bytes the client sent before it saw the 200 (a TLS hello, say)
            data, self.buf = self.buf, b""
            self.tunnel_up(data)
        self._resume(_PAUSE_BUFFER)

    def tunnel_up(self, data: bytes) -> None:
        self.deadline = self.proxy.now + self.limits.tunnel_idle_timeout
        if self.count_up(len(data)) and self.upstream is not None:
            self.upstream.write(data)

    def tunnel_down(self, data: bytes) -> None:
        self.deadline = self.proxy.now + self.limits.tunnel_idle_timeout
        if self.count_down(len(data)):
            self.send(data)

    def tunnel_eof_from_upstream(self) -> None:
        self.eof_from_upstream = True
        transport = self.transport
        if transport is not None and not transport.is_closing() and transport.can_write_eof():
            transport.write_eof()
        if self.eof_from_client:
            self.tunnel_closed()

    def tunnel_closed(self) -> None:
        if self.upstream is not None:
            self.upstream.close()
            self.upstream = None
        self._close()

    def internal_error(self) -> None:
        log.exception("internal error on a proxy connection: closing it")
        ex = self.ex
        if ex is not None:
            ex.outcome = "internal error"
        if self.upstream is not None:
            self.upstream.close(abort=True)
            self.upstream = None
        if not self.resp_started and self.state not in (TUNNEL, CLOSED):
            self.send(responses.plain(500, "internal error: the request was not forwarded"))
            self._close()
        else:
            self._close(abort=True)

    def shut(self) -> None:
        """The proxy is stopping: close this connection and its upstream."""
        if self.ex is not None and self.ex.outcome == "ok" and self.state != TUNNEL:
            self.ex.outcome = "the proxy stopped"
        if self.upstream is not None:
            self.upstream.close()
            self.upstream = None
        self._close()

    # -- deadlines ----------------------------------------------------------------------------

    def timed_out(self) -> None:
        """Called by the proxy's sweeper once ``deadline`` has passed."""
        self.deadline = _FOREVER
        state = self.state
        limits = self.limits
        if state == IDLE:
            self._close()
        elif state == HEAD:
            self._refuse(408, f"request head not complete within {limits.head_timeout:g} s")
        elif state == DECIDING:
            self._fail(504, f"no decision within {limits.decide_timeout:g} s: refused")
        elif state == CONNECTING:
            self._fail(504, "cannot connect to the upstream in time")
        elif state == FORWARDING and not self.resp_started:
            if not self.req_done:
                self._refuse(408, f"request body stalled for {limits.io_timeout:g} s")
            else:
                self._fail(504, f"the upstream did not answer within {limits.response_timeout:g} s")
        else:
            if self.ex is not None:
                self.ex.outcome = "timed out"
            if self.upstream is not None:
                self.upstream.close(abort=state == FORWARDING)
                self.upstream = None
            self._close(abort=state == FORWARDING)


def _decide_now(gate: EgressGate, req: RequestHead) -> Decision | None:
    """The decision of a gate that can give it without waiting (see :class:`ImmediateGate`)."""
    if req.connect:
        connect_now = getattr(gate, "decide_connect_now", None)
        return connect_now(req.target) if connect_now is not None else None
    url_now = getattr(gate, "decide_url_now", None)
    return url_now(req.method, req.target) if url_now is not None else None


def _same_host(parsed: str, decided: str | None) -> bool:
    if decided is None:
        return False
    if parsed == decided:
        return True
    try:
        return ip_address(parsed) == ip_address(decided)
    except ValueError:
        return False


__all__ = ["ClientConnection"]
