"""What the proxy answers when an Enforcer's budgets or breaker refuse: 429, 503, a cut body.

The proxy is wired as ``botwarden proxy`` wires it (cli_runtime._Runtime): the gate comes from
an :class:`Enforcer` over a real SQLite store, the enforcer's meter counts each exchange's bytes
and its observer records each exchange (the breaker's count) once it is over.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.runtime.proxy.support import Upstream, read_until_close

from botwarden.manifest import parse_manifest
from botwarden.runtime.enforcer import Enforcer
from botwarden.runtime.proxy import Exchange, Proxy, ProxyThread
from botwarden.stores import open_state_store


@dataclass
class Enforced:
    enforcer: Enforcer
    address: tuple[str, int]
    seen: list[Exchange]

    @property
    def url(self) -> str:
        return f"http://{self.address[0]}:{self.address[1]}"

    def get(self, url: str) -> httpx.Response:
        with httpx.Client(proxy=self.url, trust_env=False, timeout=5) as http:
            return http.get(url)

    def wait_seen(self, count: int) -> None:
        deadline = time.monotonic() + 5
        while len(self.seen) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(self.seen) >= count, self.seen


Start = Callable[[str], Enforced]


@pytest.fixture
def enforced(tmp_path: Path, upstream: Upstream) -> Iterator[Start]:
    """Start a proxy for bot ``replies`` allowed to reach the upstream, with extra manifest text."""
    started: list[tuple[ProxyThread, Enforcer]] = []

    def start(extra: str) -> Enforced:
        manifest = parse_manifest(
            'schema_version = 1\n[bot]\nname = "replies"\nowner = "t"\n'
            f'[egress]\nallow = ["127.0.0.1:{upstream.port}"]\n' + extra
        )
        store = open_state_store(f"sqlite:///{tmp_path / 'state.db'}")
        enforcer = Enforcer(manifest, store)
        seen: list[Exchange] = []

        def observe(exchange: Exchange) -> None:
            enforcer.proxy_observer(exchange)
            seen.append(exchange)

        proxy = Proxy(
            {"replies": enforcer.gate()}, observer=observe, meter_factory=enforcer.proxy_meter
        )
        thread = ProxyThread(proxy)
        started.append((thread, enforcer))
        return Enforced(enforcer, thread.start(), seen)

    yield start
    for thread, enforcer in started:
        thread.stop()
        enforcer.close()


def retry_after(response: httpx.Response) -> int:
    value = response.headers.get("retry-after", "")
    assert value.isdigit(), response.headers
    return int(value)


def test_a_spent_request_budget_is_429_with_retry_after(
    enforced: Start, upstream: Upstream
) -> None:
    proxy = enforced('[budget.total]\nrequests = "2/minute"\n')
    url = f"http://127.0.0.1:{upstream.port}/echo"
    answers = [proxy.get(url) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    refused = answers[2]
    assert refused.headers["x-botwarden-decision"] == "budget-exhausted"
    assert 1 <= retry_after(refused) <= 30  # one request refills every 30 s
    assert 'budget."total".requests (2/minute) is spent' in refused.text
    proxy.wait_seen(3)
    assert proxy.seen[2].decision is not None
    assert proxy.seen[2].upstream_status is None  # the upstream was never asked


def test_an_open_breaker_is_503_with_retry_after(enforced: Start, upstream: Upstream) -> None:
    proxy = enforced('[breaker]\ntrip_after_status = [429]\nthreshold = 2\ncool_down = "1m"\n')
    refusing = f"http://127.0.0.1:{upstream.port}/status/429"
    assert [proxy.get(refusing).status_code for _ in range(2)] == [429, 429]  # relayed
    proxy.wait_seen(2)  # the breaker counts each answer once its exchange is over
    asked = len(upstream.requests)
    refused = proxy.get(f"http://127.0.0.1:{upstream.port}/echo")
    assert refused.status_code == 503
    assert refused.headers["x-botwarden-decision"] == "breaker-open"
    assert 1 <= retry_after(refused) <= 60
    assert len(upstream.requests) == asked  # refused before it connected


def test_a_spent_byte_budget_cuts_the_body(enforced: Start, upstream: Upstream) -> None:
    # the budget is larger than one read from the upstream (at most 256 KiB), so the head and
    # the first pieces of the body pass before the cut
    budget, size = 1_000_000, 4_000_000
    proxy = enforced(f'[budget."127.0.0.1:{upstream.port}"]\nbytes = "1MB/day"\n')
    with socket.create_connection(proxy.address, timeout=5) as sock:
        sock.sendall(f"GET http://127.0.0.1:{upstream.port}/bytes/{size} HTTP/1.1\r\n"
                     f"Host: 127.0.0.1:{upstream.port}\r\n\r\n".encode())  # fmt: skip
        received = read_until_close(sock)
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert f"content-length: {size}".encode() in head.lower()
    assert len(body) < size  # cut mid-body: the client cannot mistake it for the whole
    assert len(body) <= budget
    proxy.wait_seen(1)
    (exchange,) = proxy.seen
    assert exchange.outcome.startswith("stopped: budget"), exchange.outcome
    assert f'budget."127.0.0.1:{upstream.port}".bytes (1MB/day)' in exchange.outcome
    assert exchange.bytes_down < size

    nothing = proxy.get(f"http://127.0.0.1:{upstream.port}/echo")  # spent: refused up front
    assert nothing.status_code == 429
    assert nothing.headers["x-botwarden-decision"] == "budget-exhausted"
    assert retry_after(nothing) >= 1


def test_a_client_sees_the_cut_as_an_incomplete_body(enforced: Start, upstream: Upstream) -> None:
    proxy = enforced(f'[budget."127.0.0.1:{upstream.port}"]\nbytes = "1MB/day"\n')
    url = f"http://127.0.0.1:{upstream.port}/bytes/4000000"
    with (
        httpx.Client(proxy=proxy.url, trust_env=False, timeout=5) as http,
        pytest.raises(httpx.RemoteProtocolError, match=r"incomplete|closed"),
    ):
        http.get(url)
    proxy.wait_seen(1)
    assert proxy.seen[0].outcome.startswith("stopped: budget")
