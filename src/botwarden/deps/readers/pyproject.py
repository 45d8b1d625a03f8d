"""``pyproject.toml``: PEP 621 ``[project]``, PEP 735 ``[dependency-groups]``, and Poetry's tables.

PEP 621 and PEP 735 entries are PEP 508 strings. Poetry writes ``name = constraint`` with its own
constraint language (``^1.2``, ``~1.2``, ``1.2.*``, ``>=1,<2``, ``1.2 || 1.4``); the constraint is
kept as written and counts as pinned only when it names one version (``1.2.3``, ``==1.2.3`` or
``=1.2.3``). A Poetry ``git``, ``path``, ``url`` or ``file`` dependency is not matchable.
``include-group`` entries of a dependency group are not expanded: the group they name is read
on its own already.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from botwarden.deps.readers import _pep508
from botwarden.deps.readers._text import TomlLines
from botwarden.deps.readers.model import NOT_MATCHABLE, ReadProblem, Requirement

SOURCE = "pyproject"
_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
_LOCATIONS = ("git", "path", "url", "file")


def poetry_pin(constraint: str) -> str | None:
    """The version a Poetry constraint pins (``1.2.3``, ``==1.2.3``, ``=1.2.3``), else ``None``."""
    text = constraint.strip()
    text = text.lstrip("=").strip() if text.startswith("=") and not text.startswith("===") else text
    if not text or not text[0].isdigit() or re.search(r"[*,|\s<>!~^]", text):
        return None
    try:
        Version(text)
    except InvalidVersion:
        return None
    return text


class _Reader:
    def __init__(self, text: str, shown: str) -> None:
        self.lines = TomlLines(text)
        self.shown = shown
        self.requirements: list[Requirement] = []
        self.problems: list[ReadProblem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(ReadProblem(self.shown, line, message))

    def pep508_list(self, keys: tuple[str, ...], value: object, groups: Mapping[str, Any]) -> None:
        if not isinstance(value, list):
            self.problem(self.lines.locate(keys), f"{'.'.join(keys)} is not an array")
            return
        after = 0
        for item in value:
            if isinstance(item, str):
                after = line = self.lines.locate(keys, item, after)
                result = _pep508.parse(item, path=self.shown, line=line, source=SOURCE)
                if isinstance(result, Requirement):
                    self.requirements.append(result)
                else:
                    self.problems.append(result)
            elif isinstance(item, dict) and set(item) == {"include-group"}:
                target = item["include-group"]
                if not isinstance(target, str) or target not in groups:
                    self.problem(
                        self.lines.locate(keys, None, after),
                        f"{'.'.join(keys)} includes the group {target!r:.60}, which "
                        "[dependency-groups] does not define",
                    )
            else:
                self.problem(
                    self.lines.locate(keys, None, after),
                    f"{'.'.join(keys)} holds {type(item).__name__} {str(item)!r:.60}, not a "
                    "PEP 508 string; it is skipped",
                )

    def poetry_table(self, keys: tuple[str, ...], table: object) -> None:
        if not isinstance(table, dict):
            self.problem(self.lines.locate(keys), f"{'.'.join(keys)} is not a table")
            return
        for name, value in table.items():
            if canonicalize_name(name) == "python":
                continue  # the interpreter's own range, not a package
            line = self.lines.locate((*keys, name))
            if not _NAME.match(name):
                self.problem(line, f"{name!r:.60} is not a valid package name; it is skipped")
                continue
            for constraint in value if isinstance(value, list) else [value]:
                self.poetry_one(name, constraint, line)

    def poetry_one(self, name: str, value: object, line: int) -> None:
        marker = ""
        if isinstance(value, dict):
            location = next((k for k in _LOCATIONS if k in value), None)
            if location is not None:
                where = str(value[location])
                kind = "a VCS checkout" if location == "git" else _pep508.location_kind(where)
                self.problem(
                    line,
                    f"{name} ({location} = {_pep508.shorten(where)}) "
                    f"{NOT_MATCHABLE}: it is installed from {kind}, not a release on "
                    "an index, so which advisories apply cannot be told from a version",
                )
                return
            markers = value.get("markers")
            marker = markers if isinstance(markers, str) else ""
            value = value.get("version", "")
        if not isinstance(value, str):
            self.problem(
                line,
                f"{name}: the constraint is {type(value).__name__}, not a string or a table "
                "with a version; it is skipped",
            )
            return
        self.requirements.append(
            Requirement(
                name=canonicalize_name(name),
                display_name=name,
                version=poetry_pin(value),
                specifier=value.strip(),
                path=self.shown,
                line=line,
                source=SOURCE,
                marker=marker,
            )
        )


def read(
    data: dict[str, Any], text: str, shown: str
) -> tuple[list[Requirement], list[ReadProblem]]:
    reader = _Reader(text, shown)
    project = data.get("project")
    if isinstance(project, dict):
        if "dependencies" in project:
            reader.pep508_list(("project", "dependencies"), project["dependencies"], {})
        optional = project.get("optional-dependencies")
        if isinstance(optional, dict):
            for extra, items in optional.items():
                reader.pep508_list(("project", "optional-dependencies", extra), items, {})
        elif optional is not None:
            reader.problem(
                reader.lines.locate(("project", "optional-dependencies")),
                "project.optional-dependencies is not a table",
            )
    elif project is not None:
        reader.problem(reader.lines.locate(("project",)), "[project] is not a table")
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        for group, items in groups.items():
            reader.pep508_list(("dependency-groups", group), items, groups)
    elif groups is not None:
        reader.problem(
            reader.lines.locate(("dependency-groups",)), "[dependency-groups] is not a table"
        )
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    if isinstance(poetry, dict):
        for key in ("dependencies", "dev-dependencies"):
            if key in poetry:
                reader.poetry_table(("tool", "poetry", key), poetry[key])
        poetry_groups = poetry.get("group")
        if isinstance(poetry_groups, dict):
            for group, body in poetry_groups.items():
                if isinstance(body, dict) and "dependencies" in body:
                    reader.poetry_table(
                        ("tool", "poetry", "group", group, "dependencies"), body["dependencies"]
                    )
    return reader.requirements, reader.problems
