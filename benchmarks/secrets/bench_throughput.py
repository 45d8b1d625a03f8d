"""Scan throughput on a large real tree: botwarden vs detect-secrets, whole processes, MB/s.

    .venv/bin/python benchmarks/secrets/bench_throughput.py [--quick] [--repeat 3]
        [--sample-mb 20] [--ds-budget 600] [--tree DIR]

The tree (built once under generated/tree, hard links where the filesystem allows): this
interpreter's standard library without its own site-packages, plus the project venv's
site-packages, both without __pycache__ (compiled files are not what a scan is for, and a
checkout has none). MB is 10^6 bytes of every regular file in the tree, text or not.

Timed: wall clock of the whole process, imports and output included, median of --repeat runs
(1 with --quick). botwarden runs `secrets scan TREE --format json --jobs 0` (one process per
core). detect-secrets runs `scan -n --all-files TREE`; when a run of it over the whole tree would
take longer than --ds-budget (projected from a fixed sample: every k-th file, about --sample-mb),
it is timed on that sample only and extrapolated per MB, and the table says so. botwarden is also
timed on the same sample so there is one ratio on identical input.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import sysconfig
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    GENERATED,
    ROOT,
    Result,
    botwarden_scan,
    detect_secrets_scan,
    ensure_peer,
    machine,
    run,
    table,
    versions,
)

TIMEOUT = 3600.0


def _link_or_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _files(base: Path, skip: set[Path]) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(base):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and here / d not in skip)
        for name in sorted(filenames):
            path = here / name
            if path.is_file() and not path.is_symlink():
                out.append(path)
    return out


def build_tree(tree: Path) -> None:
    if (tree / ".complete").is_file():
        return
    shutil.rmtree(tree, ignore_errors=True)
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    site = Path(sysconfig.get_paths()["purelib"])
    print(f"building {tree.relative_to(ROOT)} from {stdlib} and {site}", flush=True)
    for base, name in ((stdlib, "stdlib"), (site, "site-packages")):
        for path in _files(base, {stdlib / "site-packages"}):
            _link_or_copy(path, tree / name / path.relative_to(base))
    (tree / ".complete").write_text("", encoding="utf-8")


def sample_tree(tree: Path, sample: Path, target_mb: float) -> None:
    """Every k-th file of the tree (sorted paths), k chosen so the sample is about target_mb."""
    files = [p for p in _files(tree, set()) if p.name != ".complete"]
    total = sum(p.stat().st_size for p in files)
    k = max(1, round(total / (target_mb * 1e6)))
    marker = sample / f".k{k}"
    if marker.is_file():
        return
    shutil.rmtree(sample, ignore_errors=True)
    for path in files[::k]:
        _link_or_copy(path, sample / path.relative_to(tree))
    marker.write_text("", encoding="utf-8")


def size_mb(tree: Path) -> tuple[float, int]:
    files = [p for p in _files(tree, set()) if not p.name.startswith((".k", ".complete"))]
    return sum(p.stat().st_size for p in files) / 1e6, len(files)


def timed(argv: list[str], repeat: int, ok: tuple[int, ...]) -> tuple[float | None, str]:
    times = []
    for _ in range(repeat):
        result: Result = run(argv, TIMEOUT)
        if result.returncode not in ok:
            return None, (result.stderr.strip().splitlines() or ["failed"])[-1][:120]
        times.append(result.seconds)
    return statistics.median(times), f"median of {repeat}" if repeat > 1 else "1 run"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 run per tool instead of 3")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample-mb", type=float, default=20.0)
    parser.add_argument(
        "--ds-budget",
        type=float,
        default=600.0,
        help="seconds a full detect-secrets run may take before extrapolating",
    )
    parser.add_argument("--tree", type=Path, default=GENERATED / "tree")
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    if not ensure_peer():
        print("detect-secrets unavailable: run benchmarks/secrets/setup.sh", file=sys.stderr)
        return 2
    build_tree(args.tree)
    sample = GENERATED / "sample"
    sample_tree(args.tree, sample, args.sample_mb)
    tree_mb, tree_files = size_mb(args.tree)
    sample_mb, sample_files = size_mb(sample)
    print(machine())
    print(versions())
    print(
        f"tree: {tree_mb:,.1f} MB in {tree_files:,} files; sample: {sample_mb:,.1f} MB in "
        f"{sample_files:,} files\n",
        flush=True,
    )

    rows: list[list[str]] = []
    bw_ok, ds_ok = (0, 1), (0,)
    bw_tree, how = timed(botwarden_scan([args.tree]), repeat, bw_ok)
    bw_sample, how_s = timed(botwarden_scan([sample]), repeat, bw_ok)
    ds_sample, how_ds = timed(detect_secrets_scan(sample), repeat, ds_ok)
    ds_tree: float | None = None
    ds_how = ""
    if ds_sample is not None:
        projected = ds_sample * tree_mb / sample_mb
        if projected <= args.ds_budget:
            ds_tree, ds_how = timed(detect_secrets_scan(args.tree), repeat, ds_ok)
        else:
            ds_tree = projected
            ds_how = f"extrapolated per MB from the sample ({how_ds}, {ds_sample:.1f} s)"

    def row(
        tool: str, what: str, mb: float, secs: float | None, ref: float | None, note: str
    ) -> None:
        if secs is None:
            rows.append([tool, what, "-", "-", "-", note])
            return
        ratio = f"{secs / ref:,.1f}x" if ref else "-"
        rows.append([tool, what, f"{secs:,.2f}", f"{mb / secs:,.2f}", ratio, note])

    row("botwarden", "tree, --jobs 0", tree_mb, bw_tree, bw_tree, how)
    row("detect-secrets", "tree", tree_mb, ds_tree, bw_tree, ds_how)
    row("botwarden", "sample, --jobs 0", sample_mb, bw_sample, bw_sample, how_s)
    row("detect-secrets", "sample", sample_mb, ds_sample, bw_sample, how_ds)
    print(
        table(
            rows, ["tool", "input", "seconds", "MB/s", "vs botwarden", "how"], frozenset({2, 3, 4})
        )
    )
    print(
        "\n'vs botwarden' = the tool's seconds / botwarden's on the same input "
        "(above 1: botwarden is faster). Target: botwarden >= 50 MB/s and >= 100x."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
