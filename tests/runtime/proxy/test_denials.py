"""Refusals: 403 naming reason and rule (text or JSON), 407 for missing or wrong credentials."""

from __future__ import annotations

import json
import socket

import httpx
import pytest
from tests.runtime.proxy.conftest import Running, StartProxy
from tests.runtime.proxy.support import DictGate, Responses, Upstream, status_of

from botwarden.policy.decision import Code, Decision, deny, report
from botwarden.runtime.proxy.auth import basic_credentials


def test_denial_is_403_plain_text(start_proxy: StartProxy) -> None:
    proxy = start_proxy()
    response = httpx.get("http://blocked.test/x?y=1", proxy=proxy.url, trust_env=False)
    assert response.status_code == 403
    assert response.headers["x-botwarden-decision"] == "not-in-allow-list"
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == (
        "botwarden: denied GET http://blocked.test/x?y=1: blocked.test is not in the allow-list "
        "(rule: egress.default-deny, code: not-in-allow-list)\n"
    )
    (seen,) = proxy.seen
    assert seen.decision is not None
    assert seen.decision.code is Code.NOT_ALLOWED
    assert (seen.status, seen.upstream_status, seen.bytes_up, seen.bytes_down) == (403, None, 0, 0)


def test_denial_as_json(start_proxy: StartProxy) -> None:
    proxy = start_proxy()
    response = httpx.get(
        "http://blocked.test/",
        proxy=proxy.url,
        trust_env=False,
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 403
    document = response.json()
    assert document["error"] == "denied"
    assert document["verdict"] == "deny"
    assert document["code"] == "not-in-allow-list"
    assert document["rule"] == "egress.default-deny"
    assert document["host"] == "blocked.test"


def test_connection_kept_after_a_bodiless_denial_closed_after_one_with_a_body(
    start_proxy: StartProxy, upstream: Upstream
) -> None:
    proxy = start_proxy()
    with socket.create_connection(proxy.address, timeout=5) as sock:
        responses = Responses(sock)
        sock.sendall(b"GET http://blocked.test/ HTTP/1.1\r\n\r\n")
        assert responses.next()[0] == 403
        sock.sendall(f"GET http://plain.test:{upstream.port}/echo HTTP/1.1\r\n\r\n".encode())
        assert responses.next()[0] == 200
        sock.sendall(b"POST http://blocked.test/ HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc")
        status, headers, _ = responses.next()
        assert (status, headers["connection"]) == (403, "close")
        assert sock.recv(10) == b""


class ReportGate(DictGate):
    def _decide(self, host: str, port: int) -> Decision:
        decision = super()._decide(host, port)
        if decision.allowed:
            return decision
        would = deny(Code.NOT_ALLOWED, decision.reason, "egress", host=host, port=port)
        return report(would).with_addresses(("127.0.0.1",))


def test_report_mode_lets_the_request_through(start_proxy: StartProxy, upstream: Upstream) -> None:
    proxy = start_proxy({"bot": ReportGate({})})
    response = httpx.get(f"http://any.test:{upstream.port}/echo", proxy=proxy.url, trust_env=False)
    assert response.status_code == 200
    assert proxy.seen[0].decision is not None
    assert proxy.seen[0].decision.would_deny is Code.NOT_ALLOWED


def test_gate_failure_fails_closed(start_proxy: StartProxy, upstream: Upstream) -> None:
    proxy = start_proxy({"bot": DictGate({"plain.test": ["127.0.0.1"]}, fail=True)})
    before = upstream.connections
    response = httpx.get(f"http://plain.test:{upstream.port}/", proxy=proxy.url, trust_env=False)
    assert response.status_code == 500
    assert "fail closed" in response.text
    assert upstream.connections == before


def test_host_read_differently_by_the_gate_is_refused(start_proxy: StartProxy) -> None:
    class Liar(DictGate):
        def _decide(self, host: str, port: int) -> Decision:
            return super()._decide("plain.test", port)

    proxy = start_proxy({"bot": Liar({"plain.test": ["127.0.0.1"]})})
    response = httpx.get("http://other.test/", proxy=proxy.url, trust_env=False)
    assert response.status_code == 400
    assert "differently" in response.text
    with socket.create_connection(proxy.address, timeout=5) as sock:
        sock.sendall(b"CONNECT other.test:443 HTTP/1.1\r\n\r\n")
        assert Responses(sock).next()[0] == 400


# -- authentication -----------------------------------------------------------------------------


@pytest.fixture
def two_bots(start_proxy: StartProxy) -> Running:
    gates = {
        "alpha": DictGate({"plain.test": ["127.0.0.1"]}),
        "beta": DictGate({"beta-only.test": ["127.0.0.1"]}),
    }
    return start_proxy(gates, {"alpha": "a-token", "beta": "b-token"})


def raw_get(address: tuple[str, int], url: str, auth: bytes | None) -> bytes:
    extra = b"Proxy-Authorization: " + auth + b"\r\n" if auth is not None else b""
    with socket.create_connection(address, timeout=5) as sock:
        sock.sendall(f"GET {url} HTTP/1.1\r\n".encode() + extra + b"Connection: close\r\n\r\n")
        out = b""
        while chunk := sock.recv(65536):
            out += chunk
        return out


@pytest.mark.parametrize(
    ("auth", "message"),
    [
        (None, b"proxy authentication required"),
        (basic_credentials("alpha", "b-token"), b"wrong proxy credentials"),
        (basic_credentials("nobody", "a-token"), b"wrong proxy credentials"),
        (b"Basic not-base64!", b"wrong proxy credentials"),
    ],
)
def test_missing_or_wrong_credentials_are_407(
    two_bots: Running, auth: bytes | None, message: bytes
) -> None:
    response = raw_get(two_bots.address, "http://plain.test/", auth)
    assert status_of(response) == 407
    assert b'Proxy-Authenticate: Basic realm="botwarden"' in response
    assert message in response
    assert b"a-token" not in response
    assert b"b-token" not in response
    assert two_bots.seen[-1].decision is None


def test_each_bot_gets_its_own_gate(two_bots: Running, upstream: Upstream) -> None:
    alpha = f"http://alpha:a-token@{two_bots.address[0]}:{two_bots.address[1]}"
    beta = f"http://beta:b-token@{two_bots.address[0]}:{two_bots.address[1]}"
    with httpx.Client(proxy=alpha, trust_env=False) as http:
        assert http.get(f"http://plain.test:{upstream.port}/echo").status_code == 200
        assert http.get(f"http://beta-only.test:{upstream.port}/echo").status_code == 403
    with httpx.Client(proxy=beta, trust_env=False) as http:
        assert http.get(f"http://plain.test:{upstream.port}/echo").status_code == 403
        assert http.get(f"http://beta-only.test:{upstream.port}/echo").status_code == 200
    assert [e.bot for e in two_bots.seen] == ["alpha", "alpha", "beta", "beta"]


def test_credentials_are_checked_on_every_request(two_bots: Running, upstream: Upstream) -> None:
    good = basic_credentials("alpha", "a-token")
    bad = basic_credentials("alpha", "guess")
    url = f"http://plain.test:{upstream.port}/echo"
    with socket.create_connection(two_bots.address, timeout=5) as sock:
        responses = Responses(sock)
        for auth, status in [(good, 200), (bad, 407), (None, 407), (good, 200)]:
            extra = b"Proxy-Authorization: " + auth + b"\r\n" if auth else b""
            sock.sendall(f"GET {url} HTTP/1.1\r\n".encode() + extra + b"\r\n")
            assert responses.next()[0] == status


def test_connect_needs_credentials_too(two_bots: Running) -> None:
    with socket.create_connection(two_bots.address, timeout=5) as sock:
        sock.sendall(b"CONNECT plain.test:443 HTTP/1.1\r\n\r\n")
        assert Responses(sock).next()[0] == 407


def test_json_denial_names_the_decision_fields(start_proxy: StartProxy) -> None:
    proxy = start_proxy()
    response = raw_get(proxy.address, "http://blocked.test/", None)
    assert status_of(response) == 403
    with socket.create_connection(proxy.address, timeout=5) as sock:
        sock.sendall(
            b"GET http://blocked.test/ HTTP/1.1\r\nAccept: text/html, application/json\r\n\r\n"
        )
        _, headers, body = Responses(sock).next()
    assert headers["content-type"] == "application/json"
    assert json.loads(body)["reason"] == "blocked.test is not in the allow-list"
