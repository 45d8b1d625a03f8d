"""Manifest load + validation speed, and the manifest audit check, vs jsonschema on the same data.

The peer is what an editor or a generic CI step would do: validate the TOML data against the JSON
Schema that `botwarden manifest schema` exports. botwarden does more (typed parsing of durations,
hosts, ARNs, located errors), so the ratio says what that costs or saves.
"""

from __future__ import annotations

import json
import statistics
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import jsonschema

from botwarden.analysers.manifest_hygiene import ManifestAnalyser
from botwarden.audit.target import Target
from botwarden.manifest import Manifest, parse_manifest

ROOT = Path(__file__).parent.parent
EXAMPLE = (ROOT / "examples" / "bibliobot" / "botwarden.toml").read_text(encoding="utf-8")


def synthetic(hosts: int = 2000, capabilities: int = 500) -> str:
    lines = ["schema_version = 1", "[bot]", 'name = "bigbot"', 'owner = "team"', "llm = true",
             "[egress]", "allow = ["]  # fmt: skip
    lines += [f'  "api{i}.example{i % 50}.com:{8000 + i % 100}",' for i in range(hosts)]
    lines.append("]")
    for i in range(capabilities):
        lines += ["[[capability]]", f'name = "cap-{i}"', 'provider = "aws"',
                  'actions = ["s3:GetObject", "s3:PutObject", "dynamodb:Query"]',
                  f'resources = ["arn:aws:s3:::bucket-{i}/prefix/*"]']  # fmt: skip
    lines += ["[budget.total]", 'requests = "1000/minute"', 'bytes = "1GB/day"', "[breaker]"]
    return "\n".join(lines) + "\n"


def _as_json(data: object) -> object:
    """TOML dates as strings, as an editor's JSON Schema validator sees them."""
    return json.loads(json.dumps(data, default=str))


def timed(action: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    validator = jsonschema.Draft202012Validator(Manifest.model_json_schema())
    print(f"{'input':<28}{'botwarden load':>16}{'toml+jsonschema':>17}{'ratio':>8}{'audit':>12}")
    for label, text, repeat in (("example bot", EXAMPLE, 200), ("2,000 hosts, 500 caps",
                                                                synthetic(), 5)):  # fmt: skip
        ours = timed(lambda text=text: parse_manifest(text), repeat)
        peer = timed(lambda text=text: validator.validate(_as_json(tomllib.loads(text))), repeat)
        manifest = parse_manifest(text)
        target = Target(ROOT, manifest=manifest)
        audit = timed(lambda target=target: list(ManifestAnalyser().analyse(target)), repeat)
        print(f"{label:<28}{ours * 1e3:>13.2f} ms{peer * 1e3:>11.2f} ms{peer / ours:>7.1f}x"
              f"{audit * 1e3:>9.2f} ms")  # fmt: skip
    print("ratio > 1: botwarden (tomllib + typed validation + locations) is faster than the peer")


if __name__ == "__main__":
    main()
