"""The local OSV database: import from an export zip or folder, offline lookups, bad input."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from packaging.version import Version

from botwarden.deps.vulndb import VulnDB, VulnDBError, default_path, import_export

OSV = Path(__file__).parent / "data" / "osv"


def export_zip(tmp_path: Path) -> Path:
    path = tmp_path / "all.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for record in sorted(OSV.glob("*.json")):
            archive.write(record, record.name)
    return path


@pytest.mark.parametrize("kind", ["folder", "zip"])
def test_import_keeps_pypi_records_and_names_every_bad_one(tmp_path: Path, kind: str) -> None:
    source = OSV if kind == "folder" else export_zip(tmp_path)
    report = import_export(source, tmp_path / "db.sqlite")
    assert report.imported == 8
    assert (report.skipped_withdrawn, report.not_pypi, report.problem_count) == (1, 1, 1)
    assert any(p.startswith("BROKEN-0001.json: not readable as JSON") for p in report.problems)
    # an unreadable version costs its range, not the advisory
    assert report.warning_count == 1
    assert "'not a version' is not a PEP 440 version; the range is left out" in report.warnings[0]
    with VulnDB(tmp_path / "db.sqlite") as db:
        assert db.meta["advisories"] == "8"
        ids = [a.id for a in db.advisories("requests")]
        assert ids == [
            "BADVERSION-0001",
            "GHSA-9hjg-9r4m-mvj7",
            "GHSA-9wx4-h78v-vm56",
            "GHSA-j8r2-6x86-q33q",
        ]
        assert not db.advisories("requests")[0].affects("requests", Version("1.0"))
        assert [a.id for a in db.advisories("pyyaml")] == [
            "GHSA-6757-jp84-gxfx",
            "GHSA-8q59-q68h-6hv4",
        ]
        assert db.advisories("flask") == ()
        leak = db.advisories("requests")[3]
        assert leak.aliases == ("CVE-2023-32681", "PYSEC-2023-74")
        assert leak.affects("requests", Version("2.25.1"))
        assert not leak.affects("requests", Version("2.31.0"))


def test_a_failed_import_leaves_the_previous_database(tmp_path: Path) -> None:
    db_path = tmp_path / "db.sqlite"
    import_export(OSV, db_path)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(VulnDBError, match="not an OSV export"):
        import_export(bad, db_path)
    with VulnDB(db_path) as db:
        assert len(db.advisories("requests")) == 4
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".vulndb-")] == []


def test_a_missing_source_or_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(VulnDBError, match="no such file or folder"):
        import_export(tmp_path / "nope.zip", tmp_path / "db.sqlite")
    with pytest.raises(VulnDBError, match="botwarden vulndb import"):
        VulnDB(tmp_path / "db.sqlite")


def test_a_foreign_or_old_database_is_refused(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.sqlite"
    foreign.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(VulnDBError, match="not a botwarden vulnerability database"):
        VulnDB(foreign)
    old = tmp_path / "old.sqlite"
    import_export(OSV, old)
    with sqlite3.connect(old) as conn:
        conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    with pytest.raises(VulnDBError, match="import the export again"):
        VulnDB(old)


def test_a_damaged_advisory_is_named(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    import_export(OSV, path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE advisory SET data = x'00' WHERE id = 'GHSA-j8r2-6x86-q33q'")
    with VulnDB(path) as db, pytest.raises(VulnDBError, match="GHSA-j8r2-6x86-q33q is damaged"):
        db.advisories("requests")


def test_an_oversized_record_is_skipped_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "osv"
    shutil.copytree(OSV, folder)
    (folder / "BIG-0001.json").write_text(" " * 3000 + "{}")
    monkeypatch.setattr("botwarden.deps.vulndb.MAX_RECORD_BYTES", 2048)
    report = import_export(folder, tmp_path / "db.sqlite")
    assert report.imported == 8
    assert "BIG-0001.json: 3002 bytes, larger than any OSV record should be" in report.problems


def test_an_export_with_nothing_usable_leaves_the_database(tmp_path: Path) -> None:
    db_path = tmp_path / "db.sqlite"
    import_export(OSV, db_path)
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "a.json").write_text("[1, 2]")
    with pytest.raises(VulnDBError, match="the database was left as it was"):
        import_export(junk, db_path)
    with VulnDB(db_path) as db:
        assert db.meta["advisories"] == "8"


def test_default_path_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BOTWARDEN_VULNDB", str(tmp_path / "x.sqlite"))
    assert default_path() == tmp_path / "x.sqlite"
    monkeypatch.delenv("BOTWARDEN_VULNDB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_path() == tmp_path / "botwarden" / "vulndb.sqlite"
