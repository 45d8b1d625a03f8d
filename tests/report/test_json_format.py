"""The JSON contract, compared as parsed data against an expected document."""

from __future__ import annotations

import dataclasses
import json

import pytest

from botwarden.findings import Location, fingerprint
from botwarden.report import json_format


def _expected(hostile: str, unicode_text: str) -> dict[str, object]:
    """The whole document as data; fingerprints are sha256(rule, path, key), never the line."""
    privesc_message = (
        "iam:PassRole with ec2:RunInstances on * lets the bot start an instance as any role"
    )
    return {
        "tool": {"name": "botwarden", "version": "0.1.0"},
        "target": "examples/bibliobot",
        "findings": [
            {
                "rule": "iam.privilege-escalation",
                "severity": "critical",
                "category": "iam",
                "message": privesc_message,
                "location": {"path": "deploy/policy.json", "line": 7, "column": 3},
                "evidence": "iam:PassRole, ec2:RunInstances",
                "remediation": "Remove iam:PassRole or scope it to one role.",
                "fingerprint": fingerprint(
                    "iam.privilege-escalation", "deploy/policy.json", "PassRole"
                ),
            },
            {
                "rule": "secrets.hardcoded-token",
                "severity": "high",
                "category": "secrets",
                "message": hostile,
                "location": {"path": "config/bot settings.toml", "line": 12, "column": None},
                "evidence": "ghp_****REDACTED",
                "remediation": "Move the token to a secret store.",
                "fingerprint": fingerprint(
                    "secrets.hardcoded-token", "config/bot settings.toml", "feedly"
                ),
            },
            {
                "rule": "iam.wildcard-action",
                "severity": "high",
                "category": "iam",
                "message": "s3:* on bucket",
                "location": {"path": "deploy/policy.json", "line": 20, "column": None},
                "evidence": "",
                "remediation": "List the actions the bot uses.",
                "fingerprint": fingerprint("iam.wildcard-action", "deploy/policy.json", "s3:*"),
            },
            {
                "rule": "egress.unrestricted",
                "severity": "medium",
                "category": "egress",
                "message": unicode_text,
                "location": {"path": "botwarden.toml", "line": None, "column": None},
                "evidence": "",
                "remediation": "List hosts under [bold]egress.allow[/bold].",
                "fingerprint": fingerprint("egress.unrestricted", "botwarden.toml", "egress"),
            },
            {
                "rule": "deps.vulnerable-package",
                "severity": "low",
                "category": "deps",
                "message": "requests 2.0 has CVE-2099-0001",
                "location": {"path": "uv.lock", "line": 3, "column": None},
                "evidence": "",
                "remediation": "Upgrade the package.",
                "fingerprint": fingerprint("deps.vulnerable-package", "uv.lock", "req"),
            },
            {
                "rule": "network.open-port",
                "severity": "info",
                "category": "network",
                "message": "port 8080 is \x1b[31mopen\u202e",
                "location": {"path": "Dockerfile", "line": 9, "column": 1},
                "evidence": "",
                "remediation": "",
                "fingerprint": fingerprint("network.open-port", "Dockerfile", "8080"),
            },
        ],
        "summary": {"critical": 1, "high": 2, "medium": 1, "low": 1, "info": 1},
        "suppressed": {"baseline": 3, "inline": 1},
        "analysers": ["iam", "secrets", "egress", "deps"],
    }


def test_document_matches_the_contract(result, hostile, unicode_text) -> None:
    assert json.loads(json_format.render(result)) == _expected(hostile, unicode_text)


def test_empty_result(empty_result) -> None:
    assert json.loads(json_format.render(empty_result)) == {
        "tool": {"name": "botwarden", "version": "0.1.0"},
        "target": "examples/clean",
        "findings": [],
        "summary": {"critical": 0, "high": 0, "medium": 0, "low": 0, "info": 0},
        "suppressed": {"baseline": 2, "inline": 0},
        "analysers": [],
    }


def test_key_order_is_stable(result) -> None:
    data = json.loads(json_format.render(result))
    assert list(data) == ["tool", "target", "findings", "summary", "suppressed", "analysers"]
    assert list(data["findings"][0]) == [
        "rule",
        "severity",
        "category",
        "message",
        "location",
        "evidence",
        "remediation",
        "fingerprint",
    ]
    assert list(data["summary"]) == ["critical", "high", "medium", "low", "info"]


def test_layout_is_indented_with_trailing_newline(any_result) -> None:
    text = json_format.render(any_result)
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def test_unicode_is_written_readably(result, unicode_text) -> None:
    assert unicode_text in json_format.render(result)


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        (Location("a.py", 3, 4), {"path": "a.py", "line": 3, "column": 4}),
        (Location("a.py", 3), {"path": "a.py", "line": 3, "column": None}),
        (Location("a.py"), {"path": "a.py", "line": None, "column": None}),
        (
            Location("dir/with space/ü.toml", 1),
            {"path": "dir/with space/ü.toml", "line": 1, "column": None},
        ),
    ],
)
def test_location_always_has_every_key(
    location: Location, expected: dict[str, object], result
) -> None:
    moved = dataclasses.replace(result.findings[0], location=location)
    assert json_format.finding_to_json(moved)["location"] == expected


def test_findings_keep_the_result_order(result) -> None:
    data = json.loads(json_format.render(result))
    assert [item["fingerprint"] for item in data["findings"]] == [
        f.fingerprint for f in result.findings
    ]
