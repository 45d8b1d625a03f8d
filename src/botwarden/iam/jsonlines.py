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
from dataclasses import dataclass
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
    lines, repeated = _scan(text)
    if duplicates is not None:
        duplicates.extend(repeated)
    return data, lines


def line_at(lines: Mapping[Key, int], path: Key) -> int | None:
    """The line of ``path``, else of its nearest located parent; None when nothing matches."""
    for length in range(len(path), -1, -1):
        line = lines.get(path[:length])
        if line is not None:
            return line
    return None


def _scan(text: str) -> tuple[dict[Key, int], list[DuplicateKey]]:
    """Walk the tokens of valid JSON once, without recursion, recording each key's line.

    A frame is an open object or array: ``[path, is_object, key, index, expect_key, seen]``.
    One flat loop over plain lists: this runs for every token of every policy file, and
    method calls per token cost more than the scan itself.
    """
    lines: dict[Key, int] = {}
    duplicates: list[DuplicateKey] = []
    stack: list[list[Any]] = []
    top: list[Any] | None = None
    line, last = 1, 0
    count = text.count
    for match in _TOKEN.finditer(text):
        start = match.start()
        if start != last:
            line += count("\n", last, start)
            last = start
        piece = match.group()
        first = piece[0]
        if first == ",":
            if top is not None:
                top[4] = True
                top[3] += 1
        elif first in {"}", "]"}:
            stack.pop()
            top = stack[-1] if stack else None
        elif top is not None and top[1] and top[4] and first == '"':
            key = json.loads(piece) if "\\" in piece else piece[1:-1]
            top[2] = key
            top[4] = False
            path: Key = (*top[0], key)
            seen: set[str] = top[5]
            if key in seen:
                duplicates.append(DuplicateKey(path, line))
            seen.add(key)
            lines[path] = line
        else:
            if top is None:
                path = ()
                lines[path] = line
            elif top[1]:
                path = (*top[0], top[2])
            else:
                path = (*top[0], top[3])
                lines[path] = line
            if first in {"{", "["}:
                top = [path, first == "{", "", 0, True, set()]
                stack.append(top)
    return lines, duplicates
