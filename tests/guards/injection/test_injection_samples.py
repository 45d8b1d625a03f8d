"""The regression table: 200+ hand-written cases the detector must classify right.

These cases were written for this test, not drawn from the training data, and they are a
regression guard, not the detector's score (benchmarks/injection/ measures that on held-out
data). Cases marked ``known_gap`` are misclassified today; they are strict xfails, so fixing
one fails the test until its mark is removed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from botwarden.guards.injection import InjectionDetector

SAMPLES = [
    json.loads(line)
    for line in (Path(__file__).parent / "samples.jsonl").read_text("utf-8").split("\n")
    if line
]
DETECTOR = InjectionDetector()


def _case(row: dict[str, Any]) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason="known gap")] if row.get("known_gap") else []
    return pytest.param(row, id=f"{row['label']}-{row['family']}-{row['text'][:40]}", marks=marks)


def test_table_is_large_and_mixed() -> None:
    labels = [r["label"] for r in SAMPLES]
    assert len(SAMPLES) >= 200
    assert labels.count("injection") >= 100 and labels.count("benign") >= 80
    langs = {
        r["family"].removeprefix("multilingual-")
        for r in SAMPLES
        if r["family"].startswith("multilingual-")
    }
    assert {"de", "fr", "es", "it", "pt", "nl", "ru", "zh", "ja"} <= langs


@pytest.mark.parametrize("row", [_case(r) for r in SAMPLES])
def test_sample(row: dict[str, Any]) -> None:
    result = DETECTOR.scan(row["text"], kind=row["kind"])
    assert result.flagged == (row["label"] == "injection"), (result.score, result.findings)
    if row["label"] == "injection":
        assert result.findings, "a flagged text carries its evidence"
