"""Turn a host into every address it names, once, with a deadline, so the gate can vet them all.

The gate checks each address a name resolves to and the caller then connects to one of those very
addresses, never resolving again (that is what defeats DNS rebinding). So this returns *all* the
addresses, in the resolver's order, and treats every failure as a :class:`ResolveError`: a name
that cannot be resolved is a request that is refused, never one let through.

Overrides work like curl's ``--resolve HOST:PORT:ADDR``: a fixed answer for a name, for one port
or (our ``HOST:ADDR`` form) for every port; the port-specific one wins. IP literals are returned
as they are. Names under ``.invalid`` fail at once, as RFC 6761 asks of resolver libraries.

``socket.getaddrinfo`` has no timeout of its own, so the blocking lookup runs in a daemon thread
that is abandoned (not killed) when the deadline passes; a daemon thread cannot hold up exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
import socket
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from ipaddress import IPv4Address, IPv6Address, ip_address
from typing import Any

from botwarden.errors import Error
from botwarden.policy.decision import Code
from botwarden.policy.target import TargetError, normalise_host

IPAddress = IPv4Address | IPv6Address
AddrInfo = list[tuple[Any, Any, Any, Any, Any]]

_PORT_THEN_ADDRESS = re.compile(r"(\d{1,5}):(.+)")
DEFAULT_TTL = 10.0  # seconds a looked-up answer is reused; the connection uses what was checked
_CACHE_SIZE = 4096  # answers kept; the whole cache is dropped when full (bounded memory)


class ResolveError(Error):
    """A host that gave no usable address; the message names the host and the cause."""

    def __init__(self, host: str, cause: str) -> None:
        super().__init__(f"cannot resolve {host!r}: {cause}")
        self.host = host
        self.code = Code.DNS_FAILURE


def parse_resolve_option(text: str) -> tuple[str, int | None, str]:
    """Split ``HOST:PORT:ADDR`` or ``HOST:ADDR``; raise ValueError saying what is wrong.

    The address comes back normalised (IPv6 without brackets). Write an IPv6 address in brackets
    (``example.com:[2001:db8::1]``): a bare one whose first group is all digits reads as a port.
    """
    host, colon, rest = text.strip().partition(":")
    if not colon or not host or not rest:
        raise ValueError("expected HOST:PORT:ADDRESS or HOST:ADDRESS")
    port: int | None = None
    match = _PORT_THEN_ADDRESS.fullmatch(rest)
    if match and _address_or_none(match.group(2)) is not None:
        port, rest = int(match.group(1)), match.group(2)
        if not 0 < port < 65536:
            raise ValueError(f"port {port} is not from 1 to 65535")
    address = _address_or_none(rest)
    if address is None:
        raise ValueError(f"{rest!r} is not an IP address")
    return host, port, address.compressed


class Resolver:
    """DNS with overrides and a deadline; shareable between threads and event loops."""

    def __init__(
        self,
        overrides: Mapping[str, Sequence[str]] | None = None,
        timeout: float = 5.0,
        ttl: float = DEFAULT_TTL,
    ) -> None:
        self.timeout = timeout
        self.ttl = ttl
        self._overrides = {
            _override_key(key): _override_addresses(key, values)
            for key, values in (overrides or {}).items()
        }
        self._cache: dict[tuple[str, int], tuple[float, tuple[IPAddress, ...]]] = {}

    def known(
        self, host: str, port: int, *, is_ip: bool | None = None
    ) -> tuple[tuple[IPAddress, ...], float] | None:
        """The answer without a lookup, with when it expires (monotonic clock), or None.

        Literals and overrides never expire; a looked-up answer is kept ``ttl`` seconds (the
        system resolver does not say how long the DNS record may be kept, so ``ttl`` is ours).
        Raises :class:`ResolveError` for hosts that can never resolve. ``is_ip`` given means
        ``host`` is already normalised (a :class:`Target`'s), which saves normalising it again.
        """
        if is_ip is None:
            name, known = self._before_lookup(host, port)
        elif is_ip:
            return (ip_address(host),), math.inf
        else:
            name, known = host, self._named(host, port)
        if known:
            return known, math.inf
        cached = self._cache.get((name, port))
        if cached is not None and cached[0] > time.monotonic():
            return cached[1], cached[0]
        return None

    def _remember(self, name: str, port: int, addresses: tuple[IPAddress, ...]) -> None:
        if self.ttl <= 0:
            return
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[(name, port)] = (time.monotonic() + self.ttl, addresses)

    @classmethod
    def from_options(cls, options: Iterable[str], timeout: float = 5.0) -> Resolver:
        """Build from curl-style ``--resolve`` strings; several for one host add up."""
        overrides: dict[str, list[str]] = {}
        for option in options:
            try:
                host, port, address = parse_resolve_option(option)
            except ValueError as exc:
                raise ResolveError(option, f"bad override: {exc}") from None
            overrides.setdefault(host if port is None else f"{host}:{port}", []).append(address)
        return cls(overrides, timeout)

    def resolve(self, host: str, port: int) -> tuple[IPAddress, ...]:
        """Every address of ``host``, deduplicated, in the resolver's order."""
        name, known = self._before_lookup(host, port)
        if known:
            return known
        future: Future[AddrInfo] = Future()
        threading.Thread(
            target=_lookup_into, args=(future, name, port), name=f"resolve {name}", daemon=True
        ).start()
        with self._answering(name):
            infos = future.result(timeout=self.timeout)
        return self._answer(name, port, infos)

    async def aresolve(self, host: str, port: int) -> tuple[IPAddress, ...]:
        """:meth:`resolve` for an event loop, through the loop's own ``getaddrinfo``."""
        name, known = self._before_lookup(host, port)
        if known:
            return known
        loop = asyncio.get_running_loop()
        with self._answering(name):
            async with asyncio.timeout(self.timeout):
                infos = await loop.getaddrinfo(name, port, type=socket.SOCK_STREAM)
        return self._answer(name, port, infos)

    @contextlib.contextmanager
    def _answering(self, name: str) -> Iterator[None]:
        """Turn a lookup's failure into a :class:`ResolveError` naming the host and the cause."""
        try:
            yield
        except TimeoutError:
            raise ResolveError(name, f"no answer within {self.timeout:g} s") from None
        except (OSError, UnicodeError, ValueError) as exc:
            raise ResolveError(name, _cause(exc)) from None

    def _answer(self, name: str, port: int, infos: AddrInfo) -> tuple[IPAddress, ...]:
        addresses = _addresses(name, infos)
        self._remember(name, port, addresses)
        return addresses

    def _before_lookup(self, host: str, port: int) -> tuple[str, tuple[IPAddress, ...]]:
        """The normalised name, and the answer when no lookup is needed (literal, override)."""
        try:
            name, is_ip = normalise_host(host)
        except TargetError as exc:
            raise ResolveError(host, exc.message) from None
        if is_ip:
            return name, (ip_address(name),)
        return name, self._named(name, port)

    def _named(self, name: str, port: int) -> tuple[IPAddress, ...]:
        """An override for a normalised name, or ``()``; names under ``.invalid`` fail."""
        if name == "invalid" or name.endswith(".invalid"):
            raise ResolveError(name, "names under .invalid never resolve (RFC 6761)")
        if not self._overrides:
            return ()
        return self._overrides.get((name, port)) or self._overrides.get((name, None)) or ()


def _lookup_into(future: Future[AddrInfo], name: str, port: int) -> None:
    try:
        future.set_result(socket.getaddrinfo(name, port, type=socket.SOCK_STREAM))
    except Exception as exc:  # noqa: BLE001 - handed to the waiting caller, who sorts it
        future.set_exception(exc)


def _addresses(name: str, infos: AddrInfo) -> tuple[IPAddress, ...]:
    found: dict[IPAddress, None] = {}
    for family, _, _, _, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6):
            found.setdefault(ip_address(sockaddr[0]), None)
    if not found:
        raise ResolveError(name, "the name has no IPv4 or IPv6 address")
    return tuple(found)


def _cause(exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _override_key(key: str) -> tuple[str, int | None]:
    host, colon, port = key.rpartition(":")
    if not colon or not port.isascii() or not port.isdigit():
        host, port = key, ""
    try:
        name, is_ip = normalise_host(host)
    except TargetError as exc:
        raise ResolveError(key, f"bad override: {exc.message}") from None
    if is_ip:
        raise ResolveError(key, "bad override: an IP address needs no override")
    if port and not 0 < int(port) < 65536:
        raise ResolveError(key, f"bad override: port {port} is not from 1 to 65535")
    return name, int(port) if port else None


def _override_addresses(key: str, values: Sequence[str]) -> tuple[IPAddress, ...]:
    if isinstance(values, str):
        values = [values]  # a lone string is one address, not a sequence of characters
    addresses = [_address_or_none(value) for value in values]
    if not addresses or None in addresses:
        raise ResolveError(key, f"bad override: {list(values)!r} must list IP addresses")
    return tuple(dict.fromkeys(address for address in addresses if address is not None))


def _address_or_none(text: str) -> IPAddress | None:
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if "%" in text:
        return None  # no zone ids: an override names a routable address
    try:
        return ip_address(text)
    except ValueError:
        return None


__all__ = ["IPAddress", "ResolveError", "Resolver", "parse_resolve_option"]
