"""A ``requests`` transport adapter that asks the gate before every request, redirects included.

``requests`` follows redirects in the session and sends each hop through the adapter, so every hop
is decided again. urllib3's connections are given classes that connect only to the addresses the
gate vetted (see :mod:`botwarden.runtime.pinning`) while TLS keeps verifying against the name.
Proxies are refused: a guarded session connects directly, or the decision would be about the
wrong peer.
"""

from __future__ import annotations

import socket
from typing import Any

from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from botwarden.runtime.denied import EgressDenied
from botwarden.runtime.gate import Gate
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

    def __init__(self, gate: Gate, **adapter_options: Any) -> None:
        self.gate = gate
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
        if not decision.allowed:
            raise EgressDenied(decision, f"{method} {request.url}")
        with pinned(decision):
            return super().send(request, stream, timeout, verify, cert, proxies=None)


__all__ = ["GuardedAdapter"]
