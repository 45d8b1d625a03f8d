"""The local vulnerability database: OSV records imported once, looked up offline by package.

``botwarden vulndb import`` reads an OSV export (the per-ecosystem ``all.zip`` OSV publishes, or
a folder of its JSON files) into one SQLite file: each advisory's JSON, compressed, and an index
from PEP 503 package name to advisory id. A scan then reads only the advisories of the packages
it meets. Records that cannot be used are counted and named, never fatal.

Import writes a new file beside the old one and renames it over it when complete, so a failed or
interrupted import leaves the previous database as it was.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import sqlite3
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from botwarden.deps.osv import Advisory, OSVError, parse
from botwarden.errors import Error

SCHEMA_VERSION = 1
MAX_RECORD_BYTES = 8 * 1024 * 1024  # the largest PyPI records are tens of KB
DEFAULT_ENV = "BOTWARDEN_VULNDB"
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE advisory (id TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE affects (package TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (package, id))
  WITHOUT ROWID;
"""


class VulnDBError(Error):
    """A database or export that cannot be read, with the path and the reason."""


@dataclass
class ImportReport:
    source: str
    imported: int = 0
    skipped_withdrawn: int = 0
    not_pypi: int = 0
    problems: list[str] = field(default_factory=list)  # "member: reason", at most 1,000 kept
    problem_count: int = 0
    warnings: list[str] = field(default_factory=list)  # versions left out; at most 1,000 kept
    warning_count: int = 0

    def problem(self, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < 1000:
            self.problems.append(message)


def default_path() -> Path:
    """``$BOTWARDEN_VULNDB``, else ``$XDG_DATA_HOME/botwarden/vulndb.sqlite`` (~/.local/share)."""
    if os.environ.get(DEFAULT_ENV):
        return Path(os.environ[DEFAULT_ENV])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "botwarden" / "vulndb.sqlite"


def _members(source: Path) -> Iterator[tuple[str, Callable[[], bytes], int]]:
    """(name, read, size) for each JSON record of an export zip or folder."""
    if source.is_dir():
        for path in sorted(source.rglob("*.json")):
            if path.is_file():
                yield str(path.relative_to(source)), path.read_bytes, path.stat().st_size
        return
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        reason = f"not an OSV export (a zip or a folder of JSON): {exc}"
        raise VulnDBError(f"{source}: {reason}") from None
    with archive:
        for info in archive.infolist():
            if info.is_dir() or not info.filename.endswith(".json"):
                continue
            yield info.filename, functools.partial(archive.read, info), info.file_size


def import_export(
    source: Path, db_path: Path, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Replace the database at ``db_path`` with the records of ``source``."""
    if not source.exists():
        raise VulnDBError(f"{source}: no such file or folder")
    report = ImportReport(str(source))
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".vulndb-", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
            advisories: list[tuple[str, bytes]] = []
            affects: list[tuple[str, str]] = []
            for n, (name, read, size) in enumerate(_members(source), 1):
                if progress is not None and n % 1000 == 0:
                    progress(n)
                _import_one(name, read, size, report=report, advisories=advisories, affects=affects)
                if len(advisories) >= 2000:
                    _flush(conn, advisories, affects)
            _flush(conn, advisories, affects)
            if report.imported == 0:
                raise VulnDBError(
                    f"{source}: no PyPI advisory could be read "
                    f"({report.problem_count} unreadable records); the database was left as it was"
                )
            meta = {
                "schema_version": str(SCHEMA_VERSION),
                "source": source.name,
                "imported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "advisories": str(report.imported),
            }
            conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
            conn.commit()
        finally:
            conn.close()
        tmp.replace(db_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return report


def _import_one(
    name: str,
    read: Callable[[], bytes],
    size: int,
    *,
    report: ImportReport,
    advisories: list[tuple[str, bytes]],
    affects: list[tuple[str, str]],
) -> None:
    if size > MAX_RECORD_BYTES:
        report.problem(f"{name}: {size} bytes, larger than any OSV record should be")
        return
    notes: list[str] = []
    try:
        raw = read()
        advisory = parse(json.loads(raw), name, notes)
    except OSVError as exc:
        report.problem(exc.message)
        return
    except (ValueError, OSError, zipfile.BadZipFile, RecursionError) as exc:  # JSON, UTF-8, CRC
        report.problem(f"{name}: not readable as JSON: {str(exc)[:200]}")
        return
    if advisory.withdrawn:
        report.skipped_withdrawn += 1
        return
    report.warning_count += len(notes)
    report.warnings.extend(notes[: max(0, 1000 - len(report.warnings))])
    packages = advisory.packages()
    if not packages:
        report.not_pypi += 1
        return
    advisories.append((advisory.id, zlib.compress(raw, 6)))
    affects.extend((package, advisory.id) for package in packages)
    report.imported += 1


def _flush(
    conn: sqlite3.Connection, advisories: list[tuple[str, bytes]], affects: list[tuple[str, str]]
) -> None:
    conn.executemany("INSERT OR REPLACE INTO advisory VALUES (?, ?)", advisories)
    conn.executemany("INSERT OR IGNORE INTO affects VALUES (?, ?)", affects)
    advisories.clear()
    affects.clear()


class VulnDB:
    """Read access to an imported database; advisories are parsed once per package."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise VulnDBError(
                f"{path}: no vulnerability database; import one with "
                "'botwarden vulndb import all.zip' (see docs/dependencies.md)"
            )
        try:
            self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            meta = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as exc:
            raise VulnDBError(f"{path}: not a botwarden vulnerability database: {exc}") from None
        if meta.get("schema_version") != str(SCHEMA_VERSION):
            raise VulnDBError(
                f"{path}: database schema {meta.get('schema_version')!r}, this botwarden reads "
                f"{SCHEMA_VERSION}; import the export again"
            )
        self.path = path
        self.meta = meta
        self._cache: dict[str, tuple[Advisory, ...]] = {}
        self._scratch: Path | None = None  # a temporary import, removed on close

    def close(self) -> None:
        self._conn.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)

    def __enter__(self) -> VulnDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def advisories(self, package: str) -> tuple[Advisory, ...]:
        """Every advisory naming ``package`` (PEP 503 normalised), in id order."""
        cached = self._cache.get(package)
        if cached is not None:
            return cached
        rows = self._conn.execute(
            "SELECT a.id, a.data FROM affects f JOIN advisory a ON a.id = f.id "
            "WHERE f.package = ? ORDER BY a.id",
            (package,),
        ).fetchall()
        found = []
        for ident, blob in rows:
            try:
                found.append(parse(json.loads(zlib.decompress(blob)), f"{self.path}:{ident}"))
            except (OSVError, ValueError, zlib.error, RecursionError) as exc:
                raise VulnDBError(f"{self.path}: advisory {ident} is damaged: {exc}") from None
        result = tuple(found)
        self._cache[package] = result
        return result


LOCAL_MIRRORS = ("osv.zip", "osv")
_SQLITE_MAGIC = b"SQLite format 3\x00"


def locate(root: Path | None = None) -> Path | None:
    """Where the database is when no path is given: ``$BOTWARDEN_VULNDB``, else the user's
    imported database, else an OSV mirror kept in the project (``osv.zip`` or ``osv/``)."""
    path = default_path()
    if os.environ.get(DEFAULT_ENV) or path.is_file():
        return path
    if root is None:
        return None
    return next((root / n for n in LOCAL_MIRRORS if (root / n).exists()), None)


def open_source(path: Path, progress: Callable[[int], None] | None = None) -> VulnDB:
    """The database at ``path``: an imported database as it is, an export zip or folder after
    importing it into a temporary file (removed when the database is closed)."""
    if path.is_file():
        with path.open("rb") as fh:
            if fh.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC:
                return VulnDB(path)
    scratch = Path(tempfile.mkdtemp(prefix="botwarden-vulndb-"))
    try:
        import_export(path, scratch / "vulndb.sqlite", progress)
        db = VulnDB(scratch / "vulndb.sqlite")
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    db._scratch = scratch
    return db
