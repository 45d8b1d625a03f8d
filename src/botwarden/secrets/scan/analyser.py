"""The ``secrets`` check of ``botwarden audit``: the scanner over every file of the bot's folder."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

from botwarden.audit.target import Target
from botwarden.findings import Finding, Rule
from botwarden.secrets.rule import SecretRule
from botwarden.secrets.scan.context import ScanConfig
from botwarden.secrets.scan.engine import SecretScanner, load_rules
from botwarden.secrets.scan.files import ScanFile, filter_ignored
from botwarden.secrets.scan.findings import RULES


class SecretsAnalyser:
    """Reports ``secrets.hardcoded`` for credentials written in the target's files.

    Honours the target root's ``.botwarden-ignore`` and ``.botwarden-secrets.toml``; inline
    ``botwarden:ignore`` markers and baselines are applied by the audit, as for every check.
    """

    name = "secrets"
    rules: tuple[Rule, ...] = RULES

    def __init__(self, secret_rules: Sequence[SecretRule] | None = None, jobs: int = 0) -> None:
        self._secret_rules = secret_rules
        self._jobs = jobs or _cpus()

    def analyse(self, target: Target) -> Iterator[Finding]:
        rules = load_rules() if self._secret_rules is None else self._secret_rules
        scanner = SecretScanner(rules, ScanConfig.at(target.root))
        files = [
            ScanFile(path, shown, shown)
            for path in filter_ignored(target.files(), target.root)
            for shown in (target.relative(path),)
        ]
        yield from scanner.scan_files(files, jobs=self._jobs).findings


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
