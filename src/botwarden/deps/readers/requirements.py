"""pip requirements files (``requirements*.txt``, pip-tools ``*.in``) and their includes.

Lines are joined and stripped as pip does (``req_file.py``): a line ending in ``\\`` continues on
the next unless it is a comment; ``#`` starts a comment at the line start or after whitespace
(so ``#egg=`` in a URL stays). The requirement is the text before the first token that starts
with ``-``; the rest are options (``--hash`` is kept).

``-r``/``--requirement`` and ``-c``/``--constraint`` are followed relative to the including file,
at most :data:`MAX_DEPTH` deep; a file already on the include chain is a cycle and reported, a
file already read through another branch is not read twice. An include is followed only inside
the confinement directory: the scan root, or, for a file asked for outside it, that file's
directory. A scanned repository must not make the scanner read (and echo, line by line, as
"not PEP 508") files such as ``~/.aws/credentials``. Remote includes are never fetched.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from botwarden.deps.readers import _pep508
from botwarden.deps.readers._text import (
    NotText,
    display_path,
    normalise,
    read_text,
    resolved,
    within,
)
from botwarden.deps.readers.model import NOT_MATCHABLE, ReadProblem, Requirement

SOURCE = "requirements"
MAX_DEPTH = 10
_COMMENT = re.compile(r"(^|\s+)#.*$")
_HASH = re.compile(r"^[A-Za-z0-9_-]+:[A-Za-z0-9+/=_-]+$")

_INCLUDE = {"-r": "-r", "--requirement": "-r", "-c": "-c", "--constraint": "-c"}
_EDITABLE = {"-e", "--editable"}
# Options pip accepts in a requirements file. Those with a value take the next token (or the
# text after "=", or after a short flag); all but the ones above are irrelevant to matching.
_WITH_VALUE = {
    "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host",
    "--only-binary", "--no-binary", "--use-feature", "-C", "--config-settings",
    "--global-option", "--install-option", "--hash",
    *_INCLUDE, *_EDITABLE,
}  # fmt: skip
_FLAGS = {"--no-index", "--pre", "--prefer-binary", "--require-hashes"}
_SHORT = {o for o in _WITH_VALUE if len(o) == 2}


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first physical line, joined text without comments) for every non-empty logical line."""
    pending: list[str] = []
    first = 0
    number = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        comment = bool(_COMMENT.match(raw))
        if raw.endswith("\\") and not comment:
            if not pending:
                first = number
            pending.append(raw[:-1])
            continue
        if pending:
            pending.append(" " + raw if comment else raw)
            yield from _stripped(first, "".join(pending))
            pending = []
        else:
            yield from _stripped(number, raw)
    if pending:
        yield from _stripped(first or number, "".join(pending))


def _stripped(number: int, line: str) -> Iterator[tuple[int, str]]:
    line = _COMMENT.sub("", line).strip()
    if line:
        yield number, line


def split_options(line: str) -> tuple[str, str]:
    """The requirement (tokens before the first ``-`` token) and the options, as pip splits."""
    tokens = re.split(r"[ \t]", line)
    for index, token in enumerate(tokens):
        if token.startswith("-"):
            return " ".join(tokens[:index]).strip(), " ".join(tokens[index:])
    return line, ""


def parse_options(text: str) -> list[tuple[str, str | None]]:
    """(option, value) pairs; raises ValueError for unbalanced quotes or a missing value."""
    tokens = shlex.split(text, comments=False, posix=True)
    options: list[tuple[str, str | None]] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        name, eq, value = token.partition("=")
        if token.startswith("--") and eq:
            options.append((name, value))
        elif token in _WITH_VALUE:
            if index >= len(tokens):
                raise ValueError(f"option {token} needs a value")
            options.append((token, tokens[index]))
            index += 1
        elif token[:2] in _SHORT and len(token) > 2 and not token.startswith("--"):
            options.append((token[:2], token[2:]))
        else:
            options.append((token, None))
    return options


@dataclass
class _Reader:
    confine: Path
    root: Path
    requirements: list[Requirement] = field(default_factory=list)
    problems: list[ReadProblem] = field(default_factory=list)
    seen: set[Path] = field(default_factory=set)

    def read(self, path: Path, chain: tuple[tuple[Path, str], ...]) -> None:
        shown = display_path(path, self.root)
        real = resolved(path) or normalise(path)
        if real in self.seen:
            return
        self.seen.add(real)
        text = read_text(path, shown, by_line=True)
        if isinstance(text, ReadProblem):
            self.problems.append(text)
            return
        if isinstance(text, NotText):
            self.problems.extend(text.problems)
        here = (*chain, (real, shown))
        for number, line in logical_lines(text):
            self._line(path, shown, number, line, here)

    def _line(
        self, path: Path, shown: str, number: int, line: str, chain: tuple[tuple[Path, str], ...]
    ) -> None:
        requirement, options_text = split_options(line)
        try:
            options = parse_options(options_text)
        except ValueError as exc:
            self.problems.append(
                ReadProblem(shown, number, f"options {_pep508.shorten(options_text)}: {exc}")
            )
            options = []  # the requirement itself is still worth checking
        if requirement:
            self._requirement(shown, number, requirement, options)
            return
        for option, value in options:
            if option in _INCLUDE and value is not None:
                self._include(path, shown, number, flag=_INCLUDE[option], value=value, chain=chain)
            elif option in _EDITABLE and value is not None:
                what = f"editable requirement {_pep508.shorten(value)}"
                self.problems.append(
                    ReadProblem(
                        shown,
                        number,
                        f"{what} {NOT_MATCHABLE}: an editable install is built from "
                        f"{_pep508.location_kind(value)}, not a release on an index",
                    )
                )
            elif option not in _WITH_VALUE and option not in _FLAGS:
                self.problems.append(
                    ReadProblem(
                        shown,
                        number,
                        f"unknown option {_pep508.shorten(option, 40)}: pip would refuse this "
                        "file; the line is skipped",
                    )
                )

    def _requirement(
        self, shown: str, number: int, text: str, options: list[tuple[str, str | None]]
    ) -> None:
        hashes: list[str] = []
        for option, value in options:
            if option != "--hash" or value is None:
                continue
            if _HASH.match(value):
                hashes.append(value)
            else:
                self.problems.append(
                    ReadProblem(
                        shown,
                        number,
                        f"--hash {_pep508.shorten(value, 40)} is not algorithm:digest "
                        "(e.g. sha256:...); it is left out",
                    )
                )
        result = _pep508.parse(
            text, path=shown, line=number, source=SOURCE, hashes=tuple(dict.fromkeys(hashes))
        )
        if isinstance(result, Requirement):
            self.requirements.append(result)
        else:
            self.problems.append(result)

    def _include(
        self,
        path: Path,
        shown: str,
        number: int,
        *,
        flag: str,
        value: str,
        chain: tuple[tuple[Path, str], ...],
    ) -> None:
        what = f"include {flag} {_pep508.shorten(value)}"
        if "://" in value:
            self.problems.append(
                ReadProblem(shown, number, f"{what} is a URL; it is not fetched, so it is not read")
            )
            return
        target = path.parent / value
        real = resolved(target) or normalise(target)
        for index, (link, _) in enumerate(chain):
            if link == real:
                loop = " -> ".join([name for _, name in chain[index:]] + [chain[index][1]])
                self.problems.append(
                    ReadProblem(shown, number, f"{what} is an include cycle ({loop}); not followed")
                )
                return
        if len(chain) > MAX_DEPTH:
            self.problems.append(
                ReadProblem(
                    shown,
                    number,
                    f"{what} is nested more than {MAX_DEPTH} includes deep; not followed",
                )
            )
            return
        if not within(target, self.confine):
            self.problems.append(
                ReadProblem(
                    shown,
                    number,
                    f"{what} points outside the scanned directory; not followed, so that a "
                    "scanned file cannot make the scanner read arbitrary files",
                )
            )
            return
        self.read(target, chain)


def read_requirements(path: Path, root: Path) -> tuple[list[Requirement], list[ReadProblem]]:
    """Every requirement in ``path`` and the files it includes, and every problem found."""
    confine = root if within(path, root) else path.parent
    reader = _Reader(confine=confine, root=root)
    reader.read(path, ())
    return reader.requirements, reader.problems
