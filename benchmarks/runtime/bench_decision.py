"""Decision latency, in-process: botwarden's policy engine vs Cedar (cedarpy) on the same rules.

    .venv/bin/python benchmarks/runtime/bench_decision.py [--rules 1000] [--decisions 100000]
        [--sizes 10,100,1000,10000] [--cedar-budget 300] [--quick] [--no-growth] [--no-setup]

A synthetic manifest of --rules rules and a stream of --decisions labelled decisions (CONNECT
tunnels, HTTP requests, AWS calls; about half denied, mostly near-misses) come from generate.py,
with the same rules as a Cedar policy set (cedar.py). Timed per call with perf_counter_ns, the
timer's own cost subtracted, garbage collector paused (timing.py):

  botwarden (policy only)     Policy.request(method, Target) / Policy.aws(action, arn), with every
                              Target built before timing
  botwarden (parse + policy)  the same after parse_url(url) / parse_authority("host:port")
  cedarpy                     is_authorized(request, PolicySet, Entities) with the policy set
                              parsed once and every request built before timing, in the bench
                              venv's Python (cedar_worker.py)

Each engine's verdicts are compared with the generator's labels ("agree"). Cedar is linear in the
number of policies, so its runs stop after --cedar-budget seconds of timed calls (the growth sizes
after a tenth of it) and the table says how many decisions were timed; the stream is shuffled, so
a prefix is a fair sample. Then --sizes repeats the measurement on manifests of other sizes.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import ensure  # noqa: E402
from timing import Call, Stats, Timed, time_calls  # noqa: E402

ROOT = HERE.parent.parent
BENCH_PYTHON = ROOT / "benchmarks" / ".bench-venv" / "bin" / "python"
SETUP = HERE / "setup.sh"
UNAVAILABLE = "botwarden: engine not available"


def load_items(directory: Path, limit: int | None = None) -> list[dict[str, Any]]:
    items = []
    with (directory / "requests.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            items.append(json.loads(line))
            if limit is not None and len(items) >= limit:
                break
    return items


def _authority(item: dict[str, Any]) -> str:
    host = f"[{item['host']}]" if ":" in item["host"] else item["host"]
    return f"{host}:{item['port']}"


def botwarden_calls(directory: Path, items: list[dict[str, Any]]) -> tuple[list[Call], list[Call]]:
    """The decisions as (policy only, parse + policy) calls."""
    from botwarden.manifest import parse_manifest
    from botwarden.policy.engine import Policy
    from botwarden.policy.request import Target
    from botwarden.policy.target import parse_authority, parse_url

    text = (directory / "botwarden.toml").read_text(encoding="utf-8")
    policy = Policy.compile(parse_manifest(text, str(directory / "botwarden.toml")))
    request, aws = policy.request, policy.aws

    def parsed_http(method: str, url: str) -> Any:
        return request(method, parse_url(url))

    def parsed_connect(authority: str) -> Any:
        return request("CONNECT", parse_authority(authority))

    plain: list[Call] = []
    parsed: list[Call] = []
    for item in items:
        if item["k"] == "aws":
            call: Call = (aws, (item["action"], item["resource"]))
            plain.append(call)
            parsed.append(call)
        elif item["k"] == "connect":
            target = Target("", item["host"], item["port"], "", item["ip"])
            plain.append((request, ("CONNECT", target)))
            parsed.append((parsed_connect, (_authority(item),)))
        else:
            target = Target(item["scheme"], item["host"], item["port"], item["path"], False)
            plain.append((request, (item["method"], target)))
            parsed.append((parsed_http, (item["method"], item["url"])))
    return plain, parsed


def agreement(
    results: list[Any], items: list[dict[str, Any]], allowed: Callable[[Any], bool]
) -> int:
    return sum(allowed(r) == (i["expect"] == "allow") for r, i in zip(results, items, strict=False))


def run_botwarden(directory: Path, items: list[dict[str, Any]]) -> dict[str, Any]:
    try:
        plain, parsed = botwarden_calls(directory, items)
        plain[0][0](*plain[0][1]).allowed  # noqa: B018  (the API answers as expected)
    except Exception as error:  # the engine is being written: any failure means "not yet"
        print(f"\n{UNAVAILABLE}: {type(error).__name__}: {error}", flush=True)
        return {"error": UNAVAILABLE}
    out: dict[str, Any] = {}
    kinds = [i["k"] for i in items]
    for mode, calls in (("policy", plain), ("parse", parsed)):
        timed: Timed = time_calls(calls)
        out[mode] = {
            "stats": timed.stats,
            "agree": agreement(timed.results, items, lambda d: bool(d.allowed)),
            "kinds": timed.by_kind(kinds),
        }
    return out


def run_cedar(directory: Path, budget: float) -> dict[str, Any]:
    if not BENCH_PYTHON.is_file():
        return {"error": "cedarpy: bench venv missing (bash benchmarks/runtime/setup.sh)"}
    argv = [
        str(BENCH_PYTHON),
        str(HERE / "cedar_worker.py"),
        str(directory),
        "--budget",
        str(budget),
    ]
    done = subprocess.run(
        argv, capture_output=True, text=True, check=False, timeout=budget * 3 + 600
    )
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["?"]
        return {"error": f"cedarpy failed: {tail[0][:160]}"}
    data = json.loads(done.stdout)
    data["stats"] = Stats(
        data["n"], data["p50_us"], data["p99_us"], data["mean_us"], data["overhead_ns"]
    )
    data["kinds"] = {k: Stats(**v) for k, v in data["kinds"].items()}
    return data


def ensure_setup(allow: bool) -> None:
    probe = [str(BENCH_PYTHON), "-c", "import cedarpy"]
    if (
        BENCH_PYTHON.is_file()
        and subprocess.run(probe, capture_output=True, check=False).returncode == 0
    ):
        return
    if allow:
        print(f"cedarpy missing: running bash {SETUP.relative_to(ROOT)}", flush=True)
        subprocess.run(["bash", str(SETUP)], check=False)


# -- the tables --------------------------------------------------------------------------------


def table(rows: list[list[str]], header: list[str], right: frozenset[int]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])


def us(value: float) -> str:
    return f"{value:,.1f}" if value >= 100 else f"{value:.2f}"


def main_rows(rules: int, bw: dict[str, Any], cedar: dict[str, Any]) -> list[list[str]]:
    rows: list[list[str]] = []
    cedar_p50 = cedar["stats"].p50_us if "stats" in cedar else None
    for mode, label in (
        ("policy", "botwarden (policy only)"),
        ("parse", "botwarden (parse + policy)"),
    ):
        if "error" in bw:
            rows.append([f"{rules:,}", label, "-", "-", "-", "-", "-", bw["error"]])
            continue
        stats: Stats = bw[mode]["stats"]
        ratio = f"{cedar_p50 / stats.p50_us:,.0f}x" if cedar_p50 and stats.p50_us else "-"
        rows.append([f"{rules:,}", label, f"{stats.n:,}", us(stats.p50_us), us(stats.p99_us),
                     us(stats.mean_us), f"{bw[mode]['agree']:,}/{stats.n:,}", ratio])  # fmt: skip
    if "error" in cedar:
        rows.append([f"{rules:,}", "cedarpy", "-", "-", "-", "-", "-", cedar["error"]])
    else:
        stats = cedar["stats"]
        rows.append([f"{rules:,}", f"cedarpy {cedar['version']} (is_authorized, PolicySet)",
                     f"{stats.n:,}", us(stats.p50_us), us(stats.p99_us), us(stats.mean_us),
                     f"{cedar['agree']:,}/{stats.n:,}", "1x"])  # fmt: skip
    return rows


def kind_rows(bw: dict[str, Any], cedar: dict[str, Any]) -> list[list[str]]:
    rows = []
    kinds = sorted(set(bw.get("policy", {}).get("kinds", {})) | set(cedar.get("kinds", {})))
    for kind in kinds:
        cells = [kind]
        for source in (bw.get("policy", {}).get("kinds", {}), bw.get("parse", {}).get("kinds", {}),
                       cedar.get("kinds", {})):  # fmt: skip
            stats = source.get(kind)
            cells += [us(stats.p50_us), us(stats.p99_us)] if stats else ["-", "-"]
        rows.append(cells)
    return rows


def machine() -> str:
    cpu = platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.partition(":")[2].strip()
                break
    except OSError:
        pass
    import os

    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def measure(
    rules: int, decisions: int, seed: int, budget: float
) -> tuple[dict[str, Any], dict[str, Any]]:
    directory = ensure(rules, decisions, seed)
    items = load_items(directory)
    print(f"  {rules:,} rules: botwarden ...", end="", flush=True)
    bw = run_botwarden(directory, items)
    print(" cedarpy ...", end="", flush=True)
    cedar = run_cedar(directory, budget)
    print(" done", flush=True)
    return bw, cedar


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--decisions", type=int, default=100_000)
    parser.add_argument(
        "--sizes", default="10,100,1000,10000", help="rule counts for the growth table"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--cedar-budget", type=float, default=300.0, help="seconds of timed Cedar calls"
    )
    parser.add_argument(
        "--quick", action="store_true", help="10,000 decisions, short Cedar budgets"
    )
    parser.add_argument("--no-growth", action="store_true")
    parser.add_argument(
        "--no-setup", action="store_true", help="do not run setup.sh if cedarpy is missing"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.decisions = min(args.decisions, 10_000)
        args.cedar_budget = min(args.cedar_budget, 20.0)
    ensure_setup(not args.no_setup)

    print(f"machine: {machine()}")
    print(f"main run: {args.rules:,} rules, {args.decisions:,} decisions, seed {args.seed}")
    bw, cedar = measure(args.rules, args.decisions, args.seed, args.cedar_budget)
    header = [
        "rules",
        "engine",
        "decisions",
        "p50 µs",
        "p99 µs",
        "mean µs",
        "agree",
        "cedar p50 / this p50",
    ]
    print()
    print(table(main_rows(args.rules, bw, cedar), header, frozenset({0, 2, 3, 4, 5, 6, 7})))
    notes = []
    if "policy" in bw:
        notes.append(f"timer overhead subtracted: {bw['policy']['stats'].overhead_ns} ns per call")
    if "stats" in cedar:
        notes += [
            f"Cedar side {cedar['overhead_ns']} ns",
            f"Cedar policy set parsed once in {cedar['parse_s']:.2f} s",
            f"is_authorized_batch on the same handles: {us(cedar['batch_mean_us'])} µs per "
            f"decision (mean of {cedar['batch_n']:,})",
        ]
    print("; ".join(notes))
    print("\nby kind of decision (p50 / p99 µs):")
    kheader = ["kind", "bw p50", "bw p99", "bw+parse p50", "bw+parse p99", "cedar p50", "cedar p99"]
    print(table(kind_rows(bw, cedar), kheader, frozenset(range(1, 7))))

    if args.no_growth:
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    growth = args.decisions if not args.quick else min(args.decisions, 5_000)
    print(
        f"\ngrowth: {growth:,} decisions per size "
        f"(Cedar: at most {args.cedar_budget / 10:.0f} s of calls)"
    )
    rows = []
    for size in sizes:
        if size == args.rules and growth == args.decisions:
            result = (bw, cedar)
        else:
            result = measure(size, growth, args.seed, args.cedar_budget / 10)
        rows.append(growth_row(size, *result))
    gheader = ["rules", "bw p50", "bw p99", "bw+parse p50", "cedar p50", "cedar p99", "cedar n",
               "cedar/bw p50", "agree bw/cedar"]  # fmt: skip
    print()
    print(table(rows, gheader, frozenset(range(9))))
    return 0


def growth_row(size: int, bw: dict[str, Any], cedar: dict[str, Any]) -> list[str]:
    cells = [f"{size:,}"]
    if "error" in bw:
        cells += ["-", "-", "-"]
    else:
        cells += [us(bw["policy"]["stats"].p50_us), us(bw["policy"]["stats"].p99_us),
                  us(bw["parse"]["stats"].p50_us)]  # fmt: skip
    if "error" in cedar:
        cells += ["-", "-", "-"]
    else:
        cells += [us(cedar["stats"].p50_us), us(cedar["stats"].p99_us), f"{cedar['stats'].n:,}"]
    if "error" not in bw and "error" not in cedar:
        cells.append(f"{cedar['stats'].p50_us / bw['policy']['stats'].p50_us:,.0f}x")
    else:
        cells.append("-")
    bw_agree = "-" if "error" in bw else f"{bw['policy']['agree'] / bw['policy']['stats'].n:.1%}"
    cedar_agree = "-" if "error" in cedar else f"{cedar['agree'] / cedar['stats'].n:.1%}"
    cells.append(f"{bw_agree} / {cedar_agree}")
    return cells


if __name__ == "__main__":
    sys.exit(main())
