"""What every reader returns: requirements to match, and problems that say why something was not.

A reader never raises on bad input. A line it cannot read, or a requirement it cannot match
(an editable install, a URL, a VCS checkout, a local path: none names a PyPI release), becomes a
:class:`ReadProblem` naming the file and the line, and the rest of the file is still read.
"""

from __future__ import annotations

from dataclasses import dataclass

# The phrase every "cannot be matched" problem carries, so that a caller can tell a requirement
# it must not count as checked from a file that is broken.
NOT_MATCHABLE = "is not matchable"

SOURCES = frozenset(
    {
        "requirements",
        "pyproject",
        "poetry.lock",
        "uv.lock",
        "Pipfile",
        "Pipfile.lock",
        "pylock",
        "setup.cfg",
        "setup.py",
        "environment",
    }
)


@dataclass(frozen=True, slots=True)
class Requirement:
    """One dependency as a file (or an environment) states it."""

    name: str  # PEP 503 normalised
    display_name: str  # as written
    version: str | None  # the exact pinned version (== X without wildcard, === X, a lock entry)
    specifier: str  # as written, e.g. ">=2,<3" ("" if none); for locks "==" + version
    path: str  # display path of the file it came from (relative to the scan root, POSIX)
    line: int  # 1-based line of the requirement (0 if unknown, e.g. environments)
    source: str  # one of SOURCES
    hashes: tuple[str, ...] = ()  # "algorithm:digest", as pip's --hash writes them
    marker: str = ""  # the PEP 508 environment marker, normalised by packaging
    direct: bool = True  # False only for lock entries the lock itself marks as transitive


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """Something in a file that could not be read or matched, with where and why."""

    path: str
    line: int  # 1-based; 0 when the problem is the whole file or the line is unknown
    message: str
