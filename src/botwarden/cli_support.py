"""What every command shares: the stderr console, exit codes, writing output, the progress bar."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from botwarden.audit.result import AuditResult
from botwarden.errors import ReportError
from botwarden.findings import Severity
from botwarden.report import ReportFormat

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

err = Console(stderr=True, highlight=False, soft_wrap=True)

# The report options every findings command takes, spelled once.
FormatOption = Annotated[ReportFormat, typer.Option("--format", help="text, json, sarif or html.")]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here.")]
FailOnOption = Annotated[
    Severity, typer.Option(help="Exit 1 when a finding is at least this severe.")
]


def cpus() -> int:
    """The cores this process may run on: the default number of workers."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def exit_code(result: AuditResult, fail_on: Severity) -> int:
    return EXIT_FINDINGS if result.at_or_above(fail_on) else EXIT_CLEAN


def emit(text: str, output: Path | None) -> None:
    """Write a report to stdout, or to ``output`` (an unwritable file is an input error)."""
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"{output}: cannot be written: {exc.strerror or exc}") from None


@contextmanager
def progress(total: int, label: str = "auditing") -> Iterator[Callable[[str], None]]:
    """A transient progress bar on stderr, shown only when a person is watching."""
    if not sys.stderr.isatty():
        yield lambda _name: None
        return
    from rich.progress import Progress

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task(label, total=total)

        def advance(name: str) -> None:
            bar.update(task, advance=1, description=f"checking {name}")

        yield advance
