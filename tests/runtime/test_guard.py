"""In-process enforcement: httpx (sync and async) and requests against real loopback servers."""

from __future__ import annotations

import asyncio
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import requests
import trustme

import botwarden
from botwarden.manifest import parse_manifest
from botwarden.policy.decision import Code
from botwarden.runtime.denied import EgressDenied
from botwarden.runtime.guard import Guard
from botwarden.runtime.pinning import NotVetted, vetted_addresses
from botwarden.runtime.resolve import Resolver


class _Handler(BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:
        self.hits.append(f"{self.headers['Host']}{self.path}")
        if self.path.startswith("/redirect"):
            location = self.path.split("to=", 1)[1]
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"hello " + self.path.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class Server:
    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        handler = type("Handler", (_Handler,), {"hits": []})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.hits: list[str] = handler.hits
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.close()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def tls_server(ca: trustme.CA) -> Iterator[Server]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("svc.test").configure_cert(context)
    s = Server(context)
    yield s
    s.close()


def make_guard(port: int, tls_port: int = 1, extra: str = "") -> Guard:
    manifest = parse_manifest(f"""
schema_version = 1
[bot]
name = "b"
owner = "o"
[egress]
allow = ["svc.test:{port}", "svc.test:{tls_port}", "127.0.0.1:{port}", "127.0.0.1:{tls_port}",
         "other.test:{port}"]
[[capability]]
provider = "http"
methods = ["GET"]
urls = ["http://svc.test:{port}/ok/*", "http://svc.test:{port}/redirect*",
        "https://svc.test:{tls_port}/ok/*"]
{extra}
""")
    overrides = {"svc.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]}
    return Guard(manifest, resolver=Resolver(overrides))


def test_httpx_allows_declared_requests_through_the_pinned_address(server: Server) -> None:
    guard = make_guard(server.port)
    with guard.httpx_client() as client:
        response = client.get(f"http://svc.test:{server.port}/ok/1")
    assert response.text == "hello /ok/1"
    assert server.hits[-1] == f"svc.test:{server.port}/ok/1"  # the Host header keeps the name


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://svc.test:{port}/admin", Code.URL_NOT_ALLOWED),
        ("http://svc.test:{port}/ok/../admin", Code.URL_NOT_ALLOWED),
        ("http://svc.test:9/ok/1", Code.PORT_NOT_ALLOWED),
        ("http://elsewhere.test:{port}/", Code.NOT_ALLOWED),
        ("http://169.254.169.254/latest/meta-data/", Code.METADATA),
        ("http://user:pw@svc.test:{port}/ok/1", Code.USERINFO),
    ],
)
def test_httpx_refuses_with_the_decision(server: Server, url: str, code: Code) -> None:
    guard = make_guard(server.port)
    before = len(server.hits)
    with guard.httpx_client() as client, pytest.raises(EgressDenied) as caught:
        client.get(url.format(port=server.port))
    assert caught.value.decision.code is code
    assert isinstance(caught.value, PermissionError)
    assert len(server.hits) == before  # nothing reached the server


def test_every_redirect_hop_is_decided_again(server: Server) -> None:
    guard = make_guard(server.port)
    base = f"http://svc.test:{server.port}"
    with guard.httpx_client(follow_redirects=True) as client:
        assert client.get(f"{base}/redirect?to={base}/ok/2").text == "hello /ok/2"
        with pytest.raises(EgressDenied) as caught:
            client.get(f"{base}/redirect?to=http://169.254.169.254/")
    assert caught.value.decision.code is Code.METADATA
    session = guard.requests_session()
    assert session.get(f"{base}/redirect?to={base}/ok/3").text == "hello /ok/3"
    with pytest.raises(EgressDenied):
        session.get(f"{base}/redirect?to={base}/admin")


def test_a_name_resolving_to_loopback_needs_the_address_listed(server: Server) -> None:
    guard = make_guard(server.port)
    decision = guard.decide("GET", f"http://other.test:{server.port}/")
    assert decision.allowed  # 127.0.0.1:port is listed explicitly
    unlisted = Guard(
        parse_manifest(
            f'schema_version = 1\n[bot]\nname = "b"\nowner = "o"\n'
            f'[egress]\nallow = ["other.test:{server.port}"]\n'
        ),
        resolver=Resolver({"other.test": ["127.0.0.1"]}),
    )
    refused = unlisted.decide("GET", f"http://other.test:{server.port}/")
    assert refused.code is Code.LOOPBACK
    assert refused.addresses == ("127.0.0.1",)


def test_httpx_async(server: Server) -> None:
    guard = make_guard(server.port)

    async def go() -> tuple[str, Code]:
        async with guard.httpx_async_client() as client:
            ok = await client.get(f"http://svc.test:{server.port}/ok/async")
            try:
                await client.get(f"http://svc.test:{server.port}/nope")
            except EgressDenied as exc:
                return ok.text, exc.decision.code
        raise AssertionError("not denied")

    assert asyncio.run(go()) == ("hello /ok/async", Code.URL_NOT_ALLOWED)


def test_requests_adapter(server: Server) -> None:
    guard = make_guard(server.port)
    session = guard.requests_session()
    assert session.get(f"http://svc.test:{server.port}/ok/r").text == "hello /ok/r"
    with pytest.raises(EgressDenied) as caught:
        session.post(f"http://svc.test:{server.port}/ok/r")
    assert caught.value.decision.code is Code.METHOD_NOT_ALLOWED
    with pytest.raises(EgressDenied):
        session.get("http://[::ffff:169.254.169.254]/")


def test_tls_is_verified_against_the_name_not_the_pinned_address(
    tls_server: Server, ca: trustme.CA, tmp_path: Path
) -> None:
    guard = make_guard(1, tls_server.port)
    url = f"https://svc.test:{tls_server.port}/ok/tls"
    context = ssl.create_default_context()
    ca.configure_trust(context)
    with guard.httpx_client(verify=context) as client:
        assert client.get(url).text == "hello /ok/tls"
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    session = guard.requests_session()
    assert session.get(url, verify=str(bundle)).text == "hello /ok/tls"
    # the same server under a name its certificate does not carry is refused by TLS
    with guard.httpx_client(verify=context) as client, pytest.raises(httpx.ConnectError):
        client.get(f"https://127.0.0.1:{tls_server.port}/ok/tls")


def test_a_connection_the_gate_did_not_vet_is_refused() -> None:
    with pytest.raises(NotVetted):
        vetted_addresses("svc.test", 80)


def test_guards_ignore_proxy_settings_from_the_environment(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    guard = make_guard(server.port)
    with guard.httpx_client() as client:
        assert client.get(f"http://svc.test:{server.port}/ok/p").status_code == 200
    assert guard.requests_session().get(f"http://svc.test:{server.port}/ok/p").ok
    with pytest.raises(ValueError, match="proxy"):
        guard.httpx_transport(proxy="http://127.0.0.1:9")


def test_the_package_entry_point(tmp_path: Path, server: Server) -> None:
    path = tmp_path / "botwarden.toml"
    path.write_text(
        'schema_version = 1\n[bot]\nname = "b"\nowner = "o"\n'
        f'[egress]\nallow = ["svc.test:{server.port}", "127.0.0.1:{server.port}"]\n',
        encoding="utf-8",
    )
    guard = botwarden.guard(path, resolve={"svc.test": ["127.0.0.1"]})
    assert guard.check("GET", f"http://svc.test:{server.port}/x").allowed
    with pytest.raises(botwarden.EgressDenied):
        guard.check("GET", "http://svc.test:1/x")
    assert requests.get  # the real library is what the adapter extends
