"""``botwarden proxy`` and ``botwarden run``: the egress proxy from the command line. Wiring only.

``register(app)`` adds both commands to the root app. Library code lives in
:mod:`botwarden.runtime.proxy`; this module loads manifests, builds one gate per bot, checks
the listening address and the tokens file, and prints one line per refused request.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import ip_address
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer

from botwarden.errors import UsageError

if TYPE_CHECKING:
    from botwarden.runtime.enforcer import Enforcer
    from botwarden.runtime.proxy import EgressGate, Exchange
    from botwarden.runtime.proxy.exchange import Meter

_SHOWN = 200  # characters of a URL shown in a denial line


def register(app: typer.Typer) -> None:
    """Add the ``proxy`` and ``run`` commands to ``app``."""
    app.command("proxy")(proxy)
    app.command("run", context_settings={"allow_interspersed_args": False})(run)


Manifests = Annotated[
    list[Path],
    typer.Option("--manifest", help="A bot's manifest (or its folder); repeat for more bots."),
]
Quiet = Annotated[bool, typer.Option("--quiet", help="Do not print a line per refused request.")]
Resolve = Annotated[
    list[str] | None,
    typer.Option(help="HOST:[PORT:]ADDRESS: answer DNS for HOST with ADDRESS, like curl."),
]
Store = Annotated[
    str | None,
    typer.Option(
        help="State store URL (budgets, breaker, kill switch): sqlite:///PATH, redis://..., "
        "postgresql://...; default $BOTWARDEN_STORE, then sqlite .botwarden/state.db beside "
        "the manifest."
    ),
]
LedgerUrl = Annotated[
    str | None,
    typer.Option(
        "--ledger",
        help="Ledger URL (sqlite:///PATH or postgresql://...); default: a PostgreSQL store "
        "itself, ledger.db beside a SQLite store, else .botwarden/ledger.db by the manifest.",
    ),
]
NoLedger = Annotated[bool, typer.Option("--no-ledger", help="Do not record decisions.")]
LedgerKey = Annotated[
    Path | None,
    typer.Option(
        "--ledger-key", help="Ed25519 key file (botwarden ledger keygen) to sign checkpoints."
    ),
]
MetricsAt = Annotated[
    str | None, typer.Option("--metrics", help="HOST:PORT to serve Prometheus /metrics on.")
]
LogJson = Annotated[
    Path | None,
    typer.Option("--log-json", help="Write one JSON line per decision to this file ('-': stderr)."),
]


def proxy(
    manifest: Manifests,
    listen: Annotated[str, typer.Option(help="HOST:PORT to listen on.")] = "127.0.0.1:8899",
    tokens: Annotated[
        Path | None,
        typer.Option(help="File of 'bot:token' lines, mode 0600; required for several bots."),
    ] = None,
    allow_remote: Annotated[
        bool,
        typer.Option("--allow-remote", help="Allow a --listen address that is not loopback."),
    ] = False,
    quiet: Quiet = False,
    resolve: Resolve = None,
    store: Store = None,
    ledger: LedgerUrl = None,
    no_ledger: NoLedger = False,
    ledger_key: LedgerKey = None,
    metrics: MetricsAt = None,
    log_json: LogJson = None,
    workers: Annotated[
        int,
        typer.Option(help="Processes listening on the address (SO_REUSEPORT), one core each."),
    ] = 1,
) -> None:
    """Serve an egress proxy that enforces each bot's manifest, until SIGINT or SIGTERM."""
    from botwarden.runtime.proxy import Proxy, serve_until_signal
    from botwarden.runtime.proxy.auth import read_tokens_file

    host, port = parse_listen(listen)
    if workers < 1:
        raise UsageError(f"--workers {workers}: expected 1 or more")
    if workers > 1 and metrics is not None:
        raise UsageError(
            "--metrics serves one process's counters: it cannot be combined with --workers",
            hint="run one proxy per port with --metrics each, or --workers without --metrics",
        )
    if not _is_loopback(host):
        if not allow_remote:
            raise UsageError(
                f"--listen {listen}: refusing to listen on an address other machines can reach",
                hint="use a loopback address, or pass --allow-remote (with --tokens)",
            )
        if tokens is None:
            raise UsageError("--allow-remote needs --tokens: a reachable proxy must know its bots")
    runtime = _Runtime.open(
        manifest, resolve or [], store, ledger, no_ledger, metrics, log_json, ledger_key
    )
    gates = runtime.gates
    loaded_tokens = read_tokens_file(tokens) if tokens is not None else None
    if len(gates) > 1 and loaded_tokens is None:
        raise UsageError(
            "several bots share this proxy: pass --tokens FILE with a 'bot:token' line for each",
            hint="clients then send Proxy-Authorization: Basic base64(bot:token)",
        )
    server = Proxy(
        gates, loaded_tokens, observer=runtime.observer(quiet), meter_factory=runtime.meter
    )

    def ready(address: tuple[str, int]) -> None:
        shown = f"[{address[0]}]" if ":" in address[0] else address[0]
        many = f" ({workers} workers)" if workers > 1 else ""
        typer.echo(f"botwarden: proxy listening on http://{shown}:{address[1]} "
                   f"for {', '.join(sorted(gates))}{many}")  # fmt: skip
        sys.stdout.flush()

    if workers > 1:  # everything was checked above; each worker opens its own store and ledger
        runtime.close()
        raise typer.Exit(_serve_workers(workers, (host, port), listen, ready, lambda: _Runtime.open(
            manifest, resolve or [], store, ledger, no_ledger, None, log_json, ledger_key
        ), loaded_tokens, quiet))  # fmt: skip
    try:
        serve_until_signal(server, host, port, ready)
    except OSError as exc:
        raise UsageError(f"--listen {listen}: cannot listen: {exc.strerror or exc}") from None
    finally:
        runtime.close()


def _serve_workers(
    count: int,
    address: tuple[str, int],
    listen: str,
    ready: Callable[[tuple[str, int]], None],
    open_runtime: Callable[[], _Runtime],
    tokens: dict[str, str] | None,
    quiet: bool,
) -> int:
    from botwarden.runtime.proxy import Proxy, serve_until_signal
    from botwarden.runtime.proxy.workers import serve_workers

    host, port = address

    def serve_one(sock: socket.socket) -> None:
        runtime = open_runtime()
        try:
            server = Proxy(runtime.gates, tokens, observer=runtime.observer(quiet),
                           meter_factory=runtime.meter)  # fmt: skip
            serve_until_signal(server, host, port, lambda _address: None, sock=sock)
        finally:
            runtime.close()

    try:
        return serve_workers(count, host, port, serve_one, ready)
    except OSError as exc:
        raise UsageError(f"--listen {listen}: cannot listen: {exc.strerror or exc}") from None


def run(
    command: Annotated[list[str], typer.Argument(help="The command and its arguments, after --.")],
    manifest: Annotated[Path, typer.Option(help="The bot's manifest (or its folder).")] = Path(),
    quiet: Quiet = False,
    resolve: Resolve = None,
    store: Store = None,
    ledger: LedgerUrl = None,
    no_ledger: NoLedger = False,
    ledger_key: LedgerKey = None,
    metrics: MetricsAt = None,
    log_json: LogJson = None,
) -> None:
    """Run a command with its HTTP(S) traffic sent through a private enforcing proxy."""
    from botwarden.runtime.proxy.command import CommandError, run_command

    runtime = _Runtime.open(
        [manifest], resolve or [], store, ledger, no_ledger, metrics, log_json, ledger_key
    )
    ((bot, gate),) = runtime.gates.items()
    try:
        code = run_command(
            bot, gate, command, observer=runtime.observer(quiet), meter_factory=runtime.meter
        )
    except CommandError as exc:
        typer.echo(f"botwarden: error: {exc.message}", err=True)
        raise typer.Exit(exc.exit_code) from None
    finally:
        runtime.close()
    raise typer.Exit(code)


@dataclass
class _Runtime:
    """The bots of one proxy: their enforcers and gates, one store, one ledger, one /metrics."""

    enforcers: dict[str, Enforcer]
    gates: dict[str, EgressGate]
    closers: list[Callable[[], None]]

    @classmethod
    def open(
        cls,
        paths: list[Path],
        resolve: list[str],
        store_url: str | None,
        ledger_url: str | None,
        no_ledger: bool,
        metrics_at: str | None,
        log_json: Path | None,
        ledger_key: Path | None = None,
    ) -> _Runtime:
        from botwarden.cli_egress import build_resolver
        from botwarden.cli_state import ledger_url_for, open_ledger_at, open_store_at, store_url_for
        from botwarden.manifest import find_manifest, load_manifest
        from botwarden.runtime.enforcer import Enforcer
        from botwarden.runtime.metrics import Metrics, serve_metrics

        resolver = build_resolver(resolve)
        manifests = [(path, find_manifest(path)) for path in paths]
        loaded = [(path, load_manifest(found)) for path, found in manifests]
        base = manifests[0][1].parent
        store = open_store_at(store_url_for(store_url, base), lease=True)
        closers: list[Callable[[], None]] = [store.close]
        ledger = None
        if not no_ledger:
            ledger = open_ledger_at(ledger_url_for(ledger_url, store_url_for(store_url, base),
                                                   base), ledger_key)  # fmt: skip
            closers.insert(0, ledger.close)
        shared = Metrics()
        if metrics_at is not None:
            host, port = parse_listen(metrics_at)
            try:
                server = serve_metrics(shared, host, port)
            except OSError as exc:
                raise UsageError(f"--metrics {metrics_at}: cannot listen: {exc}") from None
            closers.append(server.shutdown)
        log_file = None
        if log_json is not None:
            log_file = sys.stderr if str(log_json) == "-" else _open_log(log_json)
        enforcers: dict[str, Enforcer] = {}
        gates: dict[str, EgressGate] = {}
        for path, manifest in loaded:
            name = manifest.bot.name
            if name in enforcers:
                raise UsageError(f"{path}: bot {name!r} is already served by another manifest")
            enforcer = Enforcer(manifest, store, ledger, shared, log_file)
            shared.gauges.append(enforcer.gauges)
            enforcers[name] = enforcer
            gates[name] = enforcer.gate(resolver)
        return cls(enforcers, gates, closers)

    def meter(self, exchange: Exchange) -> Meter:
        return self.enforcers[exchange.bot].proxy_meter(exchange)

    def observer(self, quiet: bool) -> Callable[[Exchange], None]:
        def observe(exchange: Exchange) -> None:
            enforcer = self.enforcers.get(exchange.bot)
            if enforcer is not None:
                enforcer.proxy_observer(exchange)
            if not quiet:
                print_refusal(exchange)

        return observe

    def close(self) -> None:
        for close in self.closers:
            close()


def _open_log(path: Path) -> IO[str]:
    try:
        return path.open("a", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--log-json {path}: cannot be written: {exc.strerror or exc}") from None


def parse_listen(text: str) -> tuple[str, int]:
    """``HOST:PORT`` or ``[IPv6]:PORT``; the host is an IP address or ``localhost``."""
    host, colon, port = text.rpartition(":")
    if not colon or not port.isdigit() or not 0 <= int(port) < 65536:
        raise UsageError(f"--listen {text!r}: expected HOST:PORT, such as 127.0.0.1:8899")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if host != "localhost":
        try:
            ip_address(host)
        except ValueError:
            raise UsageError(f"--listen {text!r}: the host must be an IP address") from None
    return host, int(port)


def _is_loopback(host: str) -> bool:
    return host == "localhost" or ip_address(host).is_loopback


def print_refusal(exchange: Exchange) -> None:
    """One stderr line per request refused, cut off by a budget, or let through in report mode."""
    decision = exchange.decision
    if decision is None:
        return
    target = exchange.target
    target = target if len(target) <= _SHOWN else target[:_SHOWN] + "..."
    if not decision.allowed:
        line = f"denied {exchange.method} {target} ({decision.code}: {decision.reason})"
    elif exchange.outcome.startswith("stopped: "):
        line = f"cut off {exchange.method} {target} mid-transfer ({exchange.outcome[9:]})"
    elif decision.would_deny is not None:
        line = f"report mode let through {exchange.method} {target} ({decision.would_deny}: " \
               f"{decision.reason})"  # fmt: skip
    else:
        return
    sys.stderr.write(f"botwarden: {line}\n")
    sys.stderr.flush()


__all__ = ["parse_listen", "print_refusal", "proxy", "register", "run"]
