"""The proxy's own work per request, without sockets: CPU time and (under callgrind) instructions.

Through sockets on a shared 2-core machine, requests/s and even CPU per request swing by a third
from run to run (the load generator, the upstream and the neighbours share the cores), more than
most changes being measured. This driver replays wrk's request and nginx's 1 KB answer through
the real proxy code (``ClientConnection``, ``UpstreamConnection``, the gate, the state store, the
breaker and the ledger, built as ``botwarden proxy`` builds them from the benchmark's manifest)
over fake transports, on uvloop, in one process:

    .venv/bin/python benchmarks/runtime/proxy_cpu.py                  # CPU µs per request
    .venv/bin/python benchmarks/runtime/proxy_cpu.py --no-ledger
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        .venv/bin/python benchmarks/runtime/proxy_cpu.py --requests 3000 --repeat 1

It prints, per run, the CPU µs per request of the event loop's thread (what bounds one proxy
process's requests/s when other cores take the rest) and of the whole process (every thread,
the ledger's writer thread included), the best of
``--repeat`` runs. For instructions, run it under callgrind twice with different ``--requests``
and divide the difference of the totals by the difference of the counts.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))

from botwarden.cli_runtime import _Runtime  # noqa: E402
from botwarden.runtime.proxy import Proxy  # noqa: E402
from botwarden.runtime.proxy.client import ClientConnection  # noqa: E402
from botwarden.runtime.proxy.running import new_event_loop  # noqa: E402

UPSTREAM, SOURCE = 18080, 18081
REQUEST = (
    f"GET http://127.0.0.1:{UPSTREAM}/1k HTTP/1.1\r\nHost: 127.0.0.1:{UPSTREAM}\r\n\r\n"
).encode()
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Thu, 26 Nov 2026 15:00:00 GMT\r\n"
    b"Content-Type: application/octet-stream\r\nContent-Length: 1024\r\n"
    b'Last-Modified: Thu, 26 Nov 2026 14:00:00 GMT\r\nConnection: keep-alive\r\nETag: "6a1f-400"'
    b"\r\nAccept-Ranges: bytes\r\n\r\n" + b"x" * 1024
)


class FakeTransport:
    """What the proxy's protocols call on a transport; writes are counted, not sent."""

    def __init__(self) -> None:
        self.written = 0
        self.closing = False

    def write(self, data: bytes) -> None:
        self.written += len(data)

    def writelines(self, pieces: list[bytes]) -> None:
        for piece in pieces:
            self.written += len(piece)

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def abort(self) -> None:
        self.closing = True

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def can_write_eof(self) -> bool:
        return True

    def write_eof(self) -> None:
        pass

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 40000) if name == "peername" else default

    def get_write_buffer_size(self) -> int:
        return 0


def fake_connections(loop: asyncio.AbstractEventLoop) -> None:
    """Make the loop's ``create_connection`` hand out fake transports (the upstream side)."""

    async def create_connection(factory: Any, host: Any = None, port: Any = None, **_: Any) -> Any:
        protocol = factory()
        transport = FakeTransport()
        protocol.connection_made(transport)
        return transport, protocol

    loop.create_connection = create_connection  # type: ignore[method-assign]


def manifest_in(folder: Path) -> Path:
    template = (HERE / "peers" / "botwarden.toml.in").read_text()
    text = template.replace("@UPSTREAM_PORT@", str(UPSTREAM)).replace("@SOURCE_PORT@", str(SOURCE))
    path = folder / "botwarden.toml"
    path.write_text(text)
    return path


async def replay(proxy: Proxy, requests: int) -> tuple[float, float, int]:
    """Send ``requests`` requests on one kept-alive connection; the loop thread's and the whole
    process's CPU seconds, and how many answers reached the client."""
    loop = asyncio.get_running_loop()
    proxy.now = loop.time()
    client = ClientConnection(proxy)
    transport = FakeTransport()
    client.connection_made(transport)  # type: ignore[arg-type]
    answered = 0
    thread0, process0 = time.thread_time(), time.process_time()
    for i in range(requests):
        if not i & 1023:
            proxy.now = loop.time()
        before = transport.written
        client.data_received(REQUEST)
        while client.upstream is None or client.pending is not None:
            await asyncio.sleep(0)  # the first request connects (to a fake transport)
        client.upstream.data_received(RESPONSE)
        answered += transport.written > before
    thread1 = time.thread_time()
    return thread1 - thread0, time.process_time() - process0, answered


def run_once(requests: int, no_ledger: bool, ledger: str | None) -> tuple[float, float]:
    with tempfile.TemporaryDirectory(prefix="botwarden-proxy-cpu-") as tmp:
        manifest = manifest_in(Path(tmp))
        runtime = _Runtime.open([manifest], [], None, ledger, no_ledger, None, None)
        try:
            proxy = Proxy(runtime.gates, None, observer=runtime.observer(True),
                          meter_factory=runtime.meter)  # fmt: skip
            loop = new_event_loop()
            fake_connections(loop)
            try:
                loop.run_until_complete(replay(proxy, 200))  # warm-up: memo, leases, imports
                process0 = time.process_time()
                thread, _, answered = loop.run_until_complete(replay(proxy, requests))
                for close in runtime.closers:  # the ledger's last entries are part of the cost
                    if getattr(close, "__name__", "") == "close" and "Ledger" in repr(close):
                        close()
                process = time.process_time() - process0
            finally:
                loop.close()
        finally:
            runtime.close()
    if answered != requests:
        raise SystemExit(f"only {answered} of {requests} requests were answered")
    return thread / requests * 1e6, process / requests * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-ledger", action="store_true")
    parser.add_argument("--ledger", help="ledger URL (default: the state store's database)")
    args = parser.parse_args()
    runs = [run_once(args.requests, args.no_ledger, args.ledger) for _ in range(args.repeat)]
    loop_best = min(r[0] for r in runs)
    process_best = min(r[1] for r in runs)
    label = "no ledger" if args.no_ledger else "every check and the ledger"
    print(f"{label}: CPU µs per request, best of {args.repeat} x {args.requests:,}: "
          f"event loop thread {loop_best:.1f}, whole process {process_best:.1f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
