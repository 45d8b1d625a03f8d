"""What the lock-file readers share: a checked name and version, and the entry's line."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from botwarden.deps.readers._text import TomlLines
from botwarden.deps.readers.model import ReadProblem, Requirement

_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")


def entry_lines(lines: TomlLines, keys: Sequence[str], count: int) -> list[int]:
    """1-based line of each ``[[keys]]`` entry's ``name``; 0s when the headers cannot be paired."""
    headers = lines.array_entries(keys)
    if len(headers) != count:
        return [0] * count
    return [lines.key_in_entry(h, "name") for h in headers]


def locked(
    entry: object,
    *,
    shown: str,
    line: int,
    source: str,
    hashes: Iterable[str] = (),
    marker: str = "",
    direct: bool = True,
    what: str = "entry",
) -> Requirement | ReadProblem:
    """A lock entry with a name and a PEP 440 version as a pinned requirement, else a problem."""
    if not isinstance(entry, dict):
        return ReadProblem(shown, line, f"the {what} is not a table; it is skipped")
    name, version = entry.get("name"), entry.get("version")
    if not isinstance(name, str) or not _NAME.match(name):
        return ReadProblem(shown, line, f"the {what} has no valid package name; it is skipped")
    if not isinstance(version, str) or not version.strip():
        return ReadProblem(
            shown,
            line,
            f"{name}: the lock records no version, so it cannot be matched against advisories",
        )
    try:
        Version(version)
    except InvalidVersion:
        return ReadProblem(
            shown, line, f"{name}: version {version!r:.60} is not PEP 440; it cannot be matched"
        )
    return Requirement(
        name=canonicalize_name(name),
        display_name=name,
        version=version,
        specifier="==" + version,
        path=shown,
        line=line,
        source=source,
        hashes=tuple(dict.fromkeys(hashes)),
        marker=marker,
        direct=direct,
    )


def hash_of(item: object, key: str = "hash") -> list[str]:
    """The ``algorithm:digest`` string at ``item[key]``, if there is one."""
    if isinstance(item, dict) and isinstance(item.get(key), str) and ":" in item[key]:
        return [item[key]]
    return []


def add(
    result: Requirement | ReadProblem, requirements: list[Requirement], problems: list[ReadProblem]
) -> None:
    if isinstance(result, Requirement):
        requirements.append(result)
    else:
        problems.append(result)
