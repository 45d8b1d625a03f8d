"""Run any command behind a private proxy: ``botwarden run --manifest M -- CMD ARG...``.

The proxy listens on a free loopback port with a token made for this run only, so no other local
process can borrow the bot's egress. The command gets ``HTTP_PROXY``, ``HTTPS_PROXY`` and
``ALL_PROXY`` (and their lower-case forms) pointing at it with the credentials in the URL, and no
``NO_PROXY``: most HTTP clients in every language then send everything through the proxy. (These
variables are a convention, not a wall: a program can ignore them. Pair ``run`` with a network
namespace or firewall that only lets the bot reach the proxy when that matters.)

Signals are passed on so that the command, not the wrapper, decides how to stop: SIGTERM and
SIGHUP always, SIGINT unless it came from the terminal (the terminal already sent it to the
command, which shares our process group; forwarding it again would interrupt the command's own
clean-up). The exit status is the command's, or 128 + N when signal N ended it, as shells report.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from types import FrameType
from urllib.parse import quote

from botwarden.errors import Error
from botwarden.runtime.proxy.exchange import MeterFactory, Observer
from botwarden.runtime.proxy.gate_protocol import EgressGate
from botwarden.runtime.proxy.limits import ProxyLimits
from botwarden.runtime.proxy.running import ProxyThread
from botwarden.runtime.proxy.server import Proxy

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
NO_PROXY_VARIABLES = ("NO_PROXY", "no_proxy")
FORWARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
EXIT_NOT_FOUND, EXIT_NOT_EXECUTABLE = 127, 126


class CommandError(Error):
    """The command could not be started; ``exit_code`` is what a shell would return."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def proxy_url(bot: str, token: str, host: str, port: int) -> str:
    return f"http://{quote(bot, safe='')}:{quote(token, safe='')}@{host}:{port}"


def child_environment(base: Mapping[str, str], url: str) -> dict[str, str]:
    """``base`` with every proxy variable set to ``url`` and the no-proxy lists removed."""
    env = {key: value for key, value in base.items() if key not in NO_PROXY_VARIABLES}
    for name in PROXY_VARIABLES:
        env[name] = env[name.lower()] = url
    return env


def run_command(
    bot: str,
    gate: EgressGate,
    argv: Sequence[str],
    *,
    observer: Observer | None = None,
    limits: ProxyLimits | None = None,
    env: Mapping[str, str] | None = None,
    meter_factory: MeterFactory | None = None,
) -> int:
    """Run ``argv`` behind a private proxy enforcing ``gate``; return its exit status."""
    if not argv:
        raise CommandError("no command given: botwarden run --manifest M -- CMD [ARG...]", 2)
    token = secrets.token_urlsafe(24)
    proxy = Proxy(
        {bot: gate}, {bot: token}, limits=limits, observer=observer, meter_factory=meter_factory
    )
    with ProxyThread(proxy) as (host, port):
        url = proxy_url(bot, token, host, port)
        child_env = child_environment(os.environ if env is None else env, url)
        with _forwarding_signals() as forwarder:
            child = _spawn(list(argv), child_env)
            forwarder.started(child)
            return exit_status(child.wait())


def exit_status(returncode: int) -> int:
    """A shell's view of a child's end: its code, or 128 + the signal that killed it."""
    return 128 - returncode if returncode < 0 else returncode


def _spawn(argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(argv, env=env)  # noqa: S603 - running the user's command is the job
    except FileNotFoundError:
        raise CommandError(f"{argv[0]}: command not found", EXIT_NOT_FOUND) from None
    except PermissionError:
        raise CommandError(f"{argv[0]}: permission denied", EXIT_NOT_EXECUTABLE) from None
    except OSError as exc:
        raise CommandError(
            f"{argv[0]}: cannot run: {exc.strerror or exc}", EXIT_NOT_EXECUTABLE
        ) from None


class _Forwarder:
    """Passes signals to the child; one caught before the child exists waits for it."""

    def __init__(self) -> None:
        self.child: subprocess.Popen[bytes] | None = None
        self.early: list[int] = []

    def __call__(self, signum: int, _frame: FrameType | None) -> None:
        if signum == signal.SIGINT and _terminal_sent_it():
            return
        if self.child is None:
            self.early.append(signum)
        else:
            self._send(signum)

    def started(self, child: subprocess.Popen[bytes]) -> None:
        self.child = child
        for signum in self.early:
            self._send(signum)

    def _send(self, signum: int) -> None:
        assert self.child is not None
        with contextlib.suppress(ProcessLookupError):
            self.child.send_signal(signum)


@contextlib.contextmanager
def _forwarding_signals() -> Iterator[_Forwarder]:
    forwarder = _Forwarder()
    previous = {signum: signal.signal(signum, forwarder) for signum in FORWARDED_SIGNALS}
    try:
        yield forwarder
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _terminal_sent_it() -> bool:
    """Whether we are in the terminal's foreground group, where Ctrl-C reaches the child too."""
    try:
        fd = os.open("/dev/tty", os.O_RDONLY | os.O_NOCTTY)
    except OSError:
        return False  # no controlling terminal: the signal was sent to us alone
    try:
        return os.tcgetpgrp(fd) == os.getpgrp()
    except OSError:
        return False
    finally:
        os.close(fd)


__all__ = [
    "CommandError",
    "child_environment",
    "exit_status",
    "proxy_url",
    "run_command",
]
