"""A deterministic synthetic PyPI world for the dependency benchmarks: releases and OSV records.

Every package has a release history (finals, pre-releases, post-releases, a few epochs); each
advisory has ranges of the shapes real PyPI records use: ``introduced: "0"`` to a fix, several
ranges, ``last_affected``, a pre-release fix, a range that is never fixed, explicit versions
only. Like the records OSV.dev serves for PyPI, each record also enumerates the releases it
affects (``versions``): that list is computed here by a plain interval test, written apart from
botwarden's event walk, so an OSV-API-compatible server can answer from it alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from packaging.version import Version

SEED = 20261126


@dataclass
class Package:
    name: str  # as records spell it (mixed case, dots and underscores)
    releases: list[str]


def spellings(name: str, rng: random.Random) -> str:
    """The name as a requirement file might write it: case, '-', '_' and '.' vary (PEP 503)."""
    sep = rng.choice(["-", "_", "."])
    text = name.replace("-", sep)
    return text.upper() if rng.random() < 0.1 else text.title() if rng.random() < 0.2 else text


def make_packages(n: int, rng: random.Random) -> list[Package]:
    packages = []
    for i in range(n):
        base = f"pkg{i:05d}-{rng.choice(['client', 'utils', 'core', 'http', 'yaml', 'auth'])}"
        name = base.title() if rng.random() < 0.3 else base
        releases: list[str] = []
        epoch = "1!" if rng.random() < 0.03 else ""
        major = rng.randint(0, 3)
        for _ in range(rng.randint(4, 25)):
            if rng.random() < 0.3:
                major += 1
                minor, patch = 0, 0
            else:
                minor, patch = rng.randint(0, 12), rng.randint(0, 9)
            final = f"{epoch}{major}.{minor}.{patch}"
            if rng.random() < 0.15:
                releases.append(final + rng.choice(["a1", "b2", "rc1"]))
            releases.append(final)
            if rng.random() < 0.1:
                releases.append(final + ".post1")
        packages.append(Package(name, sorted(set(releases), key=Version)))
    return packages


def _ranges(releases: list[str], rng: random.Random) -> list[dict[str, str]]:
    """Events of one advisory, in one of the shapes PyPI records use."""
    vs = releases
    shape = rng.random()
    i = rng.randrange(len(vs))
    j = min(len(vs) - 1, i + rng.randint(1, 4))
    if shape < 0.35:  # everything before a fix
        return [{"introduced": "0"}, {"fixed": vs[j]}]
    if shape < 0.55:  # one window
        return [{"introduced": vs[i]}, {"fixed": vs[j]}] if i < j else [{"introduced": vs[i]}]
    if shape < 0.7:  # two windows (two supported branches)
        k = min(len(vs) - 1, j + rng.randint(1, 3))
        m = min(len(vs) - 1, k + rng.randint(1, 3))
        events = [{"introduced": "0"}, {"fixed": vs[i]}]
        if k < m:
            events += [{"introduced": vs[k]}, {"fixed": vs[m]}]
        return events
    if shape < 0.8:  # last affected known, no fix yet
        return [{"introduced": vs[i]}, {"last_affected": vs[j]}]
    if shape < 0.88:  # fixed in a pre-release
        fix = Version(vs[j])
        return [{"introduced": "0"}, {"fixed": f"{fix.base_version}rc1"}]
    if shape < 0.94:  # never fixed
        return [{"introduced": vs[i]}]
    return []  # explicit versions only


def affected_releases(releases: list[str], events: list[dict[str, str]]) -> list[str]:
    """Releases inside the ranges, by intervals: [introduced, fixed) or [introduced, last]."""
    out = []
    opens = [(Version(e["introduced"]) if e["introduced"] != "0" else None) for e in events
             if "introduced" in e]  # fmt: skip
    ends = [e for e in events if "introduced" not in e]
    for r in releases:
        v = Version(r)
        for n, start in enumerate(opens):
            end = ends[n] if n < len(ends) else None
            if start is not None and v < start:
                continue
            if end is None:
                out.append(r)
                break
            if "fixed" in end and v < Version(end["fixed"]):
                out.append(r)
                break
            if "last_affected" in end and v <= Version(end["last_affected"]):
                out.append(r)
                break
    return out


def make_records(
    packages: list[Package], count: int, rng: random.Random
) -> list[dict[str, object]]:
    records: list[dict[str, object]] = []
    for n in range(count):
        pkg = rng.choice(packages)
        events = _ranges(pkg.releases, rng)
        if events:
            versions = affected_releases(pkg.releases, events)
            ranges = [{"type": "ECOSYSTEM", "events": events}]
        else:
            versions = rng.sample(pkg.releases, min(len(pkg.releases), rng.randint(1, 3)))
            ranges = []
        affected: dict[str, object] = {
            "package": {"ecosystem": "PyPI", "name": pkg.name},
            "versions": [str(Version(v)) for v in versions],
        }
        if ranges:
            affected["ranges"] = ranges
        score = rng.choice(["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                            "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N",
                            "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N"])  # fmt: skip
        records.append({
            "schema_version": "1.6.0",
            "id": f"PYSEC-2099-{n:05d}",
            "modified": "2026-11-01T00:00:00Z",
            "published": "2026-10-01T00:00:00Z",
            "aliases": [f"CVE-2099-{n:05d}"] if rng.random() < 0.8 else [],
            "summary": f"synthetic advisory {n} for {pkg.name}",
            "severity": [{"type": "CVSS_V3", "score": score}],
            "affected": [affected],
        })  # fmt: skip
    return records


def world(n_packages: int, n_records: int) -> tuple[list[Package], list[dict[str, object]]]:
    rng = random.Random(SEED)
    packages = make_packages(n_packages, rng)
    return packages, make_records(packages, n_records, rng)


def requirement_files(
    packages: list[Package], n_files: int, per_file: tuple[int, int] = (10, 40)
) -> list[str]:
    """Pinned requirements files over the world's releases (names spelled many ways)."""
    rng = random.Random(SEED + 1)
    files = []
    for _ in range(n_files):
        chosen = rng.sample(packages, rng.randint(*per_file))
        lines = ["# generated for the pip-audit comparison"]
        for pkg in chosen:
            lines.append(f"{spellings(pkg.name, rng)}=={rng.choice(pkg.releases)}")
        files.append("\n".join(lines) + "\n")
    return files
