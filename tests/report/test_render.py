"""The dispatcher: every format is reachable, unknown ones fail with a ReportError."""

from __future__ import annotations

import pytest

from botwarden.audit.result import AuditResult, Suppressed
from botwarden.errors import ReportError
from botwarden.findings import Finding, Location, Rule, Severity
from botwarden.report import (
    ReportFormat,
    html_format,
    json_format,
    render,
    sarif_format,
    text_format,
)


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        (ReportFormat.TEXT, text_format.render),
        (ReportFormat.JSON, json_format.render),
        (ReportFormat.SARIF, sarif_format.render),
        (ReportFormat.HTML, html_format.render),
    ],
)
def test_each_format_dispatches_to_its_module(fmt, expected, result) -> None:
    assert render(result, fmt) == expected(result)


@pytest.mark.parametrize("fmt", list(ReportFormat))
def test_every_format_ends_with_a_newline(fmt, any_result) -> None:
    assert render(any_result, fmt).endswith("\n")


def test_format_values_match_the_cli_choices() -> None:
    assert [member.value for member in ReportFormat] == ["text", "json", "sarif", "html"]


def test_plain_string_is_accepted(result) -> None:
    assert render(result, "json") == json_format.render(result)  # type: ignore[arg-type]


def test_unknown_format_is_a_report_error(result) -> None:
    with pytest.raises(ReportError, match="unknown report format 'xml'") as info:
        render(result, "xml")  # type: ignore[arg-type]
    assert info.value.hint is not None
    assert "sarif" in info.value.hint


def test_color_only_changes_text(result) -> None:
    assert render(result, ReportFormat.JSON, color=True) == render(result, ReportFormat.JSON)
    assert render(result, ReportFormat.TEXT, color=True) != render(result, ReportFormat.TEXT)


@pytest.mark.parametrize("fmt", list(ReportFormat))
def test_undecodable_text_still_encodes_as_utf8(fmt) -> None:
    """A lone surrogate (from bytes that did not decode) must not make the report unwritable."""
    rule = Rule("secrets.token", Severity.HIGH, "Token", "Rotate it.")
    finding = Finding(
        rule=rule.id,
        severity=rule.severity,
        message="bad byte \udcff here",
        location=Location("a\udcff.txt", 1),
        evidence="\udcff",
        fingerprint="sha256:0",
    )
    audit = AuditResult("t\udcff", (finding,), (rule,), suppressed=Suppressed())
    output = render(audit, fmt)
    output.encode("utf-8")
    assert "\ufffd" in output or "\\ufffd" in output
