"""``botwarden proxy`` and ``botwarden run``: the egress proxy from the command line. Wiring only.

``register(app)`` adds both commands to the root app. Library code lives in
:mod:`botwarden.runtime.proxy`; this module loads manifests, builds one gate per bot, checks
the listening address and the tokens file, and prints one line per refused request.
"""

from __future__ import annotations

import sys
from ipaddress import ip_address
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from botwarden.errors import UsageError

if TYPE_CHECKING:
    from botwarden.runtime.proxy import EgressGate, Exchange

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
) -> None:
    """Serve an egress proxy that enforces each bot's manifest, until SIGINT or SIGTERM."""
    from botwarden.runtime.proxy import Proxy, serve_until_signal
    from botwarden.runtime.proxy.auth import read_tokens_file

    host, port = parse_listen(listen)
    if not _is_loopback(host):
        if not allow_remote:
            raise UsageError(
                f"--listen {listen}: refusing to listen on an address other machines can reach",
                hint="use a loopback address, or pass --allow-remote (with --tokens)",
            )
        if tokens is None:
            raise UsageError("--allow-remote needs --tokens: a reachable proxy must know its bots")
    gates = _gates(manifest, resolve or [])
    loaded_tokens = read_tokens_file(tokens) if tokens is not None else None
    if len(gates) > 1 and loaded_tokens is None:
        raise UsageError(
            "several bots share this proxy: pass --tokens FILE with a 'bot:token' line for each",
            hint="clients then send Proxy-Authorization: Basic base64(bot:token)",
        )
    server = Proxy(gates, loaded_tokens, observer=None if quiet else print_refusal)

    def ready(address: tuple[str, int]) -> None:
        shown = f"[{address[0]}]" if ":" in address[0] else address[0]
        typer.echo(f"botwarden: proxy listening on http://{shown}:{address[1]} "
                   f"for {', '.join(sorted(gates))}")  # fmt: skip
        sys.stdout.flush()

    try:
        serve_until_signal(server, host, port, ready)
    except OSError as exc:
        raise UsageError(f"--listen {listen}: cannot listen: {exc.strerror or exc}") from None


def run(
    command: Annotated[list[str], typer.Argument(help="The command and its arguments, after --.")],
    manifest: Annotated[Path, typer.Option(help="The bot's manifest (or its folder).")] = Path(),
    quiet: Quiet = False,
    resolve: Resolve = None,
) -> None:
    """Run a command with its HTTP(S) traffic sent through a private enforcing proxy."""
    from botwarden.runtime.proxy.command import CommandError, run_command

    ((bot, gate),) = _gates([manifest], resolve or []).items()
    try:
        code = run_command(bot, gate, command, observer=None if quiet else print_refusal)
    except CommandError as exc:
        typer.echo(f"botwarden: error: {exc.message}", err=True)
        raise typer.Exit(exc.exit_code) from None
    raise typer.Exit(code)


def _gates(paths: list[Path], resolve: list[str]) -> dict[str, EgressGate]:
    from botwarden.cli_egress import build_resolver
    from botwarden.manifest import find_manifest, load_manifest
    from botwarden.runtime.gate import Gate

    resolver = build_resolver(resolve)
    gates: dict[str, EgressGate] = {}
    for path in paths:
        loaded = load_manifest(find_manifest(path))
        name = loaded.bot.name
        if name in gates:
            raise UsageError(f"{path}: bot {name!r} is already served by another manifest")
        gates[name] = Gate.from_manifest(loaded, resolver=resolver)
    return gates


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
    """One stderr line per request the gate refused (or let through only in report mode)."""
    decision = exchange.decision
    if decision is None:
        return
    target = exchange.target
    target = target if len(target) <= _SHOWN else target[:_SHOWN] + "..."
    if not decision.allowed:
        line = f"denied {exchange.method} {target} ({decision.code}: {decision.reason})"
    elif decision.would_deny is not None:
        line = f"report mode let through {exchange.method} {target} ({decision.would_deny}: " \
               f"{decision.reason})"  # fmt: skip
    else:
        return
    sys.stderr.write(f"botwarden: {line}\n")
    sys.stderr.flush()


__all__ = ["parse_listen", "print_refusal", "proxy", "register", "run"]
