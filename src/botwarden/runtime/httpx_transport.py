"""httpx transports that ask the gate before every request, redirects included.

httpx follows redirects in the client and hands each hop to the transport, so every hop is decided
again. The connection layer underneath (httpcore) gets a network backend that connects only to the
addresses the gate vetted for this request (see :mod:`botwarden.runtime.pinning`); the URL keeps
its host name, so TLS still verifies the certificate against the name.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import httpcore
import httpx

from botwarden.policy.decision import Decision
from botwarden.runtime.denied import EgressDenied
from botwarden.runtime.gate import Gate
from botwarden.runtime.pinning import pinned, vetted_addresses

if TYPE_CHECKING:
    from botwarden.runtime.budgets import BudgetMeter
    from botwarden.runtime.enforcer import Enforcer

SocketOption = Any  # httpcore's SOCKET_OPTION alias is not exported


class _PinnedBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        error: Exception | None = None
        for address in vetted_addresses(host, port):
            try:
                return self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout, OSError) as exc:
                error = exc
        assert error is not None
        raise error

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("botwarden: Unix sockets are not egress; refused")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _AsyncPinnedBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self._inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        error: Exception | None = None
        for address in vetted_addresses(host, port):
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout, OSError) as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("botwarden: Unix sockets are not egress; refused")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _refuse_proxies(kwargs: dict[str, Any]) -> None:
    if kwargs.get("proxy") is not None or kwargs.get("uds") is not None:
        raise ValueError("a guarded transport connects directly; 'proxy' and 'uds' are refused")


class GuardedTransport(httpx.BaseTransport):
    """``httpx.Client(transport=GuardedTransport(gate))``; keyword arguments go to httpx's own.

    With an :class:`~botwarden.runtime.enforcer.Enforcer`, response bytes count against the
    bot's byte budgets as they are read (a spent budget raises :class:`EgressDenied` mid-body),
    upstream answers feed the breaker, and every request is recorded.
    """

    def __init__(
        self, gate: Gate, enforcer: Enforcer | None = None, **transport_options: Any
    ) -> None:
        _refuse_proxies(transport_options)
        self.gate = gate
        self.enforcer = enforcer
        self._inner = httpx.HTTPTransport(**transport_options)
        pool = self._inner._pool
        pool._network_backend = _PinnedBackend(pool._network_backend)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        decision = self.gate.decide_url(request.method, str(request.url))
        exchange = _Exchange(self.enforcer, request.method, str(request.url), decision,
                             _sent(request))  # fmt: skip
        if not decision.allowed:
            exchange.done(None)
            raise EgressDenied(decision, f"{request.method} {request.url}")
        try:
            with pinned(decision):
                response = self._inner.handle_request(request)
        except (httpx.ConnectError, httpx.ConnectTimeout):
            exchange.done(None, connection_failed=True)
            raise
        if self.enforcer is None:
            return response
        assert isinstance(response.stream, httpx.SyncByteStream)
        stream = _MeteredStream(response.stream, exchange, response.status_code)
        return httpx.Response(
            response.status_code, headers=response.headers, stream=stream,
            extensions=response.extensions, request=request,
        )  # fmt: skip

    def close(self) -> None:
        self._inner.close()


class AsyncGuardedTransport(httpx.AsyncBaseTransport):
    """``httpx.AsyncClient(transport=AsyncGuardedTransport(gate))``."""

    def __init__(
        self, gate: Gate, enforcer: Enforcer | None = None, **transport_options: Any
    ) -> None:
        _refuse_proxies(transport_options)
        self.gate = gate
        self.enforcer = enforcer
        self._inner = httpx.AsyncHTTPTransport(**transport_options)
        pool = self._inner._pool
        pool._network_backend = _AsyncPinnedBackend(pool._network_backend)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        decision = await self.gate.adecide_url(request.method, str(request.url))
        exchange = _Exchange(self.enforcer, request.method, str(request.url), decision,
                             _sent(request))  # fmt: skip
        if not decision.allowed:
            exchange.done(None)
            raise EgressDenied(decision, f"{request.method} {request.url}")
        try:
            with pinned(decision):
                response = await self._inner.handle_async_request(request)
        except (httpx.ConnectError, httpx.ConnectTimeout):
            exchange.done(None, connection_failed=True)
            raise
        if self.enforcer is None:
            return response
        assert isinstance(response.stream, httpx.AsyncByteStream)
        stream = _AsyncMeteredStream(response.stream, exchange, response.status_code)
        return httpx.Response(
            response.status_code, headers=response.headers, stream=stream,
            extensions=response.extensions, request=request,
        )  # fmt: skip

    async def aclose(self) -> None:
        await self._inner.aclose()


class _Exchange:
    """One in-process request as the enforcer records it: counted, metered, finished once."""

    def __init__(
        self, enforcer: Enforcer | None, method: str, url: str, decision: Decision, up: int = 0
    ) -> None:
        self.enforcer = enforcer
        self.method = method
        self.url = url
        self.decision = decision
        self.started = time.time()
        self.up = up
        self.down = 0
        self.finished = False
        self.outcome = "ok"
        self.add: Callable[[int, int], bool] | None = None
        self.meter: BudgetMeter | None = None
        if enforcer is not None and decision.allowed:
            self.meter = enforcer.meter_for(decision)
            if self.meter is not None:
                self.add = enforcer.metered(self.meter)

    def count(self, size: int) -> None:
        self.down += size
        if self.add is not None and not self.add(0, size):
            spent = self.meter.exhausted if self.meter is not None else None
            reason = spent.reason if spent is not None else "the state store failed"
            self.outcome = f"stopped: {reason}"
            raise EgressDenied(spent or self.decision, f"{self.method} {self.url} (mid-body)")

    def done(self, status: int | None, *, connection_failed: bool = False) -> None:
        if self.finished or self.enforcer is None:
            return
        self.finished = True
        self.enforcer.finished(
            method=self.method, target=self.url, decision=self.decision,
            upstream_status=status, status=status, bytes_up=self.up, bytes_down=self.down,
            started=self.started, outcome=self.outcome, connection_failed=connection_failed,
        )  # fmt: skip


def _sent(request: httpx.Request) -> int:
    try:
        return int(request.headers.get("content-length", "0"))
    except ValueError:
        return 0


class _MeteredStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, exchange: _Exchange, status: int) -> None:
        self._inner = inner
        self._exchange = exchange
        self._status = status

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            self._exchange.count(len(chunk))
            yield chunk

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            self._exchange.done(self._status)


class _AsyncMeteredStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, exchange: _Exchange, status: int) -> None:
        self._inner = inner
        self._exchange = exchange
        self._status = status

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            self._exchange.count(len(chunk))
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            self._exchange.done(self._status)


__all__ = ["AsyncGuardedTransport", "GuardedTransport"]
