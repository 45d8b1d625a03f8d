"""The statistical half of the detector: hashed word n-grams and logistic-regression weights.

The training script (``benchmarks/injection/train.py``) fits the weights with the very feature
function below, so training and inference cannot drift. Hashing is ``zlib.crc32`` (stable across
runs and machines, unlike ``hash()``). Weights are int8 with one scale, a quarter of a megabyte,
read once per process.

Long texts are read in overlapping windows and the highest window wins: an instruction buried in
a long, benign document is not diluted by the rest of it.
"""

from __future__ import annotations

import json
import math
import re
import struct
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from botwarden.errors import Error

MAGIC = b"BWINJ\x01"
WINDOW = 64
STRIDE = 32  # WINDOW is two strides: HashedModel._score_distinct reads windows as block pairs
MAX_TOKENS = 65536
# n-gram -> weight, kept per model ("w12" models): words repeat (Zipf), and a dict look-up costs
# a third of encoding, hashing and indexing each one. Forgotten at once when full (bounded memory).
_MEMO_KEPT = 1 << 15


class InjectionModelError(Error):
    """The shipped model file is missing, truncated or not ours."""


def tokens(canon: str) -> list[str]:
    return canon.split()[:MAX_TOKENS]


# Feature sets a model file may name. "w12": word unigrams and bigrams (the first models).
# "w12s": those plus each long word's stem (its first STEM characters) and the bigram of stems,
# so "ignoring"/"ignored"/"ignore" and "instructions"/"instruction" share weight: inflections
# and paraphrases in sources the model never saw land on features it did see.
# "w12u": the w12 n-grams, each counted once per window. A window's sum over its n-grams, divided
# by the square root of their count, grows with repetition: a benign line repeated (a CSV of
# similar rows, a log) adds the same mildly positive weights again and again, and a 150-row sales
# table scored like an attack under w12. Counting each n-gram once, a window's size is the number
# of its distinct n-grams.
#
# "w12u" also reads every URL as the one word "url" (:func:`masked`): hosts and paths are the
# writer's to choose, and weights learnt on them would be the training data's made-up domains
# ("collector.evil.example"), not language; the rules read URLs for what they carry.
FEATURES = ("w12", "w12s", "w12u")
_URL = re.compile(r"\b[A-Za-z][A-Za-z0-9+.\-]{1,31}://\S+|\bwww\.\S+", re.IGNORECASE)


def masked(raw: str) -> str:
    """``raw`` with each URL written as "url" and spaces, to its length: offsets survive."""
    return _URL.sub(lambda m: "url" + " " * (len(m.group()) - 3), raw)


def masked_canon(raw: str, canon: str) -> str:
    """``canonical(masked(raw))`` from the canonical text already made: each URL's span cut out
    of ``canon`` and written as "url" and spaces (a URL runs to whitespace, and begins after a
    character no word holds, so no character beside it reads differently; a property test
    compares the two)."""
    if "://" not in raw and "www." not in raw.lower():
        return canon  # every URL holds one of them
    parts: list[str] = []
    last = 0
    for match in _URL.finditer(raw):
        start, end = match.span()
        parts.extend((canon[last:start], "url", " " * (end - start - 3)))
        last = end
    parts.append(canon[last:])
    return "".join(parts)


STEM = 5


def feature_ids(toks: Sequence[str], buckets: int, features: str = "w12") -> list[list[int]]:
    """Per token, the hashed ids of its unigram and of the bigram it closes (and stems, by set)."""
    mask = buckets - 1
    crc = zlib.crc32
    stems = features == "w12s"
    out: list[list[int]] = []
    prev = prev_stem = ""
    for tok in toks:
        ids = [crc(tok.encode()) & mask]
        if prev:
            ids.append(crc(f"{prev} {tok}".encode()) & mask)
        if stems:
            stem = tok[:STEM] + "~" if len(tok) > STEM else tok
            if stem is not tok:
                ids.append(crc(stem.encode()) & mask)
            if prev and (stem is not tok or prev_stem is not prev):
                ids.append(crc(f"{prev_stem} {stem}".encode()) & mask)
            prev_stem = stem
        out.append(ids)
        prev = tok
    return out


def distinct_ids(ids: Sequence[Sequence[int]], start: int, end: int) -> dict[int, None]:
    """The hashed ids of tokens ``start:end`` (:func:`feature_ids`), each once, in order: a
    "w12u" window's features, in training and in :meth:`HashedModel.score` alike."""
    return dict.fromkeys(i for tok_ids in ids[start:end] for i in tok_ids)


def window_size(features: str, start: int, end: int, counts: Sequence[int]) -> int:
    """The feature count a window's sum is divided by (its square root), as training did.

    "w12" models were fitted with ``2 * tokens - 1`` for every window; later sets count the ids.
    """
    if features == "w12":
        return 2 * (end - start) - 1
    return counts[end] - counts[start]


def windows(n: int) -> list[tuple[int, int]]:
    """Token windows that cover ``n`` tokens: one if short, else overlapping ones."""
    if n <= WINDOW:
        return [(0, n)]
    starts = list(range(0, n - WINDOW + 1, STRIDE))
    if starts[-1] + WINDOW < n:
        starts.append(n - WINDOW)
    return [(s, s + WINDOW) for s in starts]


@dataclass(frozen=True, slots=True)
class ModelScore:
    logit: float
    window: tuple[int, int]  # token span of the best window


@dataclass(frozen=True, slots=True)
class HashedModel:
    buckets: int
    bias: float
    scale: float
    weights: array  # type: ignore[type-arg]
    thresholds: dict[str, float]
    features: str = "w12"
    _memo: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def reads(self, raw: str, canon: str) -> str:
        """The canonical text this model scores, for ``raw`` (normalised) and its ``canon``:
        the same offsets, URLs masked under "w12u"."""
        return masked_canon(raw, canon) if self.features == "w12u" else canon

    def score(self, canon: str) -> ModelScore:
        toks = tokens(canon)
        if not toks:
            return ModelScore(self.bias, (0, 0))
        if self.features == "w12u":
            return self._score_distinct(toks)
        if self.features == "w12":
            prefix = counts = self._w12_sums(toks)  # w12 windows do not read the counts
        else:
            w = self.weights
            prefix = [0]
            counts = [0]
            for ids in feature_ids(toks, self.buckets, self.features):
                prefix.append(prefix[-1] + sum(w[i] for i in ids))
                counts.append(counts[-1] + len(ids))
        best = ModelScore(-math.inf, (0, 0))
        for start, end in windows(len(toks)):
            count = window_size(self.features, start, end, counts)
            logit = self.bias + self.scale * (prefix[end] - prefix[start]) / math.sqrt(count)
            if logit > best.logit:
                best = ModelScore(logit, (start, end))
        return best

    def _score_distinct(self, toks: Sequence[str]) -> ModelScore:
        """The "w12u" score: each window's distinct n-grams, their weights summed once each. A
        window of ``WINDOW`` tokens starting on a ``STRIDE`` boundary is two blocks of ``STRIDE``
        tokens, each block's ids gathered and summed once: the window is then the two blocks'
        sums less that of the ids they share (most windows of a long text are such)."""
        ids = self._w12_ids(toks)
        weight = self.weights.__getitem__
        blocks: dict[int, tuple[set[int], int]] = {}

        def block(index: int) -> tuple[set[int], int]:
            found = blocks.get(index)
            if found is None:
                # token i's ids begin at 2i - 1 (the first token has no bigram)
                first = index * STRIDE
                members = set(ids[max(0, 2 * first - 1) : 2 * (first + STRIDE) - 1])
                found = blocks[index] = (members, sum(map(weight, members)))
            return found

        best = ModelScore(-math.inf, (0, 0))
        for start, end in windows(len(toks)):
            if start % STRIDE == 0 and end - start == WINDOW:
                (left, a), (right, b) = block(start // STRIDE), block(start // STRIDE + 1)
                shared = left & right
                total = a + b - sum(map(weight, shared))
                count = len(left) + len(right) - len(shared)
            else:
                distinct = set(ids[max(0, 2 * start - 1) : 2 * end - 1])
                total, count = sum(map(weight, distinct)), len(distinct)
            logit = self.bias + self.scale * total / math.sqrt(count)
            if logit > best.logit:
                best = ModelScore(logit, (start, end))
        return best

    def _w12_ids(self, toks: Sequence[str]) -> list[int]:
        """The ids :func:`feature_ids` gives each token under "w12", in one flat list (the
        token's word, then the bigram it closes). No memo and no Python loop per token: a
        bigram's CRC-32 goes on from its first word's ("a b" is "a", then " b"), each step a C
        loop (map) over the text's tokens. As fast as the hits of a memo of every n-gram, and
        a memo of 32k n-grams was forgotten every few kilobytes of new text (three times slower
        then)."""
        if not toks:
            return []
        crc, keep = zlib.crc32, (self.buckets - 1).__and__
        encoded = list(map(str.encode, toks))
        words = list(map(crc, encoded))
        closing = map(crc, map(b" ".__add__, encoded[1:]), words[:-1])
        # each token's word, then the bigram it closes: w0, w1, g01, w2, g12, ...
        out = [0] * (2 * len(toks) - 1)
        out[0] = keep(words[0])
        out[1::2] = map(keep, words[1:])
        out[2::2] = map(keep, closing)
        return out

    def _w12_sums(self, toks: Sequence[str]) -> list[int]:
        """Running sums of the weights :func:`feature_ids` gives each token ("w12": its word
        and the bigram it closes), the same integers, with weights remembered per n-gram (a
        bigram holds a space, a word none, so the two never share a key)."""
        memo = self._memo
        if len(memo) > _MEMO_KEPT:
            memo.clear()
        w, mask, crc = self.weights, self.buckets - 1, zlib.crc32
        sums = [0]
        total = 0
        prev = ""
        for tok in toks:
            weight = memo.get(tok)
            if weight is None:
                weight = memo[tok] = w[crc(tok.encode()) & mask]
            if prev:
                gram = f"{prev} {tok}"
                closing = memo.get(gram)
                if closing is None:
                    closing = memo[gram] = w[crc(gram.encode()) & mask]
                weight += closing
            total += weight
            sums.append(total)
            prev = tok
        return sums


def parse(blob: bytes) -> HashedModel:
    """A model from the bytes of its file; anything malformed is an :class:`InjectionModelError`."""
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 4:
        raise InjectionModelError("injection model file is not a botwarden model (bad magic)")
    (head_len,) = struct.unpack_from("<I", blob, len(MAGIC))
    body = len(MAGIC) + 4 + head_len
    try:
        head = json.loads(blob[len(MAGIC) + 4 : body])
        buckets, bias, scale = int(head["buckets"]), float(head["bias"]), float(head["scale"])
        thresholds = {str(k): float(v) for k, v in head["thresholds"].items()}
        crc = int(head["crc32"])
        features = str(head.get("features", "w12"))
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise InjectionModelError(f"injection model file has a corrupt header: {exc}") from exc
    raw = blob[body:]
    if buckets <= 0 or buckets & (buckets - 1) or len(raw) != buckets:
        raise InjectionModelError(
            f"injection model file is truncated: {len(raw)} weights, header says {buckets}"
        )
    if features not in FEATURES:
        raise InjectionModelError(f"injection model file names unknown features {features!r}")
    if zlib.crc32(raw) != crc:
        raise InjectionModelError("injection model file is corrupt: weight checksum mismatch")
    weights = array("b")
    weights.frombytes(raw)
    return HashedModel(buckets, bias, scale, weights, thresholds, features)


def dump(model: HashedModel) -> bytes:
    raw = model.weights.tobytes()
    head = json.dumps(
        {
            "buckets": model.buckets,
            "bias": model.bias,
            "scale": model.scale,
            "thresholds": model.thresholds,
            "crc32": zlib.crc32(raw),
            **({} if model.features == "w12" else {"features": model.features}),
        },
        sort_keys=True,
    ).encode()
    return MAGIC + struct.pack("<I", len(head)) + head + raw


@lru_cache(maxsize=1)
def shipped() -> HashedModel:
    """The model in the package, read once per process."""
    try:
        blob = resources.files("botwarden.guards.injection").joinpath("data/model.bin").read_bytes()
    except OSError as exc:
        raise InjectionModelError(f"injection model file cannot be read: {exc}") from exc
    return parse(blob)
