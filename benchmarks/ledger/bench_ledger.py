"""Ledger speed: durable appends per second (SQLite, PostgreSQL) and ``verify`` time at 1M entries.

Issue #5 targets: at least 50,000 durable appends/s batched on SQLite; verify 1,000,000 entries
in under 5 s. There is no peer tool for a hash-chained decision ledger, so the targets are
printed beside the figures instead of ratios.

An append is counted once it is durable: the clock stops when ``flush()`` returns, i.e. when the
last batch has committed (SQLite WAL with synchronous=NORMAL, or FULL where stated; PostgreSQL
with synchronous_commit=on). Records are shaped like the runtime's (about 400 bytes of JSON).

    .venv/bin/python benchmarks/ledger/bench_ledger.py [--quick] [--postgres URL]

``--postgres`` defaults to $BOTWARDEN_BENCH_POSTGRES, then postgresql://postgres@127.0.0.1:5432/test;
the run uses a schema of its own and drops it. PostgreSQL is skipped if it does not answer.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from botwarden.ledger import Ledger, LedgerError, open_ledger, write_key_pair  # noqa: E402
from botwarden.manifest import parse_manifest  # noqa: E402
from botwarden.policy.decision import allow  # noqa: E402
from botwarden.runtime.enforcer import Enforcer  # noqa: E402
from botwarden.runtime.proxy.exchange import Exchange  # noqa: E402

APPEND_TARGET = 50_000.0
VERIFY_TARGET = 5.0


def record(n: int) -> dict[str, object]:
    return {
        "time": 1_795_685_400.0 + n * 0.001, "bot": f"bot-{n % 8}",
        "verdict": "deny" if n % 10 == 0 else "allow", "code": "allowed", "rule": "egress.allow[0]",
        "reason": "api.feedly.com:443 is in the egress allow list", "method": "GET",
        "target": f"https://api.feedly.com/v3/streams/contents?continuation={n}",
        "host": "api.feedly.com", "port": 443, "addresses": ["93.184.216.34"],
        "action": None, "resource": None, "bytes_up": 0, "bytes_down": 18_342,
        "budget": {"requests_left": 97, "bytes_left": 52_428_800 - n},
    }  # fmt: skip


def appends(url: str, count: int, *, key: Path | None = None) -> float:
    """Durable appends per second: ``count`` appends from one thread, then ``flush``."""
    records = [record(n) for n in range(count)]
    ledger = open_ledger(url, instance=f"bench-{secrets.token_hex(2)}", signing_key=key)
    try:
        started = time.perf_counter()
        for item in records:
            ledger.append(item)
        ledger.flush(timeout=600)
        elapsed = time.perf_counter() - started
    finally:
        ledger.close(timeout=600)
    return count / elapsed


_MANIFEST = """
schema_version = 1
[bot]
name = "bench-proxy"
owner = "benchmarks"
[egress]
allow = ["api.feedly.com"]
"""


class _DictOnly:
    """The ledger seen through ``append`` alone: the enforcer then builds and encodes a dict."""

    def __init__(self, ledger: Ledger) -> None:
        self.append = ledger.append


def exchange_cpu(url: str, count: int, *, dict_path: bool) -> float:
    """CPU µs (every thread of this process) per durable ledger entry of a proxy exchange, from
    the proxy's observer (``Enforcer.proxy_observer``) to the committed row: the enforcer's
    record, ``append``, the writer's chaining and the SQLite insert. ``dict_path`` takes the
    general route (a dict, ``prepare``, sorted JSON) instead of ``ExchangeRecords``."""
    decision = allow("api.feedly.com:443 is in the egress allow list", "egress.allow[0]",
                     host="api.feedly.com", port=443, addresses=("93.184.216.34",))  # fmt: skip
    exchanges = []
    for n in range(count):
        target = f"https://api.feedly.com/v3/streams/contents?continuation={n}"
        exchange = Exchange("bench-proxy", "GET", target, 1_795_685_400.0 + n * 0.001, decision)
        exchange.status = exchange.upstream_status = 200
        exchange.bytes_up, exchange.bytes_down = 212, 18_342
        exchanges.append(exchange)
    ledger = open_ledger(url, instance=f"bench-{secrets.token_hex(2)}")
    try:
        enforcer = Enforcer(parse_manifest(_MANIFEST), ledger=_DictOnly(ledger) if dict_path
                            else ledger, instance="bench-host-1")  # fmt: skip
        observe = enforcer.proxy_observer
        started = time.process_time()
        for exchange in exchanges:
            observe(exchange)
        ledger.flush(timeout=600)
        elapsed = time.process_time() - started
    finally:
        ledger.close(timeout=600)
    return elapsed / count * 1e6


def best(runs: int, measure: Callable[[], float]) -> tuple[float, float]:
    figures = [measure() for _ in range(runs)]
    return max(figures), statistics.median(figures)


def postgres_schema(base: str) -> tuple[str, Callable[[], None]] | None:
    try:
        import psycopg
    except ImportError:
        return None
    schema = f"bench_ledger_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(base, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.Error as exc:
        print(f"PostgreSQL: skipped ({str(exc).strip().splitlines()[0]})")
        return None

    def drop() -> None:
        with psycopg.connect(base, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options={quote(f'-csearch_path={schema}')}", drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (about 30 s)")
    parser.add_argument("--postgres", default=os.environ.get(
        "BOTWARDEN_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"))  # fmt: skip
    options = parser.parse_args()
    count = 50_000 if options.quick else 200_000
    runs = 1 if options.quick else 3
    verify_size = 200_000 if options.quick else 1_000_000
    rows: list[tuple[str, str, str, str]] = []

    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        key = base / "ledger.key"
        write_key_pair(key)
        for label, query, signing in (
            ("SQLite, synchronous=NORMAL", "", None),
            ("SQLite, NORMAL, signed checkpoints", "", key),
            ("SQLite, synchronous=FULL", "?synchronous=full", None),
        ):
            url = f"sqlite:///{base / secrets.token_hex(4)}.db{query}"
            top, median = best(runs, partial(appends, url, count, key=signing))
            rows.append((f"appends/s, {label}", f"{top:,.0f}", f"{median:,.0f}",
                         f">= {APPEND_TARGET:,.0f}" if "FULL" not in label else "-"))  # fmt: skip

        for label, dict_path in (("ExchangeRecords", False), ("dict + prepare", True)):
            url = f"sqlite:///{base / secrets.token_hex(4)}.db"
            figures = [exchange_cpu(url, count // 2, dict_path=dict_path) for _ in range(runs)]
            rows.append((f"CPU µs per proxy exchange entry, {label}", f"{min(figures):.1f}",
                         f"{statistics.median(figures):.1f}", "-"))  # fmt: skip

        postgres = postgres_schema(options.postgres)
        if postgres is not None:
            url, drop = postgres
            try:
                top, median = best(runs, lambda: appends(url, count // 2))
                rows.append(("appends/s, PostgreSQL (local)", f"{top:,.0f}", f"{median:,.0f}", "-"))
            except LedgerError as exc:
                print(f"PostgreSQL: failed: {exc.message}")
            finally:
                drop()

        url = f"sqlite:///{base / 'verify.db'}"
        writer = open_ledger(url, instance="verify", signing_key=key)
        for n in range(verify_size):
            writer.append(record(n))
        writer.close(timeout=600)
        public = base / "ledger.key.pub"
        times = []
        for _ in range(runs):
            reader = open_ledger(url, read_only=True)
            started = time.perf_counter()
            result = reader.verify(public)
            times.append(time.perf_counter() - started)
            if not result.ok or result.entries != verify_size:
                raise SystemExit(f"verify failed: {result}")
        rows.append((f"verify {verify_size:,} entries (SQLite), s", f"{min(times):.2f}",
                     f"{statistics.median(times):.2f}", f"< {VERIFY_TARGET:g}"
                     if verify_size == 1_000_000 else "-"))  # fmt: skip
        size = (base / "verify.db").stat().st_size
        print(f"database: {size / verify_size:.0f} bytes per entry on disk")

    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'best':>10}  {'median':>10}  {'target':>10}")
    for name, top_text, median_text, target in rows:
        print(f"{name:<{width}}  {top_text:>10}  {median_text:>10}  {target:>10}")
    print(f"({runs} run(s) each; {count:,} appends per SQLite run, {count // 2:,} on PostgreSQL)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
