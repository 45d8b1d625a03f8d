"""Fixtures for the proxy tests: real upstream servers on loopback and proxies in threads."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
import trustme
from tests.runtime.proxy.support import DictGate, Upstream

from botwarden.runtime.proxy import Exchange, Proxy, ProxyLimits, ProxyThread


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    server = Upstream()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def tls_upstream(ca: trustme.CA) -> Iterator[Upstream]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("secure.test").configure_cert(context)
    server = Upstream(context)
    yield server
    server.stop()


class Running:
    """A started proxy: its address, what its observer saw, and its gates."""

    def __init__(self, proxy: Proxy, address: tuple[str, int], seen: list[Exchange]) -> None:
        self.proxy = proxy
        self.address = address
        self.seen = seen

    @property
    def url(self) -> str:
        return f"http://{self.address[0]}:{self.address[1]}"


StartProxy = Callable[..., Running]


@pytest.fixture
def start_proxy() -> Iterator[StartProxy]:
    threads: list[ProxyThread] = []

    def start(
        gates: Mapping[str, Any] | None = None,
        tokens: Mapping[str, str] | None = None,
        limits: ProxyLimits | None = None,
        **options: Any,
    ) -> Running:
        seen: list[Exchange] = []
        gates = gates if gates is not None else {"bot": DictGate({"plain.test": ["127.0.0.1"]})}
        proxy = Proxy(gates, tokens, limits=limits, observer=seen.append, **options)
        thread = ProxyThread(proxy)
        threads.append(thread)
        return Running(proxy, thread.start(), seen)

    yield start
    for thread in threads:
        thread.stop()
