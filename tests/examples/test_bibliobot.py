"""End-to-end tests of the bibliobot example against a real local HTTP server.

They prove the example's mistakes are real (the bearer key goes out, the cache follows every link)
and that the bot is still well behaved enough to demonstrate botwarden: errors are logged, not
fatal; ``--max-fetches`` bounds the crawl; the key never reaches the logs.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

BOT_DIR = Path(__file__).resolve().parents[2] / "examples" / "bibliobot"
PROXY_VARIABLES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy", "ftp_proxy"}
HUGE_PAGE_BYTES = 2 * 1024 * 1024
KEY = f"fdly-{secrets.token_hex(20)}"  # the hardcoded key; must never reach the logs

# The local server stands in for the feed service, the sites items link to and the new summaries
# service. It records every request with its headers, so tests can assert what the bot really sent.


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Item:
    title: str | None
    path: str
    description: str
    extra_link: str | None = None  # an RSS enclosure or an Atom rel="enclosure" link


ITEMS = (
    Item(
        "Tide-pool sensors report warmer shallows",
        "/articles/1",
        "<p>Volunteers placed sensors in the tide pools near the harbour. The sensors show the "
        'shallows warming faster than the open water. <a href="/articles/extra">Read the '
        "data notes</a>.</p>",
    ),
    Item(
        "The library opens a seed archive",
        "/articles/2",
        "The city library now lends seeds. Borrowers plant them and return seeds from the "
        "harvest. The archive holds four hundred varieties.",
        extra_link="/huge",
    ),
    Item(
        "A story whose page is down",
        "/broken",
        "This item links to a page that fails. The bot must log the failure and carry on.",
    ),
    Item(
        None,
        "/articles/4",
        "An item without a title still gets a summary. Feeds in the wild are often incomplete.",
    ),
)
TITLES = {item.title or "(untitled)" for item in ITEMS}
CRAWLED = {
    "/articles/1",
    "/articles/1/more",
    "/articles/extra",
    "/articles/extra/more",
    "/articles/2",
    "/articles/2/more",
    "/huge",
    "/broken",
    "/articles/4",
    "/articles/4/more",
}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def rss_feed(base: str) -> str:
    entries = []
    for item in ITEMS:
        title = f"<title>{_escape(item.title)}</title>" if item.title else ""
        extra = f'<enclosure url="{item.extra_link}" type="audio/mpeg" length="1"/>'
        entries.append(
            f"<item>{title}<link>{base}{item.path}</link><guid>{base}{item.path}</guid>"
            f"<pubDate>Mon, 02 Nov 2026 09:00:00 GMT</pubDate>"
            f"<description>{_escape(item.description)}</description>"
            f"{extra if item.extra_link else ''}</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Local news</title><link>{base}/</link>{''.join(entries)}</channel></rss>"
    )


def atom_feed(base: str) -> str:
    entries = []
    for item in ITEMS:
        title = f"<title>{_escape(item.title)}</title>" if item.title else ""
        extra = f'<link rel="enclosure" href="{item.extra_link}"/>'
        entries.append(
            f'<entry>{title}<id>urn:test:{item.path}</id><link href="{base}{item.path}"/>'
            f"<updated>2026-11-02T09:00:00Z</updated>"
            f'<summary type="html">{_escape(item.description)}</summary>'
            f"{extra if item.extra_link else ''}</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Local news</title><id>urn:test:feed</id>{''.join(entries)}</feed>"
    )


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen: list[Seen] = []
        self._lock = threading.Lock()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def record(self, seen: Seen) -> None:
        with self._lock:
            self.seen.append(seen)

    def paths(self, method: str = "GET") -> list[str]:
        with self._lock:
            return [s.path for s in self.seen if s.method == method]

    def crawled(self) -> list[str]:
        """Pages fetched by the cache: every GET that is not a feed."""
        return [path for path in self.paths() if not path.startswith("/feeds/")]


class _Handler(BaseHTTPRequestHandler):
    server: FeedServer

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet; the server records requests itself."""

    def _record(self) -> None:
        self.server.record(Seen(self.command, self.path, dict(self.headers.items())))

    def do_POST(self) -> None:
        self._record()
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/v1/submit":
            self._send(401, "application/json", b'{"error": "token expired"}')
        else:
            self._send(404, "text/plain", b"not found")

    def do_GET(self) -> None:
        self._record()
        base = self.server.base
        if self.path == "/feeds/rss.xml":
            self._send(200, "application/rss+xml", rss_feed(base).encode())
        elif self.path == "/feeds/atom.xml":
            self._send(200, "application/atom+xml", atom_feed(base).encode())
        elif self.path == "/broken":
            self._send(500, "text/plain", b"internal error")
        elif self.path == "/huge":
            self._send_huge()
        elif self.path.startswith("/articles/") and self.path.endswith("/more"):
            self._send(200, "text/html", b"<html><body><p>The end.</p></body></html>")
        elif self.path.startswith("/articles/"):
            page = f'<html><body><p>Story.</p><a href="{self.path}/more">more</a></body></html>'
            self._send(200, "text/html; charset=utf-8", page.encode())
        else:
            self._send(404, "text/plain", b"not found")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_huge(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(HUGE_PAGE_BYTES))
        self.end_headers()
        chunk = b"<p>" + b"x" * 65_529 + b"</p>"
        try:
            for _ in range(HUGE_PAGE_BYTES // len(chunk)):
                self.wfile.write(chunk)
        except ConnectionError:
            pass  # the bot stops reading at its page limit and hangs up: expected


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def write_settings(path: Path, *, feeds: list[str], key: str, summaries_api_url: str) -> Path:
    feed_list = ", ".join(f'"{url}"' for url in feeds)
    path.write_text(
        f"feeds = [{feed_list}]\n"
        f'feedly_api_key = "{key}"\n'
        "feedly_key_created = 2024-02-14\n"
        f'summaries_api_url = "{summaries_api_url}"\n'
        'aws_access_key_id = "AKIATESTTESTTESTTEST"\n'
        'aws_secret_access_key = "not-a-secret-not-a-secret-not-a-secret00"\n'
        'cache_dir = ".cache"\n'
        "crawl_depth = 2\n"
        "max_page_bytes = 65536\n"
        "timeout_seconds = 5.0\n",
        encoding="utf-8",
    )
    return path


RunBot = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_bot(tmp_path: Path) -> RunBot:
    """Run ``python -m bibliobot`` in ``tmp_path`` (so ``.cache`` lands there), proxies cleared."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in PROXY_VARIABLES}
    env["PYTHONPATH"] = str(BOT_DIR)
    env["PYTHONDONTWRITEBYTECODE"] = "1"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bibliobot", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    return run


@pytest.fixture(params=["rss", "atom"])
def settings(request: pytest.FixtureRequest, tmp_path: Path, feed_server: FeedServer) -> Path:
    base = feed_server.base
    return write_settings(
        tmp_path / "settings.toml",
        feeds=[f"{base}/feeds/{request.param}.xml"],
        key=KEY,
        summaries_api_url=f"{base}/v1/submit",
    )


def _summaries(out: Path) -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(out.glob("*.json"))]


def test_run_writes_summaries_and_shows_its_mistakes(
    run_bot: RunBot, settings: Path, feed_server: FeedServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run_bot("--config", str(settings), "--out", str(out), "--verbose")

    assert result.returncode == 0, result.stderr
    documents = _summaries(out)
    assert {doc["title"] for doc in documents} == TITLES
    assert all(doc["summary"] and len(doc["summary"]) <= 280 for doc in documents)
    # The over-eager cache followed every item link, enclosure and in-text link, two hops deep.
    assert set(feed_server.crawled()) == CRAWLED
    assert any((tmp_path / ".cache").glob("*.body"))
    # The hardcoded key really is sent, to the feed and to the undeclared summaries service.
    feed_request = next(s for s in feed_server.seen if s.path.startswith("/feeds/"))
    assert feed_request.headers["Authorization"] == f"Bearer {KEY}"
    submit = next(s for s in feed_server.seen if s.method == "POST")
    assert submit.path == "/v1/submit"
    assert submit.headers["Authorization"] == f"Bearer {KEY}"


def test_errors_are_logged_not_fatal_and_the_key_stays_out_of_logs(
    run_bot: RunBot, settings: Path, tmp_path: Path
) -> None:
    result = run_bot("--config", str(settings), "--out", str(tmp_path / "out"), "--verbose")

    assert result.returncode == 0
    assert "/broken: HTTP 500" in result.stderr
    assert "summaries API refused the batch" in result.stderr
    assert "HTTP 401" in result.stderr
    assert "larger than the page limit" in result.stderr
    assert "Traceback" not in result.stderr
    assert KEY not in result.stdout
    assert KEY not in result.stderr


def test_the_huge_page_is_cut_at_the_page_limit(
    run_bot: RunBot, settings: Path, tmp_path: Path
) -> None:
    run_bot("--config", str(settings), "--out", str(tmp_path / "out"))

    sizes = [path.stat().st_size for path in (tmp_path / ".cache").glob("*.body")]
    assert max(sizes) == 65536


def test_max_fetches_bounds_the_crawl(
    run_bot: RunBot, settings: Path, feed_server: FeedServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run_bot("--config", str(settings), "--out", str(out), "--max-fetches", "3")

    assert result.returncode == 0
    assert len(feed_server.crawled()) == 3
    assert "reached --max-fetches=3" in result.stderr
    assert {doc["title"] for doc in _summaries(out)} == TITLES


def test_cached_pages_are_never_fetched_again(
    run_bot: RunBot, settings: Path, feed_server: FeedServer, tmp_path: Path
) -> None:
    run_bot("--config", str(settings), "--out", str(tmp_path / "out"))
    first = len(feed_server.crawled())
    result = run_bot("--config", str(settings), "--out", str(tmp_path / "out"))

    assert result.returncode == 0
    assert feed_server.crawled()[first:] == ["/broken"]  # only the page that failed is retried


@pytest.fixture
def closed_port() -> int:
    """A local port with nothing listening, so connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_exit_code_is_1_when_no_feed_can_be_processed(
    run_bot: RunBot, feed_server: FeedServer, closed_port: int, tmp_path: Path
) -> None:
    base = feed_server.base
    feeds = [
        f"http://127.0.0.1:{closed_port}/feed.xml",  # refused
        f"{base}/feeds/missing.xml",  # 404
        f"{base}/articles/1",  # reachable, but HTML rather than a feed
    ]
    settings = write_settings(
        tmp_path / "settings.toml", feeds=feeds, key=KEY, summaries_api_url=f"{base}/v1/submit"
    )
    result = run_bot("--config", str(settings), "--out", str(tmp_path / "out"))

    assert result.returncode == 1
    assert result.stderr.count("skipped") == len(feeds)
    assert "Traceback" not in result.stderr
    assert feed_server.paths("POST") == []
    assert KEY not in result.stderr


def test_a_missing_settings_file_is_a_usage_error(run_bot: RunBot, tmp_path: Path) -> None:
    result = run_bot("--config", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "out"))

    assert result.returncode == 2
    assert "cannot read settings" in result.stderr


@pytest.fixture
def bibliobot_importable(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Import the example in-process for unit checks, and forget it afterwards."""
    monkeypatch.syspath_prepend(str(BOT_DIR))
    yield
    for name in [n for n in sys.modules if n == "bibliobot" or n.startswith("bibliobot.")]:
        del sys.modules[name]


@pytest.mark.usefixtures("bibliobot_importable")
def test_the_shipped_settings_file_loads_with_its_mistakes() -> None:
    from bibliobot.settings import Settings

    settings = Settings.from_toml(BOT_DIR / "config" / "settings.toml")

    assert settings.summaries_api_url == "https://api.summarize-it.example/v1/submit"
    assert settings.aws_access_key_id is not None
    assert settings.aws_access_key_id.startswith("AKIA")
    assert settings.feedly_key_created is not None
    assert settings.feedly_key_created.year == 2024
    assert settings.feedly_api_key
    assert settings.feedly_api_key not in repr(settings)


@pytest.mark.usefixtures("bibliobot_importable")
@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (b"<html><body>not a feed</body></html>", "neither"),
        (b"<rss><channel><item>", "not XML"),
        (b"", "not XML"),
    ],
)
def test_parse_feed_rejects_what_is_not_a_feed(document: bytes, reason: str) -> None:
    from bibliobot.feeds import FeedError, parse_feed

    with pytest.raises(FeedError, match=reason):
        parse_feed(document, "https://example.org/feed")


@pytest.mark.usefixtures("bibliobot_importable")
def test_parse_feed_reads_rss_1_with_relative_links() -> None:
    from bibliobot.feeds import parse_feed

    rdf = (
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns="http://purl.org/rss/1.0/"><item rdf:about="urn:a"><title> Spaced\n title </title>'
        b"<link>/a</link><description>&lt;a href='b'&gt;b&lt;/a&gt;</description></item></rdf:RDF>"
    )

    (item,) = parse_feed(rdf, "https://example.org/news/feed")

    assert (item.id, item.title, item.link) == ("urn:a", "Spaced title", "https://example.org/a")
    assert item.links == ("https://example.org/a", "https://example.org/news/b")


@pytest.mark.usefixtures("bibliobot_importable")
def test_summarize_is_short_extractive_and_handles_empty_text() -> None:
    from bibliobot.llm import summarize

    text = "<p>" + " ".join(f"Sentence number {i} talks about feeds." for i in range(50)) + "</p>"

    summary = summarize(text)

    assert 0 < len(summary) <= 280
    assert "<p>" not in summary
    assert summary.split(". ")[0] + "." in text
    assert summarize("") == ""
