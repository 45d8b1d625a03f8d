"""``verify`` on every store: an intact ledger passes; each kind of direct edit is found and the
first bad entry is named with the right reason; signed checkpoints catch what a bare chain
cannot (a consistently rewritten chain, a cut-off end) and forged checkpoints are refused."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from tests.ledger.conftest import StoreCase, Tamper

from botwarden.ledger import write_key_pair
from botwarden.ledger.chain import GENESIS, body_text, prepare
from botwarden.ledger.interface import Row
from botwarden.ledger.keys import sign_checkpoint

VERDICTS = ("allow", "deny")


def fill(store: StoreCase, count: int = 10, instance: str = "a", **options: object) -> None:
    ledger = store.open(instance=instance, **options)
    for n in range(1, count + 1):
        ledger.append({"time": 1_000.0 + n, "bot": "bibliobot", "verdict": VERDICTS[n % 2],
                       "reason": f"decision {n}", "n": n})  # fmt: skip
    ledger.close()


def rehash(row: Row, prev: bytes, body: str | None = None) -> Row:
    text = row.body if body is None else body
    digest = hashlib.sha256(prev + text.encode()).digest()
    return row._replace(body=text, prev_hash=prev, hash=digest)


def rewrite_reason(t: Tamper, seq: int) -> None:
    """Edit a field outside the filter columns and recompute that entry's own hash."""
    row = t.row("a", seq)
    fixed = rehash(row, row.prev_hash, row.body.replace(f"decision {seq}", "nothing to see"))
    t.update("a", seq, body=fixed.body, hash=fixed.hash)


def swap(t: Tamper, first: int, second: int) -> None:
    t.update("a", first, seq=-1)
    t.update("a", second, seq=first)
    t.update("a", -1, seq=second)


def renumber(t: Tamper, first: int, second: int) -> None:
    """Swap two entries, rewriting the seq inside each and recomputing their own hashes."""
    a, b = t.row("a", first), t.row("a", second)
    swap(t, first, second)
    for row, seq in ((b, first), (a, second)):
        body = row.body.replace(f',"seq":{row.seq},', f',"seq":{seq},')
        fixed = rehash(row, row.prev_hash, body)
        t.update("a", seq, body=fixed.body, hash=fixed.hash)


def insert_before(t: Tamper, seq: int) -> None:
    """Shift seq.. up by one and put a well-formed, correctly chained forgery at ``seq``."""
    for old in sorted((r.seq for r in t.rows() if r.seq >= seq), reverse=True):
        t.update("a", old, seq=old + 1)
    prev = t.row("a", seq - 1)
    record = prepare({"bot": "bibliobot", "n": 0, "time": 1000.5, "verdict": "allow"})
    body = body_text("a", seq, record)
    forged = Row("a", seq, 1000.5, "bibliobot", "allow", body, prev.hash, b"")
    t.insert(rehash(forged, prev.hash))


def append_garbage(t: Tamper) -> None:
    last = t.rows()[-1]
    t.insert(last._replace(seq=last.seq + 1, hash=bytes(32)))


TAMPERING: list[tuple[str, Callable[[Tamper], None], int, str]] = [
    ("verdict column edited", lambda t: t.update("a", 3, verdict="allow"), 3,
     "the verdict column ('allow') does not match the hashed entry ('deny')"),
    ("bot column edited", lambda t: t.update("a", 7, bot="otherbot"), 7, "the bot column"),
    ("time column edited", lambda t: t.update("a", 2, time=5.0), 2, "the time column"),
    ("instance column edited", lambda t: t.update("a", 10, instance="b"), 10,
     "the row holds an entry hashed for instance 'a'"),
    ("hashed bytes edited", lambda t: t.update(
        "a", 3, body=t.row("a", 3).body.replace('"deny"', '"allow"')), 3, "hash mismatch"),
    ("hashed bytes and columns edited together", lambda t: t.update(
        "a", 3, body=t.row("a", 3).body.replace('"deny"', '"allow"'), verdict="allow"), 3,
     "hash mismatch"),
    ("hash edited", lambda t: t.update("a", 9, hash=bytes(32)), 9, "hash mismatch"),
    ("entry edited and its hash recomputed", lambda t: rewrite_reason(t, 5), 6,
     "prev_hash does not match the hash of seq 5"),
    ("entry deleted", lambda t: t.delete("a", 4), 5, "gap after seq 3: seq 4 deleted"),
    ("entries deleted", lambda t: (t.delete("a", 4), t.delete("a", 5)), 6,
     "gap after seq 3: seq 4 to 5 deleted"),
    ("first entry deleted", lambda t: t.delete("a", 1), 2, "the chain starts at seq 2, not 1"),
    ("entry inserted", lambda t: insert_before(t, 5), 6,
     "the row holds the entry hashed as seq 5: entries were reordered or moved"),
    ("entry appended with a made-up hash", append_garbage, 11, "hash mismatch"),
    ("entries reordered", lambda t: swap(t, 4, 5), 4,
     "the row holds the entry hashed as seq 5: entries were reordered or moved"),
    ("entries reordered and renumbered", lambda t: renumber(t, 4, 5), 4,
     "prev_hash does not match the hash of seq 3"),
    ("stored entry replaced by junk", lambda t: t.update("a", 3, body="junk", hash=hashlib.sha256(
        t.row("a", 3).prev_hash + b"junk").digest()), 3, "not a JSON ledger entry"),
]  # fmt: skip


def test_intact_ledger_verifies(store: StoreCase) -> None:
    fill(store)
    fill(store, count=3, instance="b")
    result = store.reader().verify()
    assert (result.ok, result.entries, result.instances, result.problem) == (True, 13, 2, None)


def test_empty_ledger_verifies(store: StoreCase) -> None:
    store.open().close()
    result = store.reader().verify()
    assert (result.ok, result.entries, result.instances) == (True, 0, 0)


@pytest.mark.parametrize(("what", "edit", "seq", "why"), TAMPERING, ids=[c[0] for c in TAMPERING])
def test_tampering_is_found_and_named(
    store: StoreCase, what: str, edit: Callable[[Tamper], None], seq: int, why: str
) -> None:
    fill(store)
    edit(store.tamper)
    result = store.reader().verify()
    assert not result.ok, what
    assert result.problem is not None
    expected_instance = "b" if what == "instance column edited" else "a"
    assert (result.bad_instance, result.bad_seq) == (expected_instance, seq), result.problem
    assert result.problem.startswith(f"instance {expected_instance!r} seq {seq}: ")
    assert why in result.problem


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # the others keep column types
@pytest.mark.parametrize(
    ("column", "value", "why"),
    [
        ("prev_hash", "x", "column prev_hash holds a str"),
        ("prev_hash", 0, "column prev_hash holds a int"),
        ("bot", b"bibliobot", "column bot holds a bytes"),
        ("verdict", b"", "column verdict holds a bytes"),
        ("body", 7, "hash mismatch"),  # read back as bytes (CAST AS BLOB): judged as bytes
    ],
)
def test_a_column_retyped_in_sqlite_is_tampering_not_a_crash(
    store: StoreCase, column: str, value: object, why: str
) -> None:
    """SQLite keeps whatever type is written into a column (found by fuzzing: a TypeError)."""
    fill(store)
    store.tamper.update("a", 4, **{column: value})
    result = store.reader().verify()
    assert (result.ok, result.bad_instance, result.bad_seq) == (False, "a", 4)
    assert result.problem is not None and why in result.problem


def test_the_first_bad_entry_is_named(store: StoreCase) -> None:
    fill(store)
    store.tamper.update("a", 8, verdict="allow")
    store.tamper.delete("a", 3)
    assert store.reader().verify().bad_seq == 4


def test_other_chains_are_not_blamed(store: StoreCase) -> None:
    fill(store, instance="a")
    fill(store, instance="z")
    store.tamper.delete("z", 2)
    result = store.reader().verify()
    assert (result.bad_instance, result.bad_seq, result.entries) == ("z", 3, 11)


# -- what a bare chain cannot see ---------------------------------------------------------------


def rewrite_chain(t: Tamper, instance: str, start: int) -> None:
    """What an attacker with write access can do: edit an entry and re-hash everything after."""
    rows = [r for r in t.rows() if r.instance == instance]
    prev = rows[start - 2].hash if start > 1 else GENESIS
    for row in rows[start - 1 :]:
        body = row.body.replace('"reason":"decision', '"reason":"rewritten')
        fixed = rehash(row, prev, body)
        t.update(instance, row.seq, body=fixed.body, prev_hash=fixed.prev_hash, hash=fixed.hash)
        prev = fixed.hash


def test_without_checkpoints_a_rewritten_chain_or_a_cut_end_is_not_detected(
    store: StoreCase,
) -> None:
    """The documented limit: only signed checkpoints (or an outside anchor) catch these."""
    fill(store)
    rewrite_chain(store.tamper, "a", 4)
    store.tamper.delete("a", 10)
    result = store.reader().verify()
    assert (result.ok, result.entries) == (True, 9)


# -- signed checkpoints -------------------------------------------------------------------------


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    private = tmp_path / "ledger.key"
    public, _ = write_key_pair(private)
    return private, public


def fill_signed(store: StoreCase, key: Path) -> None:
    """Entries 1..8 with checkpoints at 3 and 6 (every 3 entries) and 8 (on close)."""
    ledger = store.open(instance="a", signing_key=key, checkpoint_every=3, batch_size=100)
    for n in range(1, 9):
        ledger.append({"time": 1_000.0 + n, "bot": "bibliobot", "verdict": VERDICTS[n % 2],
                       "reason": f"decision {n}", "n": n})  # fmt: skip
        if n in (3, 6):
            ledger.flush()
    ledger.close()


def test_checkpoints_are_signed_and_verified(store: StoreCase, keys: tuple[Path, Path]) -> None:
    private, public = keys
    fill_signed(store, private)
    assert [c.seq for c in store.tamper.checkpoints()] == [3, 6, 8]
    result = store.reader().verify(public)
    assert (result.ok, result.checkpoints, result.signatures_checked) == (True, 3, True)
    unsigned = store.reader().verify()
    assert (unsigned.ok, unsigned.checkpoints, unsigned.signatures_checked) == (True, 3, False)
    assert store.reader(signing_key=private).verify().signatures_checked


def test_a_forged_checkpoint_signature_fails(store: StoreCase, keys: tuple[Path, Path]) -> None:
    private, public = keys
    fill_signed(store, private)
    store.tamper.update_checkpoint("a", 6, signature=bytes(64))
    result = store.reader().verify(public)
    assert (result.ok, result.bad_seq) == (False, 6)
    assert "signature does not verify" in (result.problem or "")


def test_a_checkpoint_signed_by_another_key_fails(
    store: StoreCase, keys: tuple[Path, Path]
) -> None:
    private, public = keys
    fill_signed(store, private)
    rewrite_chain(store.tamper, "a", 2)
    intruder = Ed25519PrivateKey.generate()
    for checkpoint in store.tamper.checkpoints():  # the attacker re-signs with a key of their own
        row = store.tamper.row("a", checkpoint.seq)
        forged = sign_checkpoint(intruder, "a", row.seq, row.hash, checkpoint.time)
        store.tamper.update_checkpoint(
            "a", checkpoint.seq, hash=forged.hash, key_id=forged.key_id, signature=forged.signature
        )
    result = store.reader().verify(public)
    assert (result.ok, result.bad_seq) == (False, 3)
    assert "checkpoint signed by key" in (result.problem or "")


def test_a_checkpoint_catches_a_rewritten_chain(store: StoreCase, keys: tuple[Path, Path]) -> None:
    private, public = keys
    fill_signed(store, private)
    rewrite_chain(store.tamper, "a", 2)
    result = store.reader().verify(public)
    assert (result.ok, result.bad_seq) == (False, 3)
    assert "does not match the signed checkpoint at seq 3" in (result.problem or "")


def test_a_checkpoint_catches_a_cut_end(store: StoreCase, keys: tuple[Path, Path]) -> None:
    private, public = keys
    fill_signed(store, private)
    store.tamper.delete("a", 8)
    store.tamper.delete("a", 7)
    result = store.reader().verify(public)
    assert (result.ok, result.bad_seq) == (False, 7)
    assert "the chain ends at seq 6 but a signed checkpoint covers seq 8" in (result.problem or "")


def test_a_checkpoint_catches_a_deleted_chain(store: StoreCase, keys: tuple[Path, Path]) -> None:
    private, public = keys
    fill_signed(store, private)
    fill(store, instance="b")
    store.tamper.delete("a")
    result = store.reader().verify(public)
    assert (result.ok, result.bad_instance, result.bad_seq) == (False, "a", 1)
    assert "the chain has no entries but a signed checkpoint covers seq 3" in (result.problem or "")


def test_entries_after_the_last_checkpoint_can_be_cut_unseen(
    store: StoreCase, keys: tuple[Path, Path]
) -> None:
    """The documented limit: a checkpoint protects the chain up to its seq, not beyond."""
    private, public = keys
    ledger = store.open(instance="a", signing_key=private, checkpoint_every=3)
    for n in range(5):
        ledger.append({"bot": "b", "n": n})
        if n == 2:
            ledger.flush()
    ledger.flush()
    store.tamper.delete("a", 5)
    store.tamper.delete("a", 4)
    assert store.reader().verify(public).ok
