"""A rotated key is picked up after the upstream refuses the old one: real server, real store."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from botwarden.manifest import load_manifest
from botwarden.runtime.guard import Guard
from botwarden.secrets.httpx_auth import SecretAuth
from botwarden.secrets.local import LocalStore
from botwarden.secrets.resolver import SecretResolver


class _Api(BaseHTTPRequestHandler):
    accepted: list[str]
    seen: list[str]

    def do_GET(self) -> None:
        given = self.headers.get("Authorization", "")
        self.seen.append(given)
        status = 200 if given == f"Bearer {self.accepted[0]}" else 401
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def api() -> Iterator[tuple[int, type[_Api]]]:
    handler = type("Api", (_Api,), {"accepted": ["token-version-one-0000"], "seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], handler
    server.shutdown()
    server.server_close()


def setup(tmp_path: Path, port: int) -> tuple[Guard, SecretResolver, LocalStore]:
    path = tmp_path / "botwarden.toml"
    path.write_text(
        'schema_version = 1\n[bot]\nname = "b"\nowner = "o"\n'
        f'[egress]\nallow = ["127.0.0.1:{port}"]\n'
        '[secret.api]\nsource = "local:api"\n',
        encoding="utf-8",
    )
    store = LocalStore(
        tmp_path / ".botwarden" / "secrets.json", tmp_path / ".botwarden" / "secrets.key"
    )
    store.set("api", "token-version-one-0000")
    manifest = load_manifest(path)
    return Guard(manifest), SecretResolver(manifest, min_refresh=0), store


def test_a_rotated_key_is_refetched_and_the_request_retried_once(
    tmp_path: Path, api: tuple[int, type[_Api]]
) -> None:
    port, handler = api
    guard, resolver, store = setup(tmp_path, port)
    with guard.httpx_client(auth=SecretAuth(resolver, "api")) as client:
        assert client.get(f"http://127.0.0.1:{port}/").status_code == 200
        store.rotate("api", "token-version-two-0000")  # rotated in the store ...
        handler.accepted[0] = "token-version-two-0000"  # ... and at the upstream
        assert client.get(f"http://127.0.0.1:{port}/").status_code == 200
    assert handler.seen == [
        "Bearer token-version-one-0000",
        "Bearer token-version-one-0000",  # the cached key, refused
        "Bearer token-version-two-0000",  # refetched once, accepted
    ]


def test_an_unchanged_key_is_not_retried(tmp_path: Path, api: tuple[int, type[_Api]]) -> None:
    port, handler = api
    guard, resolver, _ = setup(tmp_path, port)
    handler.accepted[0] = "a-key-the-bot-does-not-have"
    with guard.httpx_client(auth=SecretAuth(resolver, "api")) as client:
        assert client.get(f"http://127.0.0.1:{port}/").status_code == 401
    assert len(handler.seen) == 1
