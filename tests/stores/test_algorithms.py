"""Properties of the pure budget functions every backend shares (hypothesis).

- GCRA never admits more than ``limit + (b - a) / T`` over any interval [a, b];
- a refused take fits exactly ``retry_after`` later, and not noticeably sooner;
- the sliding-window counter admits at most ``limit`` per aligned window and less than
  ``2 * limit`` in any interval of one period (the documented approximation bound).
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from botwarden.stores.algorithms import Window, gcra, sliding_window

STEPS = st.sampled_from([0.0, 0.0, 0.001, 0.1, 0.5, 1.0, 3.0, 7.0, 20.0])


@settings(max_examples=150)
@given(
    st.lists(st.tuples(STEPS, st.integers(0, 4)), max_size=200),
    st.integers(1, 12),
    st.sampled_from([1.0, 10.0, 60.0]),
)
def test_gcra_never_admits_more_than_the_burst_plus_the_rate(
    takes: list[tuple[float, int]], limit: int, period: float
) -> None:
    tat, now, admitted = None, 1_700_000_000.0, []
    for step, cost in takes:
        now += step
        take, new = gcra(tat, limit, period, cost, now)
        tat = new if new is not None else tat
        if take.allowed:
            admitted += [now] * cost
        elif math.isfinite(take.retry_after):
            later, _ = gcra(tat, limit, period, cost, now + take.retry_after)
            assert later.allowed, "the take must fit retry_after later"
            if take.retry_after > 0.01:
                sooner, _ = gcra(tat, limit, period, cost, now + take.retry_after - 0.01)
                assert not sooner.allowed, "and not noticeably sooner"
    interval = period / limit
    # times near 1.7e9 s are floats a quarter of a microsecond apart: the elapsed time between
    # two of them is off by up to that much, which a boundary admission must be allowed
    slack = 4 * math.ulp(now) / interval + 1e-9
    for i, start in enumerate(admitted):
        for j in range(i, len(admitted)):
            assert j - i + 1 <= limit + (admitted[j] - start) / interval + slack


@settings(max_examples=150)
@given(
    # amounts of 1e-300 and the like vanish in the window's float arithmetic: not budgets
    st.lists(
        st.tuples(STEPS, st.floats(0, 40).filter(lambda f: f == 0 or f >= 1e-9)), max_size=200
    ),
    st.sampled_from([10.0, 100.0, 1e6]),
    st.sampled_from([5.0, 60.0]),
)
def test_sliding_window_bounds_and_retry_after(
    takes: list[tuple[float, float]], limit: float, period: float
) -> None:
    window: Window | None = None
    now, admitted = 1_700_000_000.0, []
    for step, fraction in takes:
        now += step
        amount = limit * fraction / 30  # up to a third over the limit
        take, new = sliding_window(window, amount, limit, period, now)
        window = new if new is not None else window
        if take.allowed:
            admitted.append((now, amount))
        elif math.isfinite(take.retry_after):
            later, _ = sliding_window(window, amount, limit, period, now + take.retry_after)
            assert later.allowed, "the take must fit retry_after later"
            if take.retry_after > period / 100:
                sooner, _ = sliding_window(
                    window, amount, limit, period, now + take.retry_after - period / 100
                )
                assert not sooner.allowed, "and not noticeably sooner"
        else:
            assert amount > limit
    slack = limit * 1e-6
    per_window: dict[int, float] = {}
    for when, amount in admitted:
        index = math.floor(when / period)
        per_window[index] = per_window.get(index, 0.0) + amount
    assert all(total <= limit + slack for total in per_window.values())
    for start, _ in admitted:
        inside = sum(amount for when, amount in admitted if start <= when < start + period)
        assert inside < 2 * limit + slack
