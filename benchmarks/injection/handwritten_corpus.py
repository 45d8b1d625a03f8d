"""Turn the handwritten training files into a corpus file ``train.py --extra`` reads.

``handwritten/train6.jsonl`` to ``train10.jsonl`` were written by sessions that never saw the
detector or any held-out set (their ``.md`` files say how). TRAIN8 to TRAIN10 mark the
injected part of each injected document (``attack``); the first two mark no span: an injected
e-mail of 300 words is labelled 1 as a whole, while most of its 64-token windows are ordinary
business text. Training every window of it as an injection would teach the model the very
confusion these files are meant to cure (notices, tickets and API pages read as attacks), so
the injected part is located first and written as the row's ``attack``, which ``train.py``
already uses to keep only the windows that overlap it:

- the sentences holding what the pattern rules find (decoded views and hidden text included);
- else the window rated highest by a model fitted here on TRAIN alone (``train.jsonl``, C = 16,
  the shipped features), so the spans, and the model trained on them, do not depend on
  whichever model file is checked in.

The located parts are frozen in ``handwritten/located.jsonl`` (the SHA-256 of each text, its
part), read before anything is located: a change to the pattern rules would otherwise change the
corpus, and with it the model a checkout reproduces. ``--freeze`` locates every part again with
the rules of the checkout and rewrites the file (do it when a model is retrained on purpose).

Rows that are near-duplicates of a held-out row (the same filter ``corpus.py`` applies: the
same canonical text, or more than half of the word 5-grams) are dropped, so a phrase the
writers happened to share with a blind set cannot score itself.

    ../.bench-venv/bin/python handwritten_corpus.py   # shipped: TRAIN6, 7, 9, 10@document
    ../.bench-venv/bin/python handwritten_corpus.py --freeze   # the located parts again
    ../.bench-venv/bin/python handwritten_corpus.py train6 train7 train9 train10   # a candidate
    ../.bench-venv/bin/python handwritten_corpus.py train6 train7 train9 train10@document \
        blind4 ... blind27 --out=spent.jsonl --add   # spent held-out sets as training rows,
        # their parts frozen beside the others (every set not named stays held out)
    ../.bench-venv/bin/python handwritten_corpus.py train6 train7 train9 train10:0.5   # half of
        # TRAIN10's injections (chosen by a hash of the text), all its benign rows; with
        # train10@document, its documents only
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import zlib
from pathlib import Path

import numpy as np
from corpus import key, shingles
from train import CORPUS, examples, fit_model, matrix

from botwarden.guards.injection.canon import canonical
from botwarden.guards.injection.detector import pattern_findings
from botwarden.guards.injection.model import HashedModel
from botwarden.guards.normalize import normalize

HERE = Path(__file__).resolve().parent
FREEZE = "--freeze" in sys.argv[1:]
ADD = "--add" in sys.argv[1:]  # keep the frozen parts, and freeze the ones located now beside them
_ARGS = tuple(a for a in sys.argv[1:] if a not in ("--freeze", "--add"))
_OUT_NAME = next((a.removeprefix("--out=") for a in _ARGS if a.startswith("--out=")), None)
OUT = HERE / ".data" / "corpus" / (_OUT_NAME or "handwritten.jsonl")
SOURCES = tuple(a for a in _ARGS if not a.startswith("--out=")) or (
    "train6",
    "train7",
    "train9",
    "train10@document",
)
LOCATED = HERE / "handwritten" / "located.jsonl"
HELD_OUT = (
    *(HERE / "handwritten" / f"blind{n}.jsonl" for n in range(4, 10)),
    *(HERE / ".data" / "corpus" / f"{n}.jsonl" for n in ("test", "blind", "final", "blind2")),
    HERE / ".data" / "corpus" / "blind3.jsonl",
)
# Sets written after the shipped model was trained: rows that are near-duplicates of theirs are
# counted, not dropped, so the shipped model stays reproducible (docs/injection-detection.md
# gives the counts beside the scores).
LATER = tuple(HERE / "handwritten" / f"blind{n}.jsonl" for n in range(10, 13))
_PACKAGE_SETS = tuple(
    HERE / ".data" / "corpus" / f"{n}.jsonl" for n in ("test", "blind", "final", "blind2", "blind3")
)
_NAMED = {s.partition(":")[0].partition("@")[0] for s in SOURCES}


def held_out() -> tuple[Path, ...]:
    """The sets a model trained on ``SOURCES`` may be scored on. For the shipped sources, the
    sets that existed when the shipped model was trained (so it stays reproducible); for any
    other choice, every set not trained on: the package sets and each handwritten blind set not
    among the sources (spent sets may be trained on; the others stay held out)."""
    if set(SOURCES) == {"train6", "train7", "train9", "train10@document"}:
        return HELD_OUT
    blinds = sorted((HERE / "handwritten").glob("blind*.jsonl"))
    return (*_PACKAGE_SETS, *(b for b in blinds if b.stem not in _NAMED))


_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")
_TOKEN = re.compile(r"\S+")


def _sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``start:end`` widened to the sentences (or lines) it touches."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    left = max((e for e in ends if e <= start), default=0)
    right = min((e for e in ends if e >= end), default=len(text))
    return left, right


def base_model() -> HashedModel:
    """The model ``located`` falls back on: fitted on TRAIN alone, deterministic."""
    text = CORPUS.read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.split("\n") if line.strip()]
    feats, labels = examples(rows, "w12")
    return fit_model(matrix(feats), np.array(labels), 16.0, "w12")


def located(text: str, model: HashedModel) -> str | None:
    """The injected part of an injected document, as a substring of its normalised text."""
    raw = normalize(text).text
    canon = canonical(raw)
    spans = [(f.start, f.end) for f in pattern_findings(raw, canon) if f.start is not None]
    if spans:
        start = min(s for s, _ in spans)
        end = max(e for _, e in spans if e is not None)
        left, right = _sentence_span(raw, start, end)
    else:
        scored = model.score(canon)
        tokens = [m.span() for m in _TOKEN.finditer(canon)][scored.window[0] : scored.window[1]]
        if not tokens:
            return None
        left, right = tokens[0][0], tokens[-1][1]
    part = raw[left:right].strip()
    return part or None


class Locator:
    """The frozen parts first (``LOCATED``); the others located now, with the base model fitted
    only when one is needed. ``fresh`` counts those located now."""

    def __init__(self, freeze: bool) -> None:
        self.freeze = freeze
        self.parts: dict[str, str | None] = {}
        if not freeze and LOCATED.exists():
            for line in LOCATED.read_text(encoding="utf-8").split("\n"):
                if line.strip():
                    entry = json.loads(line)
                    self.parts[entry["sha256"]] = entry["attack"]
        self.fresh = 0
        self._model: HashedModel | None = None

    def part(self, text: str) -> str | None:
        digest = hashlib.sha256(text.encode()).hexdigest()
        if digest not in self.parts:
            if self._model is None:
                self._model = base_model()
            self.parts[digest] = located(text, self._model)
            self.fresh += 1
        return self.parts[digest]

    def save(self) -> None:
        LOCATED.write_text(
            "".join(
                json.dumps({"sha256": d, "attack": a}, ensure_ascii=False) + "\n"
                for d, a in sorted(self.parts.items())
            ),
            "utf-8",
        )


def _grams(paths: tuple[Path, ...]) -> tuple[set[int], set[str]]:
    """The word 5-grams and the keys of every text of the sets at ``paths``."""
    grams: set[int] = set()
    keys: set[str] = set()
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.strip():
                text = str(json.loads(line)["text"])
                grams |= shingles(text)
                keys.add(key(text))
    return grams, keys


def _near(text: str, grams: set[int], pool: tuple[set[int], set[str]]) -> bool:
    """Whether a text is a near-duplicate of one of ``pool``'s (``_grams``): the same canonical
    text, or more than half of its word 5-grams."""
    return key(text) in pool[1] or bool(grams and len(grams & pool[0]) > 0.5 * len(grams))


def main() -> None:
    held, later = _grams(held_out()), _grams(LATER)
    overlapping = 0
    rows, dropped, spans = [], 0, 0
    locator = Locator(FREEZE)
    for source in SOURCES:
        named, _, share = source.partition(":")
        name, _, only_kind = named.partition("@")
        path = HERE / "handwritten" / f"{name}.jsonl"
        if not path.exists():
            raise SystemExit(f"{path} is missing")
        for line in path.read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            row = json.loads(line)
            text = str(row["text"])
            if share and row["label"] == 1 and zlib.crc32(text.encode()) / 2**32 >= float(share):
                continue  # "train10:0.5": a fixed half of the set's injections, all its benign rows
            if only_kind and row["kind"] != only_kind:
                continue  # "train10@document": the set's documents only
            grams = shingles(text)
            if _near(text, grams, held):
                dropped += 1
                continue
            out = {"text": text, "label": int(row["label"]), "kind": row["kind"],
                   "source": f"handwritten/{name}"}  # fmt: skip
            if out["label"] == 1 and out["kind"] == "document":
                given = str(row.get("attack") or "")
                attack = given if given and given in text else locator.part(text)
                if attack is not None:
                    out["attack"] = attack
                    spans += 1
            if _near(text, grams, later):
                overlapping += 1
            rows.append(out)
    if FREEZE or ADD:
        locator.save()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    injections = sum(int(r["label"]) for r in rows)
    print(f"wrote {OUT}: {len(rows)} rows ({injections} injections, {spans} located, "
          f"{locator.fresh} of them now rather than from {LOCATED.name}); "
          f"{dropped} near-duplicates of held-out rows dropped; {overlapping} kept that are "
          f"near-duplicates of the later sets (BLIND10 to BLIND12)")  # fmt: skip


if __name__ == "__main__":
    main()
