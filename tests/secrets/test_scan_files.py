"""Which files a scan reads: ignore globs, binary, minified and oversized files, VCS folders."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botwarden.errors import UsageError
from botwarden.secrets.scan.files import IgnoreRules, is_minified, read_text, walk


def _names(root: Path) -> list[str]:
    return [f.relative for f in walk([root])]


def _write(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n", encoding="utf-8")


def test_walk_skips_vcs_and_ignored_paths(tmp_path: Path) -> None:
    _write(tmp_path, "a.py", ".git/config", "node_modules/x.js", "docs/b.md", "build/out/c.txt",
           "keep/build.txt", "logs/x.log", "logs/keep.log", "deep/er/secret.pem")  # fmt: skip
    (tmp_path / ".botwarden-ignore").write_text(
        "# generated\nbuild/\n*.log\n!logs/keep.log\n/docs/*.md\n**/er/*.pem\n", encoding="utf-8"
    )
    assert _names(tmp_path) == ["a.py", "keep/build.txt", "logs/keep.log"]


@pytest.mark.parametrize(
    ("patterns", "path", "ignored"),
    [
        ("*.env", "a/b/c.env", True),
        ("/top.txt", "top.txt", True),
        ("/top.txt", "sub/top.txt", False),
        ("fixtures/", "tests/fixtures/k.pem", True),
        ("fixtures/", "fixtures", False),  # a file named like the folder pattern
        ("tests/**/k.pem", "tests/a/b/k.pem", True),
        ("tests/**/k.pem", "tests/k.pem", True),
        ("*.pem\n!good.pem", "x/good.pem", False),
        ("a?c", "abc", True),
        ("a?c", "a/c", False),
    ],
)
def test_ignore_patterns(patterns: str, path: str, ignored: bool) -> None:
    assert IgnoreRules.parse(patterns).ignores(path) is ignored


def test_empty_pattern_is_an_error() -> None:
    with pytest.raises(UsageError, match=r"\.botwarden-ignore:2: empty pattern"):
        IgnoreRules.parse("ok\n/\n")


@given(st.text(alphabet="ab/*?.!#", max_size=12), st.text(alphabet="ab/.", min_size=1, max_size=12))
def test_ignore_never_crashes(patterns: str, path: str) -> None:
    try:
        rules = IgnoreRules.parse(patterns)
    except UsageError:
        return
    assert rules.ignores(path) in (True, False)


def test_binary_minified_and_oversized_files_are_skipped(tmp_path: Path) -> None:
    names = ("a.txt", "b.bin", "c.js", "d.min.js", "e.txt")
    text, binary, minified, named, big = (tmp_path / n for n in names)
    text.write_text("token = abc\n", encoding="utf-8")
    binary.write_bytes(b"\x89PNG\0\0token = abc")
    minified.write_text("var a=1;" * 2000, encoding="utf-8")
    named.write_text("var a=1;\n", encoding="utf-8")
    big.write_text("x\n" * 600, encoding="utf-8")
    assert read_text(text) == "token = abc\n"
    assert [read_text(p) for p in (binary, minified, named)] == [None, None, None]
    assert read_text(big, max_bytes=1000) is None
    assert read_text(tmp_path / "missing") is None


def test_invalid_utf8_is_replaced_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "latin1.cfg"
    path.write_bytes(b"caf\xe9 token = abc\n")
    assert read_text(path) == "caf\ufffd token = abc\n"


def test_short_one_line_files_are_not_minified() -> None:
    assert not is_minified(b"TOKEN=" + b"a" * 3000)
    assert is_minified(b"a" * 5000)


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        walk([tmp_path / "nope"])
