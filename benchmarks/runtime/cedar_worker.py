"""Time cedarpy on a generated directory; run by the bench venv's Python, prints one JSON object.

    benchmarks/.bench-venv/bin/python benchmarks/runtime/cedar_worker.py DIR [--budget S]

The API: `cedarpy.PolicySet.from_str` once (the parsed policy set, reused by every call; without
it `is_authorized` re-parses the whole policy text per call), `cedarpy.Entities.from_json_str`
once (the action groups; every attribute the policies read is in the request context), then
`cedarpy.is_authorized(request, policy_set, entities)` per decision, with every request built
before timing (its context already serialised to JSON text, which the API accepts and which saves
the wrapper a json.dumps per call). That is cedarpy's fastest public per-decision call;
`is_authorized_batch` on the same handles is also timed (mean per decision only: one call answers
many requests).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import sys
import time
from pathlib import Path

import cedarpy
from cedar import cedar_entities, cedar_request
from timing import time_calls

BATCH = 2000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--budget", type=float, default=None, help="seconds of timed calls")
    args = parser.parse_args()

    started = time.perf_counter()
    policy_set = cedarpy.PolicySet.from_str((args.directory / "policies.cedar").read_text())
    parse_s = time.perf_counter() - started
    entities = cedarpy.Entities.from_json_str(json.dumps(cedar_entities()))
    items = []
    with (args.directory / "requests.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            items.append(json.loads(line))
            if args.limit is not None and len(items) >= args.limit:
                break
    requests = [cedar_request(item) for item in items]
    for request in requests:  # cedarpy accepts the context as JSON text: serialise it up front
        request["context"] = json.dumps(request["context"])
    authorize = cedarpy.is_authorized
    calls = [(authorize, (request, policy_set, entities)) for request in requests]
    timed = time_calls(calls, args.budget)
    stats, results = timed.stats, timed.results
    agree = sum(
        result.allowed == (item["expect"] == "allow")
        for result, item in zip(results, items, strict=False)
    )
    errors = sum(bool(result.diagnostics.errors) for result in results)

    batch = requests[: max(16, min(BATCH, stats.n // 4))]
    started = time.perf_counter()
    cedarpy.is_authorized_batch(batch, policy_set, entities)
    batch_mean_us = (time.perf_counter() - started) / len(batch) * 1e6

    out = {
        "version": importlib.metadata.version("cedarpy"),
        "policies": len(policy_set),
        "parse_s": parse_s,
        "agree": agree,
        "errors": errors,
        "batch_mean_us": batch_mean_us,
        "batch_n": len(batch),
        **stats.to_dict(),
        "kinds": {k: v.to_dict() for k, v in timed.by_kind([i["k"] for i in items]).items()},
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
