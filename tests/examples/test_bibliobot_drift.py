"""bibliobot's committed botwarden.lock is its reviewed state: the tree as it is, except that
config/settings.toml lacks the summaries_api_url lines the logic update added after review. So
the audit reports exactly that drift, naming the key and no value.

If another change to the example's deployed files makes ``test_the_lock_is_the_reviewed_state``
fail, regenerate the lock from the reviewed state with::

    .venv/bin/python -c 'from tests.examples.test_bibliobot_drift import relock; relock()'
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from botwarden import cli
from botwarden.audit.registry import default_analysers
from botwarden.audit.runner import build_target, run_audit
from botwarden.drift import make_lock
from botwarden.manifest import load_manifest

BOT_DIR = Path(__file__).resolve().parents[2] / "examples" / "bibliobot"
DRIFTED = re.compile(r"# MISTAKE: the logic update[^\n]*\n#[^\n]*\nsummaries_api_url = [^\n]*\n\n")


def reviewed_copy(folder: Path) -> Path:
    """The example as it was reviewed: its settings without the summaries_api_url lines."""
    copy = folder / "bibliobot"
    shutil.copytree(BOT_DIR, copy, ignore=shutil.ignore_patterns(".cache", "out", "__pycache__"))
    settings = copy / "config" / "settings.toml"
    text = settings.read_text(encoding="utf-8")
    reviewed, count = DRIFTED.subn("", text)
    assert count == 1, "config/settings.toml no longer holds the drifted summaries_api_url lines"
    settings.write_text(reviewed, encoding="utf-8")
    return copy


def reviewed_lock_text(folder: Path) -> str:
    copy = reviewed_copy(folder)
    manifest = copy / "botwarden.toml"
    return make_lock(load_manifest(manifest), manifest, None).to_text()


def relock() -> None:  # pragma: no cover - a maintenance helper, see the module docstring
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        text = reviewed_lock_text(Path(folder))
    (BOT_DIR / "botwarden.lock").write_text(text, encoding="utf-8")


def test_the_lock_is_the_reviewed_state(tmp_path: Path) -> None:
    committed = (BOT_DIR / "botwarden.lock").read_text(encoding="utf-8")
    assert committed == reviewed_lock_text(tmp_path), "regenerate it: see the module docstring"


def test_audit_reports_the_drifted_settings_by_key_name_only() -> None:
    result = run_audit(build_target(BOT_DIR), default_analysers())
    drift = [f for f in result.findings if f.category == "drift"]
    assert [(f.rule, f.location.path) for f in drift] == [
        ("drift.file-changed", "config/settings.toml")
    ]
    (finding,) = drift
    assert "keys added: summaries_api_url" in finding.message
    assert "summarize-it" not in finding.message + finding.evidence


def test_reviewed_tree_has_no_drift(tmp_path: Path) -> None:
    copy = reviewed_copy(tmp_path)
    shutil.copy(BOT_DIR / "botwarden.lock", copy / "botwarden.lock")
    result = run_audit(build_target(copy), default_analysers())
    assert [f.rule for f in result.findings if f.category == "drift"] == []


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_drift_command_on_the_example(
    output_format: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.run(["drift", str(BOT_DIR), "--format", output_format])
    out = capsys.readouterr().out
    assert code == 1
    if output_format == "json":
        rules = {f["rule"] for f in json.loads(out)["findings"]}
        assert {"drift.file-changed", "iam.over-privileged"} <= rules
    else:
        assert "config/settings.toml  drift.file-changed" in out
