"""Dispatch by file name, discovery under a root, and files that cannot be read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from botwarden.deps.readers import discover, read_file
from botwarden.deps.readers._text import MAX_BYTES


def touch(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_discover_finds_dependency_files_and_skips_environments(tmp_path: Path) -> None:
    wanted = [
        "pyproject.toml",
        "requirements.txt",
        "requirements-dev.in",
        "requirements/base.txt",
        "requirements/test.in",
        "services/api/poetry.lock",
        "services/api/pyproject.toml",
        "services/web/uv.lock",
        "services/web/Pipfile.lock",
        "pylock.toml",
        "pylock.ci.toml",
        "Pipfile",
        "lib/setup.cfg",
        "lib/setup.py",
    ]
    for name in wanted:
        touch(tmp_path / name)
    for name in [
        "MANIFEST.in",
        "LICENSE.txt",
        "docs/notes.txt",
        ".git/requirements.txt",
        ".venv/lib/python3.11/site-packages/x/requirements.txt",
        "env/pyvenv.cfg",
        "env/requirements.txt",
        "node_modules/pkg/pyproject.toml",
        "__pycache__/requirements.txt",
        ".tox/py311/requirements.txt",
        "lib/site-packages/pkg/pyproject.toml",
        "lib/site-packages/pkg/setup.py",
        "tox.ini",
    ]:
        touch(tmp_path / name)
    assert discover(tmp_path) == sorted(tmp_path / name for name in wanted)


def test_discover_does_not_follow_symlinks_out_of_the_root(tmp_path: Path) -> None:
    outside = touch(tmp_path / "outside" / "requirements.txt", "x==1\n")
    root = tmp_path / "repo"
    touch(root / "requirements.txt")
    (root / "requirements-dev.txt").symlink_to(outside)
    (root / "linked").symlink_to(outside.parent, target_is_directory=True)
    assert discover(root) == [root / "requirements.txt"]


def test_read_file_dispatches_on_the_name(tmp_path: Path) -> None:
    touch(tmp_path / "a" / "constraints.txt", "idna==3.7\n")
    requirements, problems = read_file(tmp_path / "a" / "constraints.txt", tmp_path)
    assert problems == []
    assert [(r.path, r.source) for r in requirements] == [("a/constraints.txt", "requirements")]
    touch(tmp_path / "tox.ini", "")
    requirements, problems = read_file(tmp_path / "tox.ini", tmp_path)
    assert requirements == []
    assert [p.message for p in problems] == ["not a dependency file this reader knows, by its name"]


@pytest.mark.parametrize(
    "name",
    ["requirements.txt", "pyproject.toml", "uv.lock", "Pipfile.lock", "Pipfile", "setup.py"],
)
def test_oversized_files_are_not_read(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    requirements, problems = read_file(path, tmp_path)
    assert requirements == []
    assert len(problems) == 1
    assert "byte limit" in problems[0].message


def test_an_undecodable_line_is_named_and_the_other_lines_are_read(tmp_path: Path) -> None:
    """One stray byte must not hide the pins on the other lines of a requirements file."""
    path = tmp_path / "requirements.txt"
    path.write_bytes(b"\xef\xbb\xbfa==1\nb==2\nc\xff\xfe==3\nd==4\n")
    requirements, problems = read_file(path, tmp_path)
    assert [(r.name, r.line) for r in requirements] == [("a", 1), ("b", 2), ("d", 4)]
    assert [(p.line, "not UTF-8" in p.message) for p in problems] == [(3, True)]


def test_an_undecodable_toml_file_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_bytes(b'[project]\nname = "x"\ndependencies = ["a==1", "\xff"]\n')
    requirements, problems = read_file(path, tmp_path)
    assert requirements == []
    assert [(p.line, p.message.startswith("not UTF-8")) for p in problems] == [(3, True)]


def test_a_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_bytes(b"\xef\xbb\xbfa==1\n")
    requirements, problems = read_file(path, tmp_path)
    assert (problems, [r.name for r in requirements]) == ([], ["a"])


def test_a_fifo_does_not_hang_the_read(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    os.mkfifo(path)
    requirements, problems = read_file(path, tmp_path)
    assert requirements == []
    assert [p.message for p in problems] == ["not a regular file, so it is not read"]


def test_a_missing_or_unreadable_file_is_one_problem(tmp_path: Path) -> None:
    requirements, problems = read_file(tmp_path / "poetry.lock", tmp_path)
    assert requirements == []
    assert [(p.path, p.line) for p in problems] == [("poetry.lock", 0)]
    assert "cannot open" in problems[0].message
