"""What an operator sees of a running bot: ``--metrics``, ``--log-json`` and the ledger.

``botwarden proxy`` and ``botwarden run`` run as separate processes against a local upstream;
the metrics are scraped over HTTP while they run, the JSON log and the ledger read afterwards.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.runtime.proxy.support import Upstream

from botwarden import cli

BOT = "watched"
SAMPLE = re.compile(r"^(?P<name>[a-z_]+)\{(?P<labels>[^}]*)\} (?P<value>\S+)$")


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    server = Upstream()
    yield server
    server.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_manifest(folder: Path, port: int) -> Path:
    path = folder / "botwarden.toml"
    path.write_text(
        f'schema_version = 1\n[bot]\nname = "{BOT}"\nowner = "t"\n'
        f'[egress]\nallow = ["127.0.0.1:{port}"]\n'
        f'[budget."127.0.0.1:{port}"]\nrequests = "3/minute"\n',
        encoding="utf-8",
    )
    return path


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.pop("BOTWARDEN_STORE", None)
    return env


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """The Prometheus text exposition as {(name, labels): value}; comments checked for form."""
    found: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    for line in text.splitlines():
        if line.startswith("#"):
            assert re.fullmatch(r"# (HELP|TYPE) botwarden_[a-z_]+ .+", line), line
            continue
        match = SAMPLE.fullmatch(line)
        assert match, line
        labels = frozenset(re.findall(r'([a-z_]+)="([^"]*)"', match["labels"]))
        found[(match["name"], labels)] = float(match["value"])
    return found


def total(found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str,
          **labels: str) -> float:  # fmt: skip
    wanted = set(labels.items())
    return sum(v for (n, got), v in found.items() if n == name and wanted <= got)


def traffic(proxy: str, port: int) -> list[int]:
    """Three allowed requests, a fourth over the budget, one to a host not allowed."""
    with httpx.Client(proxy=proxy, trust_env=False, timeout=5) as http:
        codes = [http.get(f"http://127.0.0.1:{port}/echo").status_code for _ in range(4)]
        codes.append(http.get("http://not-allowed.test/").status_code)
    return codes


def scrape(url: str, decisions: float) -> str:
    """The metrics once they count ``decisions`` (the observer runs after each reply)."""
    deadline = time.monotonic() + 5
    while True:
        text = httpx.get(url, trust_env=False, timeout=5).text
        if total(samples(text), "botwarden_decisions_total") >= decisions:
            return text
        if time.monotonic() > deadline:
            return text
        time.sleep(0.05)


def assert_metrics(text: str, *, allowed: int, denied: dict[str, int]) -> None:
    found = samples(text)
    for name in ("decisions_total", "bytes_total", "refused_total"):
        assert f"# TYPE botwarden_{name} counter" in text
    assert total(found, "botwarden_decisions_total", bot=BOT, verdict="allow") == allowed
    assert total(found, "botwarden_decisions_total", bot=BOT, verdict="deny") == sum(
        denied.values()
    )
    for code, count in denied.items():
        assert total(found, "botwarden_refused_total", bot=BOT, code=code) == count
    assert total(found, "botwarden_bytes_total", bot=BOT, direction="up") > 0
    assert total(found, "botwarden_bytes_total", bot=BOT, direction="down") > 0
    # gauges read from the store at scrape time: a "3/minute" budget with 3 requests admitted
    assert "# TYPE botwarden_budget_remaining gauge" in text
    remaining = total(found, "botwarden_budget_remaining", bot=BOT, kind="requests")
    assert 0 <= remaining < 1


def ledger_records(store: str, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    capsys.readouterr()
    code = cli.run(["ledger", "show", "--store", store, "--bot", BOT, "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return [json.loads(line)["record"] for line in out.splitlines() if line.strip()]


DENIED = {"budget-exhausted": 1, "not-in-allow-list": 1}


def test_proxy_metrics_json_log_and_ledger(
    tmp_path: Path, upstream: Upstream, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = write_manifest(tmp_path, upstream.port)
    store = f"sqlite:///{tmp_path / 'state.db'}"
    metrics = f"127.0.0.1:{free_port()}"
    log = tmp_path / "decisions.jsonl"
    child = subprocess.Popen(
        [sys.executable, "-m", "botwarden", "proxy", "--manifest", str(manifest), "--listen",
         "127.0.0.1:0", "--store", store, "--metrics", metrics, "--log-json", str(log), "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env(), cwd=tmp_path,
    )  # fmt: skip
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        assert match, line
        assert traffic(match[1], upstream.port) == [200, 200, 200, 429, 403]
        text = scrape(f"http://{metrics}/metrics", 5)
        missing = httpx.get(f"http://{metrics}/other", trust_env=False, timeout=5)
    finally:
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=30)
    assert child.returncode == 0, err
    assert_metrics(text, allowed=3, denied=DENIED)
    assert missing.status_code == 404

    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5
    logged = [json.loads(line) for line in lines]
    for record in logged:
        assert {"verdict", "code", "rule", "target", "bytes_up", "bytes_down", "bot"} <= set(record)
        assert record["bot"] == BOT
    assert [(r["verdict"], r["code"]) for r in logged] == [("allow", "allowed")] * 3 + [
        ("deny", "budget-exhausted"), ("deny", "not-in-allow-list"),
    ]  # fmt: skip
    assert logged[0]["target"] == f"http://127.0.0.1:{upstream.port}/echo"
    assert logged[0]["rule"] == "egress.allow[0]"
    assert logged[3]["rule"] == f'budget."127.0.0.1:{upstream.port}"'
    assert all(r["bytes_down"] > 0 for r in logged[:3])
    assert all(r["bytes_down"] == 0 for r in logged[3:])  # refused: nothing was fetched

    recorded = ledger_records(store, capsys)
    assert [(r["target"], r["code"]) for r in recorded] == [
        (r["target"], r["code"]) for r in logged
    ]


def test_run_with_metrics_and_no_ledger(
    tmp_path: Path, upstream: Upstream, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = write_manifest(tmp_path, upstream.port)
    store = f"sqlite:///{tmp_path / 'state.db'}"
    metrics = f"127.0.0.1:{free_port()}"
    log = tmp_path / "decisions.jsonl"
    child = tmp_path / "child.py"
    child.write_text(
        "import os, sys, time, httpx\n"
        f"sys.path.insert(0, {str(Path(__file__).parents[2])!r})\n"
        "from tests.runtime.test_observability import scrape, traffic\n"
        "print(traffic(os.environ['HTTP_PROXY'], int(sys.argv[1])))\n"
        "print(scrape(sys.argv[2], 5), end='')\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "botwarden", "run", "--manifest", str(manifest), "--store", store,
         "--no-ledger", "--metrics", metrics, "--log-json", str(log), "--quiet", "--",
         sys.executable, str(child), str(upstream.port), f"http://{metrics}/metrics"],
        capture_output=True, text=True, env=clean_env(), cwd=tmp_path, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    first, _, text = result.stdout.partition("\n")
    assert first == "[200, 200, 200, 429, 403]"
    assert_metrics(text, allowed=3, denied=DENIED)
    assert len(log.read_text(encoding="utf-8").splitlines()) == 5  # the log does not need it
    assert (tmp_path / "state.db").is_file()  # the budgets were counted in the store
    assert not (tmp_path / "ledger.db").exists()  # and no ledger was opened beside it
