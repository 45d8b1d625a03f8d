"""Input nested deeper than the parsers recurse: a clear error or a skipped value, never a crash.

``json`` and ``tomllib`` raise RecursionError (not their decode errors) on a document nested a
few thousand levels deep; every entry point that reads untrusted JSON or TOML must treat that as
bad input. One test per entry point, each with a document about 5,000 levels deep.
"""

from __future__ import annotations

import base64
import io
import json
import sys
from pathlib import Path

import pytest

from botwarden import cli
from botwarden.audit.baseline import Baseline, BaselineError
from botwarden.deps.readers._text import load_toml
from botwarden.guards.llm import _json_object
from botwarden.iam.cloudtrail import CloudTrailError, _load
from botwarden.manifest.loader import ManifestError, parse_manifest
from botwarden.secrets.rules.validators import jwt
from botwarden.secrets.simple import _json_or_none

DEEP = 5000
DEEP_JSON = "[" * DEEP + "]" * DEEP
DEEP_TOML = "schema_version = 1\na = " + "[" * DEEP + "]" * DEEP + "\n"


def test_json_is_still_too_deep_for_the_parser() -> None:
    """The cases below test something: the documents do make the parser recurse too deep."""
    with pytest.raises(RecursionError):
        json.loads(DEEP_JSON)


def test_manifest() -> None:
    with pytest.raises(ManifestError, match="nested too deeply"):
        parse_manifest(DEEP_TOML, "botwarden.toml")


def test_dependency_file_toml() -> None:
    problem = load_toml(DEEP_TOML, "pyproject.toml")
    assert not isinstance(problem, dict)
    assert "nested too deeply" in problem.message


def test_cloudtrail_log(tmp_path: Path) -> None:
    path = tmp_path / "trail.json"
    path.write_text('{"Records": ' + DEEP_JSON + "}", encoding="utf-8")
    with pytest.raises(CloudTrailError, match="nested too deeply"):
        _load(path)


def test_baseline(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(DEEP_JSON, encoding="utf-8")
    with pytest.raises(BaselineError, match="nested too deeply"):
        Baseline.read(path)


def test_a_jwt_whose_header_is_too_deep_is_no_jwt() -> None:
    header = base64.urlsafe_b64encode(b'{"a":' + b"[" * 1400).decode().rstrip("=")
    assert jwt(f"{header}.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl") is False


def test_chat_completion_body_is_left_alone() -> None:
    assert _json_object(('{"choices": ' + DEEP_JSON + "}").encode()) is None


def test_secret_value_that_is_too_deep_is_plain_text() -> None:
    assert _json_or_none(DEEP_JSON) is None


def test_guard_input_jsonl_reports_the_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = json.dumps({"text": "hello"}) + "\n" + DEEP_JSON + "\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines.encode("utf-8"))))
    code = cli.run(["guard", "input", "--jsonl", "-"])
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 2
    assert out[0]["verdict"] == "allow"
    assert out[1] == {"line": 2, "error": "line 2: JSON nested too deeply"}
