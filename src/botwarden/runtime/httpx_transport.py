"""httpx transports that ask the gate before every request, redirects included.

httpx follows redirects in the client and hands each hop to the transport, so every hop is decided
again. The connection layer underneath (httpcore) gets a network backend that connects only to the
addresses the gate vetted for this request (see :mod:`botwarden.runtime.pinning`); the URL keeps
its host name, so TLS still verifies the certificate against the name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from botwarden.runtime.denied import EgressDenied
from botwarden.runtime.gate import Gate
from botwarden.runtime.pinning import pinned, vetted_addresses

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
    """``httpx.Client(transport=GuardedTransport(gate))``; keyword arguments go to httpx's own."""

    def __init__(self, gate: Gate, **transport_options: Any) -> None:
        _refuse_proxies(transport_options)
        self.gate = gate
        self._inner = httpx.HTTPTransport(**transport_options)
        pool = self._inner._pool
        pool._network_backend = _PinnedBackend(pool._network_backend)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        decision = self.gate.decide_url(request.method, str(request.url))
        if not decision.allowed:
            raise EgressDenied(decision, f"{request.method} {request.url}")
        with pinned(decision):
            return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


class AsyncGuardedTransport(httpx.AsyncBaseTransport):
    """``httpx.AsyncClient(transport=AsyncGuardedTransport(gate))``."""

    def __init__(self, gate: Gate, **transport_options: Any) -> None:
        _refuse_proxies(transport_options)
        self.gate = gate
        self._inner = httpx.AsyncHTTPTransport(**transport_options)
        pool = self._inner._pool
        pool._network_backend = _AsyncPinnedBackend(pool._network_backend)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        decision = await self.gate.adecide_url(request.method, str(request.url))
        if not decision.allowed:
            raise EgressDenied(decision, f"{request.method} {request.url}")
        with pinned(decision):
            return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


__all__ = ["AsyncGuardedTransport", "GuardedTransport"]
