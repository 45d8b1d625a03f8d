"""Every backend gives exactly the memory reference's answers to the same random calls.

The Redis backend computes in Lua and the SQL backends store doubles in their own columns:
this catches a formula that drifted from :mod:`botwarden.stores.algorithms` or a value that
does not survive a round trip, down to the last bit.
"""

from __future__ import annotations

import random

import pytest

from botwarden.stores import MemoryStore, StateStore

RATES = {"r1": (1, 60.0), "r2": (7, 90.5), "r3": (100, 3600.0)}
VOLUMES = {"v1": (1000.0, 60.0), "v2": (1.5, 86400.0), "v3": (12345.678, 100.0)}


def random_call(rng: random.Random, now: float) -> tuple[str, tuple[object, ...]]:
    kind = rng.choice(["rate", "volume", "breaker"])
    if kind == "rate":
        key = rng.choice(list(RATES))
        limit, period = RATES[key]
        return kind, (key, limit, period, rng.choice([0, 1, 1, 1, 2, 5, limit + 1]), now)
    if kind == "volume":
        key = rng.choice(list(VOLUMES))
        limit, period = VOLUMES[key]
        amount = rng.choice([0.0, rng.random() * limit / 3, rng.random() * limit, limit * 1.01])
        return kind, (key, amount, limit, period, now)
    outcome = rng.choice([None, "success", "failure", "failure", "failure"])
    return kind, (
        rng.choice(["b1", "b2"]),
        outcome,
        rng.choice([1, 3]),
        rng.choice([0, 7.5, 30]),
        now,
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_backend_answers_like_the_reference(plain_store: StateStore, seed: int) -> None:
    rng = random.Random(seed)
    reference = MemoryStore()
    now = 1.7e9 + rng.random() * 1e6
    for step in range(250):
        now += rng.choice([0.0, rng.random(), rng.random() * 20, rng.random() * 200])
        kind, args = random_call(rng, now)
        expected = getattr(reference, kind)(*args)
        assert getattr(plain_store, kind)(*args) == expected, f"step {step}: {kind}{args}"
