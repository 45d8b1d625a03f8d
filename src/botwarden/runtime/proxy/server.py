"""The proxy: one listening socket, one gate per bot, and the sweeper that enforces deadlines.

``Proxy(gates, tokens)`` serves several bots at once. With one bot and no tokens, every request
speaks for that bot. With more than one bot, or whenever tokens are given, each request must carry
``Proxy-Authorization: Basic base64(bot:token)``, and the bot it names picks the gate.

Deadlines are not timers: each connection keeps one ``deadline`` on a coarse clock that a single
sweeper task advances every :attr:`ProxyLimits.tick` seconds, closing what has overrun. A timeout
therefore fires within one tick of its nominal time, at the cost of one float store per event
instead of a timer per request.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Mapping
from types import TracebackType

from botwarden.errors import UsageError
from botwarden.runtime.proxy.auth import ProxyAuth
from botwarden.runtime.proxy.client import ClientConnection
from botwarden.runtime.proxy.exchange import Exchange, MeterFactory, Observer, counting_meter
from botwarden.runtime.proxy.gate_protocol import EgressGate
from botwarden.runtime.proxy.limits import ProxyLimits

log = logging.getLogger("botwarden.proxy")


class Proxy:
    """An HTTP/1.1 forward proxy (plain requests and CONNECT) that enforces each bot's gate."""

    def __init__(
        self,
        gates: Mapping[str, EgressGate],
        tokens: Mapping[str, str] | None = None,
        *,
        limits: ProxyLimits | None = None,
        observer: Observer | None = None,
        meter_factory: MeterFactory | None = None,
    ) -> None:
        if not gates:
            raise UsageError("the proxy needs the gate of at least one bot")
        self.gates = dict(gates)
        self.limits = limits or ProxyLimits()
        self.observer = observer
        self.meter_factory = meter_factory or counting_meter
        self.auth: ProxyAuth | None = None
        self.default_bot = ""
        if tokens is not None or len(self.gates) > 1:
            self.auth = ProxyAuth(_checked_tokens(self.gates, tokens or {}))
        else:
            self.default_bot = next(iter(self.gates))
        self.now = 0.0  # the coarse clock deadlines are set on (loop time)
        self.tunnels = 0
        self._connections: set[ClientConnection] = set()
        self._server: asyncio.Server | None = None
        self._sweeper: asyncio.Task[None] | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(
        self, host: str = "127.0.0.1", port: int = 0, *, sock: socket.socket | None = None
    ) -> tuple[str, int]:
        """Listen (on ``sock`` when given: a socket several worker processes share) and return
        the bound address; serving goes on until :meth:`aclose`."""
        loop = asyncio.get_running_loop()
        self.now = loop.time()
        if sock is not None:
            self._server = await loop.create_server(
                lambda: ClientConnection(self), sock=sock, backlog=1024
            )
        else:
            self._server = await loop.create_server(
                lambda: ClientConnection(self), host, port, backlog=1024, reuse_address=True
            )
        self._sweeper = loop.create_task(self._sweep())
        return self.address

    @property
    def address(self) -> tuple[str, int]:
        if self._server is None or not self._server.sockets:
            raise RuntimeError("the proxy is not listening")
        name = self._server.sockets[0].getsockname()
        return str(name[0]), int(name[1])

    @property
    def connections(self) -> int:
        return len(self._connections)

    async def aclose(self) -> None:
        """Stop listening and close every connection (tunnels included)."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        if self._server is not None:
            self._server.close()
        for connection in list(self._connections):
            connection.shut()
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> Proxy:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    # -- used by connections --------------------------------------------------------------------

    def register(self, connection: ClientConnection) -> bool:
        if len(self._connections) >= self.limits.max_connections:
            return False
        self._connections.add(connection)
        return True

    def unregister(self, connection: ClientConnection) -> None:
        self._connections.discard(connection)

    def observe(self, exchange: Exchange) -> None:
        if self.observer is None:
            return
        try:
            self.observer(exchange)
        except Exception:  # an observer's bug must not take the proxy down
            log.exception("the proxy's observer failed")

    async def _sweep(self) -> None:
        loop = asyncio.get_running_loop()
        tick = self.limits.tick
        while True:
            await asyncio.sleep(tick)
            now = self.now = loop.time()
            for connection in [c for c in self._connections if c.deadline <= now]:
                try:
                    connection.timed_out()
                except Exception:  # noqa: BLE001 - one bad connection must not stop the sweep
                    connection.internal_error()


def _checked_tokens(gates: Mapping[str, EgressGate], tokens: Mapping[str, str]) -> dict[str, str]:
    missing = sorted(set(gates) - set(tokens))
    unknown = sorted(set(tokens) - set(gates))
    if missing:
        raise UsageError(
            f"no proxy token for bot(s) {', '.join(missing)}: when the proxy serves several "
            "bots, or has tokens at all, every bot needs one"
        )
    if unknown:
        raise UsageError(f"proxy token for bot(s) {', '.join(unknown)} with no manifest loaded")
    return dict(tokens)


__all__ = ["Proxy"]
