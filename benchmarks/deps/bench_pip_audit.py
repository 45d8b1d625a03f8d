"""botwarden's dependency matching against pip-audit, same OSV records, same requirement files.

    benchmarks/.bench-venv/bin/python benchmarks/deps/bench_pip_audit.py [--files 60]

Builds a synthetic PyPI world (universe.py: 300 packages, 1,500 advisories of every range shape
PyPI records use), writes it as an OSV export, serves it on loopback with an OSV-API-compatible
server (osv_server.py; it answers from each record's enumerated versions, as OSV.dev does) and
audits the same pinned requirements files with:

- pip-audit: ``-s osv --osv-url http://127.0.0.1:PORT/v1/query --no-deps --disable-pip -r F ...``
  (one process per file: it refuses a package pinned in two of its -r files; a fresh cache);
- botwarden: ``botwarden deps scan FILE`` per file with a database imported beforehand, and
  ``botwarden deps scan DIR`` once over all files (``--db all.zip``: export imported in the
  run; and ``--db vulndb.sqlite``).

Prints the findings each reports as (package, version, advisory) sets, every difference with the
releases' truth (the enumerated versions), fix versions where the two disagree, and the times
with ratios. Exits 0; the numbers are the result.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import Version

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from osv_server import OSVServer  # noqa: E402
from universe import requirement_files, world  # noqa: E402

BIN = Path(sys.executable).parent
Triple = tuple[str, str, str]


def export(records: list[dict[str, object]], folder: Path) -> Path:
    path = folder / "all.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for record in records:
            archive.writestr(f"{record['id']}.json", json.dumps(record))
    return path


def truth(records: list[dict[str, object]], files: list[Path]) -> set[Triple]:
    """What the records' enumerated versions say each pin is affected by."""
    by_name: dict[str, list[tuple[set[str], str]]] = {}
    for r in records:
        for a in r["affected"]:  # type: ignore[attr-defined]
            by_name.setdefault(canonicalize_name(a["package"]["name"]), []).append(
                ({str(Version(v)) for v in a["versions"]}, str(r["id"]))
            )
    out = set()
    for f in files:
        for line in f.read_text().splitlines():
            if "==" not in line or line.startswith("#"):
                continue
            name, version = line.split("==")
            key, v = canonicalize_name(name), str(Version(version))
            out |= {(key, v, ident) for vs, ident in by_name.get(key, []) if v in vs}
    return out


Result = tuple[set[Triple], dict[str, list[str]], float]


def run_pip_audit(files: list[Path], url: str, cache: Path) -> Result:
    """One pip-audit process per file (it refuses a package pinned in two of its -r files)."""
    found: set[Triple] = set()
    fixes: dict[str, list[str]] = {}
    t0 = time.perf_counter()
    for f in files:
        argv = [str(BIN / "pip-audit"), "-s", "osv", "--osv-url", url, "--no-deps",
                "--disable-pip", "--progress-spinner", "off", "-f", "json", "--cache-dir",
                str(cache), "-r", str(f)]  # fmt: skip
        proc = subprocess.run(argv, capture_output=True, text=True, check=False)
        if proc.returncode not in (0, 1) or not proc.stdout.strip():
            sys.exit(f"pip-audit failed on {f.name} ({proc.returncode}): {proc.stderr[-2000:]}")
        for dep in json.loads(proc.stdout)["dependencies"]:
            for vuln in dep.get("vulns", []):
                key = (canonicalize_name(dep["name"]), str(Version(dep["version"])), vuln["id"])
                found.add(key)
                fixes[f"{key[0]} {vuln['id']}"] = sorted(vuln["fix_versions"], key=Version)
    return found, fixes, time.perf_counter() - t0


def run_botwarden(folder: Path, db: Path) -> Result:
    from botwarden.deps.readers import discover, read_file
    from botwarden.deps.scan import Match, matches
    from botwarden.deps.vulndb import open_source

    t0 = time.perf_counter()
    reqs = [r for f in discover(folder) for r in read_file(f, folder)[0]]
    found, fixes = set(), {}
    with open_source(db) as database:
        for item in matches(reqs, database):
            if isinstance(item, Match):
                for adv in item.advisories:
                    found.add((item.requirement.name, str(item.version), adv.id))
                    fixes[f"{item.requirement.name} {adv.id}"] = [
                        str(v) for v in adv.fixed_versions(item.requirement.name)
                    ]
    return found, fixes, time.perf_counter() - t0


def fix_cause(record: dict[str, object], name: str, pa: list[str], bw: list[str]) -> str:
    """Why pip-audit's fix versions differ from the record's own ``fixed`` events."""
    affected = record["affected"][0]  # type: ignore[index]
    fixed = sorted(
        {e["fixed"] for r in affected.get("ranges", []) for e in r["events"] if "fixed" in e},
        key=Version,
    )
    if fixed != bw:
        return "botwarden differs from the record (a botwarden bug)"
    if affected["package"]["name"] != name and not pa:
        return (
            "pip-audit lists none: the record spells the name differently from PEP 503 form "
            "(pip-audit compares names as strings), botwarden lists the record's fixes"
        )
    return "pip-audit lists only part of the record's fixes, botwarden all of them"


def cli_time(*argvs: list[str]) -> float:
    t0 = time.perf_counter()
    for argv in argvs:
        subprocess.run(argv, capture_output=True, check=False)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=60)
    parser.add_argument("--packages", type=int, default=300)
    parser.add_argument("--records", type=int, default=1500)
    args = parser.parse_args()
    packages, records = world(args.packages, args.records)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        reqdir = base / "reqs"
        reqdir.mkdir()
        files = []
        for n, text in enumerate(requirement_files(packages, args.files)):
            path = reqdir / f"requirements-{n:03d}.txt"
            path.write_text(text)
            files.append(path)
        zipped = export(records, base)
        expected = truth(records, files)
        pins = sum(len(f.read_text().splitlines()) - 1 for f in files)
        print(
            f"{len(records)} advisories over {len(packages)} packages; {len(files)} requirement "
            f"files, {pins} pins; {len(expected)} (package, version, advisory) truths"
        )
        with OSVServer(records) as server:
            pa, pa_fix, pa_time = run_pip_audit(files, server.url, base / "cache")
        bw, bw_fix, bw_time = run_botwarden(reqdir, zipped)
        imported = base / "vulndb.sqlite"
        import_time = cli_time([str(BIN / "botwarden"), "vulndb", "import", str(zipped), "--db",
                                str(imported)])  # fmt: skip
        scan_zip = cli_time([str(BIN / "botwarden"), "deps", "scan", str(reqdir), "--db",
                             str(zipped), "--format", "json"])  # fmt: skip
        scan_db = cli_time([str(BIN / "botwarden"), "deps", "scan", str(reqdir), "--db",
                            str(imported), "--format", "json"])  # fmt: skip
        per_file = cli_time(*([str(BIN / "botwarden"), "deps", "scan", str(f), "--db",
                               str(imported), "--format", "json"] for f in files))  # fmt: skip
    print(f"\n{'tool':44} {'found':>6} {'missed':>6} {'wrong':>6}")
    for name, got in (("pip-audit (OSV API on loopback)", pa), ("botwarden (range walk)", bw)):
        print(f"{name:44} {len(got):6} {len(expected - got):6} {len(got - expected):6}")
    for label, diff in (("pip-audit only", pa - bw), ("botwarden only", bw - pa)):
        for item in sorted(diff)[:10]:
            print(
                f"  {label}: {item}  (truth: {'affected' if item in expected else 'not affected'})"
            )
    fix_diff = sorted(k for k in set(pa_fix) & set(bw_fix) if pa_fix[k] != bw_fix[k])
    print(f"\nfix versions differ on {len(fix_diff)} of {len(set(pa_fix) & set(bw_fix))} findings")
    by_id = {str(r["id"]): r for r in records}
    causes: dict[str, int] = {}
    for key in fix_diff:
        cause = fix_cause(by_id[key.split()[1]], key.split()[0], pa_fix[key], bw_fix[key])
        causes[cause] = causes.get(cause, 0) + 1
    for cause, n in sorted(causes.items(), key=lambda kv: -kv[1]):
        print(f"  {n:4}  {cause}")
    for key in fix_diff[:3]:
        print(f"  e.g. {key}: pip-audit {pa_fix[key]}  botwarden {bw_fix[key]}")
    print(f"\n{'run':58} {'seconds':>8} {'vs pip-audit':>12}")
    rows = (
        ("pip-audit, one process per file", pa_time),
        ("botwarden deps scan FILE --db vulndb.sqlite, per file (CLI)", per_file),
        ("botwarden deps scan --db all.zip (CLI, import included)", scan_zip),
        ("botwarden deps scan --db vulndb.sqlite (CLI)", scan_db),
        ("botwarden matching in-process, export imported", bw_time),
        ("botwarden vulndb import all.zip (CLI)", import_time),
    )
    for name, secs in rows:
        print(f"{name:58} {secs:8.3f} {pa_time / secs:11.1f}x")


if __name__ == "__main__":
    main()
