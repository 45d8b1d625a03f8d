"""Benign technical documents for training: the README of every package installed in the two
project venvs (``.venv`` and ``benchmarks/.bench-venv``), from its ``METADATA``.

A model trained on the handwritten sets read install steps and code blocks as injections (they
hold many injected READMEs and code comments, and few clean ones), so it flagged plain READMEs.
These chunks are ordinary documents of that genre, offline and openly licensed (each package's
own licence; the same source as ``corpus.py``'s README rows). Packages that any held-out set
draws its README rows from (``sources.json`` roles other than ``train``) and those already in
TRAIN are left out; chunks that are near-duplicates of a held-out row are dropped.

    ../.bench-venv/bin/python local_readmes.py   # .data/corpus/readmes-local.jsonl
    ../.bench-venv/bin/python local_readmes.py --lock   # and readmes-local.lock: their versions
"""

from __future__ import annotations

import json
import sys
from email.parser import Parser
from pathlib import Path

from corpus import chunks, shingles
from handwritten_corpus import _grams, _near

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VENVS = (ROOT / ".venv", ROOT / "benchmarks" / ".bench-venv")
OUT = HERE / ".data" / "corpus" / "readmes-local.jsonl"
# the packages (name==version) whose READMEs were read: the shipped model's were these
LOCK = HERE / "readmes-local.lock"
SCORING = (
    *(
        HERE / ".data" / "corpus" / f"{n}.jsonl"
        for n in ("test", "blind", "final", "blind2", "blind3")
    ),
    *sorted((HERE / "handwritten").glob("blind*.jsonl")),
)


def main() -> None:
    sources = json.loads((HERE / ".data" / "sources.json").read_text())
    known = {s["package"].replace("-", "_").lower() for s in sources} | {"botwarden"}
    held = _grams(SCORING)
    seen: set[str] = set()
    used: list[str] = []
    rows, dropped = [], 0
    for venv in VENVS:
        for meta in sorted(venv.glob("lib/python3*/site-packages/*.dist-info/METADATA")):
            message = Parser().parsestr(meta.read_text(errors="replace"))
            package = (message.get("Name") or "").replace("-", "_").lower()
            if not package or package in seen or package in known:
                continue
            seen.add(package)
            used.append(f"{package}=={message.get('Version')}")
            for piece in chunks(str(message.get_payload() or "")):
                if len(piece) <= 200:
                    continue
                if _near(piece, shingles(piece), held):
                    dropped += 1
                    continue
                rows.append(
                    {"text": piece, "label": 0, "kind": "document", "source": f"readme/{package}"}
                )
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    print(f"wrote {OUT}: {len(rows)} README chunks of {len(seen)} packages; {dropped} dropped")
    if "--lock" in sys.argv[1:]:
        LOCK.write_text("".join(f"{name}\n" for name in sorted(used)), "utf-8")
    elif LOCK.exists() and LOCK.read_text("utf-8").split() != sorted(used):
        print(f"note: the installed packages differ from {LOCK.name}: the rows differ from the "
              "shipped model's")  # fmt: skip


if __name__ == "__main__":
    main()
