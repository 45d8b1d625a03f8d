"""Accuracy on the labelled corpus: botwarden vs detect-secrets, line-level precision and recall.

    .venv/bin/python benchmarks/secrets/bench_accuracy.py [--files 1000] [--seed 0] [-v]

The corpus comes from make_corpus.py (rebuilt when missing or of another seed/size). Each tool
scans the whole corpus once: `botwarden secrets scan DIR --format json --jobs 0` and
`detect-secrets scan -n --all-files DIR`. Scoring, per reported (file, line), once per line
whatever the number of findings on it:

  precision  reported lines inside a secret's span / all reported lines
  recall     secrets with at least one reported line in their span / all secrets

A span is the lines one labelled item occupies (an AWS key pair is one secret on two lines, a PEM
key one secret from BEGIN to END), so a tool that reports either half of a pair, or the BEGIN
line, finds it. A reported line outside every secret is a false positive, charged to the decoy
it hits (or "other" when it hits no labelled item).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    GENERATED,
    ROOT,
    botwarden_scan,
    detect_secrets_scan,
    ensure_peer,
    machine,
    parse_json,
    run,
    table,
    versions,
)
from make_corpus import make

Line = tuple[str, int]


def corpus(files: int, seed: int) -> tuple[Path, dict[str, Any]]:
    out = GENERATED / "corpus"
    labels_file = out / "labels.json"
    if labels_file.is_file():
        data = json.loads(labels_file.read_text(encoding="utf-8"))
        if data["seed"] == seed and len(data["files"]) == files:
            return out / "files", data
    return out / "files", make(files, seed, out)


def rel(path: str, base: Path) -> str:
    p = Path(path)
    return str(p.resolve().relative_to(base.resolve())) if p.is_absolute() else path


def botwarden_lines(base: Path) -> set[Line] | str:
    result = run(botwarden_scan([base]), 1800)
    report = parse_json(result, (0, 1))
    if report is None:
        return f"failed ({result.returncode}): {result.stderr.strip()[-200:]}"
    return {
        (rel(f["location"]["path"], base), int(f["location"]["line"])) for f in report["findings"]
    }


def detect_secrets_lines(base: Path) -> set[Line] | str:
    result = run(detect_secrets_scan(base), 1800)
    report = parse_json(result, (0,))
    if report is None:
        return f"failed ({result.returncode}): {result.stderr.strip()[-200:]}"
    out = set()
    for filename, hits in report["results"].items():
        path = Path(filename) if Path(filename).is_absolute() else ROOT / filename  # cwd is ROOT
        out.update((rel(str(path), base), int(hit["line_number"])) for hit in hits)
    return out


def score(reported: set[Line], labels: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    index: dict[Line, dict[str, Any]] = {}
    for path, items in labels.items():
        for item in items:
            for line in range(item["lines"][0], item["lines"][1] + 1):
                index[(path, line)] = item
    tp = 0
    fp_kinds: Counter[str] = Counter()
    found: set[int] = set()
    for key in reported:
        item = index.get(key)
        if item is not None and item["secret"]:
            tp += 1
            found.add(id(item))
        else:
            fp_kinds[item["kind"] if item else "other"] += 1
    secrets = [i for items in labels.values() for i in items if i["secret"]]
    missed = Counter(i["kind"] for i in secrets if id(i) not in found)
    missed_at = [
        f"{path}:{i['lines'][0]} {i['kind']}"
        for path, its in labels.items()
        for i in its
        if i["secret"] and id(i) not in found
    ]
    fp_at = sorted(
        f"{p}:{n} {index[(p, n)]['kind'] if (p, n) in index else 'other'}"
        for p, n in reported
        if not (index.get((p, n)) or {}).get("secret")
    )
    total = Counter(i["kind"] for i in secrets)
    return {
        "reported": len(reported),
        "tp": tp,
        "precision": tp / len(reported) if reported else 0.0,
        "recall": len(found) / len(secrets) if secrets else 0.0,
        "found": len(found),
        "secrets": len(secrets),
        "missed": missed,
        "total": total,
        "fp": fp_kinds,
        "missed_at": missed_at,
        "fp_at": fp_at,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-v", "--verbose", action="store_true", help="list each miss and FP line")
    args = parser.parse_args()
    if not ensure_peer():
        print("detect-secrets unavailable: run benchmarks/secrets/setup.sh", file=sys.stderr)
        return 2
    base, data = corpus(args.files, args.seed)
    labels = data["files"]
    items = [i for its in labels.values() for i in its]
    n_secrets = sum(i["secret"] for i in items)
    print(machine())
    print(versions())
    print(
        f"corpus: {len(labels)} files, seed {args.seed}: {n_secrets} secrets, "
        f"{len(items) - n_secrets} decoys\n"
    )

    scores: dict[str, dict[str, Any]] = {}
    for tool, fn in (("botwarden", botwarden_lines), ("detect-secrets", detect_secrets_lines)):
        got = fn(base)
        if isinstance(got, str):
            print(f"{tool}: {got}")
            continue
        scores[tool] = score(got, labels)

    rows = [
        [
            t,
            str(s["reported"]),
            str(s["tp"]),
            f"{s['precision']:.3f}",
            f"{s['found']}/{s['secrets']}",
            f"{s['recall']:.3f}",
        ]
        for t, s in scores.items()
    ]
    print(
        table(
            rows,
            ["tool", "lines reported", "true", "precision", "secrets found", "recall"],
            frozenset({1, 2, 3, 4, 5}),
        )
    )
    print("\nTarget: precision and recall both >= 0.97.\n")

    kinds = sorted({k for s in scores.values() for k in s["total"]})
    krows = [
        [k, *(f"{s['total'][k] - s['missed'][k]}/{s['total'][k]}" for s in scores.values())]
        for k in kinds
    ]
    print("recall by kind (found/total)")
    print(table(krows, ["kind", *scores], frozenset(range(1, len(scores) + 1))))
    decoys = sorted({k for s in scores.values() for k in s["fp"]})
    decoy_total = Counter(i["kind"] for i in items if not i["secret"])
    drows = [
        [k, str(decoy_total.get(k, "-")), *(str(s["fp"][k]) for s in scores.values())]
        for k in decoys
    ]
    print("\nfalse-positive lines by what they hit (decoy kind; 'other': unlabelled filler)")
    print(table(drows, ["hit", "decoys in corpus", *scores], frozenset(range(1, len(scores) + 2))))
    if args.verbose:
        for tool, s in scores.items():
            print(f"\n{tool}: missed secrets (first line of each)")
            print("\n".join(f"  {m}" for m in s["missed_at"]) or "  none")
            print(f"{tool}: false-positive lines")
            print("\n".join(f"  {m}" for m in s["fp_at"]) or "  none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
