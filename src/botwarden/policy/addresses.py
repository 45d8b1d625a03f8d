"""Which IP addresses a bot must never reach, whatever name led there: the SSRF address policy.

Applied after DNS resolution to every address a name resolves to (and to IP literals), so that a
public name pointing at 127.0.0.1 or at a cloud metadata service is refused like the address
itself. The tables below are explicit, each range with its RFC, rather than ``ipaddress``'s
``is_private``/``is_global`` flags, which have changed between Python versions.

Lookup is longest-prefix-match: the most specific range decides, so a metadata address wins over
the link-local or shared range around it. The tables are flattened once, at import, into sorted
interval starts searched with :func:`bisect.bisect_right`, so a lookup is one ``int()`` and one
binary search over a few dozen intervals: it runs for every address of every request.

IPv6 addresses that carry an IPv4 address (IPv4-mapped, -compatible and -translated, NAT64, 6to4,
Teredo) are refused for the embedded address when that one is refused: ``::ffff:169.254.169.254``
is a metadata address, not merely "reserved".
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from functools import cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_network

from botwarden.policy.decision import Code

Range = tuple[str, Code | None, str]  # (CIDR, code or None for a public carve-out, description)

_IMDS = "a cloud metadata address"

IPV4_RANGES: tuple[Range, ...] = (
    ("0.0.0.0/8", Code.RESERVED, "in 0.0.0.0/8, 'this network' (RFC 791, RFC 1122)"),
    ("0.0.0.0/32", Code.UNSPECIFIED, "the unspecified address (RFC 1122)"),
    ("10.0.0.0/8", Code.PRIVATE, "a private address (10.0.0.0/8, RFC 1918)"),
    ("100.64.0.0/10", Code.SHARED, "a carrier-grade NAT address (100.64.0.0/10, RFC 6598)"),
    ("127.0.0.0/8", Code.LOOPBACK, "a loopback address (127.0.0.0/8, RFC 1122)"),
    ("169.254.0.0/16", Code.LINK_LOCAL, "a link-local address (169.254.0.0/16, RFC 3927)"),
    ("172.16.0.0/12", Code.PRIVATE, "a private address (172.16.0.0/12, RFC 1918)"),
    ("192.0.0.0/24", Code.RESERVED, "an IETF protocol assignment (192.0.0.0/24, RFC 6890)"),
    ("192.0.2.0/24", Code.RESERVED, "a documentation address (TEST-NET-1, RFC 5737)"),
    ("192.88.99.0/24", Code.RESERVED, "the deprecated 6to4 relay anycast range (RFC 7526)"),
    ("192.168.0.0/16", Code.PRIVATE, "a private address (192.168.0.0/16, RFC 1918)"),
    ("198.18.0.0/15", Code.RESERVED, "a benchmarking address (198.18.0.0/15, RFC 2544)"),
    ("198.51.100.0/24", Code.RESERVED, "a documentation address (TEST-NET-2, RFC 5737)"),
    ("203.0.113.0/24", Code.RESERVED, "a documentation address (TEST-NET-3, RFC 5737)"),
    ("224.0.0.0/4", Code.MULTICAST, "a multicast address (224.0.0.0/4, RFC 5771)"),
    ("240.0.0.0/4", Code.RESERVED, "a reserved address (240.0.0.0/4, RFC 1112)"),
    ("255.255.255.255/32", Code.RESERVED, "the limited broadcast address (RFC 919, RFC 8190)"),
    # Cloud metadata and platform endpoints: they hand out credentials to whoever asks.
    ("169.254.169.254/32", Code.METADATA, f"{_IMDS} (AWS, GCP, Azure, OCI instance metadata)"),
    ("169.254.170.2/32", Code.METADATA, f"{_IMDS} (AWS ECS task metadata and credentials)"),
    ("169.254.170.23/32", Code.METADATA, f"{_IMDS} (AWS EKS Pod Identity Agent)"),
    ("100.100.100.200/32", Code.METADATA, f"{_IMDS} (Alibaba Cloud instance metadata)"),
    ("168.63.129.16/32", Code.METADATA, f"{_IMDS} (Azure WireServer platform endpoint)"),
    ("192.0.0.192/32", Code.METADATA, f"{_IMDS} (Oracle Cloud legacy instance metadata)"),
)

IPV6_RANGES: tuple[Range, ...] = (
    # Only 2000::/3 is global unicast (RFC 4291 section 2.4); the rest is reserved or special.
    ("::/0", Code.RESERVED, "outside global unicast 2000::/3, reserved by the IETF (RFC 4291)"),
    ("2000::/3", None, "a global unicast address"),
    ("::/128", Code.UNSPECIFIED, "the unspecified address (RFC 4291)"),
    ("::1/128", Code.LOOPBACK, "the loopback address (RFC 4291)"),
    ("::ffff:0:0/96", None, "an IPv4-mapped address (RFC 4291)"),
    ("64:ff9b::/96", None, "a NAT64 address (RFC 6052)"),
    ("64:ff9b:1::/48", Code.PRIVATE, "a local-use NAT64 address (64:ff9b:1::/48, RFC 8215)"),
    ("100::/64", Code.RESERVED, "a discard-only address (100::/64, RFC 6666)"),
    ("2001::/23", Code.RESERVED, "an IETF protocol assignment (2001::/23, RFC 2928)"),
    ("2001::/32", None, "a Teredo address (RFC 4380)"),
    ("2001:db8::/32", Code.RESERVED, "a documentation address (2001:db8::/32, RFC 3849)"),
    ("2002::/16", None, "a 6to4 address (RFC 3056)"),
    ("3fff::/20", Code.RESERVED, "a documentation address (3fff::/20, RFC 9637)"),
    ("fc00::/7", Code.PRIVATE, "a unique local address (fc00::/7, RFC 4193)"),
    ("fe80::/10", Code.LINK_LOCAL, "a link-local address (fe80::/10, RFC 4291)"),
    ("fec0::/10", Code.PRIVATE, "a deprecated site-local address (fec0::/10, RFC 3879)"),
    ("ff00::/8", Code.MULTICAST, "a multicast address (ff00::/8, RFC 4291)"),
    ("fd00:ec2::254/128", Code.METADATA, f"{_IMDS} (AWS instance metadata over IPv6)"),
    ("fd00:ec2::23/128", Code.METADATA, f"{_IMDS} (AWS EKS Pod Identity Agent over IPv6)"),
)


class _Table:
    """Ranges flattened to sorted, non-overlapping intervals; the most specific range wins."""

    def __init__(self, ranges: Sequence[Range]) -> None:
        networks = [(ip_network(cidr), code, what) for cidr, code, what in ranges]
        bounds = sorted(
            {0}
            | {int(net.network_address) for net, _, _ in networks}
            | {int(net.broadcast_address) + 1 for net, _, _ in networks}
        )
        self.starts: list[int] = []
        self.entries: list[tuple[Code | None, str]] = []
        for start in bounds:
            entry = _most_specific(networks, start)
            if not self.entries or entry != self.entries[-1]:
                self.starts.append(start)
                self.entries.append(entry)

    def find(self, value: int) -> tuple[Code | None, str]:
        return self.entries[bisect_right(self.starts, value) - 1]


Network = tuple[IPv4Network | IPv6Network, Code | None, str]


def _most_specific(networks: Sequence[Network], value: int) -> tuple[Code | None, str]:
    best: Network | None = None
    for network in networks:
        net = network[0]
        inside = int(net.network_address) <= value <= int(net.broadcast_address)
        if inside and (best is None or net.prefixlen > best[0].prefixlen):
            best = network
    return (best[1], best[2]) if best is not None else (None, "a public address")


_V4 = _Table(IPV4_RANGES)
_V6 = _Table(IPV6_RANGES)
_LOW32 = 0xFFFFFFFF


def classify(address: IPv4Address | IPv6Address) -> Code | None:
    """The reason ``address`` is refused, or None when it is a public address."""
    value = int(address)
    if address.version == 4:
        return _V4.find(value)[0]
    for _, embedded in _embedded(value):
        code = _V4.find(embedded)[0]
        if code is not None:
            return code
    return _V6.find(value)[0]


@cache
def only_refused(network: IPv4Network | IPv6Network) -> bool:
    """Whether every address of ``network`` is refused (it holds no public address).

    Only such a range, listed in ``[egress].allow``, lets the refused addresses inside it be
    reached: ``10.0.0.0/8`` does, ``0.0.0.0/0`` (meant as "any public IPv4 address") does not
    open loopback, private networks and the metadata service with them. IPv6 forms that carry an
    IPv4 address are public in the IPv6 table, so only the address itself, listed, opens one."""
    table = _V4 if network.version == 4 else _V6
    start, end = int(network.network_address), int(network.broadcast_address)
    index = bisect_right(table.starts, start) - 1
    while index < len(table.starts) and table.starts[index] <= end:
        if table.entries[index][0] is None:
            return False
        index += 1
    return True


def describe(code: Code, address: IPv4Address | IPv6Address) -> str:
    """A sentence saying why ``address`` is refused, e.g. for a Decision's reason."""
    value = int(address)
    if address.version == 6:
        for form, embedded in _embedded(value):
            if _V4.find(embedded)[0] is code:
                inner = IPv4Address(embedded)
                return f"{address} embeds {inner} ({form}): {describe(code, inner)}"
    found_code, what = (_V4 if address.version == 4 else _V6).find(value)
    if found_code is code:
        return f"{address} is {what}"
    return f"{address} is refused ({code.value})"


def _embedded(value: int) -> tuple[tuple[str, int], ...]:
    """The IPv4 addresses an IPv6 address carries, with the name of the form carrying them."""
    top96 = value >> 32
    if top96 == 0xFFFF:
        return (("IPv4-mapped, RFC 4291", value & _LOW32),)
    if top96 == 0 and value > 1:
        return (("IPv4-compatible, RFC 4291", value & _LOW32),)
    if top96 == 0xFFFF0000:
        return (("IPv4-translated, RFC 2765", value & _LOW32),)
    if top96 == 0x64FF9B << 64:
        return (("NAT64, RFC 6052", value & _LOW32),)
    if value >> 80 == 0x64FF9B0001:
        return (("local-use NAT64, RFC 8215", value & _LOW32),)
    if value >> 112 == 0x2002:
        return (("6to4, RFC 3056", (value >> 80) & _LOW32),)
    if value >> 96 == 0x20010000:
        return (
            ("Teredo server, RFC 4380", (value >> 64) & _LOW32),
            ("Teredo client, RFC 4380", (value & _LOW32) ^ _LOW32),
        )
    return ()


__all__ = ["IPV4_RANGES", "IPV6_RANGES", "classify", "describe", "only_refused"]
