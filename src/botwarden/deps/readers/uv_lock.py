"""``uv.lock``: every ``[[package]]`` from an index, and which of them the project asks for.

The project itself (and each workspace member) is a package with an ``editable`` or ``virtual``
source; it is not a dependency and is not reported. The names its ``dependencies``,
``optional-dependencies`` and ``dev-dependencies`` list (and ``[manifest] requirements``, for a
lock without a project) are direct; every other entry is transitive (``direct=False``). When
the lock names no project at all, every entry counts as direct. A package from ``git``,
``url``, ``path``, ``directory`` or a non-member ``editable``/``virtual`` source is not
matchable. Hashes are the sdist's and the wheels'.
"""

from __future__ import annotations

from typing import Any

from packaging.utils import canonicalize_name

from botwarden.deps.readers import _pep508
from botwarden.deps.readers._lock import add, entry_lines, hash_of, locked
from botwarden.deps.readers._text import TomlLines
from botwarden.deps.readers.model import NOT_MATCHABLE, ReadProblem, Requirement

SOURCE = "uv.lock"
_PROJECT_SOURCES = ("editable", "virtual")
_LOCAL_SOURCES = ("git", "url", "path", "directory", "editable", "virtual")


def _names(value: object) -> set[str]:
    """Names in a list of ``{name = ...}`` tables."""
    if not isinstance(value, list):
        return set()
    return {
        canonicalize_name(d["name"])
        for d in value
        if isinstance(d, dict) and isinstance(d.get("name"), str)
    }


def _grouped_names(value: object) -> set[str]:
    """Names in a table of lists of ``{name = ...}`` tables (extras, dev groups)."""
    if not isinstance(value, dict):
        return set()
    return {n for items in value.values() for n in _names(items)}


def _is_project(entry: dict[str, Any], members: set[str]) -> bool:
    source = entry.get("source")
    if not isinstance(source, dict) or not isinstance(entry.get("name"), str):
        return False
    local = next((source[k] for k in _PROJECT_SOURCES if k in source), None)
    return local == "." or (local is not None and canonicalize_name(entry["name"]) in members)


def read(
    data: dict[str, Any], text: str, shown: str
) -> tuple[list[Requirement], list[ReadProblem]]:
    requirements: list[Requirement] = []
    problems: list[ReadProblem] = []
    packages = data.get("package", [])
    if not isinstance(packages, list):
        return [], [ReadProblem(shown, 0, "'package' is not an array of tables")]
    manifest = data.get("manifest")
    manifest = manifest if isinstance(manifest, dict) else {}
    members_list = manifest.get("members")
    members: set[str] = (
        {canonicalize_name(m) for m in members_list if isinstance(m, str)}
        if isinstance(members_list, list)
        else set()
    )
    projects = [p for p in packages if isinstance(p, dict) and _is_project(p, members)]
    direct = _names(manifest.get("requirements")) | _grouped_names(
        manifest.get("dependency-groups")
    )
    for project in projects:
        direct |= _names(project.get("dependencies"))
        direct |= _grouped_names(project.get("optional-dependencies"))
        direct |= _grouped_names(project.get("dev-dependencies"))
    knows_direct = bool(projects) or bool(direct)
    lines = entry_lines(TomlLines(text), ("package",), len(packages))
    for entry, line in zip(packages, lines, strict=True):
        if isinstance(entry, dict) and _is_project(entry, members):
            continue
        source = entry.get("source") if isinstance(entry, dict) else None
        local = next((k for k in _LOCAL_SOURCES if isinstance(source, dict) and k in source), None)
        if isinstance(entry, dict) and isinstance(source, dict) and local is not None:
            where = str(source[local])
            problems.append(
                ReadProblem(
                    shown,
                    line,
                    f"{entry.get('name')!s:.60} ({local} = {_pep508.shorten(where)}) "
                    f"{NOT_MATCHABLE}: it is locked to a {local} source, not a release on an index",
                )
            )
            continue
        hashes: list[str] = []
        if isinstance(entry, dict):
            hashes += hash_of(entry.get("sdist"))
            wheels = entry.get("wheels")
            hashes += [h for w in wheels for h in hash_of(w)] if isinstance(wheels, list) else []
        name = entry.get("name") if isinstance(entry, dict) else None
        is_direct = not knows_direct or (
            isinstance(name, str) and canonicalize_name(name) in direct
        )
        add(
            locked(
                entry,
                shown=shown,
                line=line,
                source=SOURCE,
                hashes=hashes,
                direct=is_direct,
                what="[[package]] entry",
            ),
            requirements,
            problems,
        )
    return requirements, problems
