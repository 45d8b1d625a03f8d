"""What every analyser produces: rules, severities, locations and findings.

A finding's fingerprint is computed from fields that survive unrelated edits (the rule, the file and
an analyser-chosen *key* such as the offending value), never from the line number, so that baselines
and SARIF ``partialFingerprints`` keep matching when lines are added above a finding.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """Ordered from least to most severe; comparisons follow that order, not the alphabet."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __lt__(self, other: str) -> bool:
        return self.rank < Severity(other).rank

    def __le__(self, other: str) -> bool:
        return self.rank <= Severity(other).rank

    def __gt__(self, other: str) -> bool:
        return self.rank > Severity(other).rank

    def __ge__(self, other: str) -> bool:
        return self.rank >= Severity(other).rank


_RANK = {severity: rank for rank, severity in enumerate(Severity)}

# Most severe first: the order in which reports list findings.
SEVERITIES_DESCENDING: tuple[Severity, ...] = tuple(sorted(Severity, reverse=True))


@dataclass(frozen=True, slots=True)
class Rule:
    """A documented check. ``id`` is ``namespace.name`` and never changes once released.

    ``category`` is the audit check that owns the rule (``permissions`` for ``iam.*`` rules); it
    defaults to the id's namespace, which is the same word for most checks.
    """

    id: str
    severity: Severity
    title: str
    remediation: str
    description: str = ""
    category: str = ""

    def __post_init__(self) -> None:
        if not self.category:
            object.__setattr__(self, "category", self.id.split(".", 1)[0])


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding is. ``path`` is relative to the audited directory, POSIX style."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


def fingerprint(rule_id: str, path: str, key: str) -> str:
    """A stable identity for a finding: same rule, same file, same offending thing."""
    # surrogatepass: paths of files with undecodable names still get a stable fingerprint
    text = "\0".join((rule_id, path, key))
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return f"sha256:{digest}"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found by an analyser. ``evidence`` must already be redacted."""

    rule: str
    severity: Severity
    message: str
    location: Location
    evidence: str = ""
    remediation: str = ""
    fingerprint: str = field(default="")
    category: str = ""

    def __post_init__(self) -> None:
        if not self.category:
            object.__setattr__(self, "category", self.rule.split(".", 1)[0])

    @classmethod
    def of(
        cls,
        rule: Rule,
        message: str,
        location: Location,
        *,
        key: str,
        evidence: str = "",
        severity: Severity | None = None,
        remediation: str | None = None,
    ) -> Finding:
        """Build a finding for ``rule``; ``key`` names the offending thing for the fingerprint."""
        return cls(
            rule=rule.id,
            severity=severity or rule.severity,
            message=message,
            location=location,
            evidence=evidence,
            remediation=rule.remediation if remediation is None else remediation,
            fingerprint=fingerprint(rule.id, location.path, key),
            category=rule.category,
        )

    def sort_key(self) -> tuple[int, str, int, str]:
        return (-self.severity.rank, self.location.path, self.location.line or 0, self.rule)
