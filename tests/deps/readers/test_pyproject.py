"""pyproject.toml: PEP 621, PEP 735 dependency groups and Poetry tables, with their lines."""

from __future__ import annotations

from pathlib import Path

from botwarden.deps.readers import NOT_MATCHABLE, read_file
from botwarden.deps.readers.pyproject import poetry_pin

PEP621 = """\
[build-system]
requires = ["hatchling"]

[project]
name = "demo"
version = "1.0"
dependencies = [
  "httpx>=0.27,<1",
  'PyYAML==6.0.1 ; python_version < "3.13"',
  "pkg @ git+https://github.com/org/pkg.git",
  "broken ==",
]

[project.optional-dependencies]
aws = ["boto3==1.34.0"]
test = [
  "pytest>=8",
  "httpx>=0.27,<1",
]

[dependency-groups]
dev = [
  {include-group = "lint"},
  "coverage[toml]==7.5.0",
  {include-group = "missing"},
]
lint = ["ruff==0.5.0"]
"""


def test_pep621_and_dependency_groups(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PEP621, encoding="utf-8")
    requirements, problems = read_file(tmp_path / "pyproject.toml", tmp_path)
    got = [(r.name, r.version, r.specifier, r.line) for r in requirements]
    assert got == [
        ("httpx", None, ">=0.27,<1", 8),
        ("pyyaml", "6.0.1", "==6.0.1", 9),
        ("boto3", "1.34.0", "==1.34.0", 15),
        ("pytest", None, ">=8", 17),
        ("httpx", None, ">=0.27,<1", 18),
        ("coverage", "7.5.0", "==7.5.0", 24),
        ("ruff", "0.5.0", "==0.5.0", 27),
    ]
    assert requirements[1].marker == 'python_version < "3.13"'
    assert {r.source for r in requirements} == {"pyproject"}
    assert {r.path for r in requirements} == {"pyproject.toml"}
    assert [p.line for p in problems] == [10, 11, 22]
    assert NOT_MATCHABLE in problems[0].message
    assert "not PEP 508" in problems[1].message
    assert "'missing'" in problems[2].message


POETRY = """\
[tool.poetry]
name = "demo"

[tool.poetry.dependencies]
python = "^3.11"
requests = "^2.31"
Django = "~4.2"
urllib3 = "2.2.1"
certifi = "==2024.7.4"
idna = {version = "3.7", markers = "sys_platform == 'linux'"}
numpy = [
  {version = "1.26.4", python = "<3.13"},
  {version = "^2.1", python = ">=3.13"},
]
mylib = {path = "../mylib", develop = true}
private = {git = "https://token@github.com/org/private.git", tag = "v1"}
anything = "*"
bad = 3

[tool.poetry.group.dev.dependencies]
pytest = ">=8,<9"

[tool.poetry.dev-dependencies]
black = "24.4.2"
"""


def test_poetry_constraints_are_kept_as_written(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(POETRY, encoding="utf-8")
    requirements, problems = read_file(tmp_path / "pyproject.toml", tmp_path)
    got = [(r.display_name, r.version, r.specifier, r.line) for r in requirements]
    assert got == [
        ("requests", None, "^2.31", 6),
        ("Django", None, "~4.2", 7),
        ("urllib3", "2.2.1", "2.2.1", 8),
        ("certifi", "2024.7.4", "==2024.7.4", 9),
        ("idna", "3.7", "3.7", 10),
        ("numpy", "1.26.4", "1.26.4", 11),
        ("numpy", None, "^2.1", 11),
        ("anything", None, "*", 17),
        ("black", "24.4.2", "24.4.2", 24),
        ("pytest", None, ">=8,<9", 21),
    ]
    assert requirements[4].marker == "sys_platform == 'linux'"
    assert [p.line for p in problems] == [15, 16, 18]
    assert all(NOT_MATCHABLE in p.message for p in problems[:2])
    assert "token" not in problems[1].message
    assert "not a string" in problems[2].message


def test_poetry_pins() -> None:
    assert [poetry_pin(c) for c in ["1.2.3", "==1.2.3", "=1.2.3", " 1.2.3 "]] == ["1.2.3"] * 4
    pins = [">=1.2", "^1.2", "~1.2", "1.2.*", "1.2 || 1.4", "*", "", "===1.2", "latest"]
    assert [poetry_pin(c) for c in pins] == [None] * len(pins)


def test_wrong_types_are_problems_not_crashes(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\ndependencies = "requests"\noptional-dependencies = []\n'
        "[dependency-groups]\ndev = [1, {include-group = 2}]\n"
        "[tool.poetry]\ndependencies = []\n",
        encoding="utf-8",
    )
    requirements, problems = read_file(tmp_path / "pyproject.toml", tmp_path)
    assert requirements == []
    assert len(problems) == 5
    assert all(p.line > 0 for p in problems)


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = [\n  "a",\n  oops\n]\n', encoding="utf-8"
    )
    requirements, problems = read_file(tmp_path / "pyproject.toml", tmp_path)
    assert requirements == []
    assert [(p.path, p.line) for p in problems] == [("pyproject.toml", 5)]
    assert problems[0].message.startswith("not valid TOML")
