"""``botwarden deps scan`` and ``botwarden vulndb import|info``: dependencies against OSV, offline.

``deps scan PATH`` reads every dependency file under PATH (or PATH itself), and with ``--env``
an installed environment, and reports vulnerable pins, unpinned requirements and unreadable
lines in the audit's formats and exit codes. ``--db`` takes an imported database, or an OSV
export zip or folder (imported for this run); without it the database is found as the
``dependencies`` audit check finds it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from botwarden.cli_support import FailOnOption, FormatOption, OutputOption, emit, err, exit_code
from botwarden.errors import UsageError
from botwarden.findings import Severity
from botwarden.report import ReportFormat, render

deps_app = typer.Typer(help="Dependencies against known vulnerabilities (OSV), offline.",
                       no_args_is_help=True)  # fmt: skip
vulndb_app = typer.Typer(help="The local OSV vulnerability database.", no_args_is_help=True)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="An imported database, or an OSV export (all.zip or a folder of JSON) to use as is "
        "(default: $BOTWARDEN_VULNDB, then ~/.local/share/botwarden/vulndb.sqlite, then "
        "osv.zip or osv/ in PATH).",
    ),
]


@deps_app.command("scan")
def scan(
    path: Annotated[Path, typer.Argument(help="A project folder or one dependency file.")] = Path(),
    db: DbOption = None,
    env: Annotated[
        list[str] | None,
        typer.Option("--env", help="Also the packages installed for this Python interpreter."),
    ] = None,
    output_format: FormatOption = ReportFormat.TEXT,
    output: OutputOption = None,
    fail_on: FailOnOption = Severity.LOW,
    baseline: Annotated[Path | None, typer.Option(help="Accept the findings listed here.")] = None,
) -> None:
    """Report vulnerable, unpinned and unreadable dependencies."""
    from botwarden.audit.baseline import Baseline
    from botwarden.audit.collect import collect_result
    from botwarden.audit.target import Target
    from botwarden.deps.readers import discover, read_environment
    from botwarden.deps.scan import RULES, findings, read_all
    from botwarden.deps.vulndb import locate, open_source

    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    root = path if path.is_dir() else path.parent
    files = discover(path) if path.is_dir() else [path]
    requirements, problems = read_all(files, root)
    for python in env or []:
        found, trouble = read_environment(python)
        requirements += found
        problems += trouble
    source = db or locate(root)
    if db is not None and not db.exists():
        raise UsageError(f"--db {db}: no such file or folder")
    accepted = Baseline.read(baseline) if baseline else None
    if source is None:
        found_all = list(findings(requirements, problems, None))
    else:
        with open_source(source, _progress(source)) as database:
            found_all = list(findings(requirements, problems, database))
    result = collect_result(
        found_all, Target(root), rules=RULES, analysers=("dependencies",), baseline=accepted,
        display_target=str(path),
    )  # fmt: skip
    color = output is None and output_format is ReportFormat.TEXT and sys.stdout.isatty()
    emit(render(result, output_format, color=color), output)
    raise typer.Exit(exit_code(result, fail_on))


def _progress(source: Path) -> Callable[[int], None] | None:
    """A counter of records read while an export is imported, when a person is watching."""
    if not sys.stderr.isatty() or (source.is_file() and source.suffix == ".sqlite"):
        return None

    def tick(n: int) -> None:
        err.print(f"\rimporting {source.name}: {n} records", end="")

    return tick


@vulndb_app.command("import")
def import_(
    source: Annotated[Path, typer.Argument(help="OSV's PyPI export: all.zip, or its folder.")],
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Database file to (re)write (default: $BOTWARDEN_VULNDB, "
            "then ~/.local/share/botwarden/vulndb.sqlite).",
        ),
    ] = None,
) -> None:
    """Load an OSV export into the local database (replacing what it held)."""
    from botwarden.deps.vulndb import default_path, import_export

    target = db or default_path()
    report = import_export(source, target, _progress(source))
    if sys.stderr.isatty():
        err.print()
    typer.echo(
        f"imported {report.imported} PyPI advisories into {target} "
        f"({report.skipped_withdrawn} withdrawn and {report.not_pypi} of other ecosystems "
        f"skipped, {report.problem_count} unreadable; {report.warning_count} version"
        f"{'' if report.warning_count == 1 else 's'} left out: not PEP 440)"
    )
    for problem in report.problems[:20]:
        err.print(f"  unreadable: {problem}", markup=False)
    if report.problem_count > 20:
        err.print(f"  ... and {report.problem_count - 20} more", markup=False)


@vulndb_app.command("info")
def info(db: DbOption = None) -> None:
    """Show what the local database holds and when it was imported."""
    from botwarden.deps.vulndb import VulnDB, default_path

    with VulnDB(db or default_path()) as database:
        for key, value in sorted(database.meta.items()):
            typer.echo(f"{key}: {value}")
