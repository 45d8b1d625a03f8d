"""Run analysers over a target, then apply inline suppressions and the baseline."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from botwarden.audit.baseline import Baseline
from botwarden.audit.interface import Analyser
from botwarden.audit.registry import default_analysers, select_analysers
from botwarden.audit.result import AuditResult, Suppressed
from botwarden.audit.suppress import is_suppressed
from botwarden.audit.target import Target
from botwarden.errors import UsageError
from botwarden.findings import Finding, Rule
from botwarden.manifest import MANIFEST_NAME, load_manifest

Progress = Callable[[str], None]


def build_target(root: Path, manifest_path: Path | None = None) -> Target:
    """A target for ``root``; the manifest is ``manifest_path`` or ``root/botwarden.toml``."""
    if not root.is_dir():
        raise UsageError(f"{root}: not a directory")
    path = manifest_path or root / MANIFEST_NAME
    if manifest_path is None and not path.is_file():
        return Target(root)
    target = Target(root, manifest_path=path)
    target.manifest = load_manifest(path, display_path=target.relative(path))
    return target


def run_audit(
    target: Target,
    analysers: Iterable[Analyser],
    *,
    baseline: Baseline | None = None,
    display_target: str | None = None,
    progress: Progress | None = None,
) -> AuditResult:
    chosen = list(analysers)
    found: list[Finding] = []
    for analyser in chosen:
        if progress is not None:
            progress(analyser.name)
        found.extend(analyser.analyse(target))
    return collect_result(
        found,
        target,
        rules=tuple(rule for analyser in chosen for rule in analyser.rules),
        analysers=tuple(analyser.name for analyser in chosen),
        baseline=baseline,
        display_target=display_target,
    )


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


def audit(
    root: str | Path,
    *,
    manifest: str | Path | None = None,
    only: Iterable[str] | None = None,
    baseline: str | Path | None = None,
    progress: Progress | None = None,
) -> AuditResult:
    """The whole ``botwarden audit`` as one call, for use from Python."""
    target = build_target(Path(root), Path(manifest) if manifest else None)
    analysers = select_analysers(default_analysers(), only)
    loaded = Baseline.read(Path(baseline)) if baseline else None
    return run_audit(
        target, analysers, baseline=loaded, display_target=str(root), progress=progress
    )
