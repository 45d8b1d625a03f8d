"""Walk every chain and say whether it is intact, naming the first entry that is not.

Per instance, in seq order, each stored entry must: hash to its stored hash
(``SHA-256(prev_hash || bytes)``); have columns (instance, seq, time, bot, verdict) that agree
with its hashed bytes; carry the next seq (1 for the first); and link to the previous entry's
hash (32 zero bytes for the first). A row is first checked on its own, then for its place.
Each checkpoint must be signed by the given key and match the chain's hash at its seq, and no
chain may end before its last checkpoint. The walk stops at the first problem.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from botwarden.ledger.chain import GENESIS, column_disagreement, quote
from botwarden.ledger.interface import ChainRow, Checkpoint, LedgerStore, Row, Verification
from botwarden.ledger.keys import signature_problem

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


_CACHED = 10_000  # encoded bots and verdicts kept while walking a chain


class _Found(Exception):  # noqa: N818 - control flow inside this module only
    def __init__(self, instance: str, seq: int, why: str) -> None:
        super().__init__(why)
        self.instance, self.seq, self.why = instance, seq, why


class _Walk:
    def __init__(self, store: LedgerStore, public: Ed25519PublicKey | None) -> None:
        self.store = store
        self.public = public
        self.entries = 0
        self._done = 0  # entries in the chains walked to their end
        self._expected = 1  # the seq the current chain expects next
        self.instances = 0
        self.checked = 0
        self.pending: dict[str, dict[int, Checkpoint]] = {}
        for checkpoint in store.checkpoints():
            self.pending.setdefault(checkpoint.instance, {})[checkpoint.seq] = checkpoint

    def run(self) -> None:
        try:
            self._walk()
        finally:
            self.entries = self._done + self._expected - 1

    def _walk(self) -> None:
        sha256 = hashlib.sha256
        instance: str | None = None
        expected, last = 1, GENESIS
        marks: dict[int, Checkpoint] = {}
        heads: dict[str, bytes] = {}
        verdicts: dict[str | None, str] = {None: "null"}
        for row in self.store.chain_rows():
            name, seq, when, bot, verdict, body, prev, digest = row
            if name != instance:
                self._expected = expected
                if instance is not None:
                    self._end_of_chain(instance, expected - 1, marks)
                self._done += expected - 1
                self._expected = 1
                instance, expected, last = name, 1, GENESIS
                marks = self.pending.pop(name, {})
                heads = {}
                self.instances += 1
            try:
                # The columns agree with the bytes when these are the head and tail that body_text
                # (chain.py) built from them: no JSON parsing on the way (a third of the time).
                head = heads.get(bot)
                if head is None:
                    if len(heads) > _CACHED:
                        heads.clear()
                    head = heads[bot] = (
                        f'{{"bot":{quote(bot)},"instance":{quote(name)},"record":'.encode()
                    )
                verdict_json = verdicts.get(verdict)
                if verdict_json is None:
                    if len(verdicts) > _CACHED:
                        verdicts = {None: "null"}
                    verdict_json = verdicts[verdict] = quote(verdict)  # type: ignore[arg-type]
                if (
                    seq != expected
                    or prev != last
                    or sha256(prev + body).digest() != digest
                    or not body.startswith(head)
                    or not body.endswith(
                        f',"seq":{seq},"time":{when!r},"verdict":{verdict_json}}}'.encode()
                    )
                ):
                    self._expected = expected
                    self._diagnose(row, expected, last)
            except TypeError:  # SQLite keeps whatever type was written into a column
                raise _Found(str(name), seq, _retyped(row)) from None
            if marks and seq in marks:
                self._expected = expected
                self._checkpoint(marks.pop(seq), digest)
            last = digest
            expected += 1
        self._expected = expected
        if instance is not None:
            self._end_of_chain(instance, expected - 1, marks)
        for name, rest in sorted(self.pending.items()):
            self._end_of_chain(name, 0, rest)

    @staticmethod
    def _diagnose(row: ChainRow, expected: int, last: bytes) -> None:
        """Say what is wrong with a row the fast checks refused: first the row on its own (its
        hash, then its columns against its bytes), then its place in the chain. A row whose
        bytes are valid but not laid out as ``body_text`` lays them out passes if its columns
        agree with what the bytes say."""
        name, seq, when, bot, verdict, body, prev, digest = row
        if hashlib.sha256(prev + body).digest() != digest:
            raise _Found(name, seq, "hash mismatch: the entry's bytes or its hash were edited")
        stored = Row(name, seq, when, bot, verdict, body.decode("utf-8", "replace"), prev, digest)
        why = column_disagreement(stored)
        if why is not None:
            raise _Found(name, seq, why)
        if seq != expected:
            raise _Found(name, seq, _gap(expected, seq))
        if prev != last:
            raise _Found(name, seq, _unlinked(expected))

    def _checkpoint(self, checkpoint: Checkpoint, digest: bytes) -> None:
        self._signature(checkpoint)
        if checkpoint.hash != digest:
            raise _Found(
                checkpoint.instance, checkpoint.seq,
                f"the chain does not match the signed checkpoint at seq {checkpoint.seq}: "
                f"entries up to seq {checkpoint.seq} were rewritten",
            )  # fmt: skip
        self.checked += 1

    def _signature(self, checkpoint: Checkpoint) -> None:
        if self.public is None:
            return
        why = signature_problem(self.public, checkpoint)
        if why is not None:
            raise _Found(checkpoint.instance, checkpoint.seq, why)

    def _end_of_chain(self, instance: str, last: int, marks: dict[int, Checkpoint]) -> None:
        if not marks:
            return
        beyond = min(marks)
        self._signature(marks[beyond])
        ends = f"the chain ends at seq {last}" if last else "the chain has no entries"
        raise _Found(
            instance, last + 1,
            f"{ends} but a signed checkpoint covers seq {beyond}: entries were deleted "
            "from its end",
        )  # fmt: skip


_TYPES: tuple[tuple[str, tuple[type, ...]], ...] = (  # the columns' types, in row order
    ("instance", (str,)), ("seq", (int,)), ("time", (float, int)), ("bot", (str,)),
    ("verdict", (str, type(None))), ("body", (bytes,)), ("prev_hash", (bytes,)), ("hash", (bytes,)),
)  # fmt: skip


def _retyped(row: ChainRow) -> str:
    """Why a row whose columns hold values of the wrong type cannot be checked."""
    for (column, types), value in zip(_TYPES, row, strict=True):
        if not isinstance(value, types):
            return f"column {column} holds a {type(value).__name__}: the entry was edited"
    return "a column holds a value of the wrong type: the entry was edited"


def _gap(expected: int, seq: int) -> str:
    if seq < expected:
        return f"seq {seq} appears again after seq {expected - 1}: an entry was inserted"
    if expected == 1:
        return f"the chain starts at seq {seq}, not 1: its first entries were deleted"
    missing = str(expected) if seq == expected + 1 else f"{expected} to {seq - 1}"
    return f"gap after seq {expected - 1}: seq {missing} deleted"


def _unlinked(expected: int) -> str:
    if expected == 1:
        return "prev_hash of the first entry is not the genesis value: entries were replaced"
    return (
        f"prev_hash does not match the hash of seq {expected - 1}: an entry was inserted, "
        "replaced or moved"
    )


def verify_store(store: LedgerStore, public: Ed25519PublicKey | None) -> Verification:
    walk = _Walk(store, public)
    try:
        walk.run()
    except _Found as found:
        return Verification(
            ok=False, entries=walk.entries, instances=walk.instances, checkpoints=walk.checked,
            problem=f"instance {found.instance!r} seq {found.seq}: {found.why}",
            bad_instance=found.instance, bad_seq=found.seq, signatures_checked=public is not None,
        )  # fmt: skip
    return Verification(
        ok=True, entries=walk.entries, instances=walk.instances, checkpoints=walk.checked,
        problem=None, signatures_checked=public is not None,
    )  # fmt: skip
