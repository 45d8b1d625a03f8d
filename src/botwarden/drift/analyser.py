"""The ``drift`` check of ``botwarden audit``: the bot's folder against its ``botwarden.lock``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from botwarden.audit.target import Target
from botwarden.drift.check import DriftOptions, drift_findings
from botwarden.drift.rules import RULES
from botwarden.drift.sign import verify_key
from botwarden.findings import Finding, Rule


class DriftAnalyser:
    """Reports what changed since the lock. A bot with no ``[deploy]`` and no lock has not asked
    for drift tracking and gets no finding; the lock's signature is checked when
    ``$BOTWARDEN_LOCK_VERIFY_KEY`` names a key (or ``verify_key_file`` is given)."""

    name = "drift"
    rules: tuple[Rule, ...] = RULES

    def __init__(self, verify_key_file: Path | None = None) -> None:
        self.verify_key_file = verify_key_file

    def analyse(self, target: Target) -> Iterator[Finding]:
        if target.manifest is None or target.manifest_path is None:
            return  # manifest.missing says it
        options = DriftOptions(verify_key=verify_key(self.verify_key_file))
        yield from drift_findings(target.manifest, target.manifest_path, target.relative, options)
