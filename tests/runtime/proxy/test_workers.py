"""``botwarden proxy --workers N``: several processes on one socket, each its own ledger chain,
stopped together by a signal, and all stopped (exit 1) when one dies on its own."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from tests.runtime.proxy.support import Upstream
from tests.runtime.proxy.test_cli import write_manifest
from tests.runtime.proxy.test_command import botwarden

from botwarden.ledger import open_ledger
from botwarden.runtime.proxy.workers import supported


def start(tmp_path: Path, upstream: Upstream, *extra: str) -> tuple[subprocess.Popen[str], str]:
    manifest = write_manifest(tmp_path, "w", f"127.0.0.1:{upstream.port}")
    child = botwarden(tmp_path, "proxy", "--listen", "127.0.0.1:0", "--manifest", str(manifest),
                      "--store", f"sqlite:///{tmp_path / 'state.db'}", *extra)  # fmt: skip
    assert child.stdout is not None
    line = child.stdout.readline()
    match = re.fullmatch(r"botwarden: proxy listening on http://(\S+) for w \(2 workers\)\n", line)
    assert match, line + (child.stderr.read() if child.stderr else "")
    return child, match.group(1)


def workers_of(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == parent:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(
    not supported() or not Path("/proc").is_dir(), reason="needs fork, SO_REUSEPORT"
)
def test_workers_serve_on_one_socket_with_a_chain_each(tmp_path: Path, upstream: Upstream) -> None:
    child, address = start(tmp_path, upstream, "--workers", "2")
    try:
        assert len(workers_of(child.pid)) == 2
        url = f"http://127.0.0.1:{upstream.port}/echo"
        statuses = []
        for _ in range(30):  # a new connection each: the kernel spreads them over the workers
            with httpx.Client(proxy=f"http://{address}", trust_env=False) as client:
                statuses.append(client.get(url).status_code)
        assert statuses == [200] * 30
    finally:
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=30)
    assert child.returncode == 0, err
    with open_ledger(f"sqlite:///{tmp_path / 'ledger.db'}", read_only=True) as ledger:
        entries = list(ledger.entries())
        assert ledger.verify().ok
    assert len(entries) == 30
    # SO_REUSEPORT spreads connections by their addresses: 30 all on one worker is a 2**-29 event
    assert len({entry.instance for entry in entries}) == 2


@pytest.mark.skipif(
    not supported() or not Path("/proc").is_dir(), reason="needs fork, SO_REUSEPORT"
)
def test_a_worker_that_dies_stops_the_others(tmp_path: Path, upstream: Upstream) -> None:
    child, _ = start(tmp_path, upstream, "--workers", "2")
    first, second = workers_of(child.pid)
    os.kill(first, signal.SIGKILL)
    _, err = child.communicate(timeout=30)
    assert child.returncode == 1
    assert f"proxy worker {first} exited" in err
    deadline = time.monotonic() + 10
    while Path(f"/proc/{second}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{second}").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--workers", "0"], "--workers 0"),
        (["--workers", "2", "--metrics", "127.0.0.1:0"], "--metrics"),
    ],
)
def test_worker_options_are_checked_first(
    tmp_path: Path, upstream: Upstream, extra: list[str], message: str
) -> None:
    manifest = write_manifest(tmp_path, "w", f"127.0.0.1:{upstream.port}")
    child = botwarden(tmp_path, "proxy", "--listen", "127.0.0.1:0", "--manifest", str(manifest),
                      *extra)  # fmt: skip
    _, err = child.communicate(timeout=30)
    assert child.returncode == 2
    assert message in err
