"""Findings of a dependency scan: vulnerable pins, unpinned ranges, bad lines, no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from botwarden.deps.readers.model import NOT_MATCHABLE, ReadProblem, Requirement
from botwarden.deps.scan import findings
from botwarden.deps.vulndb import VulnDB, import_export
from botwarden.findings import Finding, Severity

OSV = Path(__file__).parent / "data" / "osv"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VulnDB]:
    path = tmp_path_factory.mktemp("vulndb") / "db.sqlite"
    import_export(OSV, path)
    with VulnDB(path) as database:
        yield database


def req(
    name: str, version: str | None, spec: str = "", source: str = "requirements", line: int = 1
) -> Requirement:
    spec = spec or (f"=={version}" if version else "")
    return Requirement(name.lower(), name, version, spec, "requirements.txt", line, source)


def run(reqs: list[Requirement], db: VulnDB | None, **kw: object) -> list[Finding]:
    now = dt.datetime.now(dt.UTC)
    return list(findings(reqs, kw.pop("problems", []), db, now=now))  # type: ignore[arg-type]


def test_a_vulnerable_pin_names_each_advisory_and_the_smallest_clearing_upgrade(db: VulnDB) -> None:
    found = run([req("requests", "2.25.1")], db)
    assert [f.rule for f in found] == ["deps.vulnerable"] * 3
    by_id = {f.message.split(" is affected by ")[1].split(" ")[0]: f for f in found}
    leak = by_id["GHSA-j8r2-6x86-q33q"]
    assert "(CVE-2023-32681, PYSEC-2023-74)" in leak.message
    assert "fixed in 2.31.0" in leak.message
    assert all("upgrade to 2.32.4 (clears every known advisory)" in f.message for f in found)
    assert leak.severity is Severity.MEDIUM  # CVSS 6.1
    assert leak.evidence == "requests==2.25.1"
    assert len({f.fingerprint for f in found}) == 3  # one baseline entry per advisory


@pytest.mark.parametrize(
    ("name", "version", "ids", "severity"),
    [
        ("PyYAML", "5.3", ["GHSA-6757-jp84-gxfx", "GHSA-8q59-q68h-6hv4"], Severity.CRITICAL),
        ("PyYAML", "5.3.1", ["GHSA-8q59-q68h-6hv4"], Severity.CRITICAL),
        ("pyyaml", "5.1", ["GHSA-6757-jp84-gxfx", "GHSA-8q59-q68h-6hv4"], Severity.CRITICAL),
        ("PyYAML", "5.4", [], None),
        ("requests", "2.32.4", [], None),
        ("requests", "2.2.0", ["GHSA-9hjg-9r4m-mvj7", "GHSA-9wx4-h78v-vm56"], Severity.MEDIUM),
        ("jinja2", "3.1.3", ["GHSA-h75v-3vvj-5mfj"], Severity.MEDIUM),
    ],
)
def test_pins_are_matched_by_pep440(
    db: VulnDB, name: str, version: str, ids: list[str], severity: Severity | None
) -> None:
    found = run([req(name, version)], db)
    assert sorted(f.message.split(" is affected by ")[1].split(" ")[0] for f in found) == ids
    assert {f.severity for f in found} == ({severity} if severity else set())


@pytest.mark.parametrize(
    ("spec", "severity", "named"),
    [
        (">=2.0", Severity.MEDIUM, "GHSA-9wx4-h78v-vm56"),
        ("~=2.31", Severity.MEDIUM, "GHSA-9hjg-9r4m-mvj7"),
        (">=2.32.4", Severity.LOW, None),
        ("", Severity.MEDIUM, "GHSA-j8r2-6x86-q33q"),
        (">=2.32.4,<3", Severity.LOW, None),
        (">2.32.3,<3", Severity.MEDIUM, "GHSA-9hjg-9r4m-mvj7"),  # 2.32.3.1 would be admitted
    ],
)
def test_unpinned_ranges_say_whether_they_admit_an_affected_version(
    db: VulnDB, spec: str, severity: Severity, named: str | None
) -> None:
    (finding,) = run([req("requests", None, spec)], db)
    assert finding.rule == "deps.unpinned"
    assert finding.severity is severity
    assert (named in finding.message) if named else ("admits" not in finding.message)


def test_a_lock_file_pin_covers_the_range_of_the_same_package(db: VulnDB) -> None:
    found = run([req("requests", None, ">=2"), req("requests", "2.32.4", source="uv.lock")], db)
    assert found == []


def test_problems_become_findings_unmatchable_apart_from_broken(db: VulnDB) -> None:
    problems = [
        ReadProblem("requirements.txt", 3, f"'-e ./lib' {NOT_MATCHABLE}: an editable install"),
        ReadProblem("pyproject.toml", 7, "invalid TOML: expected '=' (line 7)"),
    ]
    found = run([], db, problems=problems)
    assert [(f.rule, f.severity, f.location.line) for f in found] == [
        ("deps.unmatchable", Severity.LOW, 3),
        ("deps.unreadable", Severity.MEDIUM, 7),
    ]


def test_without_a_database_the_check_says_so_and_still_reports_what_it_can() -> None:
    found = run([req("requests", "2.25.1"), req("flask", None, ">=2")], None)
    assert [f.rule for f in found] == ["deps.no-database", "deps.unpinned"]
    assert "2 dependencies were not checked" in found[0].message


def test_an_old_database_is_reported(db: VulnDB) -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=45)
    found = list(findings([], [], db, now=later))
    assert [f.rule for f in found] == ["deps.stale-database"]
    assert "imported 45 days ago" in found[0].message


def test_a_pin_in_any_file_covers_a_range_elsewhere(db: VulnDB) -> None:
    """A constraints file (or another requirements file) that pins the package decides it."""
    constrained = Requirement("urllib3", "urllib3", "1.26.5", "==1.26.5", "constraints.txt", 1,
                              "requirements")  # fmt: skip
    assert run([req("urllib3", None, ""), constrained], db) == []


@pytest.mark.parametrize(
    ("spec", "severity"),
    [
        ("^3.1.2", Severity.MEDIUM),  # >=3.1.2,<4 admits 3.1.2 and 3.1.3
        ("~3.1.4", Severity.LOW),  # >=3.1.4,<3.2
        ("^3.1.4", Severity.LOW),
        ("*", Severity.MEDIUM),
    ],
)
def test_poetry_ranges_are_read_as_pep440(db: VulnDB, spec: str, severity: Severity) -> None:
    (finding,) = run([req("jinja2", None, spec, source="pyproject")], db)
    assert (finding.rule, finding.severity) == ("deps.unpinned", severity)


def test_a_pin_pep440_cannot_read_is_unmatchable_not_silent(db: VulnDB) -> None:
    weird = req("requests", "2.25.1-weird!!", "===2.25.1-weird!!")
    for database in (db, None):
        found = [f for f in run([weird], database) if f.rule != "deps.no-database"]
        assert [(f.rule, f.severity) for f in found] == [("deps.unmatchable", Severity.LOW)]
        assert "not a PEP 440 version" in found[0].message
