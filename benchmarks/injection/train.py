"""Train the hashed n-gram model and choose the detector's thresholds; write the model file.

Uses only ``.data/corpus/train.jsonl`` (built by corpus.py from the TRAIN sources). 80% of it
fits the weights, the other 20% (a seeded split) chooses the thresholds with the whole detector
(patterns plus model) in the loop. The test corpus is never read here.

Features come from ``botwarden.guards.injection.model`` itself, so inference sees exactly what
training saw. Long texts become token windows: every window of a benign text is a benign
example; for an injected document only the windows that overlap the injected part are positive.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
from array import array
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from botwarden.guards.injection.canon import canonical
from botwarden.guards.injection.detector import MODEL_FLOOR, InjectionDetector
from botwarden.guards.injection.model import HashedModel, dump, feature_ids, tokens, windows
from botwarden.guards.normalize import normalize

HERE = Path(__file__).resolve().parent
CORPUS = HERE / ".data" / "corpus" / "train.jsonl"
MODEL = HERE.parents[1] / "src" / "botwarden" / "guards" / "injection" / "data" / "model.bin"
BUCKETS = 1 << 18
SEED = 7
MAX_WINDOWS = 12
# Each threshold is the lowest one that keeps the validation FPR of its kind at or under this,
# but never below even odds: validation benign prompts are easy (no hard negatives), so their
# 1% quantile alone would set the bar too low. (Maximising F1 let one benign validation prompt
# near the top set it too high.)
MIN_THRESHOLD = 0.5
# ...and never above the score one strong rule earns on its own (the model at its floor), so an
# explicit "ignore previous instructions" in a document is flagged however the model reads it.
STRONG_RULE = 4.5
MAX_THRESHOLD = 1 / (1 + math.exp(-(MODEL_FLOOR + STRONG_RULE)))
PROMPT_FPR = 0.01
DOC_FPR = 0.01


def examples(rows: list[dict[str, object]]) -> tuple[list[dict[int, float]], list[int]]:
    feats: list[dict[int, float]] = []
    labels: list[int] = []
    for r in rows:
        raw = normalize(str(r["text"])).text
        canon = canonical(raw)
        toks = tokens(canon)
        if not toks:
            continue
        ids = feature_ids(toks, BUCKETS)
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
            norm = (2 * (end - start) - 1) ** -0.5
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


def fit_model(x: csr_matrix, y: np.ndarray, c: float) -> HashedModel:  # type: ignore[type-arg]
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
    )


def validate(
    model: HashedModel, val: list[dict[str, object]]
) -> dict[str, tuple[list[float], list[int]]]:
    det = InjectionDetector(model=model)
    by_kind: dict[str, tuple[list[float], list[int]]] = {"prompt": ([], []), "document": ([], [])}
    for r in val:
        s, y = by_kind[str(r["kind"])]
        s.append(det.scan(str(r["text"]), kind="prompt").score)
        y.append(int(r["label"]))  # type: ignore[call-overload]
    return by_kind


def f1_at(scores: list[float], labels: list[int], t: float) -> float:
    tp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= t and y)
    fp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= t and not y)
    fn = sum(1 for s, y in zip(scores, labels, strict=True) if s < t and y)
    return 2 * tp / max(2 * tp + fp + fn, 1)


def recall_at(scores: list[float], labels: list[int], t: float) -> float:
    return sum(1 for s, y in zip(scores, labels, strict=True) if s >= t and y) / max(sum(labels), 1)


def main() -> None:
    rows = [json.loads(line) for line in CORPUS.open(encoding="utf-8") if line.strip()]
    rng = random.Random(SEED)
    rng.shuffle(rows)
    cut = int(0.8 * len(rows))
    fit, val = rows[:cut], rows[cut:]
    feats, labels = examples(fit)
    x, y = matrix(feats), np.array(labels)
    print(
        f"fit: {len(fit)} texts, {len(feats)} windows ({sum(labels)} positive); "
        f"validation: {len(val)} texts"
    )
    best: (
        tuple[float, HashedModel, dict[str, tuple[list[float], list[int]]], float, float] | None
    ) = None
    for c in (
        0.5,
        1.0,
        2.0,
        4.0,
        8.0,
        16.0,
    ):  # regularisation chosen on validation, like the thresholds
        model = fit_model(x, y, c)
        by_kind = validate(model, val)
        prompt_t = max(fpr_threshold(*by_kind["prompt"], PROMPT_FPR), MIN_THRESHOLD)
        doc_t = min(max(fpr_threshold(*by_kind["document"], DOC_FPR), prompt_t), MAX_THRESHOLD)
        quality = f1_at(*by_kind["prompt"], prompt_t) + recall_at(*by_kind["document"], doc_t)
        print(f"  C={c}: prompt F1 + document recall at {DOC_FPR:.0%} FPR = {quality:.4f}")
        if best is None or quality > best[0]:
            best = (quality, model, by_kind, prompt_t, doc_t)
    assert best is not None
    _, model, by_kind, prompt_t, doc_t = best
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
    final = HashedModel(BUCKETS, model.bias, model.scale, model.weights, thresholds)
    blob = dump(final)
    MODEL.write_bytes(blob)
    print(
        f"wrote {MODEL.relative_to(HERE.parents[1])}: {len(blob)} bytes, "
        f"sha256 {hashlib.sha256(blob).hexdigest()}"
    )


if __name__ == "__main__":
    main()
