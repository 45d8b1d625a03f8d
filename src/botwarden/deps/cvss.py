"""Severity of an OSV advisory from its CVSS vectors.

OSV records carry vectors, not scores. They are scored with the ``cvss`` library (Red Hat
Product Security; v2, v3.x and v4.0, the last through FIRST's macro-vector table, which is not
worth re-deriving by hand). The highest scoring vector wins. A record without a scorable vector
falls back to the severity word a database adds (GitHub's ``database_specific.severity``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from cvss import CVSS2, CVSS3, CVSS4
from cvss.exceptions import CVSSError

RATINGS = ("none", "low", "medium", "high", "critical")
_WORDS = {"moderate": "medium", "important": "high"}


@dataclass(frozen=True, slots=True)
class Severity:
    rating: str  # one of RATINGS, or "unknown"
    score: float | None = None
    vector: str = ""


@functools.lru_cache(maxsize=4096)
def score(kind: str, vector: str) -> float | None:
    """The base score of one OSV ``severity`` entry, ``None`` if it is not a valid vector."""
    try:
        if kind == "CVSS_V4":
            return float(CVSS4(vector).base_score)
        if kind == "CVSS_V3":
            return float(CVSS3(vector).base_score)
        if kind == "CVSS_V2":
            return float(CVSS2(vector).base_score)
    except (CVSSError, ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None
    return None


def rating(value: float) -> str:
    """The qualitative rating of a CVSS score (FIRST's bands)."""
    if value == 0:
        return "none"
    if value < 4.0:
        return "low"
    if value < 7.0:
        return "medium"
    if value < 9.0:
        return "high"
    return "critical"


def severity(entries: list[tuple[str, str]], word: str | None = None) -> Severity:
    """The advisory's severity: its best-scoring vector, else the database's word, else unknown."""
    best: Severity | None = None
    for kind, vector in entries:
        value = score(kind, vector)
        if value is not None and (best is None or value > (best.score or 0.0)):
            best = Severity(rating(value), value, vector)
    if best is not None:
        return best
    if word:
        folded = _WORDS.get(word.strip().lower(), word.strip().lower())
        if folded in RATINGS:
            return Severity(folded)
    return Severity("unknown")
