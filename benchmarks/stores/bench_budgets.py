"""Budget checks per second in one process: botwarden's stores against the `limits` library.

Every check is an *allowed* take on a budget large enough never to refuse (the common case:
a bot within its budget), on one key, in one thread, for about ``--seconds`` per case, split
into ``--rounds`` interleaved rounds of which the best is kept (the machine's load then hits
every case alike):

- botwarden: MemoryStore, SqliteStore (a temporary file), RedisStore, and LeasingStore over
  Redis, each for ``rate`` (GCRA) and ``volume`` (sliding-window counter); and a proxy
  request's check of three budgets over the leasing store, take by take and all at once
  (``LeasingStore.local_takes``);
- limits: MovingWindowRateLimiter, FixedWindowRateLimiter and SlidingWindowCounterRateLimiter
  with its ``memory://`` and ``redis://`` storage.

Ratios compare like with like: botwarden's Redis (plain and leased) against the fastest
`limits` strategy on Redis, and botwarden's memory store against the fastest `limits` strategy
in memory. Needs Redis (``--redis``, default redis://127.0.0.1:6379/0); keys are removed after.

    .venv/bin/python benchmarks/stores/bench_budgets.py [--seconds 1.5] [--rounds 3] [--redis URL]
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import limits
import redis
from limits import parse, storage, strategies

from botwarden.stores import LeasingStore, open_state_store

BIG = 10**9  # a budget per hour that never refuses during the run
Check = Callable[[], object]
STRATEGIES = (
    ("moving window", strategies.MovingWindowRateLimiter),
    ("fixed window", strategies.FixedWindowRateLimiter),
    ("sliding counter", strategies.SlidingWindowCounterRateLimiter),
)


def measure(check: Check, seconds: float) -> float:
    """Checks per second: batches of 200 until ``seconds`` have passed (after a warm-up)."""
    for _ in range(200):
        check()
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for _ in range(200):
            check()
        count += 200
    return count / elapsed


def measure_all(cases: dict[str, Check], seconds: float, rounds: int) -> dict[str, float]:
    """The best of ``rounds`` interleaved runs per case, so a busy moment hits every case alike."""
    best: dict[str, float] = dict.fromkeys(cases, 0.0)
    for _ in range(rounds):
        for name, check in cases.items():
            best[name] = max(best[name], measure(check, seconds / rounds))
    return best


def botwarden_cases(redis_url: str, folder: Path, tag: str) -> dict[str, Check]:
    memory = open_state_store("memory://")
    sqlite = open_state_store(f"sqlite:///{folder / 'state.db'}")
    plain = open_state_store(f"{redis_url}?prefix=bwbench-{tag}:")
    leased = LeasingStore(open_state_store(f"{redis_url}?prefix=bwbench-{tag}:lease:"))
    cases: dict[str, Check] = {}
    for name, store in (("memory", memory), ("sqlite", sqlite), ("redis", plain),
                        ("redis + leasing", leased)):  # fmt: skip
        cases[f"botwarden {name} rate"] = lambda s=store: s.rate("k", BIG, 3600)
        cases[f"botwarden {name} volume"] = lambda s=store: s.volume("v", 1500, BIG, 3600)
    cases.update(three_budget_cases(leased))
    return cases


def three_budget_cases(leased: LeasingStore) -> dict[str, Check]:
    """A proxy request's budget check: two request rates (total, host) and a byte budget's
    one-byte take, one by one or from the leases at once (LeasingStore.local_takes, falling
    back to one by one when a lease must be renewed, as the runtime does)."""

    def one_by_one() -> None:
        leased.rate("t:requests", BIG, 3600)
        leased.rate("h:requests", BIG, 3600)
        leased.volume("t:bytes", 1, BIG, 3600)

    handle = leased.local_takes([("rate", "t:requests", BIG, 3600),
                                 ("rate", "h:requests", BIG, 3600),
                                 ("volume", "t:bytes", BIG, 3600)])  # fmt: skip
    assert handle is not None
    amounts = (1, 1, 1)

    def at_once() -> None:
        if not handle.take(amounts, time.time()):
            one_by_one()

    return {
        "botwarden redis + leasing 3 budgets, one by one": one_by_one,
        "botwarden redis + leasing 3 budgets, at once": at_once,
    }


def limits_cases(redis_url: str, tag: str) -> dict[str, Check]:
    item = parse(f"{BIG}/hour")
    cases: dict[str, Check] = {}
    for where, url in (("memory", "memory://"), ("redis", redis_url)):
        backend = storage.storage_from_string(url)
        for label, cls in STRATEGIES:
            limiter = cls(backend)
            key = f"bwbench-{tag}-{label.replace(' ', '-')}"
            cases[f"limits {where} {label}"] = lambda lim=limiter, k=key: lim.hit(item, k)
    return cases


def cleanup(redis_url: str, tag: str) -> None:
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"*bwbench-{tag}*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


def best(rates: dict[str, float], prefix: str, kind: str = "") -> tuple[str, float]:
    chosen = {
        name: rate for name, rate in rates.items() if name.startswith(prefix) and kind in name
    }
    name = max(chosen, key=lambda n: chosen[n])
    return name, chosen[name]


def report(rates: dict[str, float]) -> None:
    print(f"{'case':48} {'checks/s':>12} {'us/check':>9}")
    for name, rate in rates.items():
        print(f"{name:48} {rate:12,.0f} {1e6 / rate:9.2f}")
    print()
    lim_redis = best(rates, "limits redis")
    lim_memory = best(rates, "limits memory")
    comparisons = [
        ("botwarden redis + leasing rate", lim_redis, 5.0),
        ("botwarden redis + leasing volume", lim_redis, 5.0),
        ("botwarden redis rate", lim_redis, None),
        ("botwarden memory rate", lim_memory, 1.0),
        ("botwarden memory volume", lim_memory, 1.0),
    ]
    print(f"{'ratio':72} {'x':>6} target")
    for ours, (theirs, their_rate), target in comparisons:
        ratio = rates[ours] / their_rate
        verdict = (
            ""
            if target is None
            else (f">= {target:g}x " + ("met" if ratio >= target else "MISSED"))
        )
        print(f"{ours + ' / ' + theirs:72} {ratio:6.2f} {verdict}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.5, help="time per case")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (best kept)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args(argv)
    tag = secrets.token_hex(4)
    print(f"limits {limits.__version__}, redis-py {redis.__version__}, {args.seconds:g} s per case")
    try:
        with tempfile.TemporaryDirectory() as folder:
            cases = {**botwarden_cases(args.redis, Path(folder), tag),
                     **limits_cases(args.redis, tag)}  # fmt: skip
            rates = measure_all(cases, args.seconds, args.rounds)
    finally:
        cleanup(args.redis, tag)
    report(rates)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
