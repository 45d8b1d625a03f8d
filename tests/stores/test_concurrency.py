"""Many threads and many processes on one budget: the total admitted never exceeds it.

Takes run at one fixed instant (``now=1000``) so no refill happens: a store that lost an update
would admit more than the limit, one that double-counted would admit less. The leasing test
runs on the server's clock, as a fleet does.
"""

from __future__ import annotations

import math
import threading
import time
from concurrent.futures import ProcessPoolExecutor

import pytest
from tests.stores import workers

from botwarden.stores import StateStore, open_state_store


def run_threads(count: int, work) -> list[float]:
    results: list[float] = [0] * count
    barrier = threading.Barrier(count)

    def run(n: int) -> None:
        barrier.wait()
        results[n] = work(n)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.parametrize("kind", ["rate", "volume"])
def test_threads_sharing_one_store_object(plain_store: StateStore, kind: str) -> None:
    def work(_: int) -> float:
        if kind == "rate":
            return sum(plain_store.rate("k", 90, 3600, now=1000.0).allowed for _ in range(25))
        takes = (plain_store.volume("k", 2.5, 225, 3600, now=1000.0) for _ in range(25))
        return sum(2.5 for take in takes if take.allowed)

    assert sum(run_threads(6, work)) == 90 if kind == "rate" else 225


def test_threads_with_a_store_each(shared_url: str) -> None:
    stores = [open_state_store(shared_url) for _ in range(4)]
    try:
        for store in stores:
            store.rate("k", 60, 3600, cost=0, now=1000.0)  # connect first
        admitted = run_threads(4, lambda n: sum(
            stores[n].rate("k", 60, 3600, now=1000.0).allowed for _ in range(30)
        ))  # fmt: skip
    finally:
        for store in stores:
            store.close()
    assert sum(admitted) == 60


@pytest.mark.parametrize("kind", ["rate", "volume"])
def test_processes_sharing_one_budget(
    shared_url: str, process_pool: ProcessPoolExecutor, kind: str
) -> None:
    start_at = time.time() + 0.3
    if kind == "rate":
        futures = [process_pool.submit(workers.hammer_rate, shared_url, "k", 100, 50, start_at)
                   for _ in range(4)]  # fmt: skip
        assert sum(future.result(timeout=60) for future in futures) == 100
    else:
        futures = [
            process_pool.submit(workers.hammer_volume, shared_url, "k", 3.0, 150.0, 25, start_at)
            for _ in range(4)
        ]
        assert sum(future.result(timeout=60) for future in futures) == 150.0


def test_replicas_leasing_from_one_redis_budget(
    redis_url: str, process_pool: ProcessPoolExecutor
) -> None:
    """Four replicas behind leases drain one budget: exactly the budget is admitted.

    Pre-leasing admits nothing the shared budget did not grant (0 overshoot); the only extra is
    the budget's own refill while the test runs, at limit / period per second. Each replica
    stops at its first refusal, holding nothing, so nothing is stranded either.
    """
    limit, period = 400, 3600.0
    started = time.time()
    start_at = started + 0.3
    futures = [process_pool.submit(workers.replica, redis_url, "fleet", limit, period, start_at)
               for _ in range(4)]  # fmt: skip
    results = [future.result(timeout=60) for future in futures]
    refill = math.ceil((time.time() - started) * limit / period)
    admitted = sum(allowed for allowed, _ in results)
    round_trips = sum(calls for _, calls in results)
    assert limit <= admitted <= limit + refill
    assert round_trips < admitted / 3, "leases should save most round trips"
