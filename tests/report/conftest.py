"""Hand-built audit results for the report tests, including hostile and awkward text."""

from __future__ import annotations

import pytest

from botwarden.audit.result import AuditResult, Suppressed
from botwarden.findings import Finding, Location, Rule, Severity

HOSTILE = '<script>alert(1)</script> " onmouseover="alert(2)" [red]x[/red] :smile:'
UNICODE = "Ünïcödé → 🚀 höst"

PRIVESC = Rule(
    id="iam.privilege-escalation",
    severity=Severity.CRITICAL,
    title="Privilege escalation path",
    remediation="Remove iam:PassRole or scope it to one role.",
    description="iam:PassRole with a compute action lets the bot act as another role.",
)
WILDCARD = Rule(
    id="iam.wildcard-action",
    severity=Severity.HIGH,
    title="Wildcard action",
    remediation="List the actions the bot uses.",
)
TOKEN = Rule(
    id="secrets.hardcoded-token",
    severity=Severity.HIGH,
    title="Hard-coded token",
    remediation="Move the token to a secret store.",
)
EGRESS = Rule(
    id="egress.unrestricted",
    severity=Severity.MEDIUM,
    title="Unrestricted egress",
    remediation="List hosts under [bold]egress.allow[/bold].",
)
VULN = Rule(
    id="deps.vulnerable-package",
    severity=Severity.LOW,
    title="Vulnerable dependency",
    remediation="Upgrade the package.",
)
# Deliberately absent from AuditResult.rules: the SARIF report must invent a rule for it.
OPEN_PORT = Rule(
    id="network.open-port",
    severity=Severity.INFO,
    title="Open port",
    remediation="",
)


def _findings() -> list[Finding]:
    return [
        Finding.of(
            PRIVESC,
            "iam:PassRole with ec2:RunInstances on * lets the bot start an instance as any role",
            Location("deploy/policy.json", 7, 3),
            key="PassRole",
            evidence="iam:PassRole, ec2:RunInstances",
        ),
        Finding.of(WILDCARD, "s3:* on bucket", Location("deploy/policy.json", 20), key="s3:*"),
        Finding.of(
            TOKEN,
            HOSTILE,
            Location("config/bot settings.toml", 12),
            key="feedly",
            evidence="ghp_****REDACTED",
        ),
        Finding.of(EGRESS, UNICODE, Location("botwarden.toml"), key="egress"),
        Finding.of(VULN, "requests 2.0 has CVE-2099-0001", Location("uv.lock", 3), key="req"),
        Finding.of(
            OPEN_PORT, "port 8080 is \x1b[31mopen\u202e", Location("Dockerfile", 9, 1), key="8080"
        ),
    ]


@pytest.fixture
def result() -> AuditResult:
    """Six findings over every severity, one of them from an unregistered rule."""
    return AuditResult(
        target="examples/bibliobot",
        findings=tuple(sorted(_findings(), key=Finding.sort_key)),
        rules=(PRIVESC, WILDCARD, TOKEN, EGRESS, VULN),
        analysers=("iam", "secrets", "egress", "deps"),
        suppressed=Suppressed(baseline=3, inline=1),
        tool_version="0.1.0",
    )


@pytest.fixture
def empty_result() -> AuditResult:
    """A clean audit: no findings, but rules and suppressions still reported."""
    return AuditResult(
        target="examples/clean",
        findings=(),
        rules=(PRIVESC, TOKEN),
        suppressed=Suppressed(baseline=2, inline=0),
        tool_version="0.1.0",
    )


@pytest.fixture(params=["result", "empty_result"])
def any_result(request: pytest.FixtureRequest) -> AuditResult:
    """Both results, for properties that must hold whatever was found."""
    value = request.getfixturevalue(request.param)
    assert isinstance(value, AuditResult)
    return value


@pytest.fixture
def hostile() -> str:
    return HOSTILE


@pytest.fixture
def unicode_text() -> str:
    return UNICODE
