"""Ways to run a :class:`Proxy`: in the foreground until a signal, or in a background thread.

The event loop is uvloop's when it is installed (it relays several times faster than the
default loop), else asyncio's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import threading
from collections.abc import Callable
from types import TracebackType

from botwarden.runtime.proxy.server import Proxy


def new_event_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency where it exists
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def serve_until_signal(
    proxy: Proxy,
    host: str,
    port: int,
    ready: Callable[[tuple[str, int]], None],
    *,
    sock: socket.socket | None = None,
) -> None:
    """Serve in this thread until SIGINT or SIGTERM; ``ready`` is told the bound address.
    With ``sock``, serve on that listening socket instead of binding ``host:port``."""

    async def main() -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        try:
            ready(await proxy.start(host, port, sock=sock))
            await stop.wait()
        finally:
            await proxy.aclose()

    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        runner.run(main())


class ProxyThread:
    """A proxy serving from a daemon thread with its own event loop.

    ``with ProxyThread(proxy) as (host, port): ...`` starts it and stops it on exit; the observer
    and meters then run on that thread.
    """

    def __init__(self, proxy: Proxy, host: str = "127.0.0.1", port: int = 0) -> None:
        self.proxy = proxy
        self._bind = (host, port)
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="botwarden-proxy", daemon=True)
        self.address: tuple[str, int] | None = None

    def start(self, timeout: float = 10.0) -> tuple[str, int]:
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("the proxy thread did not start in time")
        if self._error is not None or self.address is None:
            raise RuntimeError(f"the proxy could not start: {self._error}") from self._error
        return self.address

    def stop(self, timeout: float = 10.0) -> None:
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop already ended
                loop.call_soon_threadsafe(stop.set)
        self._thread.join(timeout)

    def _run(self) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            try:
                self.address = await self.proxy.start(*self._bind)
            except BaseException as exc:
                self._error = exc
                raise
            finally:
                self._ready.set()
            try:
                await self._stop.wait()
            finally:
                await self.proxy.aclose()

        try:
            with asyncio.Runner(loop_factory=new_event_loop) as runner:
                runner.run(main())
        except Exception as exc:  # noqa: BLE001 - surfaced to start() through _error
            self._error = self._error or exc
            self._ready.set()

    def __enter__(self) -> tuple[str, int]:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


__all__ = ["ProxyThread", "new_event_loop", "serve_until_signal"]
