"""``botwarden deps scan`` and ``botwarden vulndb import|info`` end to end, on real files."""

from __future__ import annotations

import importlib.metadata
import json
import sys
import zipfile
from pathlib import Path

import pytest

from botwarden import cli

OSV = Path(__file__).parent / "deps" / "data" / "osv"
EXAMPLE = Path(__file__).parents[1] / "examples" / "bibliobot"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def project(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "bot"
    folder.mkdir()
    (folder / "requirements.txt").write_text(text, encoding="utf-8")
    return folder


def test_import_then_scan_reports_each_advisory(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "vulndb.sqlite"
    code, out, err = run(capsys, "vulndb", "import", str(OSV), "--db", str(db))
    assert code == 0
    assert "imported 8 PyPI advisories" in out
    assert "1 withdrawn and 1 of other ecosystems skipped, 1 unreadable" in out
    assert "1 version left out" in out
    assert "BROKEN-0001.json" in err
    folder = project(tmp_path, "requests==2.25.1\nPyYAML==5.4\nflask>=2\n")
    code, out, _ = run(capsys, "deps", "scan", str(folder), "--db", str(db), "--format", "json")
    assert code == 1
    found = json.loads(out)["findings"]
    assert sorted((f["rule"], f["location"]["line"]) for f in found) == [
        ("deps.unpinned", 3),
        ("deps.vulnerable", 1),
        ("deps.vulnerable", 1),
        ("deps.vulnerable", 1),
    ]
    assert all(f["category"] == "dependencies" for f in found)


@pytest.mark.parametrize("form", ["folder", "zip"])
def test_an_export_can_be_used_directly(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, form: str
) -> None:
    source = OSV
    if form == "zip":
        source = tmp_path / "all.zip"
        with zipfile.ZipFile(source, "w") as archive:
            for path in OSV.glob("*.json"):
                archive.write(path, path.name)
    folder = project(tmp_path, "pyyaml==5.3\n")
    code, out, _ = run(capsys, "deps", "scan", str(folder), "--db", str(source), "--format", "json")
    assert code == 1
    assert len(json.loads(out)["findings"]) == 2


def test_fail_on_and_inline_suppression(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = project(tmp_path, "requests==2.25.1  # botwarden:ignore[deps.vulnerable] reviewed\n")
    code, out, _ = run(capsys, "deps", "scan", str(folder), "--db", str(OSV), "--format", "json")
    assert (code, json.loads(out)["findings"]) == (0, [])
    assert json.loads(out)["suppressed"]["inline"] == 3
    folder2 = tmp_path / "b"
    folder2.mkdir()
    (folder2 / "requirements.txt").write_text("requests==2.31.0\n")
    assert run(capsys, "deps", "scan", str(folder2), "--db", str(OSV), "--fail-on", "high")[0] == 0


def test_no_database_is_a_finding_not_a_pass(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = project(tmp_path, "requests==2.25.1\n")
    code, out, _ = run(capsys, "deps", "scan", str(folder), "--format", "json")
    assert code == 1
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["deps.no-database"]


def test_a_project_mirror_is_found(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = project(tmp_path, "pyyaml==5.3\n")
    (folder / "osv").mkdir()
    for name in ("GHSA-8q59-q68h-6hv4.json", "GHSA-6757-jp84-gxfx.json"):
        (folder / "osv" / name).write_bytes((OSV / name).read_bytes())
    code, out, _ = run(capsys, "deps", "scan", str(folder), "--format", "json")
    assert code == 1
    assert {f["rule"] for f in json.loads(out)["findings"]} == {"deps.vulnerable"}


def test_installed_environment_is_read(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """An advisory against every version of ``packaging`` finds the copy this Python has."""
    osv = tmp_path / "osv"
    osv.mkdir()
    record = {
        "id": "TEST-ENV-0001",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "packaging"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}],
            }
        ],
    }
    (osv / "TEST-ENV-0001.json").write_text(json.dumps(record))
    folder = tmp_path / "empty"
    folder.mkdir()
    argv = ["deps", "scan", str(folder), "--env", sys.executable, "--db", str(osv)]
    code, out, _ = run(capsys, *argv, "--format", "json")
    assert code == 1
    (finding,) = json.loads(out)["findings"]
    assert finding["rule"] == "deps.vulnerable"
    assert finding["evidence"] == f"packaging=={importlib.metadata.version('packaging')}"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["deps", "scan", "/nonexistent/x"], "/nonexistent/x: no such file or folder"),
        (["deps", "scan", ".", "--db", "/nonexistent.zip"], "no such file or folder"),
        (["vulndb", "import", "/nonexistent.zip"], "/nonexistent.zip: no such file or folder"),
        (["vulndb", "info", "--db", "/nonexistent.sqlite"], "botwarden vulndb import"),
    ],
)
def test_input_errors_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_the_example_bot_pins_are_reported_by_audit(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "audit", str(EXAMPLE), "--only", "dependencies", "--format", "json")
    assert code == 1
    found = json.loads(out)["findings"]
    assert {(f["location"]["path"], f["evidence"]) for f in found} == {
        ("deploy/requirements.txt", "requests==2.25.1"),
        ("deploy/requirements.txt", "pyyaml==5.3"),
    }
