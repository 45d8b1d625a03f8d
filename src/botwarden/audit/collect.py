"""Turn raw findings into a result: drop exact repeats, apply inline suppressions and baselines.

Kept apart from the runner so that commands which never load a manifest (``iam check``) can use
it without importing the manifest machinery.
"""

from __future__ import annotations

from collections.abc import Iterable

from botwarden.audit.baseline import Baseline
from botwarden.audit.result import AuditResult, Suppressed
from botwarden.audit.suppress import is_suppressed
from botwarden.audit.target import Target
from botwarden.findings import Finding, Rule


def collect_result(
    found: Iterable[Finding],
    target: Target,
    *,
    rules: tuple[Rule, ...],
    analysers: tuple[str, ...],
    baseline: Baseline | None = None,
    display_target: str | None = None,
) -> AuditResult:
    """Findings minus exact repeats, inline suppressions and baselined ones, as a result."""
    kept: list[Finding] = []
    accepted: list[Finding] = []
    inline = 0
    for finding in _unique(list(found)):
        if is_suppressed(finding, target):
            inline += 1
        elif baseline is not None and finding in baseline:
            accepted.append(finding)
        else:
            kept.append(finding)
    return AuditResult(
        target=display_target or target.root.as_posix(),
        findings=tuple(sorted(kept, key=Finding.sort_key)),
        rules=rules,
        analysers=analysers,
        suppressed=Suppressed(baseline=len(accepted), inline=inline),
        baselined=tuple(sorted(accepted, key=Finding.sort_key)),
    )


def _unique(findings: list[Finding]) -> list[Finding]:
    """Drop exact repeats (two analysers reporting one thing in one place); keep occurrences."""
    seen: set[tuple[str, str, int | None]] = set()
    unique = []
    for finding in findings:
        key = (finding.fingerprint, finding.location.path, finding.location.line)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique
