"""``botwarden secrets scan`` as one call: scan paths, then apply inline ignores and a baseline
exactly as ``botwarden audit`` does, so one baseline file serves both commands."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from botwarden.audit.baseline import Baseline
from botwarden.audit.collect import collect_result
from botwarden.audit.result import AuditResult
from botwarden.audit.target import Target
from botwarden.secrets.rule import SecretRule
from botwarden.secrets.scan.context import ScanConfig
from botwarden.secrets.scan.engine import Progress, ScanOutcome, SecretScanner, load_rules
from botwarden.secrets.scan.files import ScanFile, walk
from botwarden.secrets.scan.findings import AWS_REPORT_RULES, HISTORY_RULES, RULES
from botwarden.secrets.scan.history import merge_history, scan_history
from botwarden.secrets.staleness import UNUSED_AFTER, utc_now
from botwarden.secrets.staleness import credential_report as read_credential_report


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
    history: bool = False,
    credential_report: Path | None = None,
    max_key_age: timedelta = UNUSED_AFTER,
    now: datetime | None = None,
) -> tuple[AuditResult, ScanOutcome]:
    """Scan ``paths`` (findings name files as given, relative to the working directory); with
    ``history``, also every commit of the git repositories holding them; with
    ``credential_report``, also the access keys of an AWS IAM credential report (CSV)."""
    scanner = SecretScanner(load_rules() if rules is None else rules, scan_config(paths, config))
    outcome = scanner.scan_files(walk(paths) if files is None else files, jobs=jobs,
                                 progress=progress)  # fmt: skip
    found = outcome.findings
    if history:
        for path in paths:
            hits, prefix = scan_history(scanner, path)
            found = merge_history(found, hits, prefix)
    reported = RULES + HISTORY_RULES if history else RULES
    if credential_report is not None:
        found = [*found, *read_credential_report(credential_report, now or utc_now(),
                                                 max_key_age=max_key_age)]  # fmt: skip
        reported += AWS_REPORT_RULES
    result = collect_result(
        found,
        Target(Path.cwd()),
        rules=reported,
        analysers=("secrets",),
        baseline=baseline,
        display_target=" ".join(path.as_posix() for path in paths),
    )
    return result, outcome
