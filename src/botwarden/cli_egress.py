"""``botwarden egress check``: one decision, dry-run, exactly as the proxy would make it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from botwarden.cli_support import EXIT_CLEAN, EXIT_FINDINGS
from botwarden.errors import UsageError

if TYPE_CHECKING:
    from botwarden.policy.decision import Decision
    from botwarden.runtime.resolve import Resolver

app = typer.Typer(help="Egress: decide what a bot may reach.", no_args_is_help=True)


def build_resolver(options: list[str]) -> Resolver:
    """A resolver with curl-style ``--resolve HOST:[PORT:]ADDRESS`` overrides."""
    from botwarden.runtime.resolve import ResolveError, Resolver

    try:
        return Resolver.from_options(options)
    except ResolveError as exc:
        raise UsageError(f"--resolve: {exc.message}") from None


@app.command("check")
def check(
    url: Annotated[str, typer.Argument(help="The URL (or, with --connect, host:port) to decide.")],
    manifest: Annotated[
        Path, typer.Option("--manifest", "-m", help="The bot's manifest (or its folder).")
    ] = Path(),
    method: Annotated[str, typer.Option(help="The HTTP method.")] = "GET",
    connect: Annotated[
        bool, typer.Option("--connect", help="Decide a CONNECT tunnel to host:port.")
    ] = False,
    resolve: Annotated[
        list[str] | None,
        typer.Option(help="HOST:[PORT:]ADDRESS: answer DNS for HOST with ADDRESS, like curl."),
    ] = None,
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Print the decision for one request; exit 0 for allow or report, 1 for deny."""
    from botwarden.manifest import find_manifest, load_manifest
    from botwarden.runtime.gate import Gate

    if output_format not in ("text", "json"):
        raise UsageError(f"--format {output_format!r}: expected text or json")
    gate = Gate.from_manifest(
        load_manifest(find_manifest(manifest)), resolver=build_resolver(resolve or [])
    )
    decision = gate.decide_connect(url) if connect else gate.decide_url(method.upper(), url)
    if output_format == "json":
        typer.echo(json.dumps(decision.to_dict(), indent=2))
    else:
        typer.echo(describe(decision, f"CONNECT {url}" if connect else f"{method.upper()} {url}"))
    raise typer.Exit(EXIT_CLEAN if decision.allowed else EXIT_FINDINGS)


def describe(decision: Decision, request: str) -> str:
    lines = [f"{decision.verdict.value}: {request}", f"  reason: {decision.reason}"]
    lines.append(f"  rule: {decision.rule} ({decision.code.value})")
    if decision.host is not None:
        lines.append(f"  destination: {decision.host}:{decision.port}")
    if decision.addresses:
        lines.append(f"  addresses: {', '.join(decision.addresses)}")
    return "\n".join(lines)


__all__ = ["app", "build_resolver", "check"]
