"""``botwarden egress check`` and docs/enforcement.md: the contract, kept honest."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from botwarden import cli
from botwarden.policy.decision import Code

ROOT = Path(__file__).parent.parent
DOC = (ROOT / "docs" / "enforcement.md").read_text(encoding="utf-8")
EXAMPLE = ROOT / "examples" / "bibliobot"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("argv", "code", "verdict", "reason"),
    [
        (["https://api.feedly.com/v3/streams/x", "--resolve", "api.feedly.com:93.184.216.34"],
         0, "allow", "allowed"),
        (["https://api.summarize-it.example/v1/summarize", "--method", "POST"], 1, "deny",
         "not-in-allow-list"),
        (["https://api.feedly.com/v3/profile", "--resolve", "api.feedly.com:93.184.216.34"],
         1, "deny", "url-not-allowed"),
        (["http://169.254.169.254/latest/meta-data/"], 1, "deny", "metadata-address"),
        (["https://biblio-data.s3.amazonaws.com/x", "--resolve",
          "biblio-data.s3.amazonaws.com:52.216.1.1", "--resolve",
          "biblio-data.s3.amazonaws.com:10.0.0.8"], 1, "deny", "private-address"),
        (["--connect", "biblio-data.s3.amazonaws.com:443", "--resolve",
          "biblio-data.s3.amazonaws.com:443:52.216.1.1"], 0, "allow", "allowed"),
        (["--connect", "api.feedly.com"], 1, "deny", "invalid-url"),
    ],
)  # fmt: skip
def test_egress_check_json(
    capsys: pytest.CaptureFixture[str], argv: list[str], code: int, verdict: str, reason: str
) -> None:
    exit_code, out, err = run(
        capsys, "egress", "check", "--manifest", str(EXAMPLE), "--format", "json", *argv
    )
    assert exit_code == code, err
    decision = json.loads(out)
    assert set(decision) >= {"verdict", "reason", "rule", "host", "port", "addresses"}
    assert (decision["verdict"], decision["code"]) == (verdict, reason)


def test_egress_check_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "egress", "check", "--manifest", str(EXAMPLE), "https://x.amazonaws.com:8443/"
    )
    assert code == 1
    assert out.startswith("deny: GET https://x.amazonaws.com:8443/")
    assert "rule: egress.allow[2] (port-not-allowed)" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["https://a.example/", "--resolve", "a.example:not-an-ip"],
        ["https://a.example/", "--format", "yaml"],
        ["https://a.example/", "--manifest", "/nonexistent/botwarden.toml"],
    ],
)
def test_bad_options_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, out, err = run(capsys, "egress", "check", "--manifest", str(EXAMPLE), *argv)
    assert code == 2
    assert "Traceback" not in out + err
    assert err.strip()


# -- docs/enforcement.md -------------------------------------------------------------------


def test_every_code_is_documented() -> None:
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", DOC, re.MULTILINE))
    assert documented >= {code.value for code in Code}
    assert not documented - {code.value for code in Code}


def test_documented_commands_run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    commands = re.findall(r"^botwarden (egress check .*?)(?<!\\)$", DOC.replace("\\\n", " "), re.M)
    assert len(commands) == 2
    for command in commands:
        code, out, err = run(capsys, *shlex.split(command))
        assert code == 0, err
        assert "allow" in out
