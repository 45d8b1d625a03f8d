"""Which files a scan reads, and reading each one once.

A scan skips what cannot hold a reviewable secret or would only slow it down: VCS and cache
folders, binary files (a NUL byte in the first 8 KB), files over a size cap, and minified files
(very long lines: a bundle's every line matches some keyword and none is a key anyone wrote). A
``.botwarden-ignore`` file at the scan root lists more paths to skip, as glob patterns.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from botwarden.audit.target import SKIPPED_DIRS
from botwarden.errors import UsageError

IGNORE_FILE = ".botwarden-ignore"
DEFAULT_MAX_BYTES = 10 << 20  # 10 MB
MINIFIED_MEAN_LINE = 1000  # characters per line, on average, above which a file is minified
MINIFIED_MIN_BYTES = 4096  # a short one-line file (a .env, a token file) is never "minified"
_BINARY_WINDOW = 8192
_MINIFIED_NAME = re.compile(r"\.min\.(?:js|mjs|cjs|css)$")


@dataclass(frozen=True, slots=True)
class ScanFile:
    """A file to scan: where it is, how findings name it, and its path below the scan root
    (which ``.botwarden-secrets.toml`` fixture globs and lock-file names are matched against)."""

    path: Path
    shown: str
    relative: str = ""

    @property
    def below_root(self) -> str:
        return self.relative or self.shown


@dataclass(frozen=True, slots=True)
class IgnoreRules:
    """``.botwarden-ignore`` patterns, gitignore-like: ``#`` comments, ``!`` re-includes, a
    pattern with no ``/`` matches a name at any depth, a trailing ``/`` matches folders only,
    ``**`` spans folders. The last pattern that matches decides."""

    patterns: tuple[tuple[re.Pattern[str], bool, bool], ...] = ()  # (regex, negated, dir_only)

    @classmethod
    def parse(cls, text: str, source: str = IGNORE_FILE) -> IgnoreRules:
        parsed = []
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            negated = line.startswith("!")
            body = line[1:] if negated else line
            dir_only = body.endswith("/")
            body = body.strip("/") if dir_only else body.lstrip("/")
            if not body:
                raise UsageError(f"{source}:{number}: empty pattern {raw.strip()!r}")
            anchored = "/" in body or line.lstrip("!").startswith("/")
            parsed.append((_glob_regex(body, anchored), negated, dir_only))
        return cls(tuple(parsed))

    @classmethod
    def at(cls, root: Path) -> IgnoreRules:
        """The rules in ``root/.botwarden-ignore``, or none when there is no such file."""
        path = root / IGNORE_FILE
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{path}: cannot be read: {exc}") from None
        return cls.parse(text, path.as_posix())

    def ignores(self, relative: str, is_dir: bool = False) -> bool:
        """Whether ``relative`` (POSIX, from the root) or a folder above it is ignored."""
        parts = relative.split("/")
        for depth in range(1, len(parts) + 1):
            if self._decide("/".join(parts[:depth]), is_dir or depth < len(parts)):
                return True
        return False

    def _decide(self, path: str, is_dir: bool) -> bool:
        ignored = False
        for regex, negated, dir_only in self.patterns:
            if (is_dir or not dir_only) and regex.fullmatch(path):
                ignored = not negated
        return ignored


def _glob_regex(glob: str, anchored: bool) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        else:
            char = glob[i]
            out.append({"*": "[^/]*", "?": "[^/]"}.get(char, re.escape(char)))
            i += 1
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(prefix + "".join(out))


def walk(paths: Iterable[Path], *, shown_from: Path | None = None) -> list[ScanFile]:
    """The files to scan below ``paths`` (files named directly are always scanned), skipping VCS,
    virtualenv and cache folders and what each folder's ``.botwarden-ignore`` lists.

    Findings name files as given on the command line (``shown_from`` None), or relative to
    ``shown_from`` (an audit's root)."""
    found: list[ScanFile] = []
    for path in paths:
        if path.is_file():
            found.append(ScanFile(path, _shown(path, shown_from), path.name))
        elif path.is_dir():
            found.extend(ScanFile(f, _shown(f, shown_from), _shown(f, path))
                         for f in _walk_dir(path))  # fmt: skip
        else:
            raise UsageError(f"{path}: no such file or directory")
    return found


def _walk_dir(root: Path) -> Iterator[Path]:
    ignore = IgnoreRules.at(root)
    for folder, dirs, names in os.walk(root):
        base = Path(folder)
        here = base.relative_to(root).as_posix()
        prefix = "" if here == "." else here + "/"
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS
                         and not ignore.ignores(prefix + d, is_dir=True))  # fmt: skip
        for name in sorted(names):
            if name != IGNORE_FILE and not ignore.ignores(prefix + name):
                file = base / name
                if file.is_file() and not file.is_symlink():
                    yield file


def filter_ignored(files: Iterable[Path], root: Path) -> list[Path]:
    """``files`` (below ``root``) minus what ``root/.botwarden-ignore`` lists."""
    ignore = IgnoreRules.at(root)
    kept = []
    for file in files:
        relative = file.relative_to(root).as_posix()
        if file.name != IGNORE_FILE and not ignore.ignores(relative):
            kept.append(file)
    return kept


def _shown(path: Path, base: Path | None) -> str:
    if base is None:
        return path.as_posix()
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def read_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str | None:
    """The file decoded as UTF-8 (bad bytes replaced), or None when it is skipped: unreadable,
    over ``max_bytes``, binary or minified."""
    try:
        if path.stat().st_size > max_bytes:
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    if b"\0" in raw[:_BINARY_WINDOW] or is_minified(raw, path.name):
        return None
    return raw.decode("utf-8", errors="replace")


def is_minified(raw: bytes, name: str = "") -> bool:
    """A ``.min.js``/``.min.css`` file, or one whose lines average over ``MINIFIED_MEAN_LINE``."""
    if _MINIFIED_NAME.search(name):
        return True
    if len(raw) < MINIFIED_MIN_BYTES:
        return False
    return len(raw) / (raw.count(b"\n") + 1) > MINIFIED_MEAN_LINE
