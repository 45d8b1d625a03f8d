"""State stores: budgets, circuit breakers and the kill switch, shared across processes.

::

    store = open_state_store("sqlite:///.botwarden/state.db")   # or memory://, redis://, postgresql://
    take = store.rate("b:bibliobot:host:api.feedly.com:requests", limit=100, period=60)
    if not take.allowed:
        ...  # refuse, Retry-After: take.retry_after

Backends: :class:`MemoryStore` (one process), ``SqliteStore`` (several processes on one host),
``RedisStore`` and ``PostgresStore`` (a fleet; imported on demand), and two wrappers for the
runtime: :class:`LeasingStore` answers most budget checks without a round trip, and
:class:`FailFastStore` fails at once while a store that stopped answering is down. Semantics
(the GCRA and sliding-window formulas, the breaker's states, what each backend guarantees, the
Redis key layout): docs/stores.md.
"""

from __future__ import annotations

from botwarden.stores.base import (
    DEFAULT_TIMEOUT,
    BreakerState,
    Kill,
    StateStore,
    StoreError,
    Take,
)
from botwarden.stores.factory import open_state_store
from botwarden.stores.failfast import FailFastStore
from botwarden.stores.leasing import LeasingStore, LocalTakes
from botwarden.stores.memory import MemoryStore
from botwarden.stores.urls import redact_url

__all__ = [
    "DEFAULT_TIMEOUT",
    "BreakerState",
    "FailFastStore",
    "Kill",
    "LeasingStore",
    "LocalTakes",
    "MemoryStore",
    "StateStore",
    "StoreError",
    "Take",
    "open_state_store",
    "redact_url",
]
