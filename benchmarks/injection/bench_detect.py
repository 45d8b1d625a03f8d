"""Score the injection detector on the held-out TEST corpus against offline peers from PyPI.

Run after fetch.py and corpus.py, in benchmarks/.bench-venv (see README.md). Prints precision,
recall, F1, balanced accuracy and the false-positive rate on benign documents for each detector,
the latency per kilobyte (p50, p99 over 1 KB slices, each slice's best of five passes; one core,
normalisation included), and the ratios of ours to each peer. Nothing here was used to train the
model or to choose its thresholds.

    --no-peers    botwarden only
    --slow-peers  also prompt-injection-defense (about 1.7 s per KB: the run takes ~15 minutes)
    --final       also the FINAL blind set (spikee, jailbreak-corpus-mini, unused READMEs)
    --aib         also the agent-injection-bench blind set
    --blind2      also the BLIND2 set (16 packages new in the third round; see README.md)
    --blind3      also the BLIND3 set (14 packages new in the fourth round; see README.md)
    --blindN      also BLIND N (4 to 37 where present), each written by hand by a separate
                  session that never saw the detector (handwritten/README.md); --blind4 ...
    --model FILE  also score another model file (e.g. the previous one) as "botwarden (FILE)"
    -v            list botwarden's misses on TEST

The blind sets are scored once before and once after a round of training changes (see
docs/injection-detection.md); their misses are never listed.
"""

from __future__ import annotations

import json
import math
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from botwarden.guards.injection import InjectionDetector
from botwarden.guards.injection.model import parse

HERE = Path(__file__).resolve().parent
TEST = HERE / ".data" / "corpus" / "test.jsonl"
BLINDS = {
    "--final": ("FINAL blind set", HERE / ".data" / "corpus" / "final.jsonl"),
    "--aib": ("agent-injection-bench 0.1.0", HERE / ".data" / "corpus" / "blind.jsonl"),
    "--blind2": ("BLIND2 set", HERE / ".data" / "corpus" / "blind2.jsonl"),
    "--blind3": ("BLIND3 set", HERE / ".data" / "corpus" / "blind3.jsonl"),
    **{
        f"--blind{n}": (
            f"BLIND{n} set (handwritten, held out)",
            HERE / "handwritten" / f"blind{n}.jsonl",
        )
        for n in range(4, 38)
    },
}
Predict = Callable[[str, str], bool]
# Developers' system prompts (inspect-evals b3): benign, but instructions to a model by design,
# many quoting the attacks they forbid. Reported apart so their weight is visible.
SYSTEM_PROMPTS = "inspect_evals/b3_system_prompts"

PUBLISHED = (
    "Published reference points (from the issue, not measured here):",
    "  DeBERTa prompt-injection classifier: ~79% balanced accuracy on PINT,",
    "    ~100-200 ms per call on CPU",
    "  perplexity heuristics: ~31% of jailbreaks caught at ~7% false positives",
    "Targets: F1 >= 0.90, FPR <= 2% on benign documents, < 1 ms per KB on one core",
)


@dataclass
class Scores:
    name: str
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0
    doc_fp: int = 0
    doc_neg: int = 0
    sys_fp: int = 0
    sys_neg: int = 0
    recall_by_source: dict[str, list[int]] = field(default_factory=dict)

    def add(self, row: dict[str, object], pred: bool) -> None:
        if row["label"]:
            self.tp += pred
            self.fn += not pred
            hit = self.recall_by_source.setdefault(str(row["source"]), [0, 0])
            hit[0] += pred
            hit[1] += 1
            return
        self.fp += pred
        self.tn += not pred
        if row["source"] == SYSTEM_PROMPTS:
            self.sys_neg += 1
            self.sys_fp += pred
        elif row["kind"] == "document":
            self.doc_neg += 1
            self.doc_fp += pred

    @property
    def precision(self) -> float:
        return self.tp / max(self.tp + self.fp, 1)

    @property
    def recall(self) -> float:
        return self.tp / max(self.tp + self.fn, 1)

    @property
    def f1(self) -> float:
        return 2 * self.tp / max(2 * self.tp + self.fp + self.fn, 1)

    @property
    def fpr(self) -> float:
        return self.fp / max(self.fp + self.tn, 1)

    @property
    def doc_fpr(self) -> float:
        """Benign documents other than system prompts."""
        return self.doc_fp / max(self.doc_neg, 1)

    @property
    def doc_fpr_all(self) -> float:
        return (self.doc_fp + self.sys_fp) / max(self.doc_neg + self.sys_neg, 1)

    @property
    def balanced(self) -> float:
        return (self.recall + 1 - self.fpr) / 2


def ours(path: Path | None = None) -> Predict:
    det = InjectionDetector(model=parse(path.read_bytes()) if path else None)
    return lambda text, kind: det.scan(text, kind=kind).flagged  # type: ignore[arg-type]


def sanitizer() -> Predict:
    """Flagged on any detected pattern: a better F1 for it here than its own 0.3 risk bar."""
    from prompt_injection_sanitizer import sanitize

    return lambda text, kind: bool(sanitize(text).detected_patterns)


def defense() -> Predict:
    from prompt_injection_defense import detect_prompt_injection

    return lambda text, kind: detect_prompt_injection(text)["label"] != "benign"


def peers() -> dict[str, Callable[[], Predict]]:
    chosen: dict[str, Callable[[], Predict]] = {"botwarden": ours}
    if "--model" in sys.argv:
        other = Path(sys.argv[sys.argv.index("--model") + 1])
        chosen[f"botwarden ({other.name})"] = lambda: ours(other)
    if "--no-peers" not in sys.argv:
        chosen["prompt-injection-sanitizer 0.1.1"] = sanitizer
    if "--slow-peers" in sys.argv:
        chosen["prompt-injection-defense 0.10.7"] = defense
    return chosen


def kilobytes(rows: list[dict[str, object]], n: int = 300) -> list[str]:
    """1 KB slices of the test texts (benign and injected), the unit of the latency figure."""
    blob = "\n\n".join(str(r["text"]) for r in rows)
    return [blob[i : i + 1024] for i in range(0, min(len(blob) - 1024, n * 1024), 1024)]


ROUNDS = 5  # passes over the slices; each slice's fastest pass is its time
SLOW_PASS = 60.0  # seconds: a peer whose pass takes longer is timed in one pass


def latency(predict: Predict, pieces: list[str]) -> tuple[float, float]:
    """p50 and p99 over the slices of each slice's best of ``ROUNDS`` passes (milliseconds).
    Whole passes, not one slice timed again and again, so caches are as cold as in one pass;
    the best of five keeps out what a shared machine adds (other tenants' work stretched one
    pass by up to 1.6 times here)."""
    best = [math.inf] * len(pieces)
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for i, piece in enumerate(pieces):
            t0 = time.perf_counter_ns()
            predict(piece, "document")
            best[i] = min(best[i], (time.perf_counter_ns() - t0) / 1e6)
        if time.perf_counter() - started > SLOW_PASS:
            break
    best.sort()
    return statistics.median(best), best[int(0.99 * (len(best) - 1))]


def table(results: list[tuple[Scores, float, float]]) -> None:
    head = ("detector", "prec", "recall", "F1", "bal.acc", "FPR", "docFPR", "+sysp", "p50", "p99")
    print(f"\n{head[0]:34} " + " ".join(f"{h:>7}" for h in head[1:]) + "   (latency: ms per KB)")
    for sc, p50, p99 in results:
        cells = (sc.precision, sc.recall, sc.f1, sc.balanced, sc.fpr, sc.doc_fpr, sc.doc_fpr_all)
        print(f"{sc.name:34} " + " ".join(f"{c:7.3f}" for c in cells) + f" {p50:7.3f} {p99:7.3f}")
    base, b50, _ = results[0]
    print("\nratios, botwarden / peer (speed: peer time / ours):")
    for sc, p50, _ in results[1:]:
        print(
            f"  vs {sc.name:32} F1 x{base.f1 / max(sc.f1, 1e-9):.2f}  "
            f"balanced accuracy x{base.balanced / max(sc.balanced, 1e-9):.2f}  "
            f"speed x{p50 / max(b50, 1e-9):.1f}"
        )
    print("\nrecall by held-out source:")
    for src, (hit, n) in sorted(base.recall_by_source.items()):
        others = "  ".join(
            f"{sc.recall_by_source[src][0] / n:.2f}"
            for sc, _, _ in results[1:]
            if src in sc.recall_by_source
        )
        print(f"  {src:36} {hit / n:.2f} of {n}   peers: {others}")


def blind_report(chosen: dict[str, Callable[[], Predict]]) -> None:
    """The blind sets asked for: totals only, so nothing in them can steer a change."""
    for flag, (title, path) in BLINDS.items():
        if flag not in sys.argv:
            continue
        rows = [json.loads(line) for line in path.read_text("utf-8").split("\n") if line]
        for r in rows:
            r.setdefault("source", r.get("genre", path.stem))
        pos = sum(int(r["label"]) for r in rows)
        print(f"\n{title}: {len(rows)} texts, {pos} injections, {len(rows) - pos} benign")
        head = ("prec", "recall", "F1", "FPR", "docFPR")
        print(f"  {'detector':34} " + " ".join(f"{h:>7}" for h in head))
        for name, make in chosen.items():
            predict = make()
            sc = Scores(name)
            for r in rows:
                sc.add(r, predict(str(r["text"]), str(r["kind"])))
            cells = (sc.precision, sc.recall, sc.f1, sc.fpr, sc.doc_fpr)
            print(f"  {name:34} " + " ".join(f"{c:7.3f}" for c in cells))


def main() -> None:
    rows = [json.loads(line) for line in TEST.read_text("utf-8").split("\n") if line]
    pos = sum(int(r["label"]) for r in rows)
    docs = sum(1 for r in rows if not r["label"] and r["kind"] == "document")
    print(
        f"held-out test corpus: {len(rows)} texts, {pos} injections, {len(rows) - pos} benign "
        f"({docs} benign documents, of them {sum(r['source'] == SYSTEM_PROMPTS for r in rows)} "
        "system prompts: docFPR leaves them out, +sysp counts them)"
    )
    pieces = kilobytes(rows)
    results: list[tuple[Scores, float, float]] = []
    misses: list[str] = []
    for name, make in peers().items():
        predict = make()
        sc = Scores(name)
        for r in rows:
            pred = predict(str(r["text"]), str(r["kind"]))
            sc.add(r, pred)
            if name == "botwarden" and pred != bool(r["label"]):
                kind = "FN" if r["label"] else "FP"
                misses.append(f"  {kind} {r['source']:32} {str(r['text'])[:100]!r}")
        p50, p99 = latency(predict, pieces)
        results.append((sc, p50, p99))
    table(results)
    blind_report(peers())
    print()
    print("\n".join(PUBLISHED))
    if "-v" in sys.argv:
        print("\nbotwarden errors:")
        print("\n".join(misses))


if __name__ == "__main__":
    main()
