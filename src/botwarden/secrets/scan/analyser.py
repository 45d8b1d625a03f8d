"""The ``secrets`` check of ``botwarden audit``: the scanner over every file of the bot's folder,
and the age of each secret the manifest declares with a ``max_age``."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from botwarden.audit.target import Target
from botwarden.findings import Finding, Rule
from botwarden.secrets.rule import SecretRule
from botwarden.secrets.scan.context import ScanConfig
from botwarden.secrets.scan.engine import SecretScanner, load_rules
from botwarden.secrets.scan.files import ScanFile, filter_ignored
from botwarden.secrets.scan.findings import (
    AWS_REPORT_RULES,
    HISTORY_RULES,
    RULES,
    STALENESS_RULES,
)
from botwarden.secrets.staleness import Clock, staleness, utc_now


class SecretsAnalyser:
    """Reports ``secrets.hardcoded`` for credentials written in the target's files, and
    ``secrets.stale`` / ``secrets.due`` for the manifest's secrets past or near their ``max_age``.

    Honours the target root's ``.botwarden-ignore`` and ``.botwarden-secrets.toml``; inline
    ``botwarden:ignore`` markers and baselines are applied by the audit, as for every check.
    """

    name = "secrets"
    # the history and credential-report rules run in ``botwarden secrets scan`` only; they are
    # listed here because this check owns the ``secrets`` category
    rules: tuple[Rule, ...] = RULES + STALENESS_RULES + HISTORY_RULES + AWS_REPORT_RULES

    def __init__(
        self,
        secret_rules: Sequence[SecretRule] | None = None,
        jobs: int = 0,
        clock: Clock = utc_now,
    ) -> None:
        self._secret_rules = secret_rules
        self._jobs = jobs or _cpus()
        self._clock = clock

    def analyse(self, target: Target) -> Iterator[Finding]:
        rules = load_rules() if self._secret_rules is None else self._secret_rules
        scanner = SecretScanner(rules, ScanConfig.at(target.root))
        files = [
            ScanFile(path, shown, shown)
            for path in filter_ignored(target.files(), target.root)
            for shown in (target.relative(path),)
        ]
        yield from scanner.scan_files(files, jobs=self._jobs).findings
        if target.manifest is not None:
            base = target.manifest_path.parent if target.manifest_path else target.root
            yield from staleness(target.manifest, Path(base), self._clock())


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
