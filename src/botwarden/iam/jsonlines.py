"""JSON with line numbers: the data ``json`` reads, plus the line of every key and array element.

Findings must point at the line a user wrote, and ``json`` forgets positions. So the text is parsed
twice: once by ``json.loads`` (which decides validity and produces the values), then by a small
token scanner over the now known-valid text that records, for every key path (strings for object
keys, ints for array indices), the 1-based line where it starts. The scanner also notices
duplicate keys, which ``json`` silently resolves to the last value but IAM treats as ambiguous.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from botwarden.errors import Error

Key = tuple[str | int, ...]

# One JSON token per match: a string, a structural character, or a bare literal. Colons are
# skipped: in valid JSON a key is always followed by one, so the scanner's state says enough.
# Valid JSON strings hold no raw line breaks, so lines are counted between tokens, not per token.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],]|[^ \t\r\n{}\[\],:"]+')


class PolicyParseError(Error):
    """A policy file that cannot be read at all (not valid JSON, YAML or HCL; unreadable)."""

    def __init__(
        self, path: str, line: int | None, reason: str, *, hint: str | None = None
    ) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}", hint=hint)
        self.path = path
        self.line = line
        self.reason = reason


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    """A key written twice in one object: ``path`` ends with the key, ``line`` is the repeat."""

    path: Key
    line: int | None


def parse_json_with_lines(
    text: str, *, path: str = "<string>", duplicates: list[DuplicateKey] | None = None
) -> tuple[Any, dict[Key, int]]:
    """Parse JSON text and map each key path to its 1-based line; ``()`` is the top value.

    Raise :class:`PolicyParseError` ("path:line: not valid JSON: ...") for invalid text. Pass a
    list as ``duplicates`` to collect keys repeated within one object.
    """
    text = text.removeprefix("\ufeff")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PolicyParseError(path, exc.lineno, f"not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise PolicyParseError(path, None, "not valid JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. integers longer than Python converts
        raise PolicyParseError(path, None, f"not valid JSON: {exc}") from None
    scanner = _Scanner()
    scanner.scan(text)
    if duplicates is not None:
        duplicates.extend(scanner.duplicates)
    return data, scanner.lines


def line_at(lines: Mapping[Key, int], path: Key) -> int | None:
    """The line of ``path``, else of its nearest located parent; None when nothing matches."""
    for length in range(len(path), -1, -1):
        line = lines.get(path[:length])
        if line is not None:
            return line
    return None


@dataclass(slots=True)
class _Frame:
    """An open object or array: its path, and the key or index of the value being read."""

    path: Key
    is_object: bool
    key: str = ""
    index: int = 0
    expect_key: bool = True
    seen: set[str] = field(default_factory=set)

    def child(self) -> Key:
        return (*self.path, self.key if self.is_object else self.index)


class _Scanner:
    """Walks the tokens of valid JSON once, without recursion (depth is not a concern here)."""

    def __init__(self) -> None:
        self.lines: dict[Key, int] = {}
        self.duplicates: list[DuplicateKey] = []
        self.stack: list[_Frame] = []

    def scan(self, text: str) -> None:
        line, last = 1, 0
        for match in _TOKEN.finditer(text):
            start = match.start()
            line += text.count("\n", last, start)
            last = start
            self.piece(match.group(), line)

    def piece(self, piece: str, line: int) -> None:
        top = self.stack[-1] if self.stack else None
        if top is not None and top.is_object and top.expect_key and piece[0] == '"':
            self.key(top, piece, line)
        elif piece == ",":
            if top is not None:
                top.expect_key = True
                top.index += 1
        elif piece in ("}", "]"):
            self.stack.pop()
        else:
            self.value(top, piece, line)

    def key(self, frame: _Frame, piece: str, line: int) -> None:
        key = json.loads(piece) if "\\" in piece else piece[1:-1]
        frame.key = key
        frame.expect_key = False
        path = frame.child()
        if key in frame.seen:
            self.duplicates.append(DuplicateKey(path, line))
        frame.seen.add(key)
        self.lines[path] = line

    def value(self, top: _Frame | None, piece: str, line: int) -> None:
        path: Key = () if top is None else top.child()
        if top is None or not top.is_object:
            self.lines[path] = line
        if piece in ("{", "["):
            self.stack.append(_Frame(path, is_object=piece == "{"))
