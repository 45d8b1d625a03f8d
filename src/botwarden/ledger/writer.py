"""The writer thread: appends become chained rows, committed in batches, one transaction each.

``append`` only puts a prepared record on a queue. The writer takes what is queued (up to
``batch_size`` records, waiting at most ``flush_interval`` after the first for more), links it
to the chain's head as read inside the transaction, adds a signed checkpoint when one is due,
and commits. A record counts as durable (``durable`` grows) only after its batch committed; a
process that dies loses the records still queued or in an uncommitted batch, never part of a
batch. When the store fails the writer keeps the batch and retries with backoff; ``flush``
reports the failure if it does not clear in time.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from botwarden.ledger.chain import Prepared, link
from botwarden.ledger.interface import Checkpoint, Head, LedgerError, LedgerStore, WriterConnection
from botwarden.ledger.keys import sign_checkpoint

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

_RETRY_FIRST, _RETRY_MAX = 0.05, 2.0


@dataclass(frozen=True, slots=True)
class CheckpointPolicy:
    """Sign a checkpoint after ``every`` entries or ``interval`` seconds, whichever comes first
    (and when the ledger is closed), if there are entries the last one does not cover."""

    key: Ed25519PrivateKey
    every: int = 10_000
    interval: float = 60.0


@dataclass(slots=True)
class _Flush:
    done: threading.Event = field(default_factory=threading.Event)


_STOP = object()


class LedgerWriter:
    def __init__(
        self,
        store: LedgerStore,
        instance: str,
        *,
        batch_size: int,
        flush_interval: float,
        checkpoints: CheckpointPolicy | None,
    ) -> None:
        self.store = store
        self.instance = instance
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.policy = checkpoints
        self.queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self.durable = 0
        self.failure: LedgerError | None = None
        self.abandon = threading.Event()
        self._wake = threading.Event()  # set by flush() and stop(): commit now
        self._connection: WriterConnection | None = None
        self._last_checkpoint: tuple[int, float] | None = None  # (seq, monotonic time)
        self._head_seq = 0
        self._thread = threading.Thread(target=self._run, name="botwarden-ledger", daemon=True)
        self._thread.start()

    # -- the thread ------------------------------------------------------------------------

    def _run(self) -> None:
        stopping = False
        try:
            while not stopping:
                batch, flushes, stopping = self._collect()
                needed = batch or self._checkpoint_due(0) or (stopping and self._uncovered())
                if needed and not self._commit(batch, final=stopping):
                    return  # abandoned: the waiters on ``flushes`` time out, as they should
                for flush in flushes:
                    flush.done.set()
        finally:
            if self._connection is not None:
                self._connection.close()

    def _collect(self) -> tuple[list[Prepared], list[_Flush], bool]:
        batch: list[Prepared] = []
        flushes: list[_Flush] = []
        try:
            item = self.queue.get(timeout=self._idle_timeout())
        except queue.Empty:
            return batch, flushes, False
        get, size = self.queue.get_nowait, self.batch_size
        if item is not _STOP and not isinstance(item, _Flush) and self.queue.qsize() < size:
            # Let the batch gather, rather than waking for every record (a wake-up per record
            # costs the appending thread a switch of the interpreter lock each time); a flush or
            # a stop cuts the wait short.
            self._wake.wait(self.flush_interval)
            self._wake.clear()
        while True:
            if item is _STOP:
                return batch, flushes, True
            if isinstance(item, _Flush):
                flushes.append(item)
                return batch, flushes, False
            batch.append(item)  # type: ignore[arg-type]
            if len(batch) >= size:
                return batch, flushes, False
            try:
                item = get()
            except queue.Empty:
                return batch, flushes, False

    def _idle_timeout(self) -> float | None:
        """How long to wait for a record before a time-based checkpoint falls due."""
        if self.policy is None or self._last_checkpoint is None:
            return None
        seq, at = self._last_checkpoint
        if self._head_seq <= seq:
            return None
        return max(0.0, at + self.policy.interval - time.monotonic())

    def _checkpoint_due(self, adding: int) -> bool:
        if self.policy is None or self._last_checkpoint is None:
            return False
        seq, at = self._last_checkpoint
        head = self._head_seq + adding
        if head <= seq:
            return False
        return head - seq >= self.policy.every or time.monotonic() - at >= self.policy.interval

    def _uncovered(self) -> bool:
        """Whether entries written by this process are not covered by a checkpoint yet."""
        if self.policy is None or self._last_checkpoint is None:
            return False
        return self._head_seq > self._last_checkpoint[0]

    def _commit(self, batch: list[Prepared], *, final: bool) -> bool:
        """Commit ``batch``, retrying while the store fails; False if told to give up."""
        delay = _RETRY_FIRST
        while True:
            try:
                self._commit_once(batch, final=final)
            except LedgerError as exc:
                self.failure = exc
            except Exception as exc:  # noqa: BLE001 - the thread must not die with records queued
                self.failure = LedgerError(f"ledger writer: {type(exc).__name__}: {exc}")
            else:
                self.failure = None
                self.durable += len(batch)
                return True
            if self._connection is not None:
                self._connection.close()
                self._connection = None
            if self.abandon.wait(delay):
                return False
            delay = min(delay * 2, _RETRY_MAX)

    def _commit_once(self, batch: list[Prepared], *, final: bool) -> None:
        if self._connection is None:
            self._connection = self.store.writer()
            self._load_last_checkpoint(self._connection)
        with self._connection.transaction(self.instance) as transaction:
            head = transaction.head(self.instance)
            rows, head = link(self.instance, head, batch)
            if rows:
                transaction.add_entries(rows)
            checkpoint = self._maybe_checkpoint(head, final=final)
            if checkpoint is not None:
                transaction.add_checkpoint(checkpoint)
        self._head_seq = head.seq
        if checkpoint is not None:
            self._last_checkpoint = (checkpoint.seq, time.monotonic())

    def _load_last_checkpoint(self, connection: WriterConnection) -> None:
        if self.policy is None:
            return
        last = connection.last_checkpoint(self.instance)
        # a checkpoint from an earlier run counts from now: its age in this process is unknown
        self._last_checkpoint = (last.seq if last else 0, time.monotonic())

    def _maybe_checkpoint(self, head: Head, *, final: bool) -> Checkpoint | None:
        if self.policy is None or head.seq == 0:
            return None
        seq, at = self._last_checkpoint or (0, 0.0)
        if head.seq <= seq:
            return None
        due = head.seq - seq >= self.policy.every or time.monotonic() - at >= self.policy.interval
        if not (due or final):
            return None
        return sign_checkpoint(self.policy.key, self.instance, head.seq, head.hash, time.time())

    # -- called from other threads ---------------------------------------------------------

    def put(self, item: Prepared) -> None:
        self.queue.put(item)

    def flush(self, timeout: float) -> bool:
        """Whether everything queued before this call committed within ``timeout`` seconds."""
        marker = _Flush()
        self.queue.put(marker)
        self._wake.set()
        return marker.done.wait(timeout)

    def stop(self, timeout: float) -> bool:
        """Commit what is queued and end the thread; give up (dropping it) after ``timeout``."""
        self.queue.put(_STOP)
        self._wake.set()
        self._thread.join(timeout)
        if self._thread.is_alive():
            self.abandon.set()
            self._thread.join(timeout)
            return False
        return True

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()
