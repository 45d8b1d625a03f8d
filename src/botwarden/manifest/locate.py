"""Line numbers for the keys of a TOML document.

``tomllib`` returns plain data without positions, and no maintained TOML library exposes them, so
this small scanner walks the (already validated) text once and records, for every table, key and
array element, the line where it starts. The loader uses it to say *where* a field is wrong; the
analysers use it to point findings at the offending line. It never raises: on text it does not
understand it returns what it found so far, and lookups fall back to the nearest located parent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Key = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_BASIC_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
_LITERAL_STRING = re.compile(r"'([^'\n]*)'")
_SCALAR = re.compile(r"[^,\]}\n#]*")
_SPACE = re.compile(r"(?:[ \t\r]+|#[^\n]*)*")
_SPACE_AND_LINES = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def _unescape(raw: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code, "")

    return _ESCAPE.sub(one, raw)


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.lines: dict[Key, int] = {}
        self.array_tables: dict[Key, int] = {}  # path of an array of tables -> current index

    # -- characters ------------------------------------------------------------------------
    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def advance(self, count: int = 1) -> None:
        chunk = self.text[self.pos : self.pos + count]
        self.line += chunk.count("\n")
        self.pos += count

    def skip_space(self, newlines: bool) -> None:
        """Skip blanks and comments; with ``newlines`` also line ends."""
        pattern = _SPACE_AND_LINES if newlines else _SPACE
        match = pattern.match(self.text, self.pos)
        if match is not None and match.end() > self.pos:
            self.advance(match.end() - self.pos)

    # -- keys and strings ------------------------------------------------------------------
    def string(self) -> str:
        quote = self.peek()
        if self.text.startswith(quote * 3, self.pos):
            end = self.text.find(quote * 3, self.pos + 3)
            if end < 0:
                raise ValueError("unterminated string")
            while self.text.startswith(quote, end + 3):
                end += 1  # up to two quotes may close a multi-line string
            raw = self.text[self.pos + 3 : end]
            self.advance(end + 3 - self.pos)
            return raw
        match = (_BASIC_STRING if quote == '"' else _LITERAL_STRING).match(self.text, self.pos)
        if match is None:
            raise ValueError("unterminated string")
        self.pos = match.end()  # one-line strings hold no line break
        raw = match.group(1)
        return _unescape(raw) if quote == '"' and "\\" in raw else raw

    def key(self) -> list[str]:
        parts: list[str] = []
        while True:
            self.skip_space(newlines=False)
            if self.peek() in ('"', "'"):
                parts.append(self.string())
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if match is None:
                    raise ValueError("expected a key")
                parts.append(match.group())
                self.pos = match.end()
            self.skip_space(newlines=False)
            if self.peek() != ".":
                return parts
            self.advance()

    # -- values ----------------------------------------------------------------------------
    def value(self, path: Key) -> None:
        char = self.peek()
        if char == "[":
            self.array(path)
        elif char == "{":
            self.inline_table(path)
        elif char in ('"', "'"):
            self.string()
        else:
            match = _SCALAR.match(self.text, self.pos)
            self.pos = match.end() if match else self.pos

    def array(self, path: Key) -> None:
        self.advance()
        index = 0
        while True:
            self.skip_space(newlines=True)
            if self.peek() in ("]", ""):
                self.advance()
                return
            self.lines.setdefault((*path, index), self.line)
            self.value((*path, index))
            index += 1
            self.skip_space(newlines=True)
            if self.peek() == ",":
                self.advance()

    def inline_table(self, path: Key) -> None:
        self.advance()
        while True:
            self.skip_space(newlines=True)
            if self.peek() in ("}", ""):
                self.advance()
                return
            self.key_value(path)
            self.skip_space(newlines=True)
            if self.peek() == ",":
                self.advance()

    def key_value(self, table: Key) -> None:
        line = self.line
        keys = self.key()
        for depth in range(1, len(keys) + 1):
            self.lines.setdefault((*table, *keys[:depth]), line)
        self.skip_space(newlines=False)
        self.advance()  # '='
        self.skip_space(newlines=False)
        self.value((*table, *keys))

    # -- tables ----------------------------------------------------------------------------
    def header(self) -> Key:
        line = self.line
        is_array = self.text.startswith("[[", self.pos)
        self.advance(2 if is_array else 1)
        keys = self.key()
        self.skip_space(newlines=False)
        self.advance(2 if is_array else 1)
        for depth in range(1, len(keys)):  # [a.b] also defines a, where not defined before
            self.lines.setdefault(self._resolve(keys[:depth]), line)
        path = (*self._resolve(keys[:-1]), keys[-1])
        if is_array:
            index = self.array_tables.get(path, -1) + 1
            self.array_tables[path] = index
            self.lines.setdefault(path, line)
            path = (*path, index)
        self.lines.setdefault(path, line)
        return path

    def _resolve(self, keys: Sequence[str]) -> Key:
        """Insert the current index after each prefix that names an array of tables."""
        path: Key = ()
        for part in keys:
            path = (*path, part)
            if path in self.array_tables:
                path = (*path, self.array_tables[path])
        return path

    def document(self) -> dict[Key, int]:
        table: Key = ()
        while True:
            self.skip_space(newlines=True)
            if self.pos >= len(self.text):
                return self.lines
            if self.peek() == "[":
                table = self.header()
            else:
                self.key_value(table)


def locate_keys(text: str) -> dict[Key, int]:
    """Map each key path (strings for keys, ints for array indices) to its 1-based line."""
    scanner = _Scanner(text)
    try:
        return scanner.document()
    except (ValueError, IndexError):
        return scanner.lines


def line_of(lines: dict[Key, int], path: Key) -> int | None:
    """The line of ``path`` or of its nearest located parent; None when nothing matches."""
    for length in range(len(path), 0, -1):
        line = lines.get(path[:length])
        if line is not None:
            return line
    return None
