"""Which files are dependency files, finding them under a root, and reading one by its name."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from botwarden.deps.readers import pipfile, pipfile_lock, poetry_lock, pylock, pyproject, uv_lock
from botwarden.deps.readers._text import display_path, load_toml, read_text, within
from botwarden.deps.readers.model import ReadProblem, Requirement
from botwarden.deps.readers.requirements import read_requirements
from botwarden.deps.readers.setuptools import read_setup_cfg, read_setup_py

Result = tuple[list[Requirement], list[ReadProblem]]
_TomlReader = Callable[[dict[str, Any], str, str], Result]

_TOML: dict[str, _TomlReader] = {
    "pyproject.toml": pyproject.read,
    "poetry.lock": poetry_lock.read,
    "uv.lock": uv_lock.read,
    "Pipfile": pipfile.read,
}
_TEXT: dict[str, Callable[[str, str], Result]] = {
    "setup.cfg": read_setup_cfg,
    "setup.py": read_setup_py,
    "Pipfile.lock": pipfile_lock.read,
}
# Directories that hold installed or generated code, never a project's own dependency files.
SKIPPED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "virtualenvs", ".virtualenvs",
        "node_modules", "__pycache__", "site-packages", "dist-packages", ".mypy_cache",
        ".ruff_cache", ".pytest_cache",
    }
)  # fmt: skip


def _is_pylock(name: str) -> bool:
    return name == "pylock.toml" or (name.startswith("pylock.") and name.endswith(".toml"))


def kind(path: Path) -> str | None:
    """The format ``read_file`` reads ``path`` as, from its name; ``None`` if none."""
    name = path.name
    if name in _TOML or name in _TEXT:
        return name
    if _is_pylock(name):
        return "pylock"
    if name.lower().endswith((".txt", ".in")):
        return "requirements"
    return None


def _discoverable(path: Path) -> bool:
    """Dependency files by name; plain ``*.txt``/``*.in`` only as ``requirements*`` or in a
    ``requirements/`` folder, as ``MANIFEST.in`` or ``LICENSE.txt`` are not requirements."""
    name, lower = path.name, path.name.lower()
    if name in _TOML or name in _TEXT or _is_pylock(name):
        return True
    if not lower.endswith((".txt", ".in")):
        return False
    return lower.startswith("requirements") or path.parent.name.lower() == "requirements"


def discover(root: Path) -> list[Path]:
    """Dependency files under ``root``, sorted, without descending into environments, VCS
    metadata or caches, or following symlinks out of ``root``."""
    if root.is_file():
        return [root] if kind(root) is not None else []
    found: list[Path] = []
    for current, dirs, files in os.walk(root, followlinks=False):
        base = Path(current)
        dirs[:] = [
            d for d in dirs if d not in SKIPPED_DIRS and not (base / d / "pyvenv.cfg").exists()
        ]
        for name in files:
            path = base / name
            if _discoverable(path) and (not path.is_symlink() or within(path, root)):
                found.append(path)
    return sorted(found)


def read_file(path: Path, root: Path) -> Result:
    """The requirements in one dependency file (dispatched on its name) and its problems."""
    shown = display_path(path, root)
    fmt = kind(path)
    if fmt is None:
        return [], [ReadProblem(shown, 0, "not a dependency file this reader knows, by its name")]
    if fmt == "requirements":
        return read_requirements(path, root)
    text = read_text(path, shown)
    if isinstance(text, ReadProblem):
        return [], [text]
    if fmt in _TEXT:
        return _TEXT[fmt](text, shown)
    data = load_toml(text, shown)
    if isinstance(data, ReadProblem):
        return [], [data]
    reader = pylock.read if fmt == "pylock" else _TOML[fmt]
    return reader(data, text, shown)
