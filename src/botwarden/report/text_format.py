"""The terminal report, rendered with ``rich``.

Finding text is wrapped in :class:`rich.text.Text` objects and never parsed as markup, so a message
such as ``[red]x[/red]`` prints literally; control characters (ANSI escapes, bidi overrides) are
shown as visible escapes so audited files cannot recolour or rewrite the terminal.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from rich.console import Console
from rich.text import Text

from botwarden.audit.result import AuditResult
from botwarden.findings import SEVERITIES_DESCENDING, Finding, Severity
from botwarden.report._text import printable

WIDTH = 100

STYLES: dict[Severity, str] = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "bold yellow",
    Severity.LOW: "bold cyan",
    Severity.INFO: "bold",
}


def render(result: AuditResult, *, color: bool = False) -> str:
    """The report as text; ANSI colour codes only when ``color`` is true."""
    console = _console(color)
    for renderable in _lines(result):
        console.print(renderable)
    output = console.file
    assert isinstance(output, io.StringIO)
    return output.getvalue()


def _console(color: bool) -> Console:
    return Console(
        file=io.StringIO(),
        force_terminal=color,
        color_system="standard" if color else None,
        width=WIDTH,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
        soft_wrap=True,  # one line per message in CI logs; the terminal wraps for people
    )


def _lines(result: AuditResult) -> Iterator[Text]:
    yield Text.assemble(
        (f"botwarden {printable(result.tool_version)}", "bold"),
        f" audit of {printable(result.target)}",
    )
    yield Text()
    if not result.findings:
        yield Text("No findings.", style="bold green")
    for severity in SEVERITIES_DESCENDING:
        group = [finding for finding in result.findings if finding.severity is severity]
        if group:
            yield from _group(severity, group)
    yield summary_line(result)


def _group(severity: Severity, findings: list[Finding]) -> Iterator[Text]:
    yield Text(f"{severity.value.upper()} ({len(findings)})", style=STYLES[severity])
    for finding in findings:
        yield from _finding(finding)
    yield Text()


def _finding(finding: Finding) -> Iterator[Text]:
    yield Text.assemble(
        "  ",
        (printable(str(finding.location)), "bold"),
        "  ",
        (printable(finding.rule), "magenta"),
    )
    yield Text("    " + printable(finding.message))
    if finding.evidence:
        yield Text.assemble(("    evidence: ", "dim"), printable(finding.evidence))
    if finding.remediation:
        yield Text.assemble(("    fix: ", "dim"), printable(finding.remediation))


def summary_line(result: AuditResult) -> Text:
    """``N findings: 1 critical, ...; suppressed: b by baseline, i inline``."""
    total = len(result.findings)
    counts = ", ".join(f"{count} {name}" for name, count in result.summary().items())
    noun = "finding" if total == 1 else "findings"
    suppressed = result.suppressed
    return Text(
        f"{total} {noun}: {counts}; "
        f"suppressed: {suppressed.baseline} by baseline, {suppressed.inline} inline"
    )
