"""Train the hashed n-gram model and choose the detector's thresholds; write the model file.

Uses only ``.data/corpus/train.jsonl`` (built by corpus.py from the TRAIN sources) and the files
named by ``--extra``. Validation holds whole packages out, as the test sets do: the rows are cut
into folds of packages, each fold is scored by a model fitted on the others, and those scores
choose the regularisation and the thresholds with the whole detector (patterns plus model) in the
loop. (A random row split let each source vouch for itself and always chose the weakest
regularisation.) The final weights are fitted on all rows. The test corpora are never read here.

Features come from ``botwarden.guards.injection.model`` itself, so inference sees exactly what
training saw. Long texts become token windows: every window of a benign text is a benign
example; for an injected document only the windows that overlap the injected part are positive.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import random
import re
from array import array
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from botwarden.guards.injection.canon import canonical
from botwarden.guards.injection.detector import MODEL_FLOOR, InjectionDetector
from botwarden.guards.injection.model import (
    FEATURES,
    HashedModel,
    distinct_ids,
    dump,
    feature_ids,
    masked_canon,
    tokens,
    window_size,
    windows,
)
from botwarden.guards.normalize import normalize

HERE = Path(__file__).resolve().parent
CORPUS = HERE / ".data" / "corpus" / "train.jsonl"
MODEL = HERE.parents[1] / "src" / "botwarden" / "guards" / "injection" / "data" / "model.bin"
BUCKETS = 1 << 18
SEED = 7
MAX_WINDOWS = 12
# No threshold is below even odds.
MIN_THRESHOLD = 0.5
# ...and never above the score one strong rule earns on its own (the model at its floor), so an
# explicit "ignore previous instructions" in a document is flagged however the model reads it.
STRONG_RULE = 4.5
MAX_THRESHOLD = 1 / (1 + math.exp(-(MODEL_FLOOR + STRONG_RULE)))
# --validation rows: each threshold is the lowest that keeps the validation FPR of its kind at or
# under 1% (validation benign prompts are easy there, so never below even odds).
ROWS_FPR = 0.01
# --validation packages: documents get the bar for benign documents (at most 2% flagged)
# on held-out packages; prompts the threshold with the best held-out F1.
DOC_FPR = 0.02


def examples(
    rows: list[dict[str, object]], features: str
) -> tuple[list[dict[int, float]], list[int]]:
    feats: list[dict[int, float]] = []
    labels: list[int] = []
    for r in rows:
        raw = normalize(str(r["text"])).text
        canon = masked_canon(raw, canonical(raw)) if features == "w12u" else canonical(raw)
        toks = tokens(canon)
        if not toks:
            continue
        ids = feature_ids(toks, BUCKETS, features)
        counts = list(itertools.accumulate((len(i) for i in ids), initial=0))
        span = None
        if r.get("attack"):
            at = raw.find(normalize(str(r["attack"])).text)
            if at >= 0:
                starts = [m.start() for m in re.finditer(r"\S+", canon)]
                first = sum(1 for s in starts if s < at)
                last = sum(1 for s in starts if s < at + len(str(r["attack"])))
                span = (max(0, first - 1), last)
        wins = windows(len(toks))
        if span is not None:
            wins = [w for w in wins if w[0] < span[1] and w[1] > span[0]]
        for start, end in wins[:MAX_WINDOWS]:
            vec: dict[int, float] = {}
            if features == "w12u":  # each n-gram once, the window's size its distinct n-grams
                distinct = distinct_ids(ids, start, end)
                vec = dict.fromkeys(distinct, len(distinct) ** -0.5)
            else:
                norm = window_size(features, start, end, counts) ** -0.5
                for tok_ids in ids[start:end]:
                    for i in tok_ids:
                        vec[i] = vec.get(i, 0.0) + norm
            feats.append(vec)
            labels.append(int(r["label"]))  # type: ignore[call-overload]
    return feats, labels


def matrix(feats: list[dict[int, float]]) -> csr_matrix:
    indptr, indices, data = [0], [], []
    for vec in feats:
        indices.extend(vec.keys())
        data.extend(vec.values())
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(feats), BUCKETS))


def fpr_threshold(scores: list[float], labels: list[int], fpr: float) -> float:
    benign = sorted((s for s, y in zip(scores, labels, strict=True) if not y), reverse=True)
    allowed = int(fpr * len(benign))
    return benign[allowed] + 1e-9 if allowed < len(benign) else 0.5


def fit_model(x: csr_matrix, y: np.ndarray, c: float, features: str) -> HashedModel:  # type: ignore[type-arg]
    clf = LogisticRegression(
        C=c, class_weight="balanced", max_iter=2000, solver="liblinear", random_state=0
    )
    clf.fit(x, y)
    w = clf.coef_[0]
    scale = float(np.abs(w).max() / 127.0)
    q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
    return HashedModel(
        BUCKETS,
        float(clf.intercept_[0]),
        scale,
        array("b", q.tobytes()),
        {"prompt": 0.5, "document": 0.5, "tool-args": 0.5},
        features,
    )


def validate(
    model: HashedModel, val: list[dict[str, object]]
) -> dict[str, tuple[list[float], list[int]]]:
    det = InjectionDetector(model=model)
    by_kind: dict[str, tuple[list[float], list[int]]] = {"prompt": ([], []), "document": ([], [])}
    for r in val:
        kind = str(r["kind"])
        s, y = by_kind[kind]
        # a row is scored as the kind it is: some rules weigh less in a user's own prompt
        s.append(det.scan(str(r["text"]), kind="prompt" if kind == "prompt" else "document").score)
        y.append(int(r["label"]))  # type: ignore[call-overload]
    return by_kind


def best_f1_threshold(scores: list[float], labels: list[int]) -> float:
    """The score cut with the best F1 on held-out packages, never below even odds."""
    pairs = sorted(zip(scores, labels, strict=True), reverse=True)
    positives = sum(labels)
    best, best_t, tp, fp = -1.0, MIN_THRESHOLD, 0, 0
    for i, (score, label) in enumerate(pairs):
        tp, fp = tp + label, fp + (1 - label)
        if score < MIN_THRESHOLD:
            break
        if i + 1 < len(pairs) and pairs[i + 1][0] == score:
            continue  # a cut falls between distinct scores only
        f1 = 2 * tp / (tp + fp + positives)
        if f1 > best:
            best, best_t = f1, score
    return best_t


def f1_at(scores: list[float], labels: list[int], t: float) -> float:
    tp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= t and y)
    fp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= t and not y)
    fn = sum(1 for s, y in zip(scores, labels, strict=True) if s < t and y)
    return 2 * tp / max(2 * tp + fp + fn, 1)


def recall_at(scores: list[float], labels: list[int], t: float) -> float:
    return sum(1 for s, y in zip(scores, labels, strict=True) if s >= t and y) / max(sum(labels), 1)


def package(row: dict[str, object]) -> str:
    """The package a row came from: validation holds whole packages out, as the test sets do."""
    return str(row["source"]).split("+")[0].split("/")[0]


def folds(rows: list[dict[str, object]], k: int) -> list[list[dict[str, object]]]:
    """``k`` validation folds of whole packages, seeded, balanced by row count."""
    sizes: dict[str, int] = {}
    for r in rows:
        sizes[package(r)] = sizes.get(package(r), 0) + 1
    names = sorted(sizes)
    random.Random(SEED).shuffle(names)
    load = [0] * k
    fold_of: dict[str, int] = {}
    for name in sorted(names, key=lambda n: -sizes[n]):
        i = load.index(min(load))
        fold_of[name] = i
        load[i] += sizes[name]
    return [[r for r in rows if fold_of[package(r)] == i] for i in range(k)]


def out_of_fold(
    parts: list[list[dict[str, object]]], c: float, features: str
) -> dict[str, tuple[list[float], list[int]]]:
    """Scores of every row by a model that never saw its package."""
    merged: dict[str, tuple[list[float], list[int]]] = {"prompt": ([], []), "document": ([], [])}
    for i, held in enumerate(parts):
        fit = [r for j, part in enumerate(parts) if j != i for r in part]
        feats, labels = examples(fit, features)
        model = fit_model(matrix(feats), np.array(labels), c, features)
        for kind, (s, y) in validate(model, held).items():
            merged[kind][0].extend(s)
            merged[kind][1].extend(y)
    return merged


Scored = dict[str, tuple[list[float], list[int]]]


def by_rows(
    rows: list[dict[str, object]], cs: list[float], features: str
) -> tuple[HashedModel, Scored, float, float]:
    """The shipped model's procedure: a seeded 80/20 row split; the 80% model is the one kept."""
    rng = random.Random(SEED)
    rows = list(rows)
    rng.shuffle(rows)
    cut = int(0.8 * len(rows))
    fit, val = rows[:cut], rows[cut:]
    feats, labels = examples(fit, features)
    x, y = matrix(feats), np.array(labels)
    best: tuple[float, HashedModel, Scored, float, float] | None = None
    for c in cs:
        model = fit_model(x, y, c, features)
        by_kind = validate(model, val)
        prompt_t = max(fpr_threshold(*by_kind["prompt"], ROWS_FPR), MIN_THRESHOLD)
        doc_t = min(max(fpr_threshold(*by_kind["document"], ROWS_FPR), prompt_t), MAX_THRESHOLD)
        quality = f1_at(*by_kind["prompt"], prompt_t) + recall_at(*by_kind["document"], doc_t)
        print(f"  C={c}: prompt F1 + document recall at {ROWS_FPR:.0%} FPR = {quality:.4f}")
        if best is None or quality > best[0]:
            best = (quality, model, by_kind, prompt_t, doc_t)
    assert best is not None
    return best[1:]


def by_packages(
    rows: list[dict[str, object]], cs: list[float], features: str, k: int
) -> tuple[HashedModel, Scored, float, float]:
    """Folds of whole packages choose C and the thresholds; the weights are fitted on all rows."""
    parts = folds(rows, k)
    print(f"{k} folds of whole packages: {[len(p) for p in parts]}")

    def thresholds(by_kind: Scored) -> tuple[float, float]:
        doc_t = min(max(fpr_threshold(*by_kind["document"], DOC_FPR), MIN_THRESHOLD), MAX_THRESHOLD)
        return best_f1_threshold(*by_kind["prompt"]), doc_t

    label = f"best prompt F1 + document recall at {DOC_FPR:.0%} FPR"
    return _out_of_fold_choice(rows, parts, cs, features, thresholds, label)


def by_row_folds(
    rows: list[dict[str, object]], cs: list[float], features: str, k: int
) -> tuple[HashedModel, Scored, float, float]:
    """``by_rows``' rules (each threshold the lowest keeping its kind's FPR at ``ROWS_FPR``) on
    out-of-fold scores of every row (``k`` seeded row folds), the weights fitted on all rows.

    One 20% split leaves about 900 benign validation prompts, so a 1% FPR is decided by the ten
    highest: the prompt threshold then moved between 0.5 and 0.85 when a few hundred documents
    were added. Out-of-fold scores of all rows put five times as many in that tail."""
    rng = random.Random(SEED)
    shuffled = list(rows)
    rng.shuffle(shuffled)
    parts = [shuffled[i::k] for i in range(k)]
    print(f"{k} row folds: {[len(p) for p in parts]}")

    def thresholds(by_kind: Scored) -> tuple[float, float]:
        prompt_t = max(fpr_threshold(*by_kind["prompt"], ROWS_FPR), MIN_THRESHOLD)
        doc_t = min(max(fpr_threshold(*by_kind["document"], ROWS_FPR), prompt_t), MAX_THRESHOLD)
        return prompt_t, doc_t

    label = f"prompt F1 + document recall at {ROWS_FPR:.0%} FPR"
    return _out_of_fold_choice(rows, parts, cs, features, thresholds, label)


def _out_of_fold_choice(
    rows: list[dict[str, object]],
    parts: list[list[dict[str, object]]],
    cs: list[float],
    features: str,
    thresholds: Callable[[Scored], tuple[float, float]],
    label: str,
) -> tuple[HashedModel, Scored, float, float]:
    """The C whose out-of-fold scores give the best prompt F1 plus document recall at the
    ``thresholds`` they choose; the weights for it fitted on all rows."""
    best: tuple[float, float, Scored, float, float] | None = None
    for c in cs:
        by_kind = out_of_fold(parts, c, features)
        prompt_t, doc_t = thresholds(by_kind)
        quality = f1_at(*by_kind["prompt"], prompt_t) + recall_at(*by_kind["document"], doc_t)
        print(f"  C={c}: {label} = {quality:.4f}")
        if best is None or quality > best[0]:
            best = (quality, c, by_kind, prompt_t, doc_t)
    assert best is not None
    _, c, by_kind, prompt_t, doc_t = best
    feats, labels = examples(rows, features)
    return fit_model(matrix(feats), np.array(labels), c, features), by_kind, prompt_t, doc_t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--validation", choices=("rows", "row-folds", "packages"), default="rows")
    parser.add_argument("--features", choices=FEATURES, default="w12")
    parser.add_argument("--folds", type=int, default=4, help="with row-folds or packages")
    parser.add_argument("--cs", default="0.5,1,2,4,8,16", help="regularisation values to try")
    parser.add_argument("--extra", action="append", default=[], help="more corpus files")
    parser.add_argument("--out", type=Path, default=MODEL)
    args = parser.parse_args()
    rows = [
        json.loads(line)
        for path in (CORPUS, *map(Path, args.extra))
        for line in path.read_text(encoding="utf-8").split("\n")
        if line.strip()
    ]
    print(f"{len(rows)} texts, {sum(int(r['label']) for r in rows)} injections")
    cs = [float(v) for v in args.cs.split(",")]
    if args.validation == "rows":
        model, by_kind, prompt_t, doc_t = by_rows(rows, cs, args.features)
    elif args.validation == "row-folds":
        model, by_kind, prompt_t, doc_t = by_row_folds(rows, cs, args.features, args.folds)
    else:
        model, by_kind, prompt_t, doc_t = by_packages(rows, cs, args.features, args.folds)
    thresholds = {
        "prompt": round(prompt_t, 6),
        "document": round(doc_t, 6),
        "tool-args": round(doc_t, 6),
    }
    for kind, t in (("prompt", prompt_t), ("document", doc_t)):
        s, y = by_kind[kind]
        fp = sum(1 for a, b in zip(s, y, strict=True) if a >= t and not b)
        print(
            f"validation {kind:8}: threshold {t:.4f}  recall {recall_at(s, y, t):.3f}  "
            f"FPR {fp / max(len(y) - sum(y), 1):.4f}  (n={len(y)})"
        )
    final = HashedModel(BUCKETS, model.bias, model.scale, model.weights, thresholds, args.features)
    blob = dump(final)
    args.out.write_bytes(blob)
    print(f"wrote {args.out}: {len(blob)} bytes, sha256 {hashlib.sha256(blob).hexdigest()}")


if __name__ == "__main__":
    main()
