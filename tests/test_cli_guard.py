"""``botwarden guard input|output``: verdicts, JSON lines in order, reports, exit codes."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from tests.guards.samples import BENIGN, HEAD, INJECTION

from botwarden import cli

MANIFEST = HEAD + '[guard.input]\nprompt_injection = "{mode}"\n'


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
    code = cli.run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "botwarden.toml"
    path.write_text(MANIFEST.format(mode="block"), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "code", "verdict"), [(INJECTION, 1, "block"), (BENIGN, 0, "allow")]
)
def test_input_prints_a_json_verdict(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    manifest: Path,
    text: str,
    code: int,
    verdict: str,
) -> None:
    got, out, _ = run(capsys, monkeypatch, "guard", "input", "-m", str(manifest), stdin=text)
    assert got == code
    document = json.loads(out)
    assert document["verdict"] == verdict
    assert set(document) == {"verdict", "score", "findings"}


def test_flag_mode_exits_0(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "botwarden.toml").write_text(MANIFEST.format(mode="flag"), encoding="utf-8")
    code, out, _ = run(capsys, monkeypatch, "guard", "input", "-m", str(tmp_path), stdin=INJECTION)
    assert (code, json.loads(out)["verdict"]) == (0, "flag")


def test_input_from_a_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, manifest: Path
) -> None:
    page = manifest.parent / "page.txt"
    page.write_text(INJECTION, encoding="utf-8")
    argv = ("guard", "input", "-m", str(manifest), "--kind", "document", str(page))
    code, out, _ = run(capsys, monkeypatch, *argv)
    assert code == 1
    assert json.loads(out)["verdict"] == "block"


def test_jsonl_keeps_the_order_and_reports_bad_lines_in_place(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, manifest: Path
) -> None:
    lines = [
        json.dumps({"id": "a", "text": BENIGN}),
        json.dumps({"id": "b", "text": INJECTION}),
        "{not json",
        json.dumps({"text": 5}),
        "",
        json.dumps({"id": 7, "text": BENIGN, "kind": "document"}),
        json.dumps({"text": BENIGN, "kind": "poem"}),
    ]
    stdin = "\n".join(lines) + "\n"
    code, out, _ = run(capsys, monkeypatch, "guard", "input", "-m", str(manifest),
                       "--jsonl", "-", stdin=stdin)  # fmt: skip
    results = [json.loads(line) for line in out.splitlines()]
    assert code == 2  # a line could not be read
    assert [r.get("id") for r in results] == ["a", "b", None, None, 7, None]
    assert [r.get("verdict") for r in results] == ["allow", "block", None, None, "allow", None]
    assert [r.get("line") for r in results if "error" in r] == [3, 4, 7]


def test_jsonl_exit_code_is_1_when_something_is_blocked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, manifest: Path
) -> None:
    data = manifest.parent / "set.jsonl"
    data.write_text(json.dumps({"text": INJECTION}) + "\n", encoding="utf-8")
    argv = ("guard", "input", "-m", str(manifest), "--jsonl", str(data))
    assert run(capsys, monkeypatch, *argv)[0] == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--kind", "essay"], "--kind"),
        (["--kind", "tool-args"], "--tool"),
        (["missing-file.txt"], "missing-file.txt"),
        (["--jsonl", "missing.jsonl"], "missing.jsonl"),
    ],
)
def test_usage_errors_exit_2_with_a_reason(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    manifest: Path,
    argv: list[str],
    message: str,
) -> None:
    code, _, err = run(capsys, monkeypatch, "guard", "input", "-m", str(manifest), *argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_input_that_is_not_utf8_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, manifest: Path
) -> None:
    page = manifest.parent / "page.bin"
    page.write_bytes(b"abc\xff\xfe")
    code, _, err = run(capsys, monkeypatch, "guard", "input", "-m", str(manifest), str(page))
    assert code == 2
    assert "not UTF-8" in err


def test_output_writes_the_sanitised_text_and_a_report(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, manifest: Path
) -> None:
    answer = (
        "See [docs](https://api.good.example/d) ![x](https://evil.example/x.png?q=1) "
        "<script>1</script>"
    )
    report = manifest.parent / "report.json"
    argv = ("guard", "output", "-m", str(manifest), "--report", str(report))
    code, out, err = run(capsys, monkeypatch, *argv, stdin=answer)
    assert code == 0
    assert "https://api.good.example/d" in out
    assert "evil.example" not in out
    assert "<script>" not in out
    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["mode"] == "enforce"
    assert document["removed"] == len(document["findings"]) >= 2
    assert err == ""


def test_output_report_goes_to_stderr_by_default(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, manifest: Path
) -> None:
    argv = ("guard", "output", "-m", str(manifest), "--format", "html")
    code, out, err = run(capsys, monkeypatch, *argv, stdin="<b onclick=x()>hi</b>")
    assert code == 0
    assert "onclick" not in out
    assert json.loads(err)["format"] == "html"


def test_output_format_must_be_known(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, manifest: Path
) -> None:
    argv = ("guard", "output", "-m", str(manifest), "--format", "pdf")
    code, _, err = run(capsys, monkeypatch, *argv, stdin="x")
    assert code == 2
    assert "--format" in err
