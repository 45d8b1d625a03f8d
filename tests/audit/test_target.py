from __future__ import annotations

from pathlib import Path

from botwarden.audit.target import MAX_TEXT_BYTES, Target


def test_files_skip_vcs_venv_and_caches(tmp_path: Path) -> None:
    for name in ["a.py", "sub/b.toml", ".git/config", ".venv/lib/x.py", "node_modules/m.js",
                 "sub/__pycache__/c.pyc", ".botwarden/state.db"]:  # fmt: skip
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    found = [Target(tmp_path).relative(p) for p in Target(tmp_path).files()]
    assert found == ["a.py", "sub/b.toml"]


def test_read_text_skips_binary_and_huge_files(tmp_path: Path) -> None:
    text, binary, huge = tmp_path / "t.txt", tmp_path / "b.bin", tmp_path / "h.txt"
    text.write_bytes(b"line one\nline \xff two\n")
    binary.write_bytes(b"\x00\x01\x02")
    huge.write_bytes(b"a" * (MAX_TEXT_BYTES + 1))
    target = Target(tmp_path)
    assert target.read_text(text) == "line one\nline \ufffd two\n"
    assert target.read_text(binary) is None
    assert target.read_text(huge) is None
    assert target.line("t.txt", 2) == "line \ufffd two"
    assert target.line("t.txt", 3) == ""
    assert target.line("missing.txt", 1) == ""
