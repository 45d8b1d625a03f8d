"""The JSON report: the documented machine contract (see ``docs/output.md``).

Keys are emitted in a fixed order and every key is always present (``null`` when unknown), so
consumers can rely on the shape and diffs between runs stay small.
"""

from __future__ import annotations

import json

from botwarden.audit.result import AuditResult
from botwarden.findings import Finding, Location
from botwarden.report._text import scrub

TOOL_NAME = "botwarden"


def render(result: AuditResult) -> str:
    """Serialise ``result`` as indented JSON with a trailing newline."""
    return json.dumps(to_json(result), indent=2, ensure_ascii=False) + "\n"


def to_json(result: AuditResult) -> dict[str, object]:
    """The report as plain data, in contract key order."""
    return {
        "tool": {"name": TOOL_NAME, "version": result.tool_version},
        "target": scrub(result.target),
        "findings": [finding_to_json(finding) for finding in result.findings],
        "summary": result.summary(),
        "suppressed": {
            "baseline": result.suppressed.baseline,
            "inline": result.suppressed.inline,
        },
        "analysers": list(result.analysers),
    }


def finding_to_json(finding: Finding) -> dict[str, object]:
    """One finding; ``category`` is the audit check that owns its rule."""
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "category": finding.category,
        "message": scrub(finding.message),
        "location": _location(finding.location),
        "evidence": scrub(finding.evidence),
        "remediation": scrub(finding.remediation),
        "fingerprint": finding.fingerprint,
    }


def _location(location: Location) -> dict[str, object]:
    return {"path": scrub(location.path), "line": location.line, "column": location.column}
