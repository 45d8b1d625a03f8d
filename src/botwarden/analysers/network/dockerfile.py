"""Dockerfiles as instructions: logical lines, the ``# escape=`` directive and heredocs.

Docker's own reader, in brief: parser directives (``# escape=``, ``# syntax=``) are read only
at the very top, before any comment, blank line or instruction; a line ending in the escape
character (``\\`` by default, or a backtick) continues on the next one, with the escape and the
line break removed; comment lines and blank lines inside a continuation are dropped; ``RUN``,
``COPY`` and ``ADD`` may name heredocs (``<<EOF``, ``<<-EOF``, ``<<"EOF"``) whose bodies follow
the instruction, each up to a line holding only its marker (``<<-`` strips leading tabs first).

This reader never raises: text that is not a Dockerfile yields whatever instructions it seems to
hold, so a broken file is checked as far as it can be, like a broken policy is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIRECTIVE = re.compile(r"^#\s*([A-Za-z]+)\s*=\s*(\S*)\s*$")
_HEREDOC = re.compile(r"<<(-?)(['\"]?)([A-Za-z_][A-Za-z0-9_.-]*)\2")
HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})


@dataclass(frozen=True, slots=True)
class Heredoc:
    marker: str
    body: str
    line: int  # the body's first line


@dataclass(frozen=True, slots=True)
class Instruction:
    """One instruction: ``keyword`` upper-cased, ``args`` its logical line after the keyword."""

    keyword: str
    args: str
    line: int  # 1-based first physical line
    end_line: int  # last physical line, heredoc bodies included
    heredocs: tuple[Heredoc, ...] = ()


def escape_character(lines: list[str]) -> str:
    """The ``# escape=`` directive's character (``\\`` or a backtick), else ``\\``."""
    escape = "\\"
    for line in lines:
        match = _DIRECTIVE.match(line.strip())
        if match is None:
            break
        if match.group(1).lower() == "escape" and match.group(2) in ("\\", "`"):
            escape = match.group(2)
    return escape


def parse_dockerfile(text: str) -> list[Instruction]:
    """Every instruction of ``text``, in order."""
    lines = text.splitlines()
    escape = escape_character(lines)
    instructions: list[Instruction] = []
    index = 0
    while index < len(lines):
        stripped = lines[index].strip()
        if not stripped or stripped.startswith("#"):
            index += 1
            continue
        start = index
        parts: list[str] = []
        while True:
            line = lines[index].rstrip()
            continued = line.endswith(escape)
            parts.append(line[: -len(escape)] if continued else line)
            index += 1
            if not continued:
                break
            # skip blank and comment lines inside the continuation
            while index < len(lines) and (
                not lines[index].strip() or lines[index].lstrip().startswith("#")
            ):
                index += 1
            if index >= len(lines):
                break
        logical = "".join(parts).strip()
        keyword, _, args = logical.partition(" ")
        if "\t" in keyword:
            keyword, _, rest = keyword.partition("\t")
            args = f"{rest} {args}".strip() if args else rest
        keyword = keyword.upper()
        heredocs: list[Heredoc] = []
        if keyword in HEREDOC_INSTRUCTIONS:
            index = _read_heredocs(args, lines, index, heredocs)
        instructions.append(Instruction(keyword, args.strip(), start + 1, max(index, start + 1),
                                        tuple(heredocs)))  # fmt: skip
    return instructions


def _read_heredocs(args: str, lines: list[str], index: int, found: list[Heredoc]) -> int:
    """Read the bodies of the heredocs ``args`` names, from ``lines[index]``; return where the
    next instruction starts. An unterminated heredoc runs to the end of the file."""
    for match in _HEREDOC.finditer(args):
        strip_tabs, marker = match.group(1) == "-", match.group(3)
        body: list[str] = []
        first = index + 1
        while index < len(lines):
            line = lines[index]
            index += 1
            if (line.lstrip("\t") if strip_tabs else line).rstrip("\r") == marker:
                break
            body.append(line.lstrip("\t") if strip_tabs else line)
        found.append(Heredoc(marker, "\n".join(body), first))
    return index


def split_words(args: str) -> list[str]:
    """Whitespace-separated words, quotes kept together (``ENV A="b c"`` is one word ``A=b c``)."""
    words: list[str] = []
    current: list[str] = []
    quote: str | None = None
    escaped = False
    in_word = False
    for char in args:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote is not None:
            if char == quote:
                quote = None
            else:
                current.append(char)
        elif char in "'\"":
            quote, in_word = char, True
        elif char.isspace():
            if in_word:
                words.append("".join(current))
                current, in_word = [], False
        else:
            current.append(char)
            in_word = True
    if in_word or current:
        words.append("".join(current))
    return words
