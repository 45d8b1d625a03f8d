"""Rates (GCRA) and volumes (sliding window), one body over every backend, with exact times.

Each case is a table of steps ``(now, cost or amount, allowed, remaining, retry_after, used)``;
the numbers are worked out in docs/stores.md's terms (rate: T = period / limit; volume: windows
aligned on multiples of the period, here [960, 1020), [1020, 1080), ...).
"""

from __future__ import annotations

import math

import pytest

from botwarden.stores import StateStore, Take

INF = math.inf
Step = tuple[float, float, bool, float, float, float]


def burst(now: float, count: int, limit: int) -> list[Step]:
    """``count`` allowed unit takes at one instant on a fresh budget of ``limit``."""
    return [(now, 1, True, limit - n, 0.0, n) for n in range(1, count + 1)]


RATE_CASES: dict[str, tuple[int, float, list[Step]]] = {
    "a full budget admits a burst of limit, then refuses for one interval": (10, 60, [
        *burst(1000, 10, 10),
        (1000, 1, False, 0, 6.0, 10),
    ]),
    "one more take fits every interval T = period / limit": (10, 60, [
        *burst(1000, 10, 10),
        (1003, 1, False, 0, 3.0, 9.5),
        (1006, 1, True, 0, 0.0, 10),
        (1006, 1, False, 0, 6.0, 10),
        (1012, 1, True, 0, 0.0, 10),
    ]),
    "refused takes consume nothing": (10, 60, [
        *burst(1000, 10, 10),
        *[(1000, 1, False, 0, 6.0, 10)] * 20,
        (1006, 1, True, 0, 0.0, 10),
    ]),
    "a cost takes several units; a refused cost waits for all of them": (10, 60, [
        (1000, 4, True, 6, 0.0, 4),
        (1000, 7, False, 0, 6.0, 4),
        (1000, 6, True, 0, 0.0, 10),
        (1000, 0, True, 0, 0.0, 10),
        (1030, 0, True, 5, 0.0, 5),
        (1030, 5, True, 0, 0.0, 10),
    ]),
    "a cost larger than the limit never fits": (10, 60, [
        (1000, 11, False, 0, INF, 0),
        (1000, 10, True, 0, 0.0, 10),
    ]),
    "idle time refills the burst but never more": (10, 60, [
        *burst(1000, 10, 10),
        *burst(5000, 10, 10),
        (5000, 1, False, 0, 6.0, 10),
    ]),
    "a sub-second interval lands exactly on time": (4, 1, [
        *burst(1000, 4, 4),
        (1000, 1, False, 0, 0.25, 4),
        (1000.25, 1, True, 0, 0.0, 4),
    ]),
}  # fmt: skip

VOLUME_CASES: dict[str, tuple[float, float, list[Step]]] = {
    "a take that does not fit is refused whole": (100, 60, [
        (1000, 60, True, 40, 0.0, 60),
        (1000, 50, False, 0, 30.0, 60),
        (1000, 40, True, 0, 0.0, 100),
        (1000, 0, True, 0, 0.0, 100),
        (1019, 1, False, 0, 1.6, 100),
    ]),
    "the previous window counts as much as the sliding window overlaps it": (100, 60, [
        (1000, 100, True, 0, 0.0, 100),
        (1035, 0, True, 25, 0.0, 75),
        (1035, 26, False, 0, 0.6, 75),
        (1035, 25, True, 0, 0.0, 100),
        (1050, 0, True, 25, 0.0, 75),
        (1080, 0, True, 75, 0.0, 25),
        (1200, 0, True, 100, 0.0, 0),
    ]),
    "refused takes consume nothing": (100, 60, [
        (1000, 90, True, 10, 0.0, 90),
        *[(1000, 20, False, 0, 20 + 60 / 9, 90)] * 5,
        (1000, 10, True, 0, 0.0, 100),
    ]),
    "retry_after is when the amount fits": (100, 60, [
        (1000, 100, True, 0, 0.0, 100),
        (1000, 50, False, 0, 50.0, 100),
        (1049, 50, False, 0, 1.0, 51 + 2 / 3),
        (1050, 50, True, 0, 0.0, 100),
    ]),
    "an amount larger than the limit never fits": (100, 60, [
        (1000, 101, False, 0, INF, 0),
        (1000, 100, True, 0, 0.0, 100),
    ]),
    "fractional amounts, as cost budgets use": (1.5, 60, [
        (1000, 0.5, True, 1.0, 0.0, 0.5),
        (1000, 1.0, True, 0.0, 0.0, 1.5),
        (1000, 0.25, False, 0, 20 + 60 / 6, 1.5),
    ]),
}  # fmt: skip


def check(take: Take, step: Step, where: str) -> None:
    now, _, allowed, remaining, retry_after, used = step
    expected = Take(allowed, remaining, retry_after, used)
    assert take.allowed == allowed, f"{where} at {now}: {take} != {expected}"
    for name in ("remaining", "retry_after", "used"):
        assert getattr(take, name) == pytest.approx(getattr(expected, name), abs=1e-9), (
            f"{where} at {now}: {name} of {take} != {expected}"
        )


@pytest.mark.parametrize("case", RATE_CASES)
def test_rate(plain_store: StateStore, case: str) -> None:
    limit, period, steps = RATE_CASES[case]
    for n, step in enumerate(steps):
        now, cost = step[0], int(step[1])
        check(plain_store.rate("b:bot:host:api.example:requests", limit, period, cost, now), step,
              f"{case}, step {n}")  # fmt: skip


@pytest.mark.parametrize("case", VOLUME_CASES)
def test_volume(plain_store: StateStore, case: str) -> None:
    limit, period, steps = VOLUME_CASES[case]
    for n, step in enumerate(steps):
        now, amount = step[0], step[1]
        check(plain_store.volume("b:bot:total:bytes", amount, limit, period, now), step,
              f"{case}, step {n}")  # fmt: skip


def test_budgets_are_per_key(plain_store: StateStore) -> None:
    keys = ["a", "a:", "b", "é/✓ {tag} *?[x]\\", "\x00nul", "🤖" * 40]
    for key in keys:
        assert plain_store.rate(key, 2, 60, 2, now=1000).allowed
        assert plain_store.volume(key, 5, 5, 60, now=1000).allowed
    for key in keys:
        assert not plain_store.rate(key, 2, 60, 1, now=1000).allowed
        assert not plain_store.volume(key, 1, 5, 60, now=1000).allowed
    assert plain_store.rate("fresh", 2, 60, 2, now=1000).allowed


def test_rate_and_volume_of_one_key_are_separate(plain_store: StateStore) -> None:
    assert plain_store.rate("k", 1, 60, now=1000).allowed
    assert plain_store.volume("k", 1, 1, 60, now=1000).allowed


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.rate("k", 0, 60), "limit must be at least 1"),
        (lambda s: s.rate("k", 1, 0), "period must be a positive number"),
        (lambda s: s.rate("k", 1, 60, -1), "cost must not be negative"),
        (lambda s: s.volume("k", -1, 10, 60), "amount must be a non-negative"),
        (lambda s: s.volume("k", 1, math.inf, 60), "limit must be a positive number"),
        (lambda s: s.volume("k", 1, 10, math.nan), "period must be a positive number"),
        (lambda s: s.rate("\ud800", 1, 60), "valid UTF-8"),
    ],
)
def test_nonsense_arguments_are_value_errors(plain_store: StateStore, call, message) -> None:
    with pytest.raises(ValueError, match=message):
        call(plain_store)
