"""What bench_speed.py and bench_correctness.py share: paths, the peers' venv, running commands.

botwarden is always run as the `botwarden` console script of the interpreter that runs the
benchmark (the project venv), and the peers from benchmarks/.bench-venv, each as a subprocess with
a timeout, so no tool's import cost or crash leaks into another's numbers.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BENCH_VENV = ROOT / "benchmarks" / ".bench-venv"
BENCH_BIN = BENCH_VENV / "bin"
BENCH_PYTHON = BENCH_BIN / "python"
SETUP = HERE / "setup.sh"
PEERS = HERE / "peers.py"
CASES = HERE / "cases"

NOT_AVAILABLE = "not available yet"


@dataclass(frozen=True)
class Result:
    seconds: float
    returncode: int | None  # None: killed at the timeout
    stdout: str
    stderr: str

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


def run(
    argv: list[str], timeout: float, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> Result:
    """Run one process to completion (or kill it at `timeout`); wall-clock seconds. `env` adds
    to (or overrides) this process's environment."""
    start = time.perf_counter()
    try:
        done = subprocess.run(
            argv,
            cwd=cwd,
            env={**os.environ, **env} if env else None,
            stdin=subprocess.DEVNULL,  # parliament reads stdin when it is not a tty
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        out = expired.stdout.decode() if isinstance(expired.stdout, bytes) else expired.stdout
        return Result(time.perf_counter() - start, None, out or "", "timed out")
    except OSError as error:  # missing executable
        return Result(time.perf_counter() - start, 127, "", str(error))
    return Result(time.perf_counter() - start, done.returncode, done.stdout, done.stderr)


# -- botwarden ---------------------------------------------------------------------------------


def botwarden_executable() -> str | None:
    beside = Path(sys.executable).parent / "botwarden"
    if beside.is_file():
        return str(beside)
    return shutil.which("botwarden")


def botwarden_iam_check() -> list[str] | None:
    """`botwarden iam check` as an argv prefix, or None while the command does not exist."""
    exe = botwarden_executable()
    if exe is None:
        return None
    probe = run([exe, "iam", "check", "--help"], timeout=60)
    if probe.returncode != 0:
        return None
    return [exe, "iam", "check"]


def botwarden_version() -> str:
    exe = botwarden_executable()
    if exe is None:
        return "not installed"
    result = run([exe, "--version"], timeout=60)
    return (result.stdout.strip() or result.stderr.strip() or "?").splitlines()[-1]


def parse_botwarden(result: Result) -> dict[str, object] | None:
    """The JSON report, if the run ended with 0 (clean) or 1 (findings) and printed one."""
    if result.returncode not in (0, 1):
        return None
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        return None
    return report if isinstance(report, dict) else None


# -- peers -------------------------------------------------------------------------------------


def ensure_bench_venv(allow_setup: bool = True) -> bool:
    """True when benchmarks/.bench-venv has the peers; runs setup.sh once if it is missing."""
    if (BENCH_BIN / "parliament").is_file() and (BENCH_BIN / "cloudsplaining").is_file():
        return True
    if not allow_setup:
        return False
    print(f"peers' venv missing: running bash {SETUP.relative_to(ROOT)}", flush=True)
    result = run(["bash", str(SETUP)], timeout=900)
    if result.returncode != 0:
        print(result.stdout + result.stderr, file=sys.stderr)
    return (BENCH_BIN / "parliament").is_file() and (BENCH_BIN / "cloudsplaining").is_file()


def peer_versions() -> dict[str, str]:
    if not BENCH_PYTHON.is_file():
        return {}
    code = (
        "import importlib.metadata as m, json\n"
        "print(json.dumps({n: m.version(n) for n in "
        "('parliament', 'cloudsplaining', 'policy_sentry')}))"
    )
    result = run([str(BENCH_PYTHON), "-c", code], timeout=60)
    try:
        return dict(json.loads(result.stdout))
    except json.JSONDecodeError:
        return {}


# -- the machine -------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.partition(":")[2].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def table(rows: list[list[str]], header: list[str], right: frozenset[int] = frozenset()) -> str:
    """A plain text table; columns listed in `right` are right-aligned."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])
