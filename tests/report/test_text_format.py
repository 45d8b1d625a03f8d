"""The terminal report: plain without colour, literal markup, grouped by severity."""

from __future__ import annotations

import re

import pytest

from botwarden.report import text_format
from botwarden.report._text import printable

ANSI = re.compile(r"\x1b\[")


def test_no_escape_sequences_without_color(any_result) -> None:
    assert "\x1b" not in text_format.render(any_result, color=False)


def test_color_uses_ansi(result) -> None:
    assert ANSI.search(text_format.render(result, color=True))


@pytest.mark.parametrize(
    "expected",
    [
        "iam.privilege-escalation",
        "secrets.hardcoded-token",
        "network.open-port",
        "deploy/policy.json:7:3",
        "config/bot settings.toml:12",
        "  botwarden.toml  egress.unrestricted",
        "evidence: iam:PassRole, ec2:RunInstances",
        "fix: Remove iam:PassRole or scope it to one role.",
        "botwarden 0.1.0 audit of examples/bibliobot",
    ],
)
def test_content(expected, result) -> None:
    assert expected in text_format.render(result)


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize(
    "literal",
    ["[red]x[/red]", ":smile:", "fix: List hosts under [bold]egress.allow[/bold]."],
)
def test_markup_in_finding_text_is_printed_literally(literal, color, result) -> None:
    plain = ANSI.sub("", re.sub(r"\x1b\[[0-9;]*m", "", text_format.render(result, color=color)))
    assert literal in plain


def test_control_characters_are_shown_not_executed(result) -> None:
    output = text_format.render(result, color=True)
    assert "\\x1b[31mopen\\u202e" in output
    assert "\u202e" not in output
    assert "\x1b[31mopen" not in output


def test_groups_most_severe_first(result) -> None:
    output = text_format.render(result)
    headings = re.findall(r"^([A-Z]+) \((\d+)\)$", output, flags=re.MULTILINE)
    assert headings == [
        ("CRITICAL", "1"),
        ("HIGH", "2"),
        ("MEDIUM", "1"),
        ("LOW", "1"),
        ("INFO", "1"),
    ]


def test_summary_line(result) -> None:
    assert text_format.render(result).splitlines()[-1] == (
        "6 findings: 1 critical, 2 high, 1 medium, 1 low, 1 info; "
        "suppressed: 3 by baseline, 1 inline"
    )


def test_no_findings(empty_result) -> None:
    lines = text_format.render(empty_result).splitlines()
    assert "No findings." in lines
    assert lines[-1] == (
        "0 findings: 0 critical, 0 high, 0 medium, 0 low, 0 info; "
        "suppressed: 2 by baseline, 0 inline"
    )


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain", "plain"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("\x1b[2J", "\\x1b[2J"),
        ("bell\x07", "bell\\x07"),
        ("c1\x9b", "c1\\x9b"),
        ("rtl\u202egnp.exe", "rtl\\u202egnp.exe"),
        ("isolate\u2066", "isolate\\u2066"),
        ("lone\udcff", "lone\ufffd"),
        ("Ünïcödé 🚀", "Ünïcödé 🚀"),
    ],
)
def test_printable(raw, shown) -> None:
    assert printable(raw) == shown
