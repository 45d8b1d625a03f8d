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
import struct
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from botwarden.errors import Error

MAGIC = b"BWINJ\x01"
WINDOW = 64
STRIDE = 32
MAX_TOKENS = 65536


class InjectionModelError(Error):
    """The shipped model file is missing, truncated or not ours."""


def tokens(canon: str) -> list[str]:
    return canon.split()[:MAX_TOKENS]


def feature_ids(toks: Sequence[str], buckets: int) -> list[list[int]]:
    """Per token, the hashed ids of its unigram and of the bigram it closes."""
    mask = buckets - 1
    out: list[list[int]] = []
    prev = ""
    for tok in toks:
        ids = [zlib.crc32(tok.encode()) & mask]
        if prev:
            ids.append(zlib.crc32(f"{prev} {tok}".encode()) & mask)
        out.append(ids)
        prev = tok
    return out


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

    def score(self, canon: str) -> ModelScore:
        toks = tokens(canon)
        if not toks:
            return ModelScore(self.bias, (0, 0))
        w = self.weights
        per_token = [sum(w[i] for i in ids) for ids in feature_ids(toks, self.buckets)]
        prefix = [0]
        for value in per_token:
            prefix.append(prefix[-1] + value)
        best = ModelScore(-math.inf, (0, 0))
        for start, end in windows(len(toks)):
            count = 2 * (end - start) - 1
            logit = self.bias + self.scale * (prefix[end] - prefix[start]) / math.sqrt(count)
            if logit > best.logit:
                best = ModelScore(logit, (start, end))
        return best


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
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InjectionModelError(f"injection model file has a corrupt header: {exc}") from exc
    raw = blob[body:]
    if buckets <= 0 or buckets & (buckets - 1) or len(raw) != buckets:
        raise InjectionModelError(
            f"injection model file is truncated: {len(raw)} weights, header says {buckets}"
        )
    if zlib.crc32(raw) != crc:
        raise InjectionModelError("injection model file is corrupt: weight checksum mismatch")
    weights = array("b")
    weights.frombytes(raw)
    return HashedModel(buckets, bias, scale, weights, thresholds)


def dump(model: HashedModel) -> bytes:
    raw = model.weights.tobytes()
    head = json.dumps(
        {
            "buckets": model.buckets,
            "bias": model.bias,
            "scale": model.scale,
            "thresholds": model.thresholds,
            "crc32": zlib.crc32(raw),
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
