"""``botwarden proxy``: options checked before listening, then served until a signal."""

from __future__ import annotations

import contextlib
import re
import signal
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
from tests.runtime.proxy.support import Upstream
from tests.runtime.proxy.test_command import botwarden

from botwarden.cli_runtime import parse_listen, print_refusal, proxy
from botwarden.errors import UsageError
from botwarden.policy.decision import Code, deny, report
from botwarden.runtime.proxy import Exchange


def write_manifest(tmp_path: Path, bot: str, allow: str) -> Path:
    path = tmp_path / f"{bot}.toml"
    path.write_text(
        f'schema_version = 1\n[bot]\nname = "{bot}"\nowner = "t"\n[egress]\nallow = ["{allow}"]\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1:8899", ("127.0.0.1", 8899)),
        ("[::1]:80", ("::1", 80)),
        ("localhost:0", ("localhost", 0)),
        ("0.0.0.0:1", ("0.0.0.0", 1)),
    ],
)
def test_parse_listen(text: str, expected: tuple[str, int]) -> None:
    assert parse_listen(text) == expected


@pytest.mark.parametrize("text", ["8899", "host:80", "127.0.0.1:x", "127.0.0.1:70000", ":80"])
def test_parse_listen_refusals(text: str) -> None:
    with pytest.raises(UsageError, match="--listen"):
        parse_listen(text)


def test_refuses_a_reachable_address(tmp_path: Path) -> None:
    path = write_manifest(tmp_path, "a", "a.test")
    with pytest.raises(UsageError, match="other machines can reach"):
        proxy([path], listen="0.0.0.0:0")
    with pytest.raises(UsageError, match="needs --tokens"):
        proxy([path], listen="0.0.0.0:0", allow_remote=True)


def test_several_bots_need_a_private_tokens_file(tmp_path: Path) -> None:
    paths = [write_manifest(tmp_path, "a", "a.test"), write_manifest(tmp_path, "b", "b.test")]
    with pytest.raises(UsageError, match="several bots"):
        proxy(paths, listen="127.0.0.1:0")
    tokens = tmp_path / "tokens"
    tokens.write_text("a:1\nb:2\n", encoding="utf-8")
    tokens.chmod(0o644)
    with pytest.raises(UsageError, match="group or others"):
        proxy(paths, listen="127.0.0.1:0", tokens=tokens)
    tokens.chmod(0o600)
    tokens.write_text("a:1\n", encoding="utf-8")
    with pytest.raises(UsageError, match="no proxy token for bot"):
        proxy(paths, listen="127.0.0.1:0", tokens=tokens)


def test_one_bot_per_manifest(tmp_path: Path) -> None:
    first = write_manifest(tmp_path, "a", "a.test")
    second = tmp_path / "copy.toml"
    second.write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(UsageError, match="already served"):
        proxy([first, second], listen="127.0.0.1:0")


def test_refusal_lines(capsys: pytest.CaptureFixture[str]) -> None:
    denial = deny(Code.PRIVATE, "10.0.0.1 is private", "egress.address-policy")
    print_refusal(Exchange("b", "GET", "http://x.test/", 0.0, decision=denial))
    print_refusal(Exchange("b", "CONNECT", "y.test:443", 0.0, decision=report(denial)))
    print_refusal(Exchange("b", "GET", "http://z.test/", 0.0))
    assert capsys.readouterr().err.splitlines() == [
        "botwarden: denied GET http://x.test/ (private-address: 10.0.0.1 is private)",
        "botwarden: report mode let through CONNECT y.test:443 (private-address: report mode: "
        "would deny: 10.0.0.1 is private)",
    ]


def test_serves_several_bots_until_sigterm(tmp_path: Path, upstream: Upstream) -> None:
    allow = f"127.0.0.1:{upstream.port}"
    tokens = tmp_path / "tokens"
    tokens.write_text("alpha:a-secret\nbeta:b-secret\n", encoding="utf-8")
    tokens.chmod(0o600)
    child = botwarden(
        tmp_path, "proxy", "--listen", "127.0.0.1:0", "--tokens", str(tokens),
        "--manifest", str(write_manifest(tmp_path, "alpha", allow)),
        "--manifest", str(write_manifest(tmp_path, "beta", "beta.test")),
    )  # fmt: skip
    assert child.stdout is not None
    line = child.stdout.readline()
    match = re.fullmatch(
        r"botwarden: proxy listening on (http://127\.0\.0\.1:\d+) for alpha, beta\n", line
    )
    assert match, line
    host_port = match.group(1).removeprefix("http://")
    url = f"http://127.0.0.1:{upstream.port}/echo"
    alpha = httpx.get(url, proxy=f"http://alpha:a-secret@{host_port}", trust_env=False)
    beta = httpx.get(url, proxy=f"http://beta:b-secret@{host_port}", trust_env=False)
    nobody = httpx.get(url, proxy=f"http://{host_port}", trust_env=False)
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=30)
    assert (alpha.status_code, beta.status_code, nobody.status_code) == (200, 403, 407)
    assert child.returncode == 0
    assert f"botwarden: denied GET {url} (loopback-address:" in err
    assert "a-secret" not in err


class BlackHole:
    """A TCP server that accepts connections and never answers: a hung or partitioned store."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                self.held.append(self.sock.accept()[0])

    def close(self) -> None:
        self.sock.close()
        for held in self.held:
            held.close()


def test_a_hung_store_costs_one_timeout_not_one_per_request(
    tmp_path: Path, upstream: Upstream
) -> None:
    hole = BlackHole()
    path = write_manifest(tmp_path, "alpha", f"127.0.0.1:{upstream.port}")
    child = botwarden(
        tmp_path, "proxy", "--listen", "127.0.0.1:0", "--manifest", str(path), "--no-ledger",
        "--store", f"redis://127.0.0.1:{hole.port}/0?timeout=1",
    )  # fmt: skip
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        host_port = line.split("http://", 1)[1].split()[0]
        url = f"http://127.0.0.1:{upstream.port}/echo"
        timings = []
        for _ in range(4):
            started = time.monotonic()
            answer = httpx.get(url, proxy=f"http://{host_port}", trust_env=False, timeout=10)
            timings.append(time.monotonic() - started)
            assert answer.status_code == 503
            assert "state store" in answer.text
        assert timings[0] >= 0.9  # the first check waited for the store's timeout
        assert max(timings[1:]) < 0.5, timings  # the others were refused at once
    finally:
        child.send_signal(signal.SIGTERM)
        child.communicate(timeout=30)
        hole.close()
