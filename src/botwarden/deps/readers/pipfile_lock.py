"""``Pipfile.lock`` (pipenv): the ``default`` and ``develop`` sections, JSON.

Each entry is ``"name": {"version": "==X", "hashes": [...], "markers": "..."}``. pipenv flattens
direct and transitive packages together, so every entry counts as direct. An entry with
``git``, ``path``, ``file`` or ``editable`` is not matchable.
"""

from __future__ import annotations

import json
import re

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from botwarden.deps.readers import _pep508
from botwarden.deps.readers.model import NOT_MATCHABLE, ReadProblem, Requirement

SOURCE = "Pipfile.lock"
SECTIONS = ("default", "develop")
_LOCAL = ("git", "path", "file", "editable")
_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")


class _Lines:
    """Line of a key, searched forward: pipenv writes one key per line."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def key(self, key: str, start: int) -> int:
        pattern = re.compile(r"^\s*" + re.escape(json.dumps(key)) + r"\s*:")
        return next(
            (i + 1 for i in range(start, len(self.lines)) if pattern.match(self.lines[i])), 0
        )


def read(text: str, shown: str) -> tuple[list[Requirement], list[ReadProblem]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [ReadProblem(shown, exc.lineno, f"not valid JSON: {exc.msg}")]
    except RecursionError:
        return [], [ReadProblem(shown, 0, "not valid JSON: nested too deeply")]
    if not isinstance(data, dict):
        return [], [ReadProblem(shown, 1, "a Pipfile.lock is a JSON object")]
    lines = _Lines(text)
    requirements: list[Requirement] = []
    problems: list[ReadProblem] = []
    for section in SECTIONS:
        entries = data.get(section)
        start = lines.key(section, 0)
        if entries is None:
            continue
        if not isinstance(entries, dict):
            problems.append(ReadProblem(shown, start, f"{section!r} is not an object"))
            continue
        for name, entry in entries.items():
            line = lines.key(name, start) if start else 0
            start = line or start
            problem = _check(name, entry, shown, line)
            if problem is not None:
                problems.append(problem)
                continue
            version = entry["version"][2:].strip()
            hashes = entry.get("hashes")
            markers = entry.get("markers")
            requirements.append(
                Requirement(
                    name=canonicalize_name(name),
                    display_name=name,
                    version=version,
                    specifier="==" + version,
                    path=shown,
                    line=line,
                    source=SOURCE,
                    hashes=tuple(
                        dict.fromkeys(h for h in hashes if isinstance(h, str) and ":" in h)
                    )
                    if isinstance(hashes, list)
                    else (),
                    marker=markers if isinstance(markers, str) else "",
                )
            )
    return requirements, problems


def _check(name: str, entry: object, shown: str, line: int) -> ReadProblem | None:
    if not _NAME.match(name):
        return ReadProblem(shown, line, f"{name!r:.60} is not a valid package name; skipped")
    if not isinstance(entry, dict):
        return ReadProblem(shown, line, f"{name}: the entry is not an object; skipped")
    local = next((k for k in _LOCAL if entry.get(k)), None)
    if local is not None:
        where = str(entry[local]) if local != "editable" else str(entry.get("path", "."))
        return ReadProblem(
            shown,
            line,
            f"{name} ({local} {_pep508.shorten(where)}) {NOT_MATCHABLE}: it is installed from "
            f"{'a VCS checkout' if local == 'git' else _pep508.location_kind(where)}, not a "
            "release on an index",
        )
    version = entry.get("version")
    if not isinstance(version, str) or not version.startswith("=="):
        return ReadProblem(
            shown, line, f"{name}: the lock records no '==' version, so it cannot be matched"
        )
    try:
        Version(version[2:].strip())
    except InvalidVersion:
        return ReadProblem(
            shown, line, f"{name}: version {version!r:.60} is not PEP 440; it cannot be matched"
        )
    return None
