"""The breaker's state machine, one body over every backend (leasing never changes it)."""

from __future__ import annotations

import pytest

from botwarden.stores import BreakerState, StateStore

F, S, READ = "failure", "success", None
Step = tuple[float, str | None, str, int, float]  # now, outcome, state, failures, retry_after


def fails(now: float, count: int, threshold: int, cool_down: float) -> list[Step]:
    steps: list[Step] = [(now, F, "closed", n, 0.0) for n in range(1, min(count, threshold))]
    if count >= threshold:
        steps.append((now, F, "open", threshold, cool_down))
    return steps


CASES: dict[str, tuple[int, float, list[Step]]] = {
    "consecutive failures trip it; after the cool-down a success closes it": (3, 30, [
        (1000, F, "closed", 1, 0.0),
        (1001, F, "closed", 2, 0.0),
        (1002, F, "open", 3, 30.0),
        (1012, READ, "open", 3, 20.0),
        (1032, READ, "half-open", 3, 0.0),
        (1032, READ, "half-open", 3, 0.0),
        (1033, S, "closed", 0, 0.0),
        (1034, READ, "closed", 0, 0.0),
    ]),
    "a failure while half-open opens it again for a full cool-down": (3, 30, [
        *fails(1000, 3, 3, 30),
        (1030, F, "open", 4, 30.0),
        (1059, READ, "open", 4, 1.0),
        (1060, READ, "half-open", 4, 0.0),
    ]),
    "a success resets the count of consecutive failures": (3, 30, [
        (1000, F, "closed", 1, 0.0),
        (1000, F, "closed", 2, 0.0),
        (1000, S, "closed", 0, 0.0),
        (1000, F, "closed", 1, 0.0),
        (1000, F, "closed", 2, 0.0),
        (1000, F, "open", 3, 30.0),
    ]),
    "answers arriving while open are counted but change nothing": (3, 30, [
        *fails(1000, 3, 3, 30),
        (1010, S, "open", 3, 20.0),
        (1010, F, "open", 4, 20.0),
        (1030, S, "closed", 0, 0.0),
    ]),
    "threshold one and no cool-down: open, then half-open at once": (1, 0, [
        (1000, F, "open", 1, 0.0),
        (1000, READ, "half-open", 1, 0.0),
        (1000, S, "closed", 0, 0.0),
    ]),
    "a day of silence forgets the failures": (3, 30, [
        (1000, F, "closed", 1, 0.0),
        (1000, F, "closed", 2, 0.0),
        (1000 + 86400, READ, "closed", 0, 0.0),
        (1000 + 86400, F, "closed", 1, 0.0),
    ]),
    "a long cool-down is never forgotten while open": (1, 3 * 86400, [
        (1000, F, "open", 1, 3 * 86400),
        (1000 + 2 * 86400, READ, "open", 1, 86400),
        (1000 + 3 * 86400, READ, "half-open", 1, 0.0),
    ]),
    "reading a breaker never heard of": (3, 30, [
        (1000, READ, "closed", 0, 0.0),
        (1000, S, "closed", 0, 0.0),
    ]),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_breaker(any_store: StateStore, case: str) -> None:
    threshold, cool_down, steps = CASES[case]
    for n, (now, outcome, *expected) in enumerate(steps):
        state = any_store.breaker("b:bot:host:api.example", outcome, threshold, cool_down, now)  # type: ignore[arg-type]
        assert state == BreakerState(*expected), f"{case}, step {n} at {now}"  # type: ignore[arg-type]


def test_breakers_are_per_key(any_store: StateStore) -> None:
    for _ in range(2):
        any_store.breaker("b:one", F, 2, 30, now=1000)
    assert any_store.breaker("b:one", READ, 2, 30, now=1000).state == "open"
    assert any_store.breaker("b:two", READ, 2, 30, now=1000).state == "closed"
    assert any_store.breaker("b:one\x00", READ, 2, 30, now=1000).state == "closed"


@pytest.mark.parametrize(
    ("outcome", "threshold", "cool_down", "message"),
    [("maybe", 1, 1, "outcome is"), (F, 0, 1, "threshold"), (F, 1, -1, "cool-down")],
)
def test_nonsense_arguments_are_value_errors(
    any_store: StateStore, outcome, threshold, cool_down, message
) -> None:
    with pytest.raises(ValueError, match=message):
        any_store.breaker("k", outcome, threshold, cool_down)
