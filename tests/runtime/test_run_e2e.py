"""``botwarden run`` end to end: curl, httpx and requests as the bot, real HTTP and HTTPS upstreams.

The upstreams listen on loopback under the name ``svc.test`` (answered by ``--resolve``); HTTPS
uses a certificate for that name from a test CA, which each client is told to trust. The clients
find the proxy only through the environment ``botwarden run`` gives them.
"""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import trustme


class _Handler(BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = f"hello {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Upstreams:
    http_port: int
    https_port: int
    hits: list[str]
    ca_file: Path
    workdir: Path


@pytest.fixture(scope="module")
def upstreams(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Upstreams]:
    workdir = tmp_path_factory.mktemp("run")
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(workdir / "ca.pem"))
    handler = type("Handler", (_Handler,), {"hits": []})
    plain = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    secure = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("svc.test").configure_cert(context)
    secure.socket = context.wrap_socket(secure.socket, server_side=True)
    for server in (plain, secure):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    http_port, https_port = plain.server_address[1], secure.server_address[1]
    (workdir / "botwarden.toml").write_text(
        f"""schema_version = 1
[bot]
name = "e2e"
owner = "tests"
[egress]
allow = ["svc.test:{http_port}", "svc.test:{https_port}",
         "127.0.0.1:{http_port}", "127.0.0.1:{https_port}"]
[[capability]]
provider = "http"
methods = ["GET"]
urls = ["http://svc.test:{http_port}/ok/*"]
""",
        encoding="utf-8",
    )
    yield Upstreams(http_port, https_port, handler.hits, workdir / "ca.pem", workdir)
    for server in (plain, secure):
        server.shutdown()
        server.server_close()


def run(up: Upstreams, *command: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    argv = [sys.executable, "-m", "botwarden", "run", "--manifest", str(up.workdir),
            "--resolve", "svc.test:127.0.0.1", "--", *command]  # fmt: skip
    return subprocess.run(
        argv, cwd=up.workdir, env=env, capture_output=True, text=True, timeout=60, check=False
    )


CURL = shutil.which("curl")


@pytest.mark.skipif(CURL is None, reason="curl is not installed")
def test_curl_http_https_and_refusals(upstreams: Upstreams) -> None:
    assert CURL is not None
    up = upstreams
    ok = run(up, CURL, "-sS", f"http://svc.test:{up.http_port}/ok/curl")
    assert ok.stdout == "hello /ok/curl", ok.stderr
    tls = run(up, CURL, "-sS", "--cacert", str(up.ca_file), f"https://svc.test:{up.https_port}/x")
    assert tls.stdout == "hello /x", tls.stderr
    refused = run(up, CURL, "-sS", "-w", "%{http_code}", f"http://svc.test:{up.http_port}/admin")
    assert refused.stdout.endswith("403")
    assert "url-not-allowed" in refused.stdout  # the 403 body names the reason
    assert "botwarden: denied GET http://svc.test" in refused.stderr
    tunnel = run(up, CURL, "-sS", "https://elsewhere.example/")
    assert tunnel.returncode != 0  # curl's own exit code comes back: the tunnel was refused
    assert "not-in-allow-list" in tunnel.stderr
    assert "/admin" not in up.hits


CLIENT = """
import sys, httpx, requests
ca, plain, secure = sys.argv[1:4]
print(httpx.get(plain + "/ok/httpx").text)
print(httpx.get(secure + "/httpx", verify=ca).text)
print(requests.get(plain + "/ok/requests").text)
print(requests.get(secure + "/requests", verify=ca).text)
print(httpx.get(plain + "/private").status_code)
try:
    requests.get("https://169.254.169.254/latest/meta-data/", timeout=5)
except requests.exceptions.ProxyError:
    print("refused")
"""


def test_httpx_and_requests_find_the_proxy_in_the_environment(upstreams: Upstreams) -> None:
    up = upstreams
    script = up.workdir / "client.py"
    script.write_text(CLIENT, encoding="utf-8")
    plain, secure = f"http://svc.test:{up.http_port}", f"https://svc.test:{up.https_port}"
    result = run(up, sys.executable, str(script), str(up.ca_file), plain, secure)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "hello /ok/httpx", "hello /httpx", "hello /ok/requests", "hello /requests", "403",
        "refused",
    ]  # fmt: skip
    assert "metadata-address" in result.stderr
    assert "/private" not in up.hits
