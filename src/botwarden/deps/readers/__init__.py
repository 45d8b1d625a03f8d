"""Dependency readers: requirements files, ``pyproject.toml``, lock files, installed environments.

Each format has its own small module; :func:`read_file` picks one by the file's name and
:func:`discover` finds the files under a scan root. Every reader returns the requirements it
found and the problems it met; bad input never raises.
"""

from __future__ import annotations

from botwarden.deps.readers.environment import read_environment
from botwarden.deps.readers.files import discover, read_file
from botwarden.deps.readers.model import NOT_MATCHABLE, SOURCES, ReadProblem, Requirement

__all__ = [
    "NOT_MATCHABLE",
    "SOURCES",
    "ReadProblem",
    "Requirement",
    "discover",
    "read_environment",
    "read_file",
]
