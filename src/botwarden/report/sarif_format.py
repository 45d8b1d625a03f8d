"""The SARIF 2.1.0 report, shaped for GitHub code scanning.

GitHub reads a few things beyond the standard: ``properties.security-severity`` (a CVSS-like score
as a string) to rank security alerts, ``properties.tags`` containing ``security``, and
``partialFingerprints`` to track an alert across commits. Our fingerprint ignores line numbers, so
an alert keeps its identity when code is added above it.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from urllib.parse import quote

from botwarden.audit.result import AuditResult
from botwarden.findings import Finding, Location, Rule, Severity
from botwarden.report._text import scrub

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/botwarden/botwarden"
FINGERPRINT_KEY = "botwarden/v1"
SRCROOT = "%SRCROOT%"

LEVELS: dict[Severity, str] = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}

SECURITY_SEVERITY: dict[Severity, str] = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}

# GitHub's own vocabulary for non-security ranking: error | warning | recommendation.
PROBLEM_SEVERITY: dict[Severity, str] = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "recommendation",
    Severity.INFO: "recommendation",
}


def render(result: AuditResult) -> str:
    """Serialise ``result`` as an indented SARIF log with a trailing newline."""
    return json.dumps(to_sarif(result), indent=2, ensure_ascii=False) + "\n"


def to_sarif(result: AuditResult) -> dict[str, object]:
    """The SARIF log as plain data: one run, every known rule, one result per finding."""
    rules = rules_for(result)
    index = {rule.id: position for position, rule in enumerate(rules)}
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [_run(result, rules, index)],
    }


def rules_for(result: AuditResult) -> list[Rule]:
    """``result.rules`` (deduplicated), plus a minimal rule for any finding whose rule is unknown.

    Every result must point at a rule by ``ruleIndex``; a finding from an analyser whose rule was
    not registered must still be reported rather than dropped.
    """
    rules: dict[str, Rule] = {}
    for rule in result.rules:
        rules.setdefault(rule.id, rule)
    for finding in result.findings:
        if finding.rule not in rules:
            rules[finding.rule] = _minimal_rule(finding)
    return list(rules.values())


def _minimal_rule(finding: Finding) -> Rule:
    return Rule(
        id=finding.rule,
        severity=finding.severity,
        title=finding.rule,
        remediation=finding.remediation,
    )


def _run(result: AuditResult, rules: list[Rule], index: dict[str, int]) -> dict[str, object]:
    return {
        "tool": {
            "driver": {
                "name": "botwarden",
                "version": result.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(rule) for rule in rules],
            }
        },
        "originalUriBaseIds": {
            SRCROOT: {"description": {"text": "The audited directory: " + scrub(result.target)}}
        },
        "columnKind": "unicodeCodePoints",
        "results": [_result(finding, index[finding.rule]) for finding in result.findings],
        "properties": {
            "target": scrub(result.target),
            "analysers": list(result.analysers),
            "suppressed": {
                "baseline": result.suppressed.baseline,
                "inline": result.suppressed.inline,
            },
        },
    }


def rule_descriptor(rule: Rule) -> dict[str, object]:
    """A ``reportingDescriptor`` for one rule, with GitHub's ranking properties."""
    help_text = scrub(rule.remediation or rule.title)
    return {
        "id": rule.id,
        "name": rule_name(rule.id),
        "shortDescription": {"text": scrub(rule.title)},
        "fullDescription": {"text": scrub(rule.description or rule.title)},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "tags": ["security", rule.category],
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "problem.severity": PROBLEM_SEVERITY[rule.severity],
        },
    }


def rule_name(rule_id: str) -> str:
    """The rule's SARIF ``name``: ``iam.privilege-escalation`` -> ``PrivilegeEscalation``.

    GitHub shows ``name`` next to the id, so it is the readable part of the id, not a repeat of it.
    """
    words = re.split(r"[^0-9A-Za-z]+", rule_id.split(".", 1)[-1])
    return "".join(word[:1].upper() + word[1:] for word in words) or "Rule"


def _result(finding: Finding, rule_index: int) -> dict[str, object]:
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": _message(finding)},
        "locations": [{"physicalLocation": physical_location(finding.location)}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"severity": finding.severity.value, "category": finding.category},
    }


def _message(finding: Finding) -> str:
    message = scrub(finding.message)
    if finding.evidence:
        return f"{message} (evidence: {scrub(finding.evidence)})"
    return message


def physical_location(location: Location) -> dict[str, object]:
    """Artifact and, when known, region; SARIF lines and columns start at 1, so 0 means unknown."""
    physical: dict[str, object] = {"artifactLocation": artifact_location(location.path)}
    if location.line is not None and location.line >= 1:
        region: dict[str, int] = {"startLine": location.line}
        if location.column is not None and location.column >= 1:
            region["startColumn"] = location.column
        physical["region"] = region
    return physical


def artifact_location(path: str) -> dict[str, str]:
    """A percent-encoded URI relative to ``%SRCROOT%`` (or a ``file:`` URI for absolute paths)."""
    posix = PurePosixPath(scrub(path) or ".")
    if posix.is_absolute():
        return {"uri": posix.as_uri()}
    return {"uri": quote(posix.as_posix(), safe="/"), "uriBaseId": SRCROOT}
