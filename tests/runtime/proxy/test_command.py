"""``botwarden run``: a child process fetching through a private proxy, exit codes and signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from tests.runtime.proxy.support import DictGate, Upstream

from botwarden.runtime.proxy.command import (
    CommandError,
    child_environment,
    exit_status,
    proxy_url,
    run_command,
)

FETCH = """\
import os, sys
import httpx
assert "NO_PROXY" not in os.environ and "no_proxy" not in os.environ
with httpx.Client(timeout=5) as http:
    print(http.get(sys.argv[1]).status_code, http.get(sys.argv[2]).status_code)
sys.exit(int(sys.argv[3]))
"""

# Runs the real root CLI, with the runtime commands added if cli.py does not register them yet.
LAUNCHER = """\
from botwarden import cli
from botwarden.cli_runtime import register
if not any(command.name == "run" for command in cli.app.registered_commands):
    register(cli.app)
cli.main()
"""


def script(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_environment_points_every_client_at_the_proxy() -> None:
    url = proxy_url("bot:1", "t/k", "127.0.0.1", 9)
    assert url == "http://bot%3A1:t%2Fk@127.0.0.1:9"
    env = child_environment({"NO_PROXY": "*", "no_proxy": "x", "PATH": "/bin"}, url)
    assert env == {
        "PATH": "/bin",
        **dict.fromkeys(("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"), url),
        **dict.fromkeys(("http_proxy", "https_proxy", "all_proxy"), url),
    }


@pytest.mark.parametrize(("code", "status"), [(0, 0), (3, 3), (-15, 143), (-2, 130)])
def test_exit_status_like_a_shell(code: int, status: int) -> None:
    assert exit_status(code) == status


def test_child_fetches_through_the_proxy(
    tmp_path: Path, upstream: Upstream, capfd: pytest.CaptureFixture[str]
) -> None:
    gate = DictGate({"plain.test": ["127.0.0.1"]})
    seen: list[str] = []
    argv = [
        sys.executable,
        script(tmp_path, "fetch.py", FETCH),
        f"http://plain.test:{upstream.port}/echo",
        "http://blocked.test/",
        "3",
    ]
    status = run_command("bot", gate, argv, observer=lambda e: seen.append(e.target))
    assert status == 3
    assert capfd.readouterr().out.split() == ["200", "403"]
    assert seen == [f"http://plain.test:{upstream.port}/echo", "http://blocked.test/"]


def test_private_proxy_refuses_other_local_clients(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    probe = """\
import os, socket, sys
from urllib.parse import urlsplit
url = urlsplit(os.environ["HTTP_PROXY"])
with socket.create_connection((url.hostname, url.port)) as sock:
    sock.sendall(b"GET http://plain.test/ HTTP/1.1\\r\\nConnection: close\\r\\n\\r\\n")
    print(sock.recv(100).split(b" ")[1].decode())
"""
    status = run_command(
        "bot",
        DictGate({"plain.test": ["127.0.0.1"]}),
        [sys.executable, script(tmp_path, "p.py", probe)],
    )
    assert status == 0
    assert capfd.readouterr().out.strip() == "407"  # without the run's token: refused


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["/nonexistent/command"], 127, "command not found"),
        ([__file__], 126, "permission denied"),
        ([], 2, "no command given"),
    ],
)
def test_commands_that_cannot_start(argv: list[str], code: int, message: str) -> None:
    with pytest.raises(CommandError, match=message) as caught:
        run_command("bot", DictGate({}), argv)
    assert caught.value.exit_code == code


# -- the CLI, as a separate process ---------------------------------------------------------------


def manifest(tmp_path: Path, port: int) -> Path:
    path = tmp_path / "botwarden.toml"
    path.write_text(
        f'schema_version = 1\n[bot]\nname = "runbot"\nowner = "t"\n'
        f'[egress]\nallow = ["127.0.0.1:{port}"]\n',
        encoding="utf-8",
    )
    return path


def botwarden(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    launcher = script(tmp_path, "launch.py", LAUNCHER)
    return subprocess.Popen(
        [sys.executable, launcher, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[3],
    )


def test_cli_run_prints_denials_and_passes_the_exit_code(
    tmp_path: Path, upstream: Upstream
) -> None:
    fetch = script(tmp_path, "fetch.py", FETCH)
    allowed = f"http://127.0.0.1:{upstream.port}/echo"
    refused = f"http://127.0.0.2:{upstream.port}/"
    child = botwarden(
        tmp_path, "run", "--manifest", str(manifest(tmp_path, upstream.port)), "--",
        sys.executable, fetch, allowed, refused, "5",
    )  # fmt: skip
    out, err = child.communicate(timeout=60)
    assert child.returncode == 5, err
    assert out.split() == ["200", "403"]
    assert f"botwarden: denied GET {refused} (loopback-address: " in err


def test_cli_run_missing_command_is_127(tmp_path: Path) -> None:
    child = botwarden(
        tmp_path, "run", "--manifest", str(manifest(tmp_path, 9)), "--", "no-such-cmd-x"
    )
    _, err = child.communicate(timeout=60)
    assert child.returncode == 127
    assert "no-such-cmd-x: command not found" in err


WAITER = """\
import signal, sys, time
signal.signal(signal.SIGINT, lambda *_: sys.exit(7))
print("ready", flush=True)
time.sleep(30)
"""


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 7), (signal.SIGHUP, 129)]
)
def test_cli_run_forwards_signals(tmp_path: Path, signum: int, code: int) -> None:
    child = botwarden(
        tmp_path, "run", "--manifest", str(manifest(tmp_path, 9)), "--",
        sys.executable, script(tmp_path, "wait.py", WAITER),
    )  # fmt: skip
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    os.kill(child.pid, signum)
    child.communicate(timeout=30)
    assert child.returncode == code
