"""The README's promises: two quick-start commands that CI really runs, and a valid example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from botwarden.analysers.manifest_hygiene import ManifestAnalyser
from botwarden.audit.target import Target
from botwarden.errors import ManifestError
from botwarden.manifest import parse_manifest

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_second() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", quick_start, flags=re.DOTALL)
    assert len(commands) == 2
    audit, test = commands
    assert audit.endswith("botwarden audit examples/bibliobot")
    assert test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_manifest_example_is_valid_and_clean() -> None:
    (example,) = [block for block in blocks("toml") if "schema_version" in block]
    manifest = parse_manifest(example, "README.md")
    assert list(ManifestAnalyser().analyse(Target(ROOT, manifest=manifest))) == []


def test_validate_example_shows_the_real_message_for_the_example() -> None:
    """The console sample is what validate prints for the example with cool_down mistyped."""
    (example,) = [block for block in blocks("toml") if "schema_version" in block]
    (console,) = blocks("console")
    broken = example.replace('cool_down = "15m"', 'cool_down = "30 dayz"')
    with pytest.raises(ManifestError) as caught:
        parse_manifest(broken)
    assert console.splitlines()[1] == f"botwarden: error: {caught.value.diagnostics()[0]}"
