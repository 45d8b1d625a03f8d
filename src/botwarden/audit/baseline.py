"""Baselines: accept the findings a team has reviewed, by fingerprint, so only new ones fail CI.

Fingerprints do not include line numbers, so a baseline keeps matching as files are edited.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from botwarden.errors import BaselineError
from botwarden.findings import Finding

BASELINE_VERSION = 1


@dataclass(frozen=True, slots=True)
class Baseline:
    fingerprints: frozenset[str]

    def __contains__(self, finding: object) -> bool:
        return isinstance(finding, Finding) and finding.fingerprint in self.fingerprints

    @classmethod
    def read(cls, path: Path) -> Baseline:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BaselineError(f"{path}: no such baseline file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise BaselineError(f"{path}: cannot be read: {exc}") from None
        except json.JSONDecodeError as exc:
            raise BaselineError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
        except RecursionError:
            raise BaselineError(f"{path}: JSON nested too deeply to be a baseline") from None
        entries = data.get("findings") if isinstance(data, dict) else None
        if not isinstance(entries, list) or data.get("version") != BASELINE_VERSION:
            raise BaselineError(
                f"{path}: not a botwarden baseline (expected 'version': {BASELINE_VERSION} "
                "and a 'findings' list)",
                hint="write one with 'botwarden audit --write-baseline FILE'",
            )
        prints = {entry.get("fingerprint") for entry in entries if isinstance(entry, dict)}
        return cls(frozenset(p for p in prints if isinstance(p, str)))


def write_baseline(path: Path, findings: Iterable[Finding]) -> None:
    entries = sorted(
        (
            {"fingerprint": f.fingerprint, "rule": f.rule, "path": f.location.path,
             "message": f.message}
            for f in findings
        ),
        key=lambda entry: (entry["path"], entry["rule"], entry["fingerprint"]),
    )  # fmt: skip
    document = {"tool": "botwarden", "version": BASELINE_VERSION, "findings": entries}
    try:
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"{path}: cannot be written: {exc.strerror or exc}") from None
