"""Output sanitizer throughput, and the payload suite, against nh3 alone and bleach.

The corpus is a few MB of LLM-style answers generated deterministically (seeded): Markdown with
headings, lists, code, links and images (some to allowed hosts, most not), some inline HTML, and
now and then an e-mail address, a phone number, a card number or an API key. Every tool is
called once per answer, as a bot would call it. botwarden runs its whole pipeline (Markdown links,
HTML, secrets and personal data), asking the link policy once per URL of each answer; a second
row gives it ``links_by_origin`` (verdicts remembered per origin, which an egress allow-list
deciding by host and port permits). nh3 and bleach only clean HTML, so the ratios show what the
extra passes cost; two rows time the redaction passes alone (the secrets scanner as the redactor
configures it, and personal-data detection) on the raw answers. The payload suite
(tests/guards/output/payloads.py) is then run through each tool, and the payloads still live
afterwards are counted with the tests' oracle.

    benchmarks/.bench-venv/bin/python benchmarks/guards_output/bench_sanitize.py [--mb 4]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import bleach  # noqa: E402
import nh3  # noqa: E402
from tests.guards.output.oracle import allowed, live  # noqa: E402
from tests.guards.output.payloads import PAYLOADS  # noqa: E402

from botwarden.guards.output import OutputPolicy, OutputSanitizer  # noqa: E402
from botwarden.guards.output.pii import find_pii  # noqa: E402
from botwarden.secrets.scan import SecretScanner, load_rules  # noqa: E402

WORDS = (  # noqa: SIM905
    "the a service request returns data bot policy egress token user answer model output "
    "configure deploy cache limit budget report table function value error retry stream feed "
    "article summary source page result query library python install version release"
).split()
HOSTS = ("allowed.invalid", "docs.allowed.invalid", "evil.invalid", "cdn.tracker.invalid")


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
    return " ".join(words).capitalize() + "."


def _link(rng: random.Random) -> str:
    host = rng.choice(HOSTS)
    path = "/".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))
    query = f"?q={rng.choice(WORDS)}&id={rng.randint(1, 10**6)}" if rng.random() < 0.4 else ""
    url = f"https://{host}/{path}{query}"
    kind = rng.random()
    if kind < 0.5:
        return f"[{rng.choice(WORDS)} {rng.choice(WORDS)}]({url})"
    if kind < 0.7:
        return f"![{rng.choice(WORDS)}]({url})"
    if kind < 0.85:
        return url
    return f'<a href="{url}">{rng.choice(WORDS)}</a>'


def _extra(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.3:
        return f"Contact {rng.choice(WORDS)}.{rng.choice(WORDS)}@corp.invalid for details."
    if roll < 0.5:
        return f"Call +1 415 555 {rng.randint(1000, 9999)} or (212) 555-{rng.randint(1000, 9999)}."
    if roll < 0.6:
        return "Card on file: 4111 1111 1111 1111."
    if roll < 0.7:
        key = "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
        return f"Use the key {key} for the bucket."
    if roll < 0.85:
        month, day, minor = rng.randint(1, 9), rng.randint(10, 19), rng.randint(0, 12)
        return f"Released on 2024-0{month}-{day}, version 3.{minor}.1."
    return f"<b>{_sentence(rng)}</b><br>"


def answer(rng: random.Random) -> str:
    parts = [f"## {_sentence(rng)}"]
    for _ in range(rng.randint(2, 5)):
        para = " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))
        if rng.random() < 0.6:
            para += " See " + _link(rng) + "."
        if rng.random() < 0.4:
            para += " " + _extra(rng)
        parts.append(para)
        if rng.random() < 0.4:
            parts.append("\n".join(f"- {_sentence(rng)} `{rng.choice(WORDS)}()`" for _ in range(3)))
        if rng.random() < 0.2:
            parts.append(
                "```python\nfor i in range(n):\n    if a < b and c > d:\n        pass\n```"
            )
    return "\n\n".join(parts)


def corpus(megabytes: float) -> list[str]:
    rng = random.Random(20240607)
    docs, size = [], 0
    while size < megabytes * 1_000_000:
        docs.append(answer(rng))
        size += len(docs[-1].encode())
    return docs


def throughput(clean: Callable[[str], object], docs: list[str], repeat: int = 3) -> float:
    size = sum(len(d.encode()) for d in docs)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for doc in docs:
            clean(doc)
        best = min(best, time.perf_counter() - start)
    return size / best / 1e6


def survivors(clean: Callable[[str, str], str]) -> int:
    count = 0
    for case in PAYLOADS:
        if not case.gone:
            continue
        out = clean(case.text, case.fmt)
        if live(out, case.fmt) or any(n.lower() in out.lower() for n in case.gone):
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=4.0, help="corpus size (default 4 MB)")
    args = parser.parse_args()
    docs = corpus(args.mb)
    size = sum(len(d.encode()) for d in docs)
    print(f"corpus: {len(docs)} answers, {size / 1e6:.1f} MB (mean {size // len(docs)} bytes)\n")

    full = OutputSanitizer(OutputPolicy(link_allowed=allowed))
    # the egress allow-list decides by scheme, host and port, as ``allowed`` does by host
    by_origin = OutputSanitizer(OutputPolicy(link_allowed=allowed, links_by_origin=True))
    links_html = OutputSanitizer(OutputPolicy(link_allowed=allowed, redact=frozenset()))
    html_only = OutputSanitizer(OutputPolicy(links="any", redact=frozenset()))
    secrets = SecretScanner(load_rules(), line_markers=False)  # what the redactor runs
    rows = [
        (
            "botwarden, full (markdown)",
            lambda t: full.sanitize(t).text,
            lambda t, f: full.sanitize(t, f).text,
        ),
        (
            "botwarden, full, verdicts by origin",
            lambda t: by_origin.sanitize(t).text,
            lambda t, f: by_origin.sanitize(t, f).text,
        ),
        ("botwarden, links + HTML only", lambda t: links_html.sanitize(t).text, None),
        ("botwarden, HTML only (fmt=html)", lambda t: html_only.sanitize(t, "html").text, None),
        ("  pass: secrets scan", secrets.scan_text, None),
        ("  pass: personal data", find_pii, None),
        ("nh3.clean", nh3.clean, lambda t, _f: nh3.clean(t)),
        ("bleach.clean", bleach.clean, lambda t, _f: bleach.clean(t)),
    ]
    attacks = sum(1 for p in PAYLOADS if p.gone)
    results = [(name, throughput(fn, docs), None if s is None else survivors(s))
               for name, fn, s in rows]  # fmt: skip
    base = results[0][1]
    print(f"{'tool':38} {'MB/s':>8} {'vs full':>8} {'payloads surviving':>20}")
    for name, mbps, left in results:
        shown = "-" if left is None else f"{left}/{attacks}"
        print(f"{name:38} {mbps:8.1f} {mbps / base:7.2f}x {shown:>20}")
    print("\ntarget: >= 20 MB/s for the full pipeline, 0 payloads surviving")


if __name__ == "__main__":
    main()
