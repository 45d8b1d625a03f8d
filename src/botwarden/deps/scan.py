"""Dependencies against the OSV database: which pins are vulnerable, which are not pinned at all.

Findings, one per problem and place, so a baseline can accept one advisory without the others:

- ``deps.vulnerable``: a pinned version that an advisory affects; severity from the advisory's
  CVSS (``unknown`` counts as medium); the message names the advisory, its aliases, its fixes
  and the smallest upgrade that clears every advisory known for the package.
- ``deps.unpinned``: a requirement that admits more than one version, for a package that no
  file of the scan pins (a lock file, a constraints file, another requirements file); medium
  when its range admits a version an advisory names as affected, low otherwise.
- ``deps.unreadable``: a dependency file or line that could not be read.
- ``deps.unmatchable``: an editable, URL, VCS or path requirement, or a pin PEP 440 cannot
  read: no release to match.
- ``deps.no-database`` / ``deps.stale-database``: the check could not run, or ran on old data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from botwarden.deps.osv import Advisory, smallest_upgrade
from botwarden.deps.readers import read_file
from botwarden.deps.readers.model import NOT_MATCHABLE, ReadProblem, Requirement
from botwarden.deps.vulndb import VulnDB
from botwarden.findings import Finding, Location, Rule, Severity

VULNERABLE = Rule(
    "deps.vulnerable",
    Severity.HIGH,
    "Dependency with a known vulnerability",
    "Upgrade to the version named in the finding (the smallest that clears every advisory "
    "known for the package), then regenerate lock files.",
    category="dependencies",
)
UNPINNED = Rule(
    "deps.unpinned",
    Severity.LOW,
    "Dependency not pinned to one version",
    "Pin the exact version (== in requirements, or a lock file) so what is reviewed is what is "
    "deployed, and so the scan can tell whether it is vulnerable.",
    category="dependencies",
)
UNREADABLE = Rule(
    "deps.unreadable",
    Severity.MEDIUM,
    "Dependency file or requirement that could not be checked",
    "Fix the line named; a requirement botwarden cannot read is one it cannot check.",
    category="dependencies",
)
UNMATCHABLE = Rule(
    "deps.unmatchable",
    Severity.LOW,
    "Dependency that no advisory database can match",
    "An editable, URL, VCS or local-path requirement names no PyPI release: pin a release, or "
    "review that source by other means.",
    category="dependencies",
)
NO_DATABASE = Rule(
    "deps.no-database",
    Severity.MEDIUM,
    "Dependencies not checked: no vulnerability database",
    "Import OSV's PyPI export once: botwarden vulndb import all.zip (docs/dependencies.md).",
    category="dependencies",
)
STALE_DATABASE = Rule(
    "deps.stale-database",
    Severity.LOW,
    "Vulnerability database is old",
    "Download OSV's PyPI export again and re-import it.",
    category="dependencies",
)
RULES = (VULNERABLE, UNPINNED, UNREADABLE, UNMATCHABLE, NO_DATABASE, STALE_DATABASE)
STALE_AFTER = dt.timedelta(days=30)
_BY_RATING = {
    "critical": Severity.CRITICAL,
    "high": Severity.HIGH,
    "medium": Severity.MEDIUM,
    "low": Severity.LOW,
    "none": Severity.LOW,
    "unknown": Severity.MEDIUM,
}


def read_all(files: Iterable[Path], root: Path) -> tuple[list[Requirement], list[ReadProblem]]:
    """Every requirement and problem of ``files``; a file that several others include counts
    once (each reader call also reads what its file includes)."""
    requirements: dict[tuple[str, int, str], Requirement] = {}
    problems: dict[tuple[str, int, str], ReadProblem] = {}
    for file in files:
        found, trouble = read_file(file, root)
        for r in found:
            requirements.setdefault((r.path, r.line, r.name), r)
        for p in trouble:
            problems.setdefault((p.path, p.line, p.message), p)
    return list(requirements.values()), list(problems.values())


@dataclass(frozen=True, slots=True)
class Match:
    """A pinned requirement and the advisories that affect its version."""

    requirement: Requirement
    version: Version
    advisories: tuple[Advisory, ...]
    upgrade: Version | None


def pinned_version(req: Requirement) -> Version | None:
    """The version ``req`` pins, when it pins one PEP 440 can read."""
    if req.version is None:
        return None
    try:
        return Version(req.version)
    except InvalidVersion:
        return None


def matches(requirements: Iterable[Requirement], db: VulnDB) -> Iterator[Match | Requirement]:
    """For each pinned requirement its match (when affected); unpinned ones as they are. A pin
    PEP 440 cannot read is neither: :func:`findings` reports it as unmatchable."""
    for req in requirements:
        version = pinned_version(req)
        if version is None:
            if req.version is None:
                yield req
            continue
        known = db.advisories(req.name)
        hits = tuple(a for a in known if a.affects(req.name, version))
        if hits:
            yield Match(req, version, hits, smallest_upgrade(req.name, version, known))


def findings(
    requirements: list[Requirement],
    problems: Iterable[ReadProblem],
    db: VulnDB | None,
    *,
    why_no_db: str = "no database was found",
    now: dt.datetime | None = None,
) -> Iterator[Finding]:
    """Every finding of a scan of ``requirements`` (and what could not be read).

    Without a database the pins cannot be judged: that is one finding, and what is unpinned or
    unreadable is still reported.
    """
    for problem in problems:
        where = Location(problem.path, problem.line or None)
        rule = UNMATCHABLE if NOT_MATCHABLE in problem.message else UNREADABLE
        yield Finding.of(rule, problem.message, where, key=problem.message)
    pinned = {r.name for r in requirements if pinned_version(r) is not None}
    for req in requirements:
        if req.version is not None and req.name not in pinned:
            yield Finding.of(
                UNMATCHABLE,
                f"{req.display_name} is pinned to {req.version!r}, which is not a PEP 440 "
                "version: no advisory can be matched against it",
                Location(req.path, req.line or None),
                key=f"{req.name}\0{req.version}",
            )
    if db is None:
        if not requirements:
            return  # nothing to check, nothing missed
        yield Finding.of(
            NO_DATABASE,
            f"{len(requirements)} dependencies were not checked for known vulnerabilities: "
            f"{why_no_db}",
            Location("."),
            key="no-database",
        )
        for req in requirements:
            if req.version is None and req.name not in pinned:
                yield _unpinned(req, None)
        return
    yield from _staleness(db, now or dt.datetime.now(dt.UTC))
    for item in matches(requirements, db):
        if isinstance(item, Match):
            yield from _vulnerable(item)
        elif item.name not in pinned:
            yield _unpinned(item, db)


def _vulnerable(match: Match) -> Iterator[Finding]:
    req = match.requirement
    where = Location(req.path, req.line or None)
    upgrade = (
        f"upgrade to {match.upgrade} (clears every known advisory)"
        if match.upgrade
        else "no release fixes every advisory yet"
    )
    for advisory in match.advisories:
        fixed = ", ".join(map(str, advisory.fixed_versions(req.name))) or "none"
        aliases = f" ({', '.join(advisory.aliases)})" if advisory.aliases else ""
        sev = advisory.severity
        score = f", CVSS {sev.score}" if sev.score is not None else ""
        yield Finding.of(
            VULNERABLE,
            f"{req.display_name} {match.version} is affected by {advisory.id}{aliases}: "
            f"{advisory.summary or 'no summary'} [{sev.rating}{score}]; fixed in {fixed}; "
            f"{upgrade}",
            where,
            key=f"{req.name}\0{advisory.id}",
            evidence=f"{req.display_name}=={match.version}",
            severity=_BY_RATING.get(sev.rating, Severity.MEDIUM),
        )


def _unpinned(req: Requirement, db: VulnDB | None) -> Finding:
    where = Location(req.path, req.line or None)
    admitted = _admitted_advisories(req, db) if db is not None else set()
    spec = req.specifier or "any version"
    if admitted:
        ids = ", ".join(sorted(admitted)[:5])
        message = (
            f"{req.display_name} is not pinned ({spec}) and its range admits versions "
            f"affected by {ids}"
        )
        severity = Severity.MEDIUM
    else:
        message = f"{req.display_name} is not pinned ({spec})"
        severity = Severity.LOW
    return Finding.of(
        UNPINNED, message, where, key=req.name, evidence=f"{req.display_name}{req.specifier}",
        severity=severity,
    )  # fmt: skip


def _admitted_advisories(req: Requirement, db: VulnDB) -> set[str]:
    """Advisories with an affected version that the requirement's range admits.

    The versions probed are the range ends the advisories name and the bounds the specifier
    names (and just above an exclusive one): each probe is checked against both, so a report is
    never wrong, though an overlap between two exclusive bounds can be missed.
    """
    try:
        spec = SpecifierSet(_pep440(req.specifier))
    except InvalidSpecifier:
        return set()
    probes = (
        {Version("0")}
        if not any(s.operator in (">", ">=", "~=", "==", "===") for s in spec)
        else set()
    )
    for item in spec:
        bound = item.version.removesuffix(".*")
        try:
            version = Version(bound)
        except InvalidVersion:
            continue
        probes.add(version)
        if item.operator == ">":
            probes.add(Version(f"{version.base_version}.0.1"))
    found = set()
    for advisory in db.advisories(req.name):
        named = {
            e.version
            for a in advisory.affected
            if a.package == req.name
            for r in a.ranges
            for e in r
            if e.kind in ("introduced", "last_affected")
        } | {v for a in advisory.affected if a.package == req.name for v in a.versions}
        if any(
            spec.contains(v, prereleases=True) and advisory.affects(req.name, v)
            for v in probes | named
        ):
            found.add(advisory.id)
    return found


_POETRY = re.compile(r"\s*(\^|~(?!=))\s*(\d+(?:\.\d+)*)\s*")


def _pep440(specifier: str) -> str:
    """Poetry's ``^1.2.3``, ``~1.2.3`` and ``*`` as PEP 440 ranges; anything else as written."""
    parts = []
    for part in specifier.split(","):
        match = _POETRY.fullmatch(part)
        if part.strip() == "*":
            continue
        if match is None:
            parts.append(part)
            continue
        numbers = [int(n) for n in match.group(2).split(".")]
        if match.group(1) == "^":  # up to the first non-zero component
            first = next((i for i, n in enumerate(numbers) if n), len(numbers) - 1)
            upper = [*numbers[:first], numbers[first] + 1]
        else:  # ~: the minor version if given, else the major
            keep = 2 if len(numbers) > 1 else 1
            upper = [*numbers[: keep - 1], numbers[keep - 1] + 1]
        parts.append(f">={match.group(2)},<{'.'.join(map(str, upper))}")
    return ",".join(parts)


def _staleness(db: VulnDB, now: dt.datetime) -> Iterator[Finding]:
    stamp = db.meta.get("imported_at", "")
    try:
        imported = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return
    age = now - imported
    if age > STALE_AFTER:
        yield Finding.of(
            STALE_DATABASE,
            f"the vulnerability database was imported {age.days} days ago ({db.path.name})",
            Location("."),
            key="stale-database",
        )
