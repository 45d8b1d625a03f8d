"""``botwarden secrets scan|set|get|list|rotate``: the scanner and the embedded encrypted store.
Wiring only.

The scanner is :mod:`botwarden.secrets.scan`; its findings go through the same inline ignores,
baselines and report formats as ``botwarden audit``.

The library is :mod:`botwarden.secrets.local`. A value is read from stdin (``--value-stdin``) or
from a hidden prompt, never from an argument, which would land in shell history and ``ps``.
Nothing prints a value unless ``get --reveal`` asks for exactly that.
"""

from __future__ import annotations

import getpass
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from botwarden.cli_support import (
    FailOnOption,
    FormatOption,
    OutputOption,
    cpus,
    emit,
    err,
    exit_code,
    progress,
)
from botwarden.errors import UsageError
from botwarden.findings import Severity
from botwarden.report import ReportFormat, render

if TYPE_CHECKING:
    from botwarden.secrets.local import LocalStore, SecretInfo

app = typer.Typer(
    help="Find hardcoded secrets; the embedded encrypted secret store.", no_args_is_help=True
)

Name = Annotated[str, typer.Argument(help="The secret's name (as in source = 'local:NAME').")]
StorePath = Annotated[
    Path | None,
    typer.Option(
        "--path", help="The store file (default: .botwarden/secrets.json by the manifest)."
    ),
]
KeyFile = Annotated[
    Path | None,
    typer.Option(
        "--key-file",
        help="The key file (default: $BOTWARDEN_SECRETS_KEY, then secrets.key by the store).",
    ),
]
ManifestOption = Annotated[
    Path,
    typer.Option(
        "--manifest", "-m", help="The bot's manifest (or its folder): where the store is."
    ),
]
ValueStdin = Annotated[
    bool,
    typer.Option("--value-stdin", help="Read the value from stdin (one final newline dropped)."),
]
Keep = Annotated[int, typer.Option("--keep", min=1, help="How many versions to keep.")]


def open_store(
    path: Path | None, key_file: Path | None, manifest: Path, keep: int | None = None
) -> LocalStore:
    """The store at ``--path``, else under ``.botwarden/`` in the manifest's folder."""
    from botwarden.secrets.local import DEFAULT_KEEP, LocalStore, default_paths

    if path is None:
        base = manifest.parent if manifest.is_file() else manifest
        path = default_paths(base)[0]
    return LocalStore(path, key_file, keep=keep or DEFAULT_KEEP)


def read_value(name: str, from_stdin: bool) -> str:
    """The value from stdin, or typed twice at a hidden prompt; never from the command line."""
    if from_stdin:
        value = sys.stdin.read()
        value = value.removesuffix("\n").removesuffix("\r")
    elif sys.stdin.isatty():
        value = getpass.getpass(f"value for {name}: ")
        if getpass.getpass("again: ") != value:
            raise UsageError("the two values typed do not match; nothing was stored")
    else:
        raise UsageError("stdin is not a terminal: pass --value-stdin to read the value from it")
    if not value:
        raise UsageError("empty value; nothing was stored")
    return value


@app.command("scan")
def scan(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to scan.")],
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="Accept the findings listed here.")
    ] = None,
    write_baseline_to: Annotated[
        Path | None, typer.Option("--write-baseline", help="Record current findings as accepted.")
    ] = None,
    output_format: FormatOption = ReportFormat.TEXT,
    output: OutputOption = None,
    fail_on: FailOnOption = Severity.LOW,
    jobs: Annotated[int, typer.Option(min=0, help="Processes (0: one per core).")] = 0,
    config: Annotated[
        Path | None,
        typer.Option(help="Allow-lists and fixture globs (default: .botwarden-secrets.toml)."),
    ] = None,
    history: Annotated[
        bool,
        typer.Option(
            "--history", help="Also scan every line added by every commit reachable from any ref."
        ),
    ] = False,
    credential_report: Annotated[
        Path | None,
        typer.Option(
            "--credential-report",
            help="Also check the access keys of an AWS IAM credential report (CSV, decoded).",
        ),
    ] = None,
    max_key_age: Annotated[
        str, typer.Option("--max-key-age", help="Rotation limit for active AWS access keys.")
    ] = "90d",
) -> None:
    """Find credentials written in files: keys, tokens, private keys, passwords."""
    from botwarden.audit.baseline import Baseline, write_baseline
    from botwarden.manifest.units import Duration
    from botwarden.secrets.scan.files import walk
    from botwarden.secrets.scan.run import scan_paths

    try:
        key_age = timedelta(seconds=Duration.parse(max_key_age).seconds)
    except ValueError as exc:
        raise UsageError(f"--max-key-age: {exc}") from None
    files = walk(paths)
    accepted = Baseline.read(baseline) if baseline else None
    with progress(len(files), "scanning") as advance:
        result, _ = scan_paths(paths, config=config, baseline=accepted, jobs=jobs or cpus(),
                               files=files, progress=advance, history=history,
                               credential_report=credential_report,
                               max_key_age=key_age)  # fmt: skip
    if write_baseline_to is not None:
        current = result.findings + result.baselined
        write_baseline(write_baseline_to, current)
        err.print(f"wrote {len(current)} findings to baseline {write_baseline_to}")
    color = output is None and output_format is ReportFormat.TEXT and sys.stdout.isatty()
    emit(render(result, output_format, color=color), output)
    raise typer.Exit(exit_code(result, fail_on))


@app.command("set")
def set_(
    name: Name,
    value_stdin: ValueStdin = False,
    path: StorePath = None,
    key_file: KeyFile = None,
    manifest: ManifestOption = Path(),
    keep: Keep = 5,
) -> None:
    """Store a new version of NAME (creating the store and its key on first use)."""
    store = open_store(path, key_file, manifest, keep)
    version = store.set(name, read_value(name, value_stdin))
    typer.echo(f"stored {_clean(name)} version {version} in {store.path}")


@app.command("rotate")
def rotate(
    name: Name,
    value_stdin: ValueStdin = False,
    path: StorePath = None,
    key_file: KeyFile = None,
    manifest: ManifestOption = Path(),
    keep: Keep = 5,
) -> None:
    """Replace NAME's value with a new version, recording the rotation."""
    store = open_store(path, key_file, manifest, keep)
    version = store.rotate(name, read_value(name, value_stdin))
    typer.echo(f"rotated {_clean(name)} to version {version} in {store.path}")


@app.command("get")
def get(
    name: Name,
    reveal: Annotated[
        bool, typer.Option("--reveal", help="Print the value itself, alone, with no newline.")
    ] = False,
    version: Annotated[
        int | None, typer.Option("--version", min=1, help="A kept older version.")
    ] = None,
    path: StorePath = None,
    key_file: KeyFile = None,
    manifest: ManifestOption = Path(),
) -> None:
    """Show NAME's metadata and redacted value; --reveal prints the value for piping."""
    from botwarden.secrets.value import redact

    store = open_store(path, key_file, manifest)
    fetched = store.get(name, version)
    if reveal:
        sys.stdout.write(fetched.value.reveal())
        sys.stdout.flush()
        return
    history = store.history(name)
    kept = ", ".join(str(v.version) for v in history)
    chosen = next(v for v in history if str(v.version) == fetched.version)
    lines = [
        f"name: {_clean(name)}",
        f"version: {fetched.version} (kept: {kept})",
        f"created: {_iso(chosen.created)} ({_age(chosen.created)} ago)",
        f"by: {'rotate' if chosen.rotated else 'set'}",
        f"value: {redact(fetched.value.reveal())} (redacted; --reveal prints it)",
    ]
    typer.echo("\n".join(lines))


@app.command("list")
def list_(
    path: StorePath = None,
    key_file: KeyFile = None,
    manifest: ManifestOption = Path(),
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Every secret: name, versions, created, rotated, age. Never a value."""
    if output_format not in ("text", "json"):
        raise UsageError(f"--format {output_format!r}: expected text or json")
    infos = open_store(path, key_file, manifest).list()
    if output_format == "json":
        typer.echo(json.dumps([_to_json(info) for info in infos], indent=2, ensure_ascii=False))
    elif not infos:
        typer.echo("no secrets stored")
    else:
        typer.echo(table(infos))


# -- output ------------------------------------------------------------------------------------


def table(infos: list[SecretInfo]) -> str:
    """Aligned columns; the age is that of the current version, which ``max_age`` measures."""
    header = ("NAME", "VERSIONS", "CREATED", "ROTATED", "AGE")
    rows = [header] + [
        (
            _clean(info.name),
            f"{info.current} (kept {len(info.versions)})",
            _iso(info.created),
            _iso(info.rotated) if info.rotated else "never",
            _age(info.updated),
        )
        for info in infos
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def _to_json(info: SecretInfo) -> dict[str, object]:
    return {
        "name": info.name,
        "versions": list(info.versions),
        "current": info.current,
        "created": _iso(info.created),
        "updated": _iso(info.updated),
        "rotated": _iso(info.rotated) if info.rotated else None,
        "age_seconds": int((datetime.now(UTC) - info.updated).total_seconds()),
    }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _age(moment: datetime) -> str:
    seconds = max(0, int((datetime.now(UTC) - moment).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _clean(text: str) -> str:
    """Names are printable by construction; escape anyway so a store cannot forge lines."""
    return text if text.isprintable() else json.dumps(text, ensure_ascii=False)[1:-1]


__all__ = ["app", "get", "list_", "open_store", "read_value", "rotate", "scan", "set_", "table"]
