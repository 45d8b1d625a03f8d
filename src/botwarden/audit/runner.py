"""Run analysers over a target, then apply inline suppressions and the baseline."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from botwarden.audit.baseline import Baseline
from botwarden.audit.collect import collect_result
from botwarden.audit.interface import Analyser
from botwarden.audit.registry import default_analysers, select_analysers
from botwarden.audit.result import AuditResult
from botwarden.audit.target import Target
from botwarden.errors import UsageError
from botwarden.findings import Finding
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
