"""Start the gate's coroutine for a request, eagerly where Python allows it.

The gate answers most questions without waiting (policy is compiled, IP literals and pinned
names need no lookup), yet it is an ``async`` API. On Python 3.12+ the task is started eagerly:
its first step runs at once, inside the task (so ``asyncio.timeout`` and friends work), and a
decision that needs no waiting costs no trip through the event loop. Older Pythons get a plain
task. Stepping the bare coroutine by hand outside any task would be faster still on 3.11, but
breaks every coroutine that asks for its current task, so it is not done.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
Done = Callable[[T | None, BaseException | None], None]
EAGER = sys.version_info >= (3, 12)


def run_eagerly(coro: Coroutine[Any, Any, T], done: Done[T]) -> asyncio.Task[T] | None:
    """Run ``coro``; call ``done(result, error)`` when it ends (now, if it needed no waiting).

    Returns the task while it is still running, so the caller can cancel it; None once done.
    """
    loop = asyncio.get_running_loop()
    if EAGER:
        task: asyncio.Task[T] = asyncio.Task(coro, loop=loop, eager_start=True)  # type: ignore[call-arg,unused-ignore]
    else:
        task = loop.create_task(coro)
    if task.done():
        _report(task, done)
        return None
    task.add_done_callback(lambda finished: _report(finished, done))
    return task


def _report(task: asyncio.Task[T], done: Done[T]) -> None:
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        done(None, error)
    else:
        done(task.result(), None)


__all__ = ["EAGER", "run_eagerly"]
