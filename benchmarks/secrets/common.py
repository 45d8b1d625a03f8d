"""What the secrets benchmarks share: paths, the peer's venv, running whole processes, tables.

botwarden runs as the `botwarden` console script beside the interpreter that runs the benchmark
(the project venv); detect-secrets from benchmarks/.bench-venv. Each is a subprocess with a
timeout, so neither tool's import cost or crash leaks into the other's numbers.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
GENERATED = HERE / "generated"
BENCH_BIN = ROOT / "benchmarks" / ".bench-venv" / "bin"
DETECT_SECRETS = BENCH_BIN / "detect-secrets"
SETUP = HERE / "setup.sh"


@dataclass(frozen=True)
class Result:
    seconds: float
    returncode: int | None  # None: killed at the timeout
    stdout: str
    stderr: str


def run(argv: list[str], timeout: float) -> Result:
    """One whole process, wall clock, killed at `timeout`."""
    start = time.perf_counter()
    try:
        done = subprocess.run(
            argv,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Result(time.perf_counter() - start, None, "", "timed out")
    return Result(time.perf_counter() - start, done.returncode, done.stdout, done.stderr)


def botwarden() -> str:
    beside = Path(sys.executable).parent / "botwarden"
    return str(beside) if beside.is_file() else "botwarden"


def botwarden_scan(paths: list[Path], jobs: int = 0) -> list[str]:
    return [
        botwarden(),
        "secrets",
        "scan",
        *map(str, paths),
        "--format",
        "json",
        "--jobs",
        str(jobs),
    ]


def detect_secrets_scan(path: Path) -> list[str]:
    return [str(DETECT_SECRETS), "scan", "-n", "--all-files", str(path)]


def ensure_peer() -> bool:
    """True when detect-secrets is installed; runs setup.sh once when it is missing."""
    if not DETECT_SECRETS.is_file():
        print(f"peer missing: running bash {SETUP.relative_to(ROOT)}", flush=True)
        subprocess.run(["bash", str(SETUP)], check=False)
    return DETECT_SECRETS.is_file()


def versions() -> str:
    bw = run([botwarden(), "--version"], 60).stdout.strip().splitlines()
    ds = "?"
    if DETECT_SECRETS.is_file():
        ds = run([str(DETECT_SECRETS), "--version"], 60).stdout.strip()
    return f"{bw[-1] if bw else 'botwarden ?'}, detect-secrets {ds}"


def parse_json(result: Result, ok: tuple[int, ...]) -> dict[str, Any] | None:
    if result.returncode not in ok:
        return None
    try:
        data = json.loads(result.stdout)
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


def machine() -> str:
    cpu = platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.partition(":")[2].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{os.cpu_count()} cores ({cpu}), {platform.system()}, Python "
        f"{platform.python_version()}, 1-min load {load:.2f} at start"
    )


def table(rows: list[list[str]], header: list[str], right: frozenset[int] = frozenset()) -> str:
    """A plain text table; columns in `right` are right-aligned."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])
