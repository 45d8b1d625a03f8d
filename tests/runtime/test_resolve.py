"""Resolver: every address, real lookups for localhost, curl-style overrides, failing closed."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable
from ipaddress import ip_address
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botwarden.errors import Error
from botwarden.policy.decision import Code
from botwarden.runtime.resolve import ResolveError, Resolver, parse_resolve_option

LOCALHOST = ip_address("127.0.0.1")


def both(resolver: Resolver, host: str, port: int) -> tuple[Any, ...]:
    """Resolve with the blocking and the asyncio path; they must agree."""
    blocking = resolver.resolve(host, port)
    assert asyncio.run(resolver.aresolve(host, port)) == blocking
    return blocking


def test_localhost_is_looked_up_for_real() -> None:
    assert LOCALHOST in both(Resolver(), "localhost", 80)


def test_localhost_on_uvloop() -> None:
    uvloop = pytest.importorskip("uvloop")
    found = uvloop.run(Resolver().aresolve("LocalHost.", 443))
    assert LOCALHOST in found


@pytest.mark.parametrize(
    ("host", "expected"),
    [("127.0.0.1", "127.0.0.1"), ("10.0.0.1", "10.0.0.1"), ("[::1]", "::1"), ("::1", "::1"),
     ("0x7f.1", "127.0.0.1"), ("169.254.169.254", "169.254.169.254")],
)  # fmt: skip
def test_ip_literals_come_back_as_they_are(
    host: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_lookup(*_: object, **__: object) -> None:
        raise AssertionError("an IP literal was looked up")

    monkeypatch.setattr(socket, "getaddrinfo", no_lookup)
    assert both(Resolver(), host, 443) == (ip_address(expected),)


def test_default_timeout_is_five_seconds() -> None:
    assert Resolver().timeout == 5.0


@pytest.mark.parametrize("host", ["nothing.invalid", "a.b.INVALID.", "invalid"])
def test_names_under_invalid_fail_at_once(host: str) -> None:
    resolver = Resolver(timeout=0.5)
    for call in (resolver.resolve, lambda h, p: asyncio.run(resolver.aresolve(h, p))):
        with pytest.raises(ResolveError, match="RFC 6761") as caught:
            call(host, 443)
        assert caught.value.code is Code.DNS_FAILURE
        assert isinstance(caught.value, Error)


def test_a_name_that_does_not_exist_fails_with_the_cause() -> None:
    resolver = Resolver(timeout=2.0)  # whatever the local DNS does, no hang beyond this
    with pytest.raises(ResolveError, match=r"cannot resolve 'no-such-host\.test'") as caught:
        resolver.resolve("no-such-host.test", 443)
    assert caught.value.code is Code.DNS_FAILURE
    with pytest.raises(ResolveError, match=r"no-such-host\.test"):
        asyncio.run(resolver.aresolve("no-such-host.test", 443))


@pytest.mark.parametrize("host", ["bad host", "a..b", "аpple.com"])  # noqa: RUF001
def test_a_host_that_is_not_a_name_is_a_resolve_error(host: str) -> None:
    with pytest.raises(ResolveError) as caught:
        Resolver().resolve(host, 443)
    assert caught.value.code is Code.DNS_FAILURE


# -- overrides -----------------------------------------------------------------------------------


def test_override_for_every_port_and_port_specific_override_wins() -> None:
    resolver = Resolver(
        {"api.example.com": ["192.0.2.1", "2001:db8::1"], "api.example.com:8443": ["[::1]"]}
    )
    every = (ip_address("192.0.2.1"), ip_address("2001:db8::1"))
    assert both(resolver, "api.example.com", 443) == every
    assert both(resolver, "API.Example.COM.", 80) == every  # the normalised host matches
    assert both(resolver, "api.example.com", 8443) == (ip_address("::1"),)


def test_override_for_one_port_only_leaves_other_ports_to_dns() -> None:
    resolver = Resolver({"localhost:8080": ["192.0.2.7"]})
    assert both(resolver, "localhost", 8080) == (ip_address("192.0.2.7"),)
    assert LOCALHOST in both(resolver, "localhost", 80)


def test_override_addresses_are_deduplicated_in_order() -> None:
    resolver = Resolver({"x.example": ["10.0.0.2", "10.0.0.1", "10.0.0.2"]})
    assert resolver.resolve("x.example", 443) == (ip_address("10.0.0.2"), ip_address("10.0.0.1"))


def test_international_override_key_matches_its_punycode() -> None:
    resolver = Resolver({"bücher.de": ["192.0.2.9"]})
    assert resolver.resolve("xn--bcher-kva.de", 443) == (ip_address("192.0.2.9"),)


def test_from_options_adds_up_curl_style_strings() -> None:
    resolver = Resolver.from_options(
        [
            "api.example.com:443:192.0.2.1",
            "api.example.com:443:[2001:db8::2]",
            "api.example.com:10.1.1.1",
        ]
    )
    assert resolver.resolve("api.example.com", 443) == (
        ip_address("192.0.2.1"),
        ip_address("2001:db8::2"),
    )
    assert resolver.resolve("api.example.com", 80) == (ip_address("10.1.1.1"),)


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [({"x.example": ["not-an-ip"]}, "must list IP addresses"),
     ({"x.example": []}, "must list IP addresses"),
     ({"x.example": ["10.0.0.1", "nope"]}, "must list IP addresses"),
     ({"x.example": ["fe80::1%eth0"]}, "must list IP addresses"),
     ({"10.0.0.1": ["10.0.0.2"]}, "needs no override"),
     ({"x.example:0": ["10.0.0.2"]}, "port 0"),
     ({"x.example:70000": ["10.0.0.2"]}, "port 70000"),
     ({"bad host": ["10.0.0.2"]}, "bad override")],
)  # fmt: skip
def test_bad_overrides_are_refused_up_front(overrides: dict[str, list[str]], reason: str) -> None:
    with pytest.raises(ResolveError, match=reason) as caught:
        Resolver(overrides)
    assert caught.value.code is Code.DNS_FAILURE


def test_a_lone_string_is_one_address() -> None:
    resolver = Resolver({"x.example": "10.0.0.3"})  # type: ignore[dict-item]
    assert resolver.resolve("x.example", 1) == (ip_address("10.0.0.3"),)


def test_from_options_reports_the_bad_option() -> None:
    with pytest.raises(ResolveError, match=r"x\.example:443:nope"):
        Resolver.from_options(["x.example:443:nope"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [("example.com:443:127.0.0.1", ("example.com", 443, "127.0.0.1")),
     ("example.com:127.0.0.1", ("example.com", None, "127.0.0.1")),
     ("example.com:443:[::1]", ("example.com", 443, "::1")),
     ("example.com:[::1]", ("example.com", None, "::1")),
     ("example.com:::1", ("example.com", None, "::1")),
     ("example.com:443:2001:db8::1", ("example.com", 443, "2001:db8::1")),
     ("example.com:2001:db8::1", ("example.com", 2001, "db8::1")),  # why brackets are advised
     ("example.com:[2001:db8::1]", ("example.com", None, "2001:db8::1")),
     (" example.com:80:10.0.0.1 ", ("example.com", 80, "10.0.0.1"))],
)  # fmt: skip
def test_parse_resolve_option(text: str, expected: tuple[str, int | None, str]) -> None:
    assert parse_resolve_option(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [("example.com", "HOST:PORT:ADDRESS"), (":443:127.0.0.1", "HOST:PORT:ADDRESS"),
     ("example.com:", "HOST:PORT:ADDRESS"), ("example.com:443:nope", "not an IP address"),
     ("example.com:0:127.0.0.1", "port 0"), ("example.com:99999:127.0.0.1", "port 99999")],
)  # fmt: skip
def test_parse_resolve_option_errors(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_resolve_option(text)


@given(st.text(max_size=40))
def test_parse_resolve_option_is_total(text: str) -> None:
    try:
        host, port, address = parse_resolve_option(text)
    except ValueError:
        return
    assert host
    assert port is None or 0 < port < 65536
    assert ip_address(address).compressed == address


# -- what the system resolver answers ------------------------------------------------------------


def _fake_getaddrinfo(
    answer: list[tuple[Any, ...]] | None, gate: threading.Event | None = None
) -> Callable[..., list[tuple[Any, ...]]]:
    """A stand-in for the system resolver: a fixed answer, or one that never comes."""

    def getaddrinfo(*_: object, **__: object) -> list[tuple[Any, ...]]:
        if gate is not None:
            gate.wait(10)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        assert answer is not None
        return answer

    return getaddrinfo


def test_every_address_deduplicated_in_resolver_order(monkeypatch: pytest.MonkeyPatch) -> None:
    tcp = (socket.SOCK_STREAM, 6, "")
    answer = [
        (socket.AF_INET6, *tcp, ("2001:db8::5", 443, 0, 0)),
        (socket.AF_INET, *tcp, ("192.0.2.5", 443)),
        (socket.AF_INET6, *tcp, ("2001:db8::5", 443, 0, 0)),
        (socket.AF_INET, *tcp, ("10.0.0.5", 443)),
    ]
    monkeypatch.setattr(socket, "getaddrinfo", _fake_getaddrinfo(answer))
    expected = tuple(ip_address(a) for a in ("2001:db8::5", "192.0.2.5", "10.0.0.5"))
    assert both(Resolver(), "many.example", 443) == expected


def test_an_empty_answer_is_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", _fake_getaddrinfo([]))
    with pytest.raises(ResolveError, match="no IPv4 or IPv6 address"):
        Resolver().resolve("empty.example", 443)


def test_a_resolver_that_never_answers_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    gate = threading.Event()
    monkeypatch.setattr(socket, "getaddrinfo", _fake_getaddrinfo(None, gate))
    resolver = Resolver(timeout=0.2)
    try:
        with pytest.raises(ResolveError, match=r"'slow\.example': no answer within 0\.2 s"):
            resolver.resolve("slow.example", 443)
    finally:
        gate.set()


def test_async_lookup_that_never_answers_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    gate = threading.Event()
    monkeypatch.setattr(socket, "getaddrinfo", _fake_getaddrinfo(None, gate))

    async def body() -> None:
        try:
            with pytest.raises(ResolveError, match=r"no answer within 0\.2 s") as caught:
                await Resolver(timeout=0.2).aresolve("slow.example", 443)
            assert caught.value.code is Code.DNS_FAILURE
        finally:
            gate.set()  # let the executor thread finish so the loop can close

    asyncio.run(body())
