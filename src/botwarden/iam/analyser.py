"""Run the permissions checks: over files given on the command line, or over a bot's folder.

Several documents given together are the policies of one principal. Each document is checked on
its own for what is wrong with it (invalid, unknown actions, resource mismatches, prefix leaks,
condition mistakes); what the principal can do (administrator access, escalation paths, writes on
every resource, ...) is judged on their union, where paths split across policies appear and a
Deny in one policy takes back what another allows.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botwarden.audit.target import Target
from botwarden.findings import Finding, Location, Rule
from botwarden.iam import rules as iam_rules
from botwarden.iam.analysis import PrincipalView
from botwarden.iam.checks import check_document, check_principal
from botwarden.iam.database import IamDatabase, default_database
from botwarden.iam.model import PolicyDocument, PolicyKind
from botwarden.iam.parse import PolicyParseError, looks_like_policy_file, read_policy_file

if TYPE_CHECKING:
    from botwarden.manifest.model import Manifest


@dataclass(frozen=True, slots=True)
class Principal:
    """Policies that apply to one identity; ``arn`` lets self-modification be found."""

    name: str
    documents: tuple[PolicyDocument, ...]
    arn: str | None = None


def check_principals(
    principals: Iterable[Principal],
    *,
    db: IamDatabase | None = None,
    manifest: Manifest | None = None,
) -> list[Finding]:
    """Every permissions finding for these principals, without repeats."""
    database = db or default_database()
    found: dict[tuple[str, str, int | None], Finding] = {}
    for principal in principals:
        for finding in _principal_findings(database, principal, manifest):
            found.setdefault(
                (finding.fingerprint, finding.location.path, finding.location.line), finding
            )
    return list(found.values())


def _principal_findings(
    db: IamDatabase, principal: Principal, manifest: Manifest | None
) -> Iterator[Finding]:
    documents = principal.documents
    for document in documents:
        yield from check_document(db, document)
    yield from check_principal(PrincipalView(db, documents), principal_arn=principal.arn)
    identity = [d for d in documents if d.kind is PolicyKind.IDENTITY]
    if manifest is not None and identity:
        from botwarden.iam.compare import over_privileged, under_privileged  # needs pydantic

        yield from over_privileged(PrincipalView(db, identity), manifest)
        yield from under_privileged(identity, manifest)


def load_documents(paths: Iterable[tuple[Path, str]]) -> tuple[list[PolicyDocument], list[Finding]]:
    """Parse files; a file that cannot be parsed becomes an iam.invalid-policy finding."""
    loaded = load_principals(list(paths), "policies")
    return [d for p in loaded.principals for d in p.documents], loaded.problems


@dataclass(frozen=True, slots=True)
class Loaded:
    """What files describe: the identities exports and templates define, and everything else."""

    loose: Principal | None  # documents that belong to no identity in their file
    identities: list[Principal]
    problems: list[Finding]

    @property
    def principals(self) -> list[Principal]:
        return ([self.loose] if self.loose else []) + self.identities


def load_principals(paths: Sequence[tuple[Path, str]], name: str, arn: str | None = None) -> Loaded:
    """Read files into principals: each identity an account export or a template defines, and
    one principal ``name`` for every other document."""
    loose: list[PolicyDocument] = []
    identities: list[Principal] = []
    problems: list[Finding] = []
    for path, shown in paths:
        try:
            found = read_policy_file(path, shown)
        except PolicyParseError as exc:
            where = Location(shown, exc.line)
            problems.append(Finding.of(iam_rules.INVALID, exc.reason, where, key=f"{shown}:parse"))
            continue
        owned = {(d.path, d.name) for p in found.principals for d in p.documents}
        identities += [
            Principal(p.name, tuple(p.documents), p.arn or arn) for p in found.principals
        ]
        loose += [d for d in found.documents if (d.path, d.name) not in owned]
    return Loaded(Principal(name, tuple(loose), arn) if loose else None, identities, problems)


FileGroup = list[tuple[Path, str]]
PARALLEL_THRESHOLD = 64  # below this many principals, a pool costs more than it saves


@dataclass(frozen=True, slots=True)
class FoundFile:
    """A file found in a folder: its own principal if it looks like a policy file, else skipped.

    The look (reading the file's start) happens where the file is checked, so that with
    several processes the folder's files are read by the workers, in parallel, rather than all
    first by the parent.
    """

    path: Path
    shown: str


Unit = FileGroup | FoundFile


@dataclass(frozen=True, slots=True)
class _Job:
    """What every worker needs; set before forking, so workers inherit it instead of a copy
    (the units too: a worker is sent only which slice of them to check)."""

    db: IamDatabase
    manifest: Manifest | None
    principal_arn: str | None
    units: Sequence[Unit] = ()


_job: _Job | None = None


def check_file_groups(
    groups: Sequence[Unit],
    *,
    db: IamDatabase,
    manifest: Manifest | None = None,
    principal_arn: str | None = None,
    jobs: int = 1,
) -> list[Finding]:
    """Parse and check each group of files as one principal, on ``jobs`` processes.

    Workers are forked after the database is loaded, so they share it instead of loading it
    again; each returns plain findings. Results come back in input order.
    """
    global _job  # noqa: PLW0603 - the state forked workers inherit
    _job = _Job(db, manifest, principal_arn, groups)
    if jobs <= 1 or len(groups) < PARALLEL_THRESHOLD or "fork" not in mp.get_all_start_methods():
        return _check_groups(list(groups))
    size = max(1, len(groups) // (jobs * 4))
    slices = [(i, min(i + size, len(groups))) for i in range(0, len(groups), size)]
    with mp.get_context("fork").Pool(jobs) as pool:
        chunks = pool.map(_check_slice, slices)
    return [_unpack(packed) for chunk in chunks for packed in chunk]


def _check_slice(bounds: tuple[int, int]) -> list[tuple[Any, ...]]:
    assert _job is not None
    return [_pack(finding) for finding in _check_groups(list(_job.units[bounds[0] : bounds[1]]))]


# Findings cross the process boundary as plain tuples of their fields: pickling dataclasses
# costs twice as much on both sides, and the parent unpickles every worker's findings.
_FINDING_FIELDS = tuple(f.name for f in fields(Finding))
_LOCATION_FIELDS = tuple(f.name for f in fields(Location))
_AT = _FINDING_FIELDS.index("location")


def _pack(finding: Finding) -> tuple[Any, ...]:
    values = [getattr(finding, name) for name in _FINDING_FIELDS]
    values[_AT] = tuple(getattr(finding.location, name) for name in _LOCATION_FIELDS)
    return tuple(values)


def _unpack(packed: tuple[Any, ...]) -> Finding:
    values = list(packed)
    values[_AT] = Location(*values[_AT])
    return Finding(*values)


def _check_groups(units: list[Unit]) -> list[Finding]:
    assert _job is not None
    found: list[Finding] = []
    for index, unit in enumerate(units):
        if isinstance(unit, FoundFile):
            if not _looks_like_policy(unit.path):
                continue
            group: FileGroup = [(unit.path, unit.shown)]
        else:
            group = unit
        name = group[0][1] if len(group) == 1 else f"principal-{index}"
        loaded = load_principals(group, name, _job.principal_arn)
        found.extend(loaded.problems)
        found.extend(_check_loaded(loaded, _job.db, _job.manifest))
    return found


def _looks_like_policy(path: Path) -> bool:
    """As the audit decides (binary, oversized and unreadable files are not read as text)."""
    return looks_like_policy_file(path, Target(path.parent).read_text(path) or "")


def _check_loaded(loaded: Loaded, db: IamDatabase, manifest: Manifest | None) -> list[Finding]:
    """The manifest describes the bot, whose policies are the loose documents; identities an
    export or template defines are checked on their own."""
    found = check_principals(loaded.identities, db=db)
    if loaded.loose is not None:
        found = check_principals([loaded.loose], db=db, manifest=manifest) + found
    return found


class PermissionsAnalyser:
    """The ``permissions`` check of ``botwarden audit``: every IAM policy in the bot's folder,
    taken as the policies of the bot's principal, checked alone, together, and against the
    manifest."""

    name = "permissions"
    rules: tuple[Rule, ...] = iam_rules.RULES

    def analyse(self, target: Target) -> Iterator[Finding]:
        candidates = [
            (path, target.relative(path))
            for path in target.files()
            if looks_like_policy_file(path, target.read_text(path) or "")
        ]
        bot = target.manifest.bot.name if target.manifest else target.root.name
        loaded = load_principals(candidates, bot)
        yield from loaded.problems
        yield from _check_loaded(loaded, default_database(), target.manifest)
