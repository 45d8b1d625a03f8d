"""What an audit looks at: a directory tree, and the bot's manifest when there is one.

Analysers share one ``Target`` so each file is listed and read at most once per run, however
many analysers look at it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botwarden.manifest import Manifest

SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache",
     ".ruff_cache", ".pytest_cache", ".hypothesis", ".botwarden", ".tox", ".nox"}
)  # fmt: skip
MAX_TEXT_BYTES = 4 << 20


@dataclass
class Target:
    """A directory under audit. Paths in findings are relative to ``root``, POSIX style."""

    root: Path
    manifest: Manifest | None = None
    manifest_path: Path | None = None
    _files: list[Path] | None = field(default=None, repr=False)
    _texts: dict[Path, str | None] = field(default_factory=dict, repr=False)

    def files(self) -> list[Path]:
        """Every regular file below ``root``, skipping VCS, virtualenv and cache folders."""
        if self._files is None:
            found: list[Path] = []
            for folder, dirs, names in os.walk(self.root):
                dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
                base = Path(folder)
                found.extend(base / name for name in sorted(names) if (base / name).is_file())
            self._files = found
        return self._files

    def relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def read_text(self, path: Path) -> str | None:
        """The file as text, or None for binary, oversized or unreadable files (read once)."""
        if path not in self._texts:
            self._texts[path] = _read_text(path)
        return self._texts[path]

    def line(self, relative_path: str, number: int) -> str:
        text = self.read_text(self.root / relative_path)
        if text is None or number < 1:
            return ""
        lines = text.splitlines()
        return lines[number - 1] if number <= len(lines) else ""


def _read_text(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_TEXT_BYTES:
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    if b"\0" in raw[:8192]:
        return None
    return raw.decode("utf-8", errors="replace")
