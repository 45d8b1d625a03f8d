"""OSV advisories (the osv-schema format) for PyPI, and whether a version is affected.

Records are untrusted input: a record that is not an object, lacks an id, or whose ranges name a
version PEP 440 cannot read raises :class:`OSVError` naming the record and the field, and the
caller reports it and goes on with the rest. Only what matching needs is kept.

Matching walks each range's events in version order, as the osv-schema's evaluation section
describes: ``introduced`` opens the range (``"0"`` before every version), ``fixed`` closes it at
that version, ``last_affected`` just after it, and ``limit`` caps the range. Versions compare
by PEP 440 (epochs, pre-, post- and dev-releases, local versions), never as strings.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from botwarden.deps.cvss import Severity, severity
from botwarden.errors import Error

ECOSYSTEM = "PyPI"
_ZERO = Version("0")
# At one version an interval's events apply in this order: a range that is both introduced
# and fixed at the same version holds nothing.
_ORDER = {"introduced": 0, "last_affected": 1, "fixed": 2, "limit": 3}


class OSVError(Error):
    """An OSV record that cannot be used, with where and why."""


class _UnreadableRangeError(Exception):
    """A range event whose version PEP 440 cannot read: the range is left out."""


@dataclass(frozen=True, slots=True)
class Event:
    kind: str  # introduced | fixed | last_affected | limit
    version: Version


@dataclass(frozen=True, slots=True)
class Affected:
    """One ``affected`` entry for a PyPI package: its ranges and its explicit versions."""

    package: str  # PEP 503 normalised
    ranges: tuple[tuple[Event, ...], ...]
    versions: frozenset[Version]

    def includes(self, version: Version) -> bool:
        if version in self.versions:
            return True
        return any(_in_range(version, events) for events in self.ranges)

    def fixed(self) -> tuple[Version, ...]:
        return tuple(sorted({e.version for r in self.ranges for e in r if e.kind == "fixed"}))


@dataclass(frozen=True, slots=True)
class Advisory:
    id: str
    aliases: tuple[str, ...]
    summary: str
    severity: Severity
    affected: tuple[Affected, ...]
    withdrawn: bool = False

    def packages(self) -> frozenset[str]:
        return frozenset(a.package for a in self.affected)

    def affects(self, package: str, version: Version) -> bool:
        name = canonicalize_name(package)
        return any(a.package == name and a.includes(version) for a in self.affected)

    def fixed_versions(self, package: str) -> tuple[Version, ...]:
        name = canonicalize_name(package)
        return tuple(sorted({v for a in self.affected if a.package == name for v in a.fixed()}))


def _in_range(version: Version, events: tuple[Event, ...]) -> bool:
    affected = False
    for event in events:
        if event.kind == "introduced":
            affected = affected or version >= event.version
        elif event.kind == "limit":
            if version >= event.version:
                return False
        elif version > event.version or (event.kind == "fixed" and version == event.version):
            affected = False
    return affected


def parse_version(text: object, where: str) -> Version:
    if text == "0":
        return _ZERO
    if not isinstance(text, str):
        raise OSVError(f"{where}: version is not a string: {text!r:.40}")
    version = _version(text)
    if version is None:
        raise OSVError(f"{where}: {text!r:.60} is not a PEP 440 version")
    return version


@functools.lru_cache(maxsize=1 << 16)
def _version(text: str) -> Version | None:
    """Parsing dominates reading records (a package's records repeat its release list)."""
    try:
        return Version(text)
    except InvalidVersion:
        return None


def parse(record: object, origin: str = "record", warnings: list[str] | None = None) -> Advisory:
    """The advisory in one decoded OSV JSON document (only its PyPI entries are kept).

    A record whose shape is wrong raises :class:`OSVError`. A version PEP 440 cannot read (old
    PyPI releases such as ``2004d`` or ``0.4dev-r1234``) does not cost the whole advisory: it is
    left out of an explicit ``versions`` list, and a range with such an event is left out (the
    record's ``versions`` list, which OSV fills for PyPI, still names what it affected); each is
    described in ``warnings``.
    """
    notes: list[str] = warnings if warnings is not None else []
    if not isinstance(record, Mapping):
        raise OSVError(f"{origin}: an OSV record is a JSON object, not {type(record).__name__}")
    ident = record.get("id")
    if not isinstance(ident, str) or not ident.strip():
        raise OSVError(f"{origin}: the record has no id")
    where = f"{origin} ({ident})"
    aliases = tuple(str(a) for a in _list(record.get("aliases"), f"{where}: aliases"))
    entries = []
    for i, item in enumerate(_list(record.get("severity"), f"{where}: severity")):
        if isinstance(item, Mapping):
            entries.append((str(item.get("type", "")), str(item.get("score", ""))))
        else:
            raise OSVError(f"{where}: severity[{i}] is not an object")
    word = record.get("database_specific")
    word = word.get("severity") if isinstance(word, Mapping) else None
    affected = tuple(_affected(record.get("affected"), where, notes))
    return Advisory(
        id=ident.strip(),
        aliases=aliases,
        summary=str(record.get("summary") or record.get("details") or "")[:300],
        severity=severity(entries, word if isinstance(word, str) else None),
        affected=affected,
        withdrawn=bool(record.get("withdrawn")),
    )


def _list(value: object, where: str) -> list[object]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise OSVError(f"{where} is not a list")
    return value


def _affected(value: object, where: str, notes: list[str]) -> Iterable[Affected]:
    for i, item in enumerate(_list(value, f"{where}: affected")):
        at = f"{where}: affected[{i}]"
        if not isinstance(item, Mapping):
            raise OSVError(f"{at} is not an object")
        package = item.get("package")
        if not isinstance(package, Mapping) or package.get("ecosystem") != ECOSYSTEM:
            continue  # other ecosystems (and PyPI:... variants) are not ours
        name = package.get("name")
        if not isinstance(name, str) or not name.strip():
            raise OSVError(f"{at}: package has no name")
        ranges = []
        for j, rng in enumerate(_list(item.get("ranges"), f"{at}: ranges")):
            if not isinstance(rng, Mapping):
                raise OSVError(f"{at}: ranges[{j}] is not an object")
            if rng.get("type") != "ECOSYSTEM":
                continue  # GIT ranges name commits, not releases
            try:
                ranges.append(_events(rng.get("events"), f"{at}: ranges[{j}]"))
            except _UnreadableRangeError as exc:
                notes.append(f"{exc.args[0]}; the range is left out")
        versions = set()
        for v in _list(item.get("versions"), f"{at}: versions"):
            try:
                versions.add(parse_version(v, f"{at}: versions"))
            except OSVError as exc:
                notes.append(f"{exc.message}; left out of the list")
        yield Affected(canonicalize_name(name), tuple(ranges), frozenset(versions))


def _events(value: object, where: str) -> tuple[Event, ...]:
    events = []
    for k, event in enumerate(_list(value, f"{where}: events")):
        if not isinstance(event, Mapping) or len(event) != 1:
            raise OSVError(f"{where}: events[{k}] must hold exactly one of {sorted(_ORDER)}")
        ((kind, text),) = event.items()
        if kind not in _ORDER:
            raise OSVError(f"{where}: events[{k}]: unknown event {kind!r:.40}")
        try:
            events.append(Event(kind, parse_version(text, f"{where}: events[{k}].{kind}")))
        except OSVError as exc:
            raise _UnreadableRangeError(exc.message) from None
    if not any(e.kind == "introduced" for e in events):
        raise OSVError(f"{where}: a range needs an 'introduced' event")
    return tuple(sorted(events, key=lambda e: (e.version, _ORDER[e.kind])))


def smallest_upgrade(
    package: str, version: Version, advisories: Iterable[Advisory]
) -> Version | None:
    """The lowest version above ``version`` that no advisory affects, from the fixes they name.

    Final releases are preferred; a pre-release is offered only when no final release clears
    every advisory. ``None`` when the advisories name no such version (``last_affected`` only,
    or every fix is itself affected by another advisory).
    """
    relevant = [a for a in advisories if canonicalize_name(package) in a.packages()]
    candidates = sorted(
        {v for a in relevant for v in a.fixed_versions(package) if v > version},
        key=lambda v: (v.is_prerelease or v.is_devrelease, v),
    )
    for candidate in candidates:
        if not any(a.affects(package, candidate) for a in relevant):
            return candidate
    return None
