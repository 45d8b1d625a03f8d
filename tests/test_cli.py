"""The command line: exit codes, one-line errors, and valid output in every format."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.helpers import MINIMAL

from botwarden import cli
from botwarden.audit import registry

EXAMPLE = Path(__file__).parent.parent / "examples" / "bibliobot"
SARIF_SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_audit_example_reports_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "audit", str(EXAMPLE))
    assert code == 1
    assert "manifest.egress-public-suffix-wildcard" in out
    assert "botwarden.toml:" in out
    assert "Traceback" not in out + err


@pytest.mark.parametrize(
    ("only", "fail_on", "expected"),
    [("manifest", "critical", 0), ("manifest", "high", 1), ("manifest,permissions", "critical", 1)],
)
def test_fail_on_threshold(
    capsys: pytest.CaptureFixture[str], only: str, fail_on: str, expected: int
) -> None:
    code, _, _ = run(capsys, "audit", str(EXAMPLE), "--only", only, "--fail-on", fail_on)
    assert code == expected


def test_json_output_follows_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "audit", str(EXAMPLE), "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["tool"]["name"] == "botwarden"
    assert data["target"] == str(EXAMPLE)
    assert sum(data["summary"].values()) == len(data["findings"]) > 0
    first = data["findings"][0]
    assert set(first) >= {"rule", "severity", "category", "message", "location", "evidence",
                          "remediation", "fingerprint"}  # fmt: skip
    assert first["severity"] == "critical"  # most severe first
    critical = {(f["rule"], f["category"]) for f in data["findings"] if f["severity"] == "critical"}
    expected = {("iam.privilege-escalation", "permissions"), ("secrets.hardcoded", "secrets")}
    assert expected <= critical
    paths = {f["location"]["path"] for f in data["findings"]}
    assert {"botwarden.toml", "deploy/iam-policy.json", "deploy/terraform/main.tf",
            "config/settings.toml", "deploy/Dockerfile"} <= paths  # fmt: skip


def test_sarif_output_is_valid_sarif(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.sarif"
    code, out, _ = run(capsys, "audit", str(EXAMPLE), "--format", "sarif", "-o", str(report))
    assert code == 1
    assert out == ""
    sarif = json.loads(report.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    results = sarif["runs"][0]["results"]
    assert results
    assert all(r["partialFingerprints"]["botwarden/v1"].startswith("sha256:") for r in results)


def test_html_output_is_self_contained(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "audit", str(EXAMPLE), "--format", "html")
    assert code == 1
    assert out.lstrip().lower().startswith("<!doctype html>")
    assert "manifest.guard-input-off" in out
    assert "http://" not in out.replace("http://www.w3.org", "")


def test_only_unknown_check_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "audit", str(EXAMPLE), "--only", "nope")
    assert code == 2
    assert out == ""
    assert err.startswith("botwarden: error: unknown check 'nope': choose from")


def test_baseline_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    baseline = tmp_path / "baseline.json"
    code, _, err = run(capsys, "audit", str(EXAMPLE), "--write-baseline", str(baseline))
    assert code == 1
    assert "wrote" in err
    code, out, _ = run(capsys, "audit", str(EXAMPLE), "--baseline", str(baseline))
    assert code == 0
    assert "No findings." in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["audit", "/nonexistent/dir"], "botwarden: error: /nonexistent/dir: not a directory"),
        (["audit", str(EXAMPLE), "--baseline", "/nonexistent.json"],
         "botwarden: error: /nonexistent.json: no such baseline file"),
        (["validate", "/nonexistent/botwarden.toml"],
         "botwarden: error: /nonexistent/botwarden.toml: no such file"),
        (["validate", "/proc"], "botwarden: error: /proc/botwarden.toml: no manifest here"),
        (["init", "/proc/botwarden-test"],
         "botwarden: error: /proc/botwarden-test/botwarden.toml: cannot be written"),
        (["audit", str(EXAMPLE), "-o", "/nonexistent/dir/report.txt"],
         "botwarden: error: /nonexistent/dir/report.txt: cannot be written"),
    ],
)  # fmt: skip
def test_input_errors_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert err.splitlines()[0].startswith(message)
    assert "Traceback" not in err


def test_bad_option_value_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "audit", str(EXAMPLE), "--format", "pdf")
    assert code == 2
    assert "pdf" in err


def test_malformed_manifest_in_audit_exits_2(
    write_manifest: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_manifest(MINIMAL + "[breaker]\nthreshold = 0\n")
    code, out, err = run(capsys, "audit", str(path.parent))
    assert (code, out) == (2, "")
    assert (
        err.strip()
        == "botwarden: error: botwarden.toml:6: breaker.threshold: must be at least 1 (got 0)"
    )


def test_internal_error_exits_3_with_a_pointer_to_debug(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Broken:
        name, rules = "broken", ()

        def analyse(self, target: object) -> list[object]:
            raise ZeroDivisionError("boom")

    monkeypatch.setattr(registry, "default_analysers", lambda: [Broken()])
    code, _, err = run(capsys, "audit", str(EXAMPLE))
    assert code == 3
    assert "internal error: ZeroDivisionError: boom" in err
    assert "--debug" in err
    assert "Traceback" not in err
    code, _, err = run(capsys, "--debug", "audit", str(EXAMPLE))
    assert code == 3
    assert "Traceback" in err


def test_validate_reports_valid_and_invalid(
    write_manifest: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_manifest(MINIMAL)
    code, out, _ = run(capsys, "validate", str(good))
    assert code == 0
    assert "valid (bot 'testbot'" in out
    bad = write_manifest(MINIMAL + '[egress]\nallow = ["x.com/a"]\n', name="bad.toml")
    code, out, err = run(capsys, "validate", str(bad))
    assert (code, out) == (2, "")
    assert err.startswith(f"botwarden: error: {bad}:6: egress.allow[0]:")
    code, out, _ = run(capsys, "validate", str(bad), "--format", "json")
    assert code == 2
    report = json.loads(out)
    assert report["valid"] is False
    assert report["errors"][0]["line"] == 6
    assert report["errors"][0]["field"] == "egress.allow[0]"


def test_init_writes_a_valid_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "My Bot"
    code, out, _ = run(capsys, "init", str(folder))
    assert code == 0
    assert "wrote" in out
    code, out, _ = run(capsys, "validate", str(folder))
    assert code == 0
    assert "bot 'my-bot'" in out
    code, _, err = run(capsys, "init", str(folder))
    assert code == 2
    assert "already exists" in err
    assert run(capsys, "init", str(folder), "--force")[0] == 0


def test_template_audits_with_only_its_placeholder_gaps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "init", str(tmp_path))
    code, out, _ = run(capsys, "audit", str(tmp_path), "--format", "json")
    assert code == 0, out
    assert json.loads(out)["findings"] == []


def test_manifest_schema_is_a_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "manifest", "schema")
    schema = json.loads(out)
    assert code == 0
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["title"] == "botwarden manifest (schema_version 1)"
    assert {"bot", "egress", "capability", "secret", "budget"} <= set(schema["properties"])


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert (code, out.strip()) == (0, "botwarden 0.1.0")


def test_console_script_end_to_end(tmp_path: Path) -> None:
    """The installed entry point, as a separate process: stdout is the report, stderr is empty."""
    proc = subprocess.run(
        [sys.executable, "-m", "botwarden", "audit", str(EXAMPLE), "--format", "json"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["findings"]
    assert proc.stderr == ""


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_validate_never_shows_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_bytes(content)
    code, _, err = run(capsys, "validate", str(path))
    assert code in (0, 2)
    assert "Traceback" not in err
    if code == 2:
        assert all(line.startswith(("botwarden: error: ", "hint: ")) for line in err.splitlines())


def test_refreshing_a_baseline_keeps_accepted_findings_that_remain(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = tmp_path / "botwarden.toml"
    manifest.write_text(MINIMAL + '[egress]\nallow = ["*"]\n', encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    assert run(capsys, "audit", str(tmp_path), "--write-baseline", str(baseline))[0] == 1
    before = {e["fingerprint"] for e in json.loads(baseline.read_text("utf-8"))["findings"]}
    manifest.write_text(MINIMAL + '[egress]\nallow = ["*", "*.com"]\n', encoding="utf-8")
    code, _, _ = run(capsys, "audit", str(tmp_path), "--baseline", str(baseline),
                     "--write-baseline", str(baseline))  # fmt: skip
    after = {e["fingerprint"] for e in json.loads(baseline.read_text("utf-8"))["findings"]}
    assert code == 1
    assert before < after
    assert run(capsys, "audit", str(tmp_path), "--baseline", str(baseline))[0] == 0
