"""The incident, replayed: the example bot's spree under ``botwarden run`` is cut off.

A local feed service answers 401 (the expired key) for every feed but one; the one good feed links
to large pages on a news site, which the over-eager crawler downloads. Under ``botwarden run``
the byte budget cuts the downloads off, the breaker stops the 401 spree after ``threshold``
refusals, ``botwarden ledger show`` tells the story, ``ledger verify`` passes, and fails once a
row is edited in the database behind the ledger's back.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

BOT_DIR = Path(__file__).resolve().parents[2] / "examples" / "bibliobot"
MANIFEST = (BOT_DIR / "botwarden.toml").read_text(encoding="utf-8")
PAGE = b"<html><body><p>" + b"seed library news " * 4000 + b"</p></body></html>"  # ~72 KB


class _Site(BaseHTTPRequestHandler):
    news_port: int

    def do_GET(self) -> None:
        if self.path.startswith("/v3/streams/contents?streamId=good"):
            items = "".join(
                f"<item><title>Story {n}</title><link>http://news.example.org:{self.news_port}"
                f"/story/{n}</link><description>Story {n}.</description></item>"
                for n in range(6)
            )
            body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}' \
                   "</channel></rss>"  # fmt: skip
            self._send(200, body.encode(), "application/rss+xml")
        elif self.path.startswith("/v3/"):
            self._send(401, b'{"errorMessage": "token expired"}', "application/json")
        else:
            self._send(200, PAGE, "text/html")

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[int, int]]:
    news = ThreadingHTTPServer(("127.0.0.1", 0), type("News", (_Site,), {}))
    feedly = ThreadingHTTPServer(
        ("127.0.0.1", 0), type("Feedly", (_Site,), {"news_port": news.server_address[1]})
    )
    for server in (news, feedly):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield feedly.server_address[1], news.server_address[1]
    for server in (news, feedly):
        server.shutdown()
        server.server_close()


def botwarden(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(PYTHONPATH=str(BOT_DIR), PYTHONDONTWRITEBYTECODE="1")
    env.pop("BOTWARDEN_STORE", None)
    return subprocess.run(
        [sys.executable, "-m", "botwarden", *argv], cwd=cwd, env=env, capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip


def test_the_spree_is_cut_off_and_the_ledger_tells_the_story(
    tmp_path: Path, site: tuple[int, int]
) -> None:
    feedly, news = site
    manifest = re.sub(
        r"^allow = \[.*\]$",
        f'allow = ["api.feedly.com:{feedly}", "news.example.org:{news}", "127.0.0.1:{feedly}", '
        f'"127.0.0.1:{news}"]',
        MANIFEST, count=1, flags=re.M,
    )  # fmt: skip
    manifest += (
        f'\n[budget."news.example.org:{news}"]\nbytes = "150KB/day"\n'
        '\n[breaker]\ntrip_after_status = [401, 429]\nthreshold = 2\ncool_down = "15m"\n'
    )
    (tmp_path / "botwarden.toml").write_text(manifest, encoding="utf-8")
    feeds = [f"http://api.feedly.com:{feedly}/v3/streams/contents?streamId={name}"
             for name in ("good", "expired-1", "expired-2", "expired-3")]  # fmt: skip
    (tmp_path / "settings.toml").write_text(
        f'feeds = {json.dumps(feeds)}\nfeedly_api_key = "not-a-real-key"\n'
        f'out = "{tmp_path / "out"}"\ncrawl_depth = 1\ntimeout_seconds = 10.0\n',
        encoding="utf-8",
    )
    run = botwarden(
        "run", "--manifest", str(tmp_path), "--resolve", "api.feedly.com:127.0.0.1",
        "--resolve", "news.example.org:127.0.0.1", "--",
        sys.executable, "-m", "bibliobot", "--config", "settings.toml", cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr  # the good feed was processed
    assert (
        f'mid-transfer (budget."news.example.org:{news}".bytes (150KB/day) is spent' in run.stderr
    )
    assert "breaker-open" in run.stderr  # the third 401 feed was never asked for

    shown = botwarden("ledger", "show", "--bot", "bibliobot", "--format", "json", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    # the bot sends its key on every request: it must reach no log line and no ledger entry
    exported = botwarden("ledger", "export", "--format", "csv", cwd=tmp_path)
    for text in (run.stdout, run.stderr, shown.stdout, exported.stdout):
        assert "not-a-real-key" not in text
    entries = [json.loads(line) for line in shown.stdout.splitlines() if line.strip()]
    records = [e.get("record", e) for e in entries]
    statuses = [r.get("upstream_status") for r in records]
    assert statuses.count(401) == 2
    assert any(r.get("code") == "breaker-open" for r in records)
    assert any(str(r.get("outcome", "")).startswith("stopped") or r.get("code") ==
               "budget-exhausted" for r in records)  # fmt: skip
    news = [r for r in records if "news" in r["target"]]
    downloaded = sum(int(r.get("bytes_down") or 0) for r in news)
    assert downloaded <= 150_000 + len(PAGE), [  # cut off near the budget, not after six pages
        (r["target"], r.get("bytes_down"), r.get("outcome"), r.get("code")) for r in news
    ]

    assert botwarden("ledger", "verify", cwd=tmp_path).returncode == 0
    database = tmp_path / ".botwarden" / "ledger.db"  # beside the state store
    with sqlite3.connect(database) as connection:  # an operator hides the breaker's refusal
        changed = connection.execute(
            "UPDATE ledger_entries SET verdict = 'allow' WHERE (instance, seq) = "
            "(SELECT instance, seq FROM ledger_entries WHERE verdict = 'deny' "
            "ORDER BY time DESC LIMIT 1)"
        ).rowcount
    assert changed == 1
    tampered = botwarden("ledger", "verify", cwd=tmp_path)
    assert tampered.returncode == 1
    assert "seq" in tampered.stdout + tampered.stderr
