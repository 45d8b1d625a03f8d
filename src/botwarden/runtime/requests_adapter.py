"""A ``requests`` transport adapter that asks the gate before every request, redirects included.

``requests`` follows redirects in the session and sends each hop through the adapter, so every hop
is decided again. urllib3's connections are given classes that connect only to the addresses the
gate vetted (see :mod:`botwarden.runtime.pinning`) while TLS keeps verifying against the name.
Proxies are refused: a guarded session connects directly, or the decision would be about the
wrong peer.
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Any

from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter
from requests.exceptions import ConnectionError as RequestsConnectionError
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from botwarden.runtime.denied import EgressDenied
from botwarden.runtime.gate import Gate
from botwarden.runtime.httpx_transport import _Exchange
from botwarden.runtime.pinning import pinned, vetted_addresses


def _connect_vetted(conn: HTTPConnection, parent: type[HTTPConnection]) -> socket.socket:
    name = conn._dns_host
    error: Exception | None = None
    for address in vetted_addresses(conn.host, conn.port or 0):
        conn._dns_host = address
        try:
            return parent._new_conn(conn)
        except OSError as exc:
            error = exc
        finally:
            conn._dns_host = name
    assert error is not None
    raise error


if TYPE_CHECKING:
    from botwarden.runtime.enforcer import Enforcer


class _PinnedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _connect_vetted(self, HTTPConnection)


class _PinnedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _connect_vetted(self, HTTPSConnection)


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """Mount on a session for ``http://`` and ``https://``; see :meth:`Guard.requests_session`."""

    def __init__(
        self, gate: Gate, enforcer: Enforcer | None = None, **adapter_options: Any
    ) -> None:
        self.gate = gate
        self.enforcer = enforcer
        super().__init__(**adapter_options)

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        pools = {"http": _PinnedHTTPPool, "https": _PinnedHTTPSPool}
        self.poolmanager.pool_classes_by_scheme = pools

    def send(  # noqa: PLR0917 -- requests' own signature
        self,
        request: PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: dict[str, str] | None = None,
    ) -> Response:
        method = request.method or "GET"
        decision = self.gate.decide_url(method, request.url or "")
        body = request.body
        sent = len(body) if isinstance(body, bytes | str) else 0
        exchange = _Exchange(self.enforcer, method, request.url or "", decision, sent)
        if not decision.allowed:
            exchange.done(None)
            raise EgressDenied(decision, f"{method} {request.url}")
        try:
            with pinned(decision):
                response = super().send(request, stream, timeout, verify, cert, proxies=None)
        except RequestsConnectionError:
            exchange.done(None, connection_failed=True)
            raise
        if self.enforcer is not None:
            _meter_body(response, exchange)
        return response


def _meter_body(response: Response, exchange: _Exchange) -> None:
    """Count the body as urllib3 reads it; record the exchange when the body is consumed."""
    raw = response.raw
    read = raw.read
    status = response.status_code

    def metered_read(amt: int | None = None, *args: Any, **kwargs: Any) -> bytes:
        data: bytes = read(amt, *args, **kwargs)
        if data:
            exchange.count(len(data))
        if not data or (amt is None) or len(data) < (amt or 0):
            exchange.done(status)
        return data

    raw.read = metered_read
    release = raw.release_conn

    def released() -> None:
        exchange.done(status)
        release()

    raw.release_conn = released


__all__ = ["GuardedAdapter"]
