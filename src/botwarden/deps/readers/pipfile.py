"""``Pipfile``: pipenv's TOML, ``[packages]`` and ``[dev-packages]`` (and any other table of
packages pipenv's categories name).

A value is a PEP 440 specifier (``"==2.31.0"``, ``">=1.2"``, ``"*"`` for any version) or a table
with ``version`` (and ``markers``); a table with ``git``, ``path``, ``file`` or ``editable``
installs from somewhere other than an index and is not matchable. ``Pipfile.lock`` is read by
its own reader: a project with both gets the lock's pins and the Pipfile's ranges.
"""

from __future__ import annotations

from typing import Any

from botwarden.deps.readers import _pep508
from botwarden.deps.readers._lock import add
from botwarden.deps.readers._text import TomlLines
from botwarden.deps.readers.model import NOT_MATCHABLE, ReadProblem, Requirement

SOURCE = "Pipfile"
# Tables that are not package lists: where to install from, and the interpreter wanted.
_NOT_PACKAGES = frozenset({"source", "requires", "scripts", "pipenv"})
_LOCATIONS = ("git", "hg", "svn", "bzr", "path", "file")


def read(
    data: dict[str, Any], text: str, shown: str
) -> tuple[list[Requirement], list[ReadProblem]]:
    lines = TomlLines(text)
    requirements: list[Requirement] = []
    problems: list[ReadProblem] = []
    for category, table in data.items():
        if category in _NOT_PACKAGES or not isinstance(table, dict):
            continue
        for name, value in table.items():
            line = lines.locate((category, name))
            add(_one(str(name), value, shown, line), requirements, problems)
    return requirements, problems


def _one(name: str, value: object, shown: str, line: int) -> Requirement | ReadProblem:
    marker = ""
    if isinstance(value, dict):
        location = next((k for k in _LOCATIONS if k in value), None)
        if location is not None:
            where = str(value[location])
            return ReadProblem(
                shown,
                line,
                f"{name} ({location} = {_pep508.shorten(where)}) {NOT_MATCHABLE}: it is installed "
                "from a checkout or a local path, not a release on an index",
            )
        markers = value.get("markers")
        marker = markers if isinstance(markers, str) else ""
        value = value.get("version", "*")
    if not isinstance(value, str):
        return ReadProblem(
            shown, line, f"{name}: the version is {type(value).__name__}, not a string; skipped"
        )
    spec = value.strip()
    text = name if spec in ("", "*") else f"{name}{spec}"
    if marker:
        text += f"; {marker}"
    return _pep508.parse(text, path=shown, line=line, source=SOURCE)


__all__ = ["SOURCE", "read"]
