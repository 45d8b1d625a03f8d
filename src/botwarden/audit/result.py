"""The outcome of one audit run, which every report format renders."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from botwarden._version import __version__
from botwarden.findings import Finding, Rule, Severity


@dataclass(frozen=True, slots=True)
class Suppressed:
    """How many findings were accepted, and by what, so a report can say so."""

    baseline: int = 0
    inline: int = 0


@dataclass(frozen=True, slots=True)
class AuditResult:
    """Findings (most severe first), the rules that could have fired, and what was suppressed."""

    target: str
    findings: tuple[Finding, ...]
    rules: tuple[Rule, ...]
    analysers: tuple[str, ...] = ()
    suppressed: Suppressed = field(default_factory=Suppressed)
    tool_version: str = __version__
    baselined: tuple[Finding, ...] = ()  # accepted by the baseline; kept to refresh it

    def summary(self) -> dict[str, int]:
        counts = Counter(finding.severity for finding in self.findings)
        return {severity.value: counts.get(severity, 0) for severity in reversed(Severity)}

    def at_or_above(self, threshold: Severity) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity >= threshold]
