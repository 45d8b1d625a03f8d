"""``poetry.lock``: every ``[[package]]`` with its version, file hashes and markers.

Poetry does not record which packages are direct, so every entry is ``direct``. A package from
a ``git``, ``directory``, ``file`` or ``url`` source (or ``develop = true``) is not matchable;
``legacy`` sources are package indexes and are. Hashes come from the entry's ``files`` (lock
format 2) or from ``[metadata.files]`` (format 1). Poetry 2 may write ``markers`` as a table
per dependency group; the groups' markers are then joined with ``or``.
"""

from __future__ import annotations

from typing import Any

from packaging.utils import canonicalize_name

from botwarden.deps.readers import _pep508
from botwarden.deps.readers._lock import add, entry_lines, hash_of, locked
from botwarden.deps.readers._text import TomlLines
from botwarden.deps.readers.model import NOT_MATCHABLE, ReadProblem, Requirement

SOURCE = "poetry.lock"
_LOCAL_SOURCES = {"git", "directory", "file", "url"}


def _marker(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        found = list(dict.fromkeys(v for v in value.values() if isinstance(v, str) and v))
        return found[0] if len(found) == 1 else " or ".join(f"({m})" for m in found)
    return ""


def read(
    data: dict[str, Any], text: str, shown: str
) -> tuple[list[Requirement], list[ReadProblem]]:
    requirements: list[Requirement] = []
    problems: list[ReadProblem] = []
    packages = data.get("package", [])
    if not isinstance(packages, list):
        return [], [ReadProblem(shown, 0, "'package' is not an array of tables")]
    metadata = data.get("metadata")
    old_files = metadata.get("files") if isinstance(metadata, dict) else None
    old_files = old_files if isinstance(old_files, dict) else {}
    old_by_name = {canonicalize_name(str(k)): v for k, v in old_files.items()}
    lines = entry_lines(TomlLines(text), ("package",), len(packages))
    for entry, line in zip(packages, lines, strict=True):
        source = entry.get("source") if isinstance(entry, dict) else None
        kind = source.get("type") if isinstance(source, dict) else None
        if isinstance(entry, dict) and (kind in _LOCAL_SOURCES or entry.get("develop") is True):
            where = str(source.get("url", "")) if isinstance(source, dict) else ""
            what = f"{entry.get('name')!s:.60} ({kind or 'develop'} {_pep508.shorten(where)})"
            problems.append(
                ReadProblem(
                    shown,
                    line,
                    f"{what} {NOT_MATCHABLE}: it is locked to a {kind or 'local'} source, not "
                    "a release on an index",
                )
            )
            continue
        files = entry.get("files") if isinstance(entry, dict) else None
        if not files and isinstance(entry, dict):
            files = old_by_name.get(canonicalize_name(str(entry.get("name", ""))))
        hashes = [h for f in files or [] for h in hash_of(f)] if isinstance(files, list) else []
        result = locked(
            entry,
            shown=shown,
            line=line,
            source=SOURCE,
            hashes=hashes,
            marker=_marker(entry.get("markers")) if isinstance(entry, dict) else "",
            what="[[package]] entry",
        )
        add(result, requirements, problems)
    return requirements, problems
