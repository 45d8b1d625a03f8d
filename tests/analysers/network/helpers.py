"""Shared by the network and container tests: write files into a folder and audit it."""

from __future__ import annotations

from pathlib import Path

from botwarden.audit.interface import Analyser
from botwarden.audit.runner import build_target
from botwarden.findings import Finding

MANIFEST = """\
schema_version = 1
[bot]
name = "netbot"
owner = "team"
[egress]
allow = [{allow}]
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run(analyser: Analyser, root: Path) -> list[Finding]:
    return list(analyser.analyse(build_target(root)))


def triples(findings: list[Finding]) -> set[tuple[str, str, int | None]]:
    return {(f.rule, f.severity.value, f.location.line) for f in findings}
