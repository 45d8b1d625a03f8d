"""``botwarden secrets scan`` as one call: scan paths, then apply inline ignores and a baseline
exactly as ``botwarden audit`` does, so one baseline file serves both commands."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from botwarden.audit.baseline import Baseline
from botwarden.audit.collect import collect_result
from botwarden.audit.result import AuditResult
from botwarden.audit.target import Target
from botwarden.secrets.rule import SecretRule
from botwarden.secrets.scan.context import ScanConfig
from botwarden.secrets.scan.engine import Progress, ScanOutcome, SecretScanner, load_rules
from botwarden.secrets.scan.files import ScanFile, walk
from botwarden.secrets.scan.findings import RULES


def scan_config(paths: Sequence[Path], config: Path | None) -> ScanConfig:
    """``config`` when given, else ``.botwarden-secrets.toml`` in the one folder scanned."""
    if config is not None:
        return ScanConfig.read(config)
    folders = [path for path in paths if path.is_dir()]
    return ScanConfig.at(folders[0]) if len(folders) == 1 else ScanConfig()


def scan_paths(
    paths: Sequence[Path],
    *,
    rules: Sequence[SecretRule] | None = None,
    config: Path | None = None,
    baseline: Baseline | None = None,
    jobs: int = 1,
    files: Sequence[ScanFile] | None = None,
    progress: Progress | None = None,
) -> tuple[AuditResult, ScanOutcome]:
    """Scan ``paths`` (findings name files as given, relative to the working directory)."""
    scanner = SecretScanner(load_rules() if rules is None else rules, scan_config(paths, config))
    outcome = scanner.scan_files(walk(paths) if files is None else files, jobs=jobs,
                                 progress=progress)  # fmt: skip
    result = collect_result(
        outcome.findings,
        Target(Path.cwd()),
        rules=RULES,
        analysers=("secrets",),
        baseline=baseline,
        display_target=" ".join(path.as_posix() for path in paths),
    )
    return result, outcome
