"""The ``botwarden`` command: it only wires arguments to library calls and maps errors to exits.

Exit codes: 0 clean, 1 findings at or above ``--fail-on``, 2 usage or input error (one line on
stderr, with a hint), 3 internal error (``--debug`` shows the traceback).
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from botwarden._version import __version__
from botwarden.cli_deps import deps_app, vulndb_app
from botwarden.cli_drift import register as register_drift
from botwarden.cli_egress import app as egress_app
from botwarden.cli_guard import app as guard_app
from botwarden.cli_iam import app as iam_app
from botwarden.cli_ledger import app as ledger_app
from botwarden.cli_runtime import register as register_runtime
from botwarden.cli_secrets import app as secrets_app
from botwarden.cli_state import register as register_state
from botwarden.cli_support import (
    EXIT_CLEAN,
    EXIT_INTERNAL,
    EXIT_USAGE,
    FailOnOption,
    FormatOption,
    OutputOption,
    emit,
    err,
    exit_code,
    progress,
)
from botwarden.errors import Error, ManifestError, UsageError
from botwarden.findings import Severity
from botwarden.report import ReportFormat, render

if TYPE_CHECKING:
    from botwarden.manifest import Manifest

app = typer.Typer(
    name="botwarden",
    help="Harden autonomous bots: declare, generate, enforce, record, audit.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)
manifest_app = typer.Typer(help="Work with the manifest schema.", no_args_is_help=True)
app.add_typer(manifest_app, name="manifest")
app.add_typer(iam_app, name="iam")
app.add_typer(egress_app, name="egress")
app.add_typer(guard_app, name="guard")
app.add_typer(ledger_app, name="ledger")
app.add_typer(secrets_app, name="secrets")
app.add_typer(deps_app, name="deps")
app.add_typer(vulndb_app, name="vulndb")
register_runtime(app)
register_state(app)
register_drift(app)

_state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"botwarden {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of internal errors.")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    _state["debug"] = debug


# -- init / validate / schema ----------------------------------------------------------------


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Where to write botwarden.toml.")] = Path(),
    name: Annotated[str | None, typer.Option(help="Bot name (default: the folder's).")] = None,
    owner: Annotated[str, typer.Option(help="Team answerable for the bot.")] = "your-team",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing manifest.")] = False,
) -> None:
    """Write a commented manifest template."""
    from botwarden.manifest import MANIFEST_NAME
    from botwarden.manifest.template import render_template

    path = directory / MANIFEST_NAME
    if path.exists() and not force:
        raise UsageError(f"{path} already exists", hint="use --force to overwrite it")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        path.write_text(render_template(name or directory.resolve().name, owner), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot be written: {exc.strerror or exc}") from None
    typer.echo(f"wrote {path}: declare the bot's hosts, capabilities and secrets, then run "
               f"'botwarden validate {path}'")  # fmt: skip


@app.command()
def validate(
    manifest: Annotated[Path, typer.Argument(help="Manifest file or its folder.")] = Path(),
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Check a manifest; every problem is reported with its line and field."""
    from botwarden.manifest import find_manifest, load_manifest

    if output_format not in ("text", "json"):
        raise UsageError(f"--format must be text or json, not {output_format!r}")
    path = find_manifest(manifest)
    try:
        loaded = load_manifest(path)
    except ManifestError as exc:
        if output_format == "json":
            typer.echo(json.dumps(_validation_json(str(path), exc), indent=2))
            raise typer.Exit(EXIT_USAGE) from None
        raise
    if output_format == "json":
        typer.echo(json.dumps({"path": str(path), "valid": True, "errors": []}, indent=2))
    else:
        typer.echo(f"{path}: valid ({_describe(loaded)})")


def _validation_json(path: str, exc: ManifestError) -> dict[str, object]:
    errors = [
        {"path": i.path, "line": i.line, "field": i.field, "message": i.message} for i in exc.issues
    ]
    return {"path": path, "valid": False, "errors": errors}


def _describe(manifest: Manifest) -> str:
    counts = [
        (len(manifest.egress.allow), "egress entry", "egress entries"),
        (len(manifest.capability), "capability", "capabilities"),
        (len(manifest.secret), "secret", "secrets"),
        (len(manifest.budget), "budget", "budgets"),
    ]
    parts = [f"{n} {one if n == 1 else many}" for n, one, many in counts]
    return f"bot '{manifest.bot.name}': " + ", ".join(parts)


@manifest_app.command("schema")
def manifest_schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
) -> None:
    """Print the manifest's JSON Schema, for editors and CI."""
    from botwarden.manifest.model import SCHEMA_VERSION, Manifest

    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **Manifest.model_json_schema(),
        "title": f"botwarden manifest (schema_version {SCHEMA_VERSION})",
    }
    emit(json.dumps(schema, indent=2) + "\n", output)


# -- audit -----------------------------------------------------------------------------------


@app.command()
def audit(
    directory: Annotated[Path, typer.Argument(help="The bot's folder.")] = Path(),
    manifest: Annotated[
        Path | None, typer.Option(help="Manifest (default: DIR/botwarden.toml).")
    ] = None,
    output_format: FormatOption = ReportFormat.TEXT,
    output: OutputOption = None,
    fail_on: FailOnOption = Severity.LOW,
    baseline: Annotated[Path | None, typer.Option(help="Accept the findings listed here.")] = None,
    write_baseline_to: Annotated[
        Path | None, typer.Option("--write-baseline", help="Record current findings as accepted.")
    ] = None,
    only: Annotated[str | None, typer.Option(help="Run only these checks: NAME,NAME.")] = None,
) -> None:
    """Run every check over a bot's folder and report findings."""
    from botwarden.audit.baseline import Baseline, write_baseline
    from botwarden.audit.registry import default_analysers, select_analysers
    from botwarden.audit.runner import build_target, run_audit

    target = build_target(directory, manifest)
    analysers = select_analysers(default_analysers(), only.split(",") if only else None)
    accepted = Baseline.read(baseline) if baseline else None
    with progress(len(analysers)) as advance:
        result = run_audit(target, analysers, baseline=accepted,
                           display_target=directory.as_posix(), progress=advance)  # fmt: skip
    if write_baseline_to is not None:  # accepted findings still present stay accepted
        current = result.findings + result.baselined
        write_baseline(write_baseline_to, current)
        err.print(f"wrote {len(current)} findings to baseline {write_baseline_to}")
    color = output is None and output_format is ReportFormat.TEXT and sys.stdout.isatty()
    emit(render(result, output_format, color=color), output)
    raise typer.Exit(exit_code(result, fail_on))


# -- entry point -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> NoReturn:
    """Run the CLI and exit with its code; only this function turns errors into exit codes."""
    sys.exit(run(argv))


def run(argv: list[str] | None = None) -> int:
    """The CLI as a function returning its exit code (typer itself exits 2 on usage errors)."""
    try:
        app(args=argv, prog_name="botwarden")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except Error as exc:
        for line in exc.diagnostics():
            err.print(f"botwarden: error: {line}", markup=False)
        if exc.hint:
            err.print(f"hint: {exc.hint}", markup=False)
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - the one place that turns bugs into exit 3
        if _state["debug"]:
            traceback.print_exc()
        err.print(f"botwarden: internal error: {type(exc).__name__}: {exc}", markup=False)
        err.print("hint: run again with --debug for the traceback, and report it", markup=False)
        return EXIT_INTERNAL
    return EXIT_CLEAN
