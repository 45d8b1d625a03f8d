"""The canonical bytes: what is hashed is exactly the sorted, compact JSON of the entry, built
without re-serialising, and what is read back is the record as given."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from botwarden.ledger.chain import (
    GENESIS,
    column_disagreement,
    link,
    parse_body,
    prepare,
    record_of,
)
from botwarden.ledger.interface import Head, Row
from botwarden.ledger.memory import MemoryLedgerStore
from botwarden.ledger.verify import verify_store

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
records = st.fixed_dictionaries(
    {"bot": st.text(), "time": st.floats(0, 4e9)},
    optional={"verdict": st.sampled_from(["allow", "deny", "report"])},
).flatmap(lambda base: st.dictionaries(st.text(), values, max_size=5).map(lambda r: {**r, **base}))


@given(st.lists(records, min_size=1, max_size=4), st.text(min_size=1))
def test_bytes_are_the_canonical_json_and_chain(batch: list[dict[str, Any]], instance: str) -> None:
    values, head = link(instance, Head(0, GENESIS), [prepare(r) for r in batch])
    rows = [Row._make(v) for v in values]
    prev = GENESIS
    for seq, (row, record) in enumerate(zip(rows, batch, strict=True), start=1):
        rest = {k: v for k, v in record.items() if k not in ("bot", "time", "verdict")}
        envelope = {"bot": record["bot"], "instance": instance, "record": rest, "seq": seq,
                    "time": record["time"], "verdict": record.get("verdict")}  # fmt: skip
        assert row.body == json.dumps(envelope, sort_keys=True, separators=(",", ":"))
        assert row.body.isascii()
        assert row.hash == hashlib.sha256(prev + row.body.encode()).digest()
        assert row.prev_hash == prev
        assert record_of(parse_body(row.body)) == record
        assert column_disagreement(row) is None
        prev = row.hash
    assert head == (len(batch), prev)


def test_a_chain_continues_from_its_head() -> None:
    first, head = link("a", Head(0, GENESIS), [prepare({"bot": "b", "time": 1.0})])
    second, _ = link("a", head, [prepare({"bot": "b", "time": 2.0})])
    assert (Row._make(second[0]).seq, Row._make(second[0]).prev_hash) == (2, first[0][7])


def test_missing_time_is_added_and_integers_become_floats() -> None:
    assert isinstance(prepare({"bot": ""}).time, float)
    assert prepare({"bot": "", "time": 5}).time == 5.0
    assert type(prepare({"bot": "", "time": 5}).time) is float


@given(records, st.sampled_from(["time", "bot", "verdict", "instance", "seq"]), st.text())
def test_verify_sees_every_column_edit(record: dict[str, Any], column: str, text: str) -> None:
    """Any change to a column, the hashed bytes untouched, fails verify's byte comparison and
    then the parsing check that explains it."""
    (values,), _ = link("i", Head(0, GENESIS), [prepare(record)])
    row = Row._make(values)
    changes: dict[str, object] = {
        "time": row.time + 1.0, "bot": row.bot + (text or "x"), "instance": "j" + text,
        "seq": row.seq + 1, "verdict": None if row.verdict else text,
    }  # fmt: skip
    edited = row._replace(**{column: changes[column]})
    store = MemoryLedgerStore()
    store.table.append(row)
    assert verify_store(store, None).ok
    store.table[0] = edited
    result = verify_store(store, None)
    assert not result.ok
    assert column_disagreement(edited) is not None
    assert "hash mismatch" not in (result.problem or "")


def test_verify_accepts_valid_bytes_laid_out_differently() -> None:
    """The byte comparison is a shortcut: bytes that parse to the columns are not blamed."""
    (values,), _ = link("i", Head(0, GENESIS), [prepare({"bot": "b", "time": 1.0})])
    row = Row._make(values)
    spaced = row.body.replace(',"seq":1,', ', "seq": 1,')
    store = MemoryLedgerStore()
    store.table.append(
        row._replace(body=spaced, hash=hashlib.sha256(GENESIS + spaced.encode()).digest())
    )
    assert verify_store(store, None).ok
