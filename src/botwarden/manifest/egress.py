"""Egress allow-list entries: ``host``, ``host:port``, ``*.suffix``, IP literals and CIDR ranges.

An entry without a port allows 443 only; other ports are listed explicitly. Host names are
normalised here once (lower case, one trailing dot dropped, IDNA to punycode) so that every later
comparison is a plain string comparison.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_PORT = 443
ENTRY_HELP = "'host', 'host:port', '*.suffix', an IP address or a CIDR range such as '10.0.0.0/8'"


class EntryKind(StrEnum):
    ANY = "any"
    HOST = "host"
    WILDCARD = "wildcard"
    ADDRESS = "address"
    NETWORK = "network"


@dataclass(frozen=True, slots=True)
class EgressEntry:
    """One parsed allow-list entry. ``host`` is normalised; for WILDCARD it is the suffix."""

    kind: EntryKind
    host: str
    port: int
    text: str
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None

    def __str__(self) -> str:
        return self.text


def normalise_host(name: str) -> str:
    """Lower-case, drop one trailing dot and encode to punycode; raise ValueError if invalid.

    The same normalisation as the enforcement point's (UTS 46, look-alikes refused), so that an
    allow-list entry and a requested host compare as plain strings.
    """
    from botwarden.policy.target import TargetError
    from botwarden.policy.target import normalise_host as normalise

    if not name.strip():
        raise ValueError("the host name is empty")
    try:
        host, is_ip = normalise(name.strip())
    except TargetError as exc:
        raise ValueError(exc.message) from None
    if is_ip:
        raise ValueError(f"{name!r} is an IP address in a legacy form: write it as {host}")
    return host


def _split_port(text: str) -> tuple[str, int]:
    """Split 'host:port' or '[v6]:port'; a bare IPv6 address keeps its colons."""
    if text.startswith("["):
        close = text.find("]")
        if close < 0:
            raise ValueError(f"{text!r}: missing ']' after the IPv6 address")
        rest = text[close + 1 :]
        if rest and not rest.startswith(":"):
            raise ValueError(f"{text!r}: expected ':port' after ']'")
        return text[1:close], _port(rest[1:], text) if rest else DEFAULT_PORT
    if text.count(":") == 1:
        host, port = text.split(":")
        return host, _port(port, text)
    return text, DEFAULT_PORT


def _port(value: str, text: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise ValueError(f"{text!r}: the port must be a number from 1 to 65535")
    return int(value)


def parse_egress_entry(value: object) -> EgressEntry:
    """Parse one allow-list entry, refusing URLs, paths and malformed hosts with a reason."""
    if not isinstance(value, str):
        raise ValueError(f"expected a string: {ENTRY_HELP}")
    text = value.strip()
    if "://" in text:
        raise ValueError(f"{value!r} is a URL, not a host: write only the host, e.g. 'host:port'")
    host, port = _split_port(text)
    if host == "*":
        return EgressEntry(EntryKind.ANY, "*", port, text)
    if "/" in host:
        return _parse_network(host, port, text)
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return EgressEntry(EntryKind.ADDRESS, address.compressed, port, text)
    if host.startswith("*."):
        try:
            suffix = normalise_host(host[2:])
        except ValueError as exc:
            raise ValueError(f"{value!r}: the part after '*.' is not a host name ({exc})") from None
        return EgressEntry(EntryKind.WILDCARD, suffix, port, text)
    if "*" in host:
        raise ValueError(
            f"{value!r}: a wildcard is only allowed as a whole first label, '*.suffix'"
        )
    return EgressEntry(EntryKind.HOST, normalise_host(host), port, text)


def _parse_network(host: str, port: int, text: str) -> EgressEntry:
    try:
        network = ipaddress.ip_network(host, strict=True)
    except ValueError:
        if re.fullmatch(r"[0-9a-fA-F.:]+/\d+", host):
            raise ValueError(
                f"{text!r} is not a valid CIDR range: the address must have no bits set "
                "beyond the prefix length"
            ) from None
        raise ValueError(f"{text!r}: hosts cannot have paths; expected {ENTRY_HELP}") from None
    return EgressEntry(EntryKind.NETWORK, network.compressed, port, text, network)


def entry_covers_host(entry: EgressEntry, host: str, port: int | None = None) -> bool:
    """Whether ``entry`` admits a (normalised) host name, on ``port`` when one is given.

    A wildcard matches one or more labels below its suffix, never the suffix itself. Address and
    network entries never match a host *name*: an IP is only reachable when listed as an IP.
    """
    if port is not None and entry.port != port:
        return False
    if entry.kind is EntryKind.ANY:
        return True
    if entry.kind is EntryKind.HOST:
        return entry.host == host
    if entry.kind is EntryKind.WILDCARD:
        return host.endswith("." + entry.host)
    return False
