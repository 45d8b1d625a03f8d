"""``pylock.toml`` and ``pylock.<name>.toml`` (PEP 751): every ``[[packages]]`` entry.

A package from an index (``sdist``/``wheels``/``index``) is pinned to its ``version``; PEP 751
lets a lock leave the version out, and such an entry cannot be matched. ``vcs``, ``directory``
and ``archive`` packages are not matchable. Hashes (``{sha256 = "..."}`` tables) become
``sha256:...``. PEP 751 does not record which packages are direct, so all count as direct.
"""

from __future__ import annotations

from typing import Any

from botwarden.deps.readers import _pep508
from botwarden.deps.readers._lock import add, entry_lines, locked
from botwarden.deps.readers._text import TomlLines
from botwarden.deps.readers.model import NOT_MATCHABLE, ReadProblem, Requirement

SOURCE = "pylock"
_LOCAL = ("vcs", "directory", "archive")


def _hashes(item: object) -> list[str]:
    table = item.get("hashes") if isinstance(item, dict) else None
    if not isinstance(table, dict):
        return []
    return [f"{alg}:{digest}" for alg, digest in table.items() if isinstance(digest, str)]


def _where(value: object) -> str:
    if isinstance(value, dict):
        return str(value.get("url") or value.get("path") or "")
    return ""


def read(
    data: dict[str, Any], text: str, shown: str
) -> tuple[list[Requirement], list[ReadProblem]]:
    requirements: list[Requirement] = []
    problems: list[ReadProblem] = []
    version = data.get("lock-version")
    if isinstance(version, str) and not version.startswith("1."):
        problems.append(
            ReadProblem(
                shown,
                TomlLines(text).locate(("lock-version",)),
                f"lock-version {version!r:.20} is newer than the 1.x this reader knows; "
                "it is read as 1.0",
            )
        )
    packages = data.get("packages", [])
    if not isinstance(packages, list):
        return [], [ReadProblem(shown, 0, "'packages' is not an array of tables")]
    lines = entry_lines(TomlLines(text), ("packages",), len(packages))
    for entry, line in zip(packages, lines, strict=True):
        local = next((k for k in _LOCAL if isinstance(entry, dict) and k in entry), None)
        if isinstance(entry, dict) and local is not None:
            where = _where(entry[local])
            kind = "a VCS checkout" if local == "vcs" else _pep508.location_kind(where)
            problems.append(
                ReadProblem(
                    shown,
                    line,
                    f"{entry.get('name')!s:.60} ({local} {_pep508.shorten(where)}) "
                    f"{NOT_MATCHABLE}: it is locked to {kind}, not a release on an index",
                )
            )
            continue
        hashes: list[str] = []
        marker = ""
        if isinstance(entry, dict):
            hashes += _hashes(entry.get("sdist"))
            wheels = entry.get("wheels")
            hashes += [h for w in wheels for h in _hashes(w)] if isinstance(wheels, list) else []
            marker = entry["marker"] if isinstance(entry.get("marker"), str) else ""
        add(
            locked(
                entry,
                shown=shown,
                line=line,
                source=SOURCE,
                hashes=hashes,
                marker=marker,
                what="[[packages]] entry",
            ),
            requirements,
            problems,
        )
    return requirements, problems
