"""The example bot, unchanged, under ``botwarden run``: what the manifest declares goes through,
everything else is refused with a reason.

The feed service is a local HTTPS server holding a certificate for ``api.feedly.com`` from a test
CA (trustme); ``--resolve`` points that name at it, and ``SSL_CERT_FILE`` makes the bot trust the
CA. The bot's own code is not touched: it uses urllib, which honours the proxy variables that
``botwarden run`` sets.
"""

from __future__ import annotations

import os
import re
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import trustme

BOT_DIR = Path(__file__).resolve().parents[2] / "examples" / "bibliobot"
MANIFEST = (BOT_DIR / "botwarden.toml").read_text(encoding="utf-8")


class _Feedly(BaseHTTPRequestHandler):
    seen: list[str]
    port: int

    def do_GET(self) -> None:
        self.seen.append(self.path)
        base = f"https://api.feedly.com:{self.port}"
        if self.path.startswith("/v3/streams/contents"):
            body = f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>t</title>
<item><title>Seeds</title><link>{base}/v3/streams/articles/1</link>
<description>The city library now lends seeds.</description></item>
</channel></rss>""".encode()
            kind = "application/rss+xml"
        else:
            body = (  # the links an over-eager crawler follows: metadata, and anywhere else
                b"<html><body><p>An article about seeds and libraries.</p>"
                b'<a href="http://169.254.169.254/latest/meta-data/">notes</a>'
                b'<a href="https://elsewhere.example/page">more</a></body></html>'
            )
            kind = "text/html"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def feedly(ca: trustme.CA) -> Iterator[tuple[int, list[str]]]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("api.feedly.com").configure_cert(context)
    handler = type("Feedly", (_Feedly,), {"seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    handler.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield handler.port, handler.seen
    server.shutdown()
    server.server_close()


def _run(
    tmp_path: Path, ca: trustme.CA, port: int, manifest: str, *extra: str
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "botwarden.toml").write_text(manifest, encoding="utf-8")
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    settings = tmp_path / "settings.toml"
    settings.write_text(
        f'feeds = ["https://api.feedly.com:{port}/v3/streams/contents?streamId=feed/x"]\n'
        'feedly_api_key = "not-a-real-key"\n'
        'summaries_api_url = "https://api.summarize-it.example/v1/submit"\n'
        f'out = "{tmp_path / "out"}"\n'
        "crawl_depth = 2\ntimeout_seconds = 10.0\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(PYTHONPATH=str(BOT_DIR), PYTHONDONTWRITEBYTECODE="1", SSL_CERT_FILE=str(bundle))
    command = [sys.executable, "-m", "botwarden", "run", "--manifest", str(tmp_path), *extra,
               "--", sys.executable, "-m", "bibliobot", "--config", str(settings)]  # fmt: skip
    return subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _declared(port: int) -> str:
    """The example's manifest, with the feed service on the test server's port."""
    allow = f'allow = ["api.feedly.com:{port}", "127.0.0.1:{port}", "biblio-data.s3.amazonaws.com"]'
    return re.sub(r"^allow = \[.*\]$", allow, MANIFEST, count=1, flags=re.M)


def test_declared_calls_go_through_and_the_rest_is_refused_with_reasons(
    tmp_path: Path, ca: trustme.CA, feedly: tuple[int, list[str]]
) -> None:
    port, seen = feedly
    result = _run(tmp_path, ca, port, _declared(port), "--resolve", "api.feedly.com:127.0.0.1")
    assert result.returncode == 0, result.stderr  # a feed was processed
    assert any(path.startswith("/v3/streams/contents") for path in seen)  # through the tunnel
    assert "/v3/streams/articles/1" in seen  # the crawler's allowed link
    refusals = [line for line in result.stderr.splitlines() if line.startswith("botwarden: denied")]
    text = "\n".join(refusals)
    assert "api.summarize-it.example:443 (not-in-allow-list" in text  # the undeclared service
    assert "169.254.169.254" in text and "metadata-address" in text  # SSRF from feed content
    assert "elsewhere.example:443 (not-in-allow-list" in text  # the over-eager crawler
    assert "not-a-real-key" not in result.stderr + result.stdout


def test_the_shipped_manifest_refuses_the_undeclared_service(
    tmp_path: Path, ca: trustme.CA, feedly: tuple[int, list[str]]
) -> None:
    port, _ = feedly
    result = _run(tmp_path, ca, port, MANIFEST)
    assert result.returncode == 1  # no feed could be processed: nothing undeclared got out
    assert f"api.feedly.com:{port} (port-not-allowed" in result.stderr
    assert "api.summarize-it.example" not in result.stderr or "not-in-allow-list" in result.stderr
