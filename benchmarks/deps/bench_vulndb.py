"""``vulndb import`` of a full-size PyPI export, and lookups for 1,000 dependencies.

    benchmarks/.bench-venv/bin/python benchmarks/deps/bench_vulndb.py [--records 25000]

No real export is at hand offline, so universe.py generates one of the size OSV's PyPI export
has (about 25,000 records with ranges and enumerated versions). Prints the import time, the
database size, and the time to match 1,000 pinned dependencies (cold: each package's records
read and parsed; warm: again in the same process).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from universe import world

from botwarden.deps import cvss, osv
from botwarden.deps.readers import Requirement
from botwarden.deps.scan import Match, matches
from botwarden.deps.vulndb import VulnDB, import_export


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=25_000)
    parser.add_argument("--packages", type=int, default=5_000)
    parser.add_argument("--deps", type=int, default=1_000)
    args = parser.parse_args()
    packages, records = world(args.packages, args.records)
    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as tmp:
        zipped = Path(tmp) / "all.zip"
        with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
            for record in records:
                archive.writestr(f"{record['id']}.json", json.dumps(record))
        db_path = Path(tmp) / "vulndb.sqlite"
        t0 = time.perf_counter()
        report = import_export(zipped, db_path)
        import_s = time.perf_counter() - t0
        chosen = rng.sample(packages, min(args.deps, len(packages)))
        reqs = [
            Requirement(name=p.name.lower(), display_name=p.name, version=rng.choice(p.releases),
                        specifier="", path="requirements.txt", line=n + 1, source="requirements")
            for n, p in enumerate(chosen)
        ]  # fmt: skip
        osv._version.cache_clear()  # a scan runs in a process of its own: nothing parsed yet
        cvss.score.cache_clear()
        with VulnDB(db_path) as db:
            t0 = time.perf_counter()
            cold = sum(1 for m in matches(reqs, db) if isinstance(m, Match))
            cold_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            warm = sum(1 for m in matches(reqs, db) if isinstance(m, Match))
            warm_s = time.perf_counter() - t0
        print(f"export: {len(records)} records, {zipped.stat().st_size / 1e6:.1f} MB zipped")
        size = db_path.stat().st_size / 1e6
        rate = report.imported / import_s
        print(f"import: {report.imported} advisories in {import_s:.2f} s ({rate:,.0f}/s), "
              f"database {size:.1f} MB")  # fmt: skip
        print(f"lookup of {len(reqs)} pinned dependencies: cold {cold_s * 1000:.0f} ms "
              f"({cold_s / len(reqs) * 1e6:.0f} µs each), warm {warm_s * 1000:.0f} ms; "
              f"{cold} vulnerable (warm {warm})")  # fmt: skip


if __name__ == "__main__":
    main()
