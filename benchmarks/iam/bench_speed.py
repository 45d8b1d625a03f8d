"""IAM policy checks: whole-process wall clock on 2,000 synthetic policies, botwarden vs peers.

    .venv/bin/python benchmarks/iam/bench_speed.py [--budget 240] [--repeat 3] [--only TOOL...]

Each tool is run the way a user runs it over a directory of independent policies, as one
process per run (imports, data loading and output included), median of --repeat runs:

  botwarden       `botwarden iam check DIR --format json` (each file is its own principal), on
                  both cores and with --jobs 1, and with the IAM index cache off (as the first
                  run after an install or upgrade)
  parliament      `parliament --directory DIR --json`, then again with
                  `--include-community-auditors` (its privilege-escalation, permissions-management
                  and credentials-exposure auditors live there)
  cloudsplaining  its Python API (`scan_policy`, what `scan-policy-file` calls) over all files in
                  one process: the fair comparison; and its CLI `scan-policy-file -i FILE` looped
                  over the files, which is how it is used from a shell

Run time is bounded: every mode first runs on a fixed 100-file sample (every 20th file); if that
projects a full run over --budget seconds, the full run is skipped and the time is extrapolated
from the sample (startup, measured on an empty directory, counted once), and the table says so.
Every process has a timeout. --full never extrapolates.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generate import DEFAULT_COUNT, DEFAULT_SEED, default_dir, generate, is_complete
from harness import (
    BENCH_BIN,
    BENCH_PYTHON,
    NOT_AVAILABLE,
    PEERS,
    ROOT,
    Result,
    botwarden_iam_check,
    botwarden_version,
    ensure_bench_venv,
    machine,
    parse_botwarden,
    peer_versions,
    run,
    table,
)

SAMPLE = 100


@dataclass(frozen=True)
class Outcome:
    seconds: float
    flagged: int | None = None
    error: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class Mode:
    tool: str
    mode: str
    execute: Callable[[Path, float], Outcome]
    has_startup: bool = True  # one process for the directory: its startup is paid once


@dataclass(frozen=True)
class Row:
    tool: str
    mode: str
    seconds: float | None
    flagged: str
    how: str


def policies_in(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.json"))


def failed(result: Result, what: str) -> Outcome:
    if result.timed_out:
        return Outcome(result.seconds, error=f"{what} timed out after {result.seconds:.0f} s")
    tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or [""]
    return Outcome(result.seconds, error=f"{what} exited {result.returncode}: {tail[0][:120]}")


# -- the tools ---------------------------------------------------------------------------------


def botwarden_mode(prefix: list[str], jobs: int | None = None, cache: bool = True) -> Mode:
    """`cache=False` times runs that parse and index the IAM definition (BOTWARDEN_IAM_CACHE=off),
    as the very first run after installing or upgrading does; the other rows read the index
    back from the cache the sample run wrote."""
    extra = [] if jobs is None else ["--jobs", str(jobs)]
    env = None if cache else {"BOTWARDEN_IAM_CACHE": "off"}

    def execute(directory: Path, timeout: float) -> Outcome:
        result = run([*prefix, str(directory), "--format", "json", *extra], timeout, env=env)
        report = parse_botwarden(result)
        if report is None:
            return failed(result, "botwarden iam check")
        paths = set()
        findings = report.get("findings")
        for finding in findings if isinstance(findings, list) else []:
            location = finding.get("location") if isinstance(finding, dict) else None
            paths.add(str(location.get("path")) if isinstance(location, dict) else "?")
        return Outcome(result.seconds, len(paths))

    label = "iam check DIR" + " ".join(["", *extra]) + ("" if cache else " (index cache off)")
    return Mode("botwarden", label, execute)


def parliament_mode(community: bool) -> Mode:
    flags = ["--include-community-auditors"] if community else []

    def execute(directory: Path, timeout: float) -> Outcome:
        argv = [str(BENCH_BIN / "parliament"), "--directory", str(directory), "--json", *flags]
        result = run(argv, timeout)
        if result.returncode not in (0, 1):
            return failed(result, "parliament")
        files = set()
        for line in result.stdout.splitlines():
            try:
                finding = json.loads(line)
            except json.JSONDecodeError:
                continue
            location = finding.get("location")
            if isinstance(location, dict) and "filepath" in location:
                files.add(location["filepath"])
        return Outcome(result.seconds, len(files))

    mode = "--directory" + (" --include-community-auditors" if community else "")
    return Mode("parliament", mode, execute)


def cloudsplaining_api_mode() -> Mode:
    def execute(directory: Path, timeout: float) -> Outcome:
        result = run(
            [str(BENCH_PYTHON), str(PEERS), "cloudsplaining-scan", str(directory)], timeout
        )
        if result.returncode != 0:
            return failed(result, "cloudsplaining API")
        data = json.loads(result.stdout)
        detail = (
            f"in-process: import {data['import_seconds']:.1f} s + scan {data['scan_seconds']:.1f} s"
        )
        if data["errors"]:
            detail += f", {data['errors']} policies raised"
        return Outcome(result.seconds, int(data["flagged"]), detail=detail)

    return Mode("cloudsplaining", "Python API, one process", execute)


def cloudsplaining_cli_mode() -> Mode:
    exe = str(BENCH_BIN / "cloudsplaining")

    def execute(directory: Path, timeout: float) -> Outcome:
        start = time.perf_counter()
        deadline = start + timeout
        flagged = 0
        for path in policies_in(directory):
            left = deadline - time.perf_counter()
            if left <= 0:
                return Outcome(time.perf_counter() - start, error="CLI loop over budget")
            result = run([exe, "scan-policy-file", "-i", str(path)], min(left, 120))
            if result.returncode != 0:
                return failed(result, f"cloudsplaining scan-policy-file {path.name}")
            flagged += "Potential Issue found" in result.stdout
        return Outcome(time.perf_counter() - start, flagged)

    return Mode("cloudsplaining", "CLI scan-policy-file, per file", execute, has_startup=False)


# -- measuring ---------------------------------------------------------------------------------


def prepare(count: int, seed: int, directory: Path | None) -> tuple[Path, Path, Path]:
    """The policy directory (generated if missing), its fixed sample, and an empty directory."""
    if directory is None:
        directory = default_dir(count, seed)
        if not is_complete(directory, count):
            print(f"generating {count} policies into {directory.relative_to(ROOT)}", flush=True)
            generate(directory, count, seed)
    files = policies_in(directory)
    sample_dir = directory.parent / f"{directory.name}.sample{SAMPLE}"
    step = max(1, len(files) // SAMPLE)
    chosen = files[::step][:SAMPLE]
    if sorted(p.name for p in policies_in(sample_dir)) != [p.name for p in chosen]:
        shutil.rmtree(sample_dir, ignore_errors=True)
        sample_dir.mkdir(parents=True)
        for path in chosen:
            shutil.copyfile(path, sample_dir / path.name)
    empty = directory.parent / "empty"
    empty.mkdir(exist_ok=True)
    for stray in empty.iterdir():
        stray.unlink()
    return directory, sample_dir, empty


def measure(mode: Mode, dirs: tuple[Path, Path, Path], repeat: int, budget: float) -> Row:
    full_dir, sample_dir, empty = dirs
    n_full, n_sample = len(policies_in(full_dir)), len(policies_in(sample_dir))
    print(f"  {mode.tool}: {mode.mode} ...", end="", flush=True)
    first = mode.execute(sample_dir, 2 * budget + 120)  # the sample may be slow: still measure it
    if first.error:
        print(" failed")
        return Row(mode.tool, mode.mode, None, "-", first.error)
    startup = 0.0
    if mode.has_startup:
        probe = mode.execute(empty, 120)
        startup = 0.0 if probe.error else min(probe.seconds, first.seconds)
    projected = startup + (first.seconds - startup) * n_full / n_sample

    if projected <= budget:
        outcomes: list[Outcome] = []
        for _ in range(repeat):
            outcome = mode.execute(full_dir, max(3 * projected, 120))
            if outcome.error:
                print(" failed")
                return Row(mode.tool, mode.mode, None, "-", outcome.error)
            outcomes.append(outcome)
        seconds = statistics.median(o.seconds for o in outcomes)
        print(f" {seconds:.2f} s")
        how = f"median of {len(outcomes)}" if len(outcomes) > 1 else "1 run"
        if outcomes[-1].detail:
            how += f"; {outcomes[-1].detail}"
        return Row(mode.tool, mode.mode, seconds, str(outcomes[-1].flagged), how)

    samples = [first]
    while len(samples) < repeat and first.seconds * (len(samples) + 1) <= 2 * budget:
        outcome = mode.execute(sample_dir, max(3 * first.seconds, 120))
        if outcome.error:
            break
        samples.append(outcome)
    sample_seconds = statistics.median(o.seconds for o in samples)
    seconds = startup + (sample_seconds - startup) * n_full / n_sample
    print(f" ~{seconds:.0f} s (extrapolated)")
    flagged = first.flagged * n_full / n_sample if first.flagged is not None else None
    how = (
        f"EXTRAPOLATED: {n_sample}-file sample {sample_seconds:.1f} s (median of {len(samples)}),"
        f" startup {startup:.1f} s counted once"
    )
    return Row(
        mode.tool,
        mode.mode,
        seconds,
        f"~{flagged:.0f} ({first.flagged}/{n_sample})" if flagged is not None else "-",
        how,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--dir", type=Path, default=None, help="use these policies instead")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=240.0, help="seconds per full run")
    parser.add_argument("--full", action="store_true", help="never extrapolate (slow)")
    parser.add_argument("--only", nargs="*", choices=("botwarden", "parliament", "cloudsplaining"))
    parser.add_argument("--no-setup", action="store_true", help="do not create the peers' venv")
    args = parser.parse_args(argv)
    budget = 4 * 3600.0 if args.full else args.budget
    only = set(args.only or ("botwarden", "parliament", "cloudsplaining"))

    dirs = prepare(args.count, args.seed, args.dir)
    n_full = len(policies_in(dirs[0]))
    peers_ready = ensure_bench_venv(allow_setup=not args.no_setup)
    versions = peer_versions()
    print(f"machine: {machine()}")
    shown = dirs[0].relative_to(ROOT) if dirs[0].is_relative_to(ROOT) else dirs[0]
    print(f"policies: {n_full} in {shown}")
    print(
        f"botwarden {botwarden_version()}; "
        + ", ".join(f"{k} {v}" for k, v in versions.items())
        + ("" if peers_ready else "; peers' venv missing: bash benchmarks/iam/setup.sh")
    )

    rows: list[Row] = []
    if "botwarden" in only:
        prefix = botwarden_iam_check()
        if prefix is None:
            rows.append(Row("botwarden", "iam check DIR", None, "-", NOT_AVAILABLE))
        else:
            rows.append(measure(botwarden_mode(prefix), dirs, args.repeat, budget))
            # the default uses every core; the peers use one: say what one core does too
            rows.append(measure(botwarden_mode(prefix, jobs=1), dirs, args.repeat, budget))
            rows.append(measure(botwarden_mode(prefix, cache=False), dirs, args.repeat, budget))
    modes: list[Mode] = []
    if peers_ready and "parliament" in only:
        modes += [parliament_mode(community=False), parliament_mode(community=True)]
    if peers_ready and "cloudsplaining" in only:
        modes += [cloudsplaining_api_mode(), cloudsplaining_cli_mode()]
    rows += [measure(mode, dirs, args.repeat, budget) for mode in modes]

    ours = rows[0].seconds if rows and rows[0].tool == "botwarden" else None
    lines = []
    for row in rows:
        if row.seconds is None:
            lines.append([row.tool, row.mode, "-", "-", "-", row.flagged, row.how])
            continue
        ratio = f"{row.seconds / ours:.1f}x" if ours else "n/a"
        lines.append(
            [
                row.tool,
                row.mode,
                f"{row.seconds:.2f}",
                f"{n_full / row.seconds:.0f}",
                ratio,
                row.flagged,
                row.how,
            ]
        )
    print()
    header = ["tool", "mode", "seconds", "policies/s", "vs botwarden", "flagged", "how"]
    print(table(lines, header, right=frozenset({2, 3, 4, 5})))
    print(
        "seconds: wall clock of whole processes; vs botwarden = peer seconds / botwarden seconds "
        "(> 1: botwarden faster); flagged = policies with at least one finding"
    )
    if any(row.how.startswith("EXTRAPOLATED") for row in rows):
        print(
            f"EXTRAPOLATED: a full run projected over --budget {budget:.0f} s, so it was timed on "
            f"the fixed {SAMPLE}-file sample (every {max(1, n_full // SAMPLE)}th file) and scaled "
            f"to {n_full}; --full times the whole directory"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
