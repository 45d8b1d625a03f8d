"""Per-call latency with time.perf_counter_ns, shared by the botwarden side and the Cedar worker.

Each call is timed on its own (two timer reads around it). What two back-to-back timer reads cost
is measured first (the median of 20,000 empty pairs) and subtracted from every sample, so the
figures are the call alone. The first 200 calls are made once, untimed, as a warm-up. The garbage
collector is paused while timing (collected before), so that a collection triggered by one
engine's garbage does not land in a random sample.
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

Call = tuple[Callable[..., Any], tuple[Any, ...]]
WARM_UP = 200  # calls made once, untimed, before timing starts


def timer_overhead(rounds: int = 20_000) -> int:
    """Median nanoseconds between two consecutive perf_counter_ns() calls in a loop like ours."""
    clock = time.perf_counter_ns
    samples = []
    for _ in range(rounds):
        start = clock()
        samples.append(clock() - start)
    samples.sort()
    return samples[len(samples) // 2]


@dataclass(frozen=True)
class Stats:
    n: int
    p50_us: float
    p99_us: float
    mean_us: float
    overhead_ns: int

    def to_dict(self) -> dict[str, float]:
        return {"n": self.n, "p50_us": self.p50_us, "p99_us": self.p99_us,
                "mean_us": self.mean_us, "overhead_ns": self.overhead_ns}  # fmt: skip


def percentile(ordered: Sequence[int], q: float) -> int:
    """Nearest-rank percentile of sorted samples."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summarise(samples: Sequence[int], overhead: int) -> Stats:
    ordered = sorted(samples)
    return Stats(
        n=len(ordered),
        p50_us=percentile(ordered, 0.50) / 1000,
        p99_us=percentile(ordered, 0.99) / 1000,
        mean_us=sum(ordered) / len(ordered) / 1000,
        overhead_ns=overhead,
    )


def time_calls(calls: Sequence[Call], budget_s: float | None = None) -> Timed:
    """Time each call once, in order; stop early when ``budget_s`` seconds have passed."""
    overhead = timer_overhead()
    for function, args in calls[:WARM_UP]:  # caches, allocators, branch predictors: untimed
        function(*args)
    clock = time.perf_counter_ns
    samples: list[int] = []
    results: list[Any] = []
    deadline = None if budget_s is None else clock() + int(budget_s * 1e9)
    gc.collect()
    gc.disable()
    try:
        for index, (function, args) in enumerate(calls):
            start = clock()
            result = function(*args)
            end = clock()
            samples.append(end - start)
            results.append(result)
            if deadline is not None and index % 16 == 15 and end > deadline:
                break
    finally:
        gc.enable()
    net = [max(0, s - overhead) for s in samples]
    return Timed(summarise(net, overhead), net, results)


@dataclass(frozen=True)
class Timed:
    stats: Stats
    samples: list[int]  # net nanoseconds per call, in call order
    results: list[Any]

    def by_kind(self, kinds: Sequence[str]) -> dict[str, Stats]:
        """Stats per kind of decision (``kinds[i]`` is the kind of call i)."""
        groups: dict[str, list[int]] = {}
        for kind, sample in zip(kinds, self.samples, strict=False):
            groups.setdefault(kind, []).append(sample)
        return {k: summarise(v, self.stats.overhead_ns) for k, v in sorted(groups.items())}
