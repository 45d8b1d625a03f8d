"""``botwarden kill``, ``revive`` and ``status`` against real stores, and a kill reaching a proxy.

The CLI runs in-process (``cli.run``) for the store commands; the kill switch test runs
``botwarden proxy`` and ``botwarden kill`` as separate processes sharing one SQLite file, the
way an operator stops a running bot.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.runtime.proxy.support import Upstream

from botwarden import cli
from botwarden.manifest import parse_manifest
from botwarden.runtime.enforcer import Enforcer
from botwarden.runtime.resolve import Resolver
from botwarden.stores import open_state_store

Run = Callable[..., tuple[int, str, str]]

MANIFEST = """\
schema_version = 1
[bot]
name = "spree"
owner = "o"
[egress]
allow = ["api.example.com", "other.example.org"]
[budget."api.example.com"]
requests = "3/minute"
bytes = "1000B/day"
[budget.total]
requests = "10/minute"
[breaker]
trip_after_status = [401]
threshold = 2
cool_down = "1m"
"""
DNS = {"api.example.com": ["93.184.216.34"], "other.example.org": ["93.184.216.36"]}


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """The root CLI in-process, with no store chosen by the environment."""
    monkeypatch.delenv("BOTWARDEN_STORE", raising=False)

    def call(*argv: str) -> tuple[int, str, str]:
        code = cli.run(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return call


@pytest.fixture(params=["sqlite", "redis", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.db'}"
    return str(request.getfixturevalue("redis_url" if request.param == "redis" else "postgres_url"))


def status_json(run: Run, *argv: str) -> dict[str, Any]:
    code, out, err = run("status", "--format", "json", *argv)
    assert code == 0, err
    report = json.loads(out)
    assert isinstance(report, dict)
    return report


# -- kill, revive, status on every store ----------------------------------------------------------


def test_kill_status_and_revive(run: Run, store_url: str, tmp_path: Path) -> None:
    (tmp_path / "botwarden.toml").write_text(MANIFEST, encoding="utf-8")
    before = time.time()
    code, out, err = run("kill", "spree", "--reason", "runaway crawl", "--store", store_url,
                         "--manifest", str(tmp_path))  # fmt: skip
    assert code == 0, err
    assert out.strip() == "botwarden: killed spree (runaway crawl)"

    report = status_json(run, "--store", store_url, "--manifest", str(tmp_path))
    (kill,) = report["killed"]
    assert kill["bot"] == "spree"
    assert kill["reason"] == "runaway crawl"
    assert re.fullmatch(r".+@.+", kill["by"])  # user@host of the operator
    assert before - 1 <= kill["at"] <= time.time() + 1
    assert status_json(run, "spree", "--store", store_url, "--manifest", str(tmp_path))[
        "killed"
    ] == [kill]
    assert (
        status_json(run, "other", "--store", store_url, "--manifest", str(tmp_path))["killed"] == []
    )

    code, out, _ = run("revive", "spree", "--store", store_url, "--manifest", str(tmp_path))
    assert (code, out.strip()) == (0, "botwarden: revived spree")
    assert status_json(run, "--store", store_url, "--manifest", str(tmp_path))["killed"] == []
    code, out, _ = run("revive", "spree", "--store", store_url, "--manifest", str(tmp_path))
    assert (code, out.strip()) == (0, "botwarden: spree was not killed")


def test_status_shows_budgets_used_and_breakers(
    run: Run, store_url: str, write_manifest: Callable[[str], Path]
) -> None:
    path = write_manifest(MANIFEST)
    store = open_state_store(store_url)
    try:
        enforcer = Enforcer(parse_manifest(MANIFEST), store)
        gate = enforcer.gate(Resolver(DNS))
        for _ in range(2):
            assert gate.decide_url("GET", "https://api.example.com/x").allowed
        for _ in range(2):  # two 401s in a row open the breaker of other.example.org:443
            decision = gate.decide_url("GET", "https://other.example.org/")
            assert decision.allowed
            enforcer.finished(method="GET", target="https://other.example.org/",
                              decision=decision, upstream_status=401)  # fmt: skip
        meter = enforcer.meter_for(gate.decide_url("GET", "https://api.example.com/big"))
        assert meter is not None
        assert meter.add(0, 400)
    finally:
        store.close()

    report = status_json(run, "--store", store_url, "--manifest", str(path))
    assert report["bot"] == "spree"
    budgets = {(b["budget"], b["kind"]): b for b in report["budgets"]}
    assert set(budgets) == {
        ("api.example.com", "requests"), ("api.example.com", "bytes"), ("total", "requests"),
    }  # fmt: skip
    host_requests = budgets[("api.example.com", "requests")]
    assert host_requests["limit"] == "3/minute"
    assert host_requests["used"] == pytest.approx(3, abs=0.1)  # refills slowly: 1 per 20 s
    assert host_requests["remaining"] == pytest.approx(0, abs=0.1)
    assert budgets[("total", "requests")]["used"] == pytest.approx(5, abs=0.5)
    assert budgets[("total", "requests")]["remaining"] == pytest.approx(5, abs=0.5)
    host_bytes = budgets[("api.example.com", "bytes")]
    # each request to the host counts one byte for the asking (BudgetBook.check), then 400
    assert (host_bytes["used"], host_bytes["remaining"]) == (3 + 400, 1000 - 403)

    (breaker,) = report["breakers"]
    assert breaker["upstream"] == "other.example.org:443"
    assert (breaker["state"], breaker["failures"]) == ("open", 2)
    assert 0 < breaker["retry_after"] <= 60

    code, out, err = run("status", "--store", store_url, "--manifest", str(path))
    assert code == 0, err
    assert "kill switch: no bot is killed" in out
    assert "spree: budgets" in out
    assert re.search(r"api\.example\.com\s*│\s*requests\s*│\s*3/minute", out), out
    assert "breakers" in out
    assert re.search(r"other\.example\.org:443\s*│\s*open\s*│\s*2", out), out


def test_status_text_lists_kills_in_a_table(run: Run, tmp_path: Path) -> None:
    (tmp_path / "botwarden.toml").write_text(MANIFEST, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'state.db'}"
    assert run("kill", "spree", "--reason", "incident 42", "--store", url)[0] == 0
    code, out, err = run("status", "--store", url, "--manifest", str(tmp_path))
    assert code == 0, err
    assert "kill switch" in out
    assert re.search(r"spree\s*│.*│.*UTC\s*│\s*incident 42", out), out


def test_status_without_a_manifest_shows_the_kill_switch_alone(run: Run, tmp_path: Path) -> None:
    """An operator's shell is rarely in the bot's folder: ``status --store URL`` still answers."""
    url = f"sqlite:///{tmp_path / 'state.db'}"
    assert run("kill", "spree", "--store", url)[0] == 0
    report = status_json(run, "--store", url, "--manifest", str(tmp_path))
    assert [k["bot"] for k in report["killed"]] == ["spree"]
    assert "bot" not in report
    assert (report["budgets"], report["breakers"]) == ([], [])


# -- where the store is ----------------------------------------------------------------------------


def test_default_store_is_beside_the_manifest(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = tmp_path / "bot"
    bot.mkdir()
    (bot / "botwarden.toml").write_text(MANIFEST, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert run("kill", "spree", "--manifest", str(bot / "botwarden.toml"))[0] == 0
    database = bot / ".botwarden" / "state.db"
    assert database.is_file()
    assert not (elsewhere / ".botwarden").exists()

    monkeypatch.chdir(bot)  # no --manifest: the manifest of the current folder
    report = status_json(run)
    assert report["store"] == f"sqlite:///{database.resolve()}"
    assert [k["bot"] for k in report["killed"]] == ["spree"]
    assert report["bot"] == "spree"


def test_the_environment_chooses_the_store(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "botwarden.toml").write_text(MANIFEST, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    chosen = tmp_path / "fleet" / "shared.db"
    chosen.parent.mkdir()
    monkeypatch.setenv("BOTWARDEN_STORE", f"sqlite:///{chosen}")
    assert run("kill", "spree", "--reason", "env")[0] == 0
    assert chosen.is_file()
    assert not (tmp_path / ".botwarden").exists()
    report = status_json(run)
    assert [k["reason"] for k in report["killed"]] == ["env"]
    # --store wins over the environment
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert status_json(run, "--store", other)["killed"] == []


@pytest.mark.parametrize("command", [["kill", "spree"], ["revive", "spree"], ["status"]])
@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://127.0.0.1/state", "--store"),
        ("redis://127.0.0.1:1/0?timeout=0.3", "127.0.0.1:1"),  # nothing listens there
    ],
)
def test_bad_or_unreachable_store_exits_2_with_one_line(
    run: Run, tmp_path: Path, command: list[str], url: str, why: str
) -> None:
    (tmp_path / "botwarden.toml").write_text(MANIFEST, encoding="utf-8")
    code, out, err = run(*command, "--store", url, "--manifest", str(tmp_path))
    assert code == 2
    assert "Traceback" not in out + err
    errors = [line for line in err.splitlines() if line.startswith("botwarden: error:")]
    assert len(errors) == 1, err
    assert why in errors[0]
    assert len(err.strip().splitlines()) == 1, err


# -- the kill switch reaches a running proxy -----------------------------------------------------


def botwarden(*argv: str) -> list[str]:
    return [sys.executable, "-m", "botwarden", *argv]


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.pop("BOTWARDEN_STORE", None)
    return env


@dataclass
class Looper:
    """A client sending requests through the proxy in a loop, noting when each answer came."""

    proxy: str
    url: str
    answers: list[tuple[float, int, str]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def __call__(self) -> None:
        with httpx.Client(proxy=self.proxy, trust_env=False, timeout=5) as http:
            while not self.stop.is_set():
                response = http.get(self.url)
                decision = response.headers.get("x-botwarden-decision", "")
                self.answers.append((time.monotonic(), response.status_code, decision))
                time.sleep(0.01)

    def first(self, status: int, decision: str, after: float, within: float) -> float | None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            for at, got, said in list(self.answers):
                if at >= after and (got, said) == (status, decision):
                    return at
            time.sleep(0.01)
        return None


@pytest.fixture
def running_proxy(tmp_path: Path) -> Iterator[tuple[str, str, Looper]]:
    """``botwarden proxy`` for bot ``looper`` on a SQLite store, and a client looping through it."""
    upstream = Upstream()
    manifest = tmp_path / "botwarden.toml"
    manifest.write_text(
        'schema_version = 1\n[bot]\nname = "looper"\nowner = "t"\n'
        f'[egress]\nallow = ["127.0.0.1:{upstream.port}"]\n',
        encoding="utf-8",
    )
    store = f"sqlite:///{tmp_path / 'state.db'}"
    child = subprocess.Popen(
        botwarden("proxy", "--manifest", str(manifest), "--listen", "127.0.0.1:0",
                  "--store", store, "--quiet"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env(), cwd=tmp_path,
    )  # fmt: skip
    looper: Looper | None = None
    thread: threading.Thread | None = None
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        match = re.fullmatch(r"botwarden: proxy listening on (http://127\.0\.0\.1:\d+) .*\n", line)
        assert match, line + (child.stderr.read() if child.stderr and not line else "")
        looper = Looper(match.group(1), f"http://127.0.0.1:{upstream.port}/echo")
        thread = threading.Thread(target=looper, daemon=True)
        thread.start()
        yield store, str(tmp_path), looper
    finally:
        if looper is not None and thread is not None:
            looper.stop.set()
            thread.join(10)
        child.terminate()
        child.communicate(timeout=30)
        upstream.stop()


def test_a_kill_reaches_a_running_proxy_within_a_second(
    running_proxy: tuple[str, str, Looper],
) -> None:
    """Functional bound, not a benchmark: the proxy rereads the kill state every 0.5 s
    (killswitch.REFRESH), plus the scheduling of two processes on a busy machine."""
    store, cwd, looper = running_proxy
    assert looper.first(200, "", after=0, within=10) is not None  # it runs

    killed = subprocess.run(
        botwarden("kill", "looper", "--reason", "test", "--store", store),
        capture_output=True, text=True, env=clean_env(), cwd=cwd, timeout=30, check=False,
    )  # fmt: skip
    exited = time.monotonic()
    assert killed.returncode == 0, killed.stderr
    first_killed = looper.first(403, "killed", after=0, within=5)
    assert first_killed is not None, looper.answers[-5:]
    assert first_killed - exited < 1.5
    # once killed, it stays killed: no 200 comes after the first refusal
    time.sleep(0.2)
    assert all(status != 200 for at, status, _ in looper.answers if at > first_killed)

    revived = subprocess.run(
        botwarden("revive", "looper", "--store", store),
        capture_output=True, text=True, env=clean_env(), cwd=cwd, timeout=30, check=False,
    )  # fmt: skip
    assert revived.returncode == 0, revived.stderr
    assert looper.first(200, "", after=time.monotonic(), within=5) is not None


def test_a_manifest_that_does_not_exist_is_an_error(run: Run, tmp_path: Path) -> None:
    code, _, err = run("status", "--manifest", str(tmp_path / "no-such-bot"))
    assert code == 2
    assert "no such file or folder" in err
