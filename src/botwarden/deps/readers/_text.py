"""Reading untrusted dependency files: a size cap, display paths, TOML errors with their line.

Dependency files come from the repository being scanned, so a file is opened without blocking
(a FIFO named ``requirements.txt`` must not hang the scan), must be a regular file, and is read
up to :data:`MAX_BYTES`. Decoding and TOML errors become one :class:`ReadProblem` with the line
they were found on.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from botwarden.deps.readers.model import ReadProblem

MAX_BYTES = 10 * 1024 * 1024
_TOML_LINE = re.compile(r"\bline (\d+)")


def normalise(path: Path) -> Path:
    """An absolute path with ``.`` and ``..`` removed lexically (symlinks are kept as named)."""
    return Path(os.path.normpath(path.absolute()))


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to the scan root, POSIX; ``../x`` for a file beside it, else absolute."""
    target, base = normalise(path), normalise(root)
    if target == base:
        return target.name or target.as_posix()
    try:
        return target.relative_to(base).as_posix()
    except ValueError:
        pass
    try:
        return Path(os.path.relpath(target, base)).as_posix()
    except ValueError:  # another drive on Windows
        return target.as_posix()


def resolved(path: Path) -> Path | None:
    """The real path behind symlinks, or ``None`` when it cannot be worked out (a loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None


def within(path: Path, root: Path) -> bool:
    """Whether ``path``, after symlinks, is ``root`` or below it."""
    real, base = resolved(path), resolved(root)
    return real is not None and base is not None and real.is_relative_to(base)


def read_text(path: Path, shown: str, *, by_line: bool = False) -> str | ReadProblem:
    """The file's text (UTF-8, a BOM dropped), or the one problem that stops it being read.

    ``by_line`` is for line-based files (requirements): a line that is not UTF-8 becomes an
    empty line and one problem each (raised as :class:`NotText`), so one stray byte does not
    hide the pins on the other lines.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        return ReadProblem(shown, 0, f"cannot open the file: {exc.strerror or exc}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return ReadProblem(shown, 0, "not a regular file, so it is not read")
        if info.st_size > MAX_BYTES:
            return ReadProblem(shown, 0, _too_big(info.st_size))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return ReadProblem(shown, 0, f"cannot read the file: {exc.strerror or exc}")
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:  # it grew while being read
        return ReadProblem(shown, 0, _too_big(len(data)))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if by_line:
            return _decode_lines(data, shown)
        line = data[: exc.start].count(b"\n") + 1
        return ReadProblem(shown, line, f"not UTF-8 text ({exc.reason} at byte {exc.start})")


class NotText(str):
    """Decoded text with the lines that were not UTF-8 blanked, and a problem for each."""

    problems: tuple[ReadProblem, ...] = ()


def _decode_lines(data: bytes, shown: str) -> NotText:
    lines, problems = [], []
    for number, raw in enumerate(data.removeprefix(b"\xef\xbb\xbf").split(b"\n"), 1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            lines.append("")
            reason = f"line is not UTF-8 text ({exc.reason} at byte {exc.start}); it is skipped"
            problems.append(ReadProblem(shown, number, reason))
    text = NotText("\n".join(lines))
    text.problems = tuple(problems)
    return text


def _too_big(size: int) -> str:
    return (
        f"the file is {size} bytes, over the {MAX_BYTES} byte limit for a dependency file; "
        "it is not read"
    )


def load_toml(text: str, shown: str) -> dict[str, Any] | ReadProblem:
    """The decoded TOML document, or one problem on the line tomllib names."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        lineno = getattr(exc, "lineno", None)  # Python 3.14 and later
        if not isinstance(lineno, int):
            found = _TOML_LINE.search(str(exc))
            lineno = int(found.group(1)) if found else 0
        return ReadProblem(shown, lineno, f"not valid TOML: {exc}")
    except RecursionError:
        return ReadProblem(shown, 0, "arrays or tables nested too deeply to be read")


_HEADER = re.compile(r"^\s*(\[\[?)([^\[\]]+)\]\]?\s*(?:#.*)?$")
_KEY_PART = re.compile(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([A-Za-z0-9_-]+)')


def _dotted(text: str) -> tuple[str, ...]:
    return tuple(a or b or c for a, b, c in _KEY_PART.findall(text))


class TomlLines:
    """Where a key or a string sits in a TOML file: tomllib gives values but no line numbers.

    The search is textual and takes the first match in the right table, which is exact for
    files as tools and people write them (a table header per table, one key per line). When
    nothing matches it falls back to the table's header line, or 0.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: list[tuple[int, bool, tuple[str, ...]]] = []  # (index, array?, keys)
        for index, line in enumerate(self.lines):
            found = _HEADER.match(line)
            if found:
                self.headers.append((index, found.group(1) == "[[", _dotted(found.group(2))))

    def _end(self, start: int) -> int:
        return next((i for i, _, _ in self.headers if i > start), len(self.lines))

    def array_entries(self, keys: Sequence[str]) -> list[int]:
        """The header lines (0-based) of every ``[[keys]]`` entry, in order."""
        return [i for i, array, dotted in self.headers if array and dotted == tuple(keys)]

    def key_in_entry(self, header: int, key: str) -> int:
        """1-based line of ``key = ...`` in the table whose header is on line ``header``."""
        found = self._key(header + 1, self._end(header), key)
        return (found if found is not None else header) + 1

    def _key(self, start: int, end: int, key: str) -> int | None:
        pattern = re.compile(
            r"(?:^|[\s.{,])(?:" + "|".join(re.escape(k) for k in _spellings(key)) + r")\s*[.=]"
        )
        return next((i for i in range(start, end) if pattern.search(self.lines[i])), None)

    def locate(self, keys: Sequence[str], literal: str | None = None, after: int = 0) -> int:
        """1-based line of the value at ``keys`` (or of the string ``literal`` inside it).

        ``after`` (1-based) makes successive items of one array resolve in order.
        """
        start, rest = -1, tuple(keys)
        for n in range(len(keys), 0, -1):
            header = next(
                (i for i, array, dotted in self.headers if not array and dotted == tuple(keys[:n])),
                None,
            )
            if header is not None:
                start, rest = header, tuple(keys[n:])
                break
        end = self._end(start) if start >= 0 else self._end(-1)
        line = start
        for key in rest:
            found = self._key(max(line, start + 1), end, key)
            if found is None:
                return line + 1 if line >= 0 else 0
            line = found
        if literal is not None:
            needles = [f'"{literal}"', f"'{literal}'"]
            for i in range(max(line, after - 1, 0), end):
                if any(n in self.lines[i] for n in needles):
                    return i + 1
        return line + 1 if line >= 0 else 0


def _spellings(key: str) -> list[str]:
    bare = [key] if re.fullmatch(r"[A-Za-z0-9_-]+", key) else []
    return [*bare, f'"{key}"', f"'{key}'"]
