"""Installed environments: the real dev interpreter, and interpreters that cannot answer."""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

from botwarden.deps.readers import read_environment

DEV_PYTHON = Path(__file__).resolve().parents[3] / ".venv" / "bin" / "python"


def test_the_dev_venv_lists_what_is_installed() -> None:
    python = str(DEV_PYTHON if DEV_PYTHON.exists() else Path(sys.executable))
    requirements, problems = read_environment(python)
    assert problems == []
    found = {r.name: r for r in requirements}
    packaging = found["packaging"]
    assert packaging.version == metadata.version("packaging")
    assert packaging.specifier == "==" + metadata.version("packaging")
    assert (packaging.source, packaging.path, packaging.line) == ("environment", python, 0)
    assert "pyyaml" in found  # names are PEP 503 normalised
    assert found["pyyaml"].display_name == "PyYAML"
    assert len(found) == len(requirements)  # one entry per distribution


def test_a_missing_interpreter_is_one_problem(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-python")
    requirements, problems = read_environment(missing)
    assert requirements == []
    assert [(p.path, p.line) for p in problems] == [(missing, 0)]
    assert "cannot run the interpreter" in problems[0].message


def test_an_interpreter_that_fails_is_one_problem(tmp_path: Path) -> None:
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho 'boom: not python' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    requirements, problems = read_environment(str(fake))
    assert requirements == []
    assert len(problems) == 1
    assert "status 3" in problems[0].message
    assert "boom: not python" in problems[0].message


def test_an_interpreter_that_hangs_times_out(tmp_path: Path) -> None:
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\nexec sleep 30\n", encoding="utf-8")
    fake.chmod(0o755)
    requirements, problems = read_environment(str(fake), timeout=0.5)
    assert requirements == []
    assert len(problems) == 1
    assert "did not answer within 0.5s" in problems[0].message


def test_an_answer_that_is_not_the_expected_json_is_a_problem(tmp_path: Path) -> None:
    fake = tmp_path / "python"
    fake.write_text(
        '#!/bin/sh\necho \'[["ok", "1.0"], ["noversion", null], 7, ["OK", "2.0"]]\'\n',
        encoding="utf-8",
    )
    fake.chmod(0o755)
    requirements, problems = read_environment(str(fake))
    assert [(r.name, r.version) for r in requirements] == [("ok", "1.0")]  # first copy wins
    assert len(problems) == 2
