"""``botwarden secrets scan`` end to end on real files, and the ``secrets`` audit check.

The packaged catalogue is swapped for the small rule set of ``scan_rules`` so these tests pin the
engine's behaviour, not the catalogue's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.secrets.scan_rules import RULES, aws_id, aws_secret, github_pat, token

from botwarden import cli
from botwarden.audit.runner import build_target, run_audit
from botwarden.secrets.scan import run as scan_run
from botwarden.secrets.scan.analyser import SecretsAnalyser

EXAMPLE = Path(__file__).parents[2] / "examples" / "bibliobot"


@pytest.fixture(autouse=True)
def _test_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scan_run, "load_rules", lambda: RULES)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.run(["secrets", "scan", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def leaky(tmp_path: Path) -> tuple[Path, list[str]]:
    """A folder with a token, a key pair, and the values it holds."""
    values = [github_pat(), aws_id(), aws_secret()]
    (tmp_path / "app.py").write_text(f'GITHUB = "{values[0]}"\n', encoding="utf-8")
    (tmp_path / ".env").write_text(
        f"AWS_ACCESS_KEY_ID={values[1]}\nAWS_SECRET_ACCESS_KEY={values[2]}\n", encoding="utf-8"
    )
    return tmp_path, values


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "html"])
def test_no_output_format_shows_a_full_value(
    capsys: pytest.CaptureFixture[str], leaky: tuple[Path, list[str]], fmt: str
) -> None:
    folder, values = leaky
    code, out, err = run(capsys, str(folder), "--format", fmt)
    assert code == 1
    assert "secrets.hardcoded" in out
    for value in values:
        assert value not in out + err
        assert value[4:-2] not in out + err
    assert values[0][:4] in out  # the redacted form: first four characters
    assert values[2][:4] not in out or values[2][:4] in values[1]  # nothing of the secret half


def test_json_report(capsys: pytest.CaptureFixture[str], leaky: tuple[Path, list[str]]) -> None:
    folder, values = leaky
    code, out, _ = run(capsys, str(folder), "--format", "json", "--jobs", "1")
    findings = json.loads(out)["findings"]
    assert code == 1
    assert [(f["severity"], f["location"]["path"], f["location"]["line"]) for f in findings] == [
        ("critical", f"{folder.as_posix()}/.env", 1),
        ("high", f"{folder.as_posix()}/app.py", 1),
    ]
    assert findings[0]["evidence"] == (
        f"AWS access key ID: {values[1][:4]}\u2026{values[1][-2:]}, AWS secret access key: ****"
    )
    assert "GitHub personal access token" in findings[1]["message"]


@pytest.mark.parametrize(("fail_on", "expected"), [("critical", 0), ("high", 1), ("low", 1)])
def test_exit_codes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fail_on: str, expected: int
) -> None:
    (tmp_path / "a.py").write_text(f"t = {github_pat()}\n", encoding="utf-8")
    assert run(capsys, str(tmp_path), "--fail-on", fail_on)[0] == expected


def test_clean_tree_exits_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("api_key = os.environ['API_KEY']\n", encoding="utf-8")
    code, out, _ = run(capsys, str(tmp_path))
    assert (code, "No findings." in out) == (0, True)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["/nonexistent/x"], "/nonexistent/x: no such file or directory"),
        (["{tmp}", "--baseline", "/nonexistent.json"], "no such baseline file"),
        (["{tmp}", "--config", "/nonexistent.toml"], "no such scan config file"),
    ],
)
def test_input_errors_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *(a.replace("{tmp}", str(tmp_path)) for a in argv))
    assert (code, out) == (2, "")
    assert err.startswith("botwarden: error: ") and message in err


def test_inline_ignore_on_the_line_or_above(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "a.py").write_text(
        f"A = '{github_pat()}'  # botwarden:ignore[secrets.hardcoded] rotated\n"
        f"# botwarden:ignore\nB = '{github_pat()}'\n"
        f"# botwarden:ignore[iam.admin]\nC = '{github_pat()}'\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, str(tmp_path), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert [f["location"]["line"] for f in report["findings"]] == [5]
    assert report["suppressed"]["inline"] == 2


def test_botwarden_ignore_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "k.env").write_text(f"T={github_pat()}\n", encoding="utf-8")
    (tmp_path / "b.env").write_text(f"T={github_pat()}\n", encoding="utf-8")
    (tmp_path / ".botwarden-ignore").write_text("fixtures/\n", encoding="utf-8")
    code, out, _ = run(capsys, str(tmp_path), "--format", "json")
    assert code == 1
    assert [f["location"]["path"] for f in json.loads(out)["findings"]] == [
        f"{tmp_path.as_posix()}/b.env"
    ]


def test_baseline_round_trip(
    capsys: pytest.CaptureFixture[str],
    leaky: tuple[Path, list[str]],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder, values = leaky
    baseline = tmp_path_factory.mktemp("b") / "baseline.json"
    assert run(capsys, str(folder), "--write-baseline", str(baseline))[0] == 1
    stored = baseline.read_text(encoding="utf-8")
    assert not any(value in stored for value in values)
    code, out, _ = run(capsys, str(folder), "--baseline", str(baseline))
    assert (code, "No findings." in out) == (0, True)
    with (folder / "app.py").open("a", encoding="utf-8") as file:  # lines move, new key added
        file.write(f"\n\nOTHER = '{github_pat()}'\n")
    (folder / "app.py").write_text(
        "\n\n" + (folder / "app.py").read_text("utf-8"), encoding="utf-8"
    )
    code, out, _ = run(capsys, str(folder), "--baseline", str(baseline), "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert [f["location"]["line"] for f in report["findings"]] == [6]
    assert report["suppressed"]["baseline"] == 2


def test_audit_reports_the_example_bots_keys() -> None:
    """The ``secrets`` check on examples/bibliobot: the Feedly key in three files, the AWS pair."""
    target = build_target(EXAMPLE)
    result = run_audit(target, [SecretsAnalyser(RULES, jobs=1)])
    found = sorted(
        (f.location.path, f.location.line, f.evidence)
        for f in result.findings
        if f.rule == "secrets.hardcoded"
    )
    assert [(path, line) for path, line, _ in found] == [
        ("config/settings.toml", 13),
        ("config/settings.toml", 21),
        ("deploy/Dockerfile", 10),
    ]  # the k8s value sits on the line after its name: the catalogue's rules cover that form
    assert all("OQPW\u2026Qy" in e or "AKIA\u2026Z2" in e for _, _, e in found)
    settings = (EXAMPLE / "config" / "settings.toml").read_text(encoding="utf-8")
    secret_values = [
        line.split('"')[1] for line in settings.splitlines() if "key" in line and '"' in line
    ]
    assert secret_values and not any(v in str(result) for v in secret_values)


def test_audit_honours_the_ignore_file(tmp_path: Path) -> None:
    (tmp_path / "a.env").write_text(f"T={github_pat()}\napi_key={token()}\n", encoding="utf-8")
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "b.env").write_text(f"T={github_pat()}\n", encoding="utf-8")
    (tmp_path / ".botwarden-ignore").write_text("vendor/\n", encoding="utf-8")
    result = run_audit(build_target(tmp_path), [SecretsAnalyser(RULES, jobs=1)])
    assert [(f.location.path, f.location.line) for f in result.findings] == [
        ("a.env", 1),
        ("a.env", 2),
    ]
