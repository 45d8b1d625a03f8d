"""What a guard reports: one shape for input and output guards alike.

A guard never keeps a full secret or personal datum in a finding: ``evidence`` is a short,
redacted excerpt made by :func:`excerpt` or :func:`redacted`, so a report can be logged, shown
in CI or written to a ledger without leaking what the guard removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EVIDENCE_MAX = 80


@dataclass(frozen=True, slots=True)
class GuardFinding:
    """One thing a guard saw, removed or changed.

    ``kind`` is a stable, dotted, lower-case id (``invisible.zero-width``,
    ``injection.instruction-override``, ``html.script``, ``link.removed``,
    ``redact.pii.email``...) documented in ``docs/guards.md``. ``start``/``end`` are
    offsets into the text the guard was given, where the guard knows them.
    """

    kind: str
    message: str
    evidence: str = ""
    start: int | None = None
    end: int | None = None
    weight: float = 0.0

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "message": self.message}
        if self.evidence:
            out["evidence"] = self.evidence
        if self.start is not None:
            out["start"] = self.start
            out["end"] = self.end
        if self.weight:
            out["weight"] = round(self.weight, 4)
        return out


def excerpt(text: str, start: int = 0, end: int | None = None, limit: int = EVIDENCE_MAX) -> str:
    """A printable excerpt of ``text[start:end]``: control characters escaped, long runs cut."""
    piece = text[start:end]
    shown = piece.encode("unicode_escape").decode("ascii") if not piece.isprintable() else piece
    if len(shown) > limit:
        half = (limit - 3) // 2
        shown = shown[:half] + "..." + shown[-half:]
    return shown


def redacted(value: str, keep: int = 4) -> str:
    """Evidence for a secret or personal datum: its first few characters and its length."""
    if len(value) <= keep * 2:
        return f"{'*' * len(value)} ({len(value)} chars)"
    return f"{value[:keep]}{'*' * 4} ({len(value)} chars)"
