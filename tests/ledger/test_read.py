"""Reading the ledger back: filters on every store, and export round trips (JSONL exactly,
CSV by its documented cell rules)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.ledger.conftest import StoreCase

from botwarden.ledger.export import CSV_HEADER, RECORD_COLUMNS, cell

RECORDS: list[dict[str, Any]] = [
    {"time": 100.0, "bot": "bibliobot", "verdict": "allow", "code": "allowed",
     "rule": "egress.allow[0]", "reason": "allowed", "method": "GET", "target": "https://api.feedly.com/v3/streams/x",
     "host": "api.feedly.com", "port": 443, "addresses": ["93.184.216.34"], "bytes_down": 5120,
     "budget": {"requests": 3, "bytes": 5120}},
    {"time": 200.5, "bot": "bibliobot", "verdict": "deny", "code": "metadata-address",
     "rule": "default-deny", "reason": "=cmd|' /C calc'!A0", "method": "GET",
     "target": "http://169.254.169.254/latest/", "host": "169.254.169.254", "port": 80},
    {"time": 300.25, "bot": "otherbot", "verdict": "deny", "code": "action-not-allowed",
     "rule": "capability[0]", "reason": "not declared\nsecond line", "action": "s3:PutObject",
     "resource": "arn:aws:s3:::biblio-data/x", "custom": {"nested": [1, 2]}},
    {"time": 400.0, "bot": "", "note": "no verdict at all", "ratio": -0.5},
]  # fmt: skip


@pytest.fixture
def filled(store: StoreCase) -> StoreCase:
    for instance, records in (("i-1", RECORDS[:2]), ("i-2", RECORDS[2:])):
        ledger = store.open(instance=instance)
        for record in records:
            ledger.append(record)
        ledger.close()
    return store


@pytest.mark.parametrize(
    ("filters", "times"),
    [
        ({}, [100.0, 200.5, 300.25, 400.0]),
        ({"bot": "bibliobot"}, [100.0, 200.5]),
        ({"bot": ""}, [400.0]),
        ({"verdict": "deny"}, [200.5, 300.25]),
        ({"since": 200.5}, [200.5, 300.25, 400.0]),
        ({"instance": "i-2"}, [300.25, 400.0]),
        ({"bot": "bibliobot", "verdict": "deny", "since": 150.0}, [200.5]),
        ({"bot": "nobody"}, []),
    ],
)
def test_filters(filled: StoreCase, filters: dict[str, Any], times: list[float]) -> None:
    assert [e.time for e in filled.reader().entries(**filters)] == times


def test_entries_are_the_records_as_given(filled: StoreCase) -> None:
    entries = list(filled.reader().entries())
    assert [e.record for e in entries] == RECORDS
    assert [(e.instance, e.seq) for e in entries] == [
        ("i-1", 1),
        ("i-1", 2),
        ("i-2", 1),
        ("i-2", 2),
    ]
    assert entries[1].prev_hash == entries[0].hash
    assert entries[0].prev_hash == "0" * 64


def test_export_jsonl_round_trip(filled: StoreCase) -> None:
    reader = filled.reader()
    out = io.StringIO()
    assert reader.export(out, "jsonl") == 4
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines == [e.to_json() for e in reader.entries()]


def decode(text: str, column: str) -> Any:
    """The inverse of the documented CSV cell rules, given what the column holds."""
    if text.startswith("'"):
        return text[1:]
    if text == "":
        return None
    if column in ("port", "bytes_up", "bytes_down", "addresses", "budget", "extra"):
        return json.loads(text)
    return text


def test_export_csv_round_trip(filled: StoreCase) -> None:
    reader = filled.reader()
    out = io.StringIO()
    assert reader.export(out, "csv", verdict="deny") == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == CSV_HEADER
    entries = list(reader.entries(verdict="deny"))
    for row, entry in zip(rows, entries, strict=True):
        assert (row["instance"], int(row["seq"]), float(row["time"])) == (
            entry.instance, entry.seq, entry.time)  # fmt: skip
        assert (row["hash"], row["prev_hash"]) == (entry.hash, entry.prev_hash)
        rebuilt = {name: decode(row[name], name) for name in RECORD_COLUMNS if row[name] != ""}
        rebuilt.update(decode(row["extra"], "extra") or {})
        rebuilt["time"] = float(row["time"])
        assert rebuilt == entry.record
    assert rows[0]["reason"].startswith("'=")  # a spreadsheet must not run it as a formula


@given(st.one_of(st.none(), st.text(), st.integers(), st.floats(allow_nan=False)))
def test_csv_cells_never_start_a_formula(value: object) -> None:
    text = cell(value)
    if isinstance(value, str):
        assert not text.startswith(("=", "+", "@", "\t", "\r")) or text.startswith("'")
        assert text.removeprefix("'") == value or text == value
