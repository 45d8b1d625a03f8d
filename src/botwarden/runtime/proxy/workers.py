"""Several proxy processes on one listening socket (``botwarden proxy --workers N``).

One CPython process relays at most one core's worth of requests. The parent takes the address
(so an address in use is reported once, before anything forks), then forks ``count`` workers
that each listen on it with ``SO_REUSEPORT``: the kernel hands every new connection to one of
them. Each worker opens
its own store connection and ledger (its own chain: the instance name carries its pid) after the
fork, never sharing one across processes; budgets stay fleet-wide through the store.

The parent only supervises: SIGINT and SIGTERM are passed to every worker, and if a worker dies
on its own the others are stopped and the exit status is 1 (fail closed: no half-capacity proxy
that nobody notices).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
from collections.abc import Callable
from types import FrameType

from botwarden.errors import UsageError

_STOPS = {signal.SIGINT, signal.SIGTERM}


def supported() -> bool:
    return hasattr(os, "fork") and hasattr(socket, "SO_REUSEPORT")


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def serve_workers(
    count: int,
    host: str,
    port: int,
    serve_one: Callable[[socket.socket], None],
    ready: Callable[[tuple[str, int]], None],
) -> int:
    """Fork ``count`` workers, each listening on ``host:port`` with ``SO_REUSEPORT`` and running
    ``serve_one(its socket)``; call ``ready`` with the address once all of them listen; wait for
    them and return the exit status.

    ``SO_REUSEPORT`` rather than one inherited socket: the kernel then spreads connections evenly
    over the workers' sockets, where with one shared socket the first worker to wake accepts a
    whole burst. The parent holds the port with a bound socket that never listens (so it is
    given no connection), which also turns port 0 into one port for every worker.
    """
    if not supported():
        raise UsageError("--workers needs fork() and SO_REUSEPORT, which this platform lacks")
    holder = socket.socket(_family(host), socket.SOCK_STREAM)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        holder.bind((host, port))
    except OSError:
        holder.close()
        raise
    bound = holder.getsockname()
    address = (str(bound[0]), int(bound[1]))
    sys.stdout.flush()
    sys.stderr.flush()
    listening, told = os.pipe()
    pids: set[int] = set()
    # SIGINT and SIGTERM wait until the parent forwards them: one arriving while workers are
    # being started must neither kill the parent alone (orphaning workers) nor be lost
    unblocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    try:
        for _ in range(count):
            pid = os.fork()
            if pid == 0:  # the worker: never returns into the parent's code
                signal.pthread_sigmask(signal.SIG_SETMASK, unblocked)
                os.close(listening)
                holder.close()
                os._exit(_worker(address, serve_one, told))
            pids.add(pid)
        os.close(told)
        started = _count_ready(listening, count)
        if started < count:
            sys.stderr.write("botwarden: a proxy worker could not listen; stopping\n")
            _signal_all(pids, signal.SIGTERM)
            _supervise(pids, unblocked, stopping=True)
            return 1
        ready(address)
        return _supervise(pids, unblocked)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, unblocked)
        holder.close()


def _worker(address: tuple[str, int], serve_one: Callable[[socket.socket], None], told: int) -> int:
    try:
        sock = socket.create_server(address, family=_family(address[0]), backlog=1024,
                                    reuse_port=True)  # fmt: skip
        os.write(told, b"1")
        os.close(told)
        serve_one(sock)
    except BaseException as exc:  # noqa: BLE001 -- reported; the exit status says the rest
        sys.stderr.write(f"botwarden: proxy worker {os.getpid()} failed: {exc}\n")
        return 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return 0


def _count_ready(fd: int, count: int) -> int:
    """How many workers said they listen (until all did, or all that could have, exited)."""
    got = 0
    with os.fdopen(fd, "rb", buffering=0) as pipe:
        while got < count:
            chunk = pipe.read(count - got)
            if not chunk:
                break
            got += len(chunk)
    return got


def _signal_all(pids: set[int], signum: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)


def _supervise(
    pids: set[int], unblocked: set[int | signal.Signals], *, stopping: bool = False
) -> int:
    def forward(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        _signal_all(pids, signum)

    previous = {sig: signal.signal(sig, forward) for sig in _STOPS}
    signal.pthread_sigmask(signal.SIG_SETMASK, unblocked)  # what arrived meanwhile comes now
    status = 0
    try:
        while pids:
            pid, wait_status = os.wait()
            pids.discard(pid)
            code = os.waitstatus_to_exitcode(wait_status)
            if not stopping:  # a worker ended on its own: stop the rest, report failure
                sys.stderr.write(
                    f"botwarden: proxy worker {pid} exited ({code}); stopping the others\n"
                )
                forward(signal.SIGTERM, None)
                status = 1
            elif code not in (0, -signal.SIGTERM, -signal.SIGINT):
                status = 1
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status


__all__ = ["serve_workers", "supported"]
