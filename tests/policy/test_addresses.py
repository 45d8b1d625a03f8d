"""classify / describe: the SSRF address policy, checked against the IANA registries."""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botwarden.policy.addresses import IPV4_RANGES, IPV6_RANGES, classify, describe
from botwarden.policy.decision import Code

CASES: list[tuple[str, str, Code | None]] = [
    # -- public
    ("public-v4", "8.8.8.8", None),
    ("public-v4-next-to-private", "11.0.0.0", None),
    ("public-v4-just-below-cgnat", "100.63.255.255", None),
    ("public-v4-just-above-cgnat", "100.128.0.0", None),
    ("public-v4-before-multicast", "223.255.255.255", None),
    ("public-v6", "2606:4700:4700::1111", None),
    ("as112-v4-is-global", "192.31.196.1", None),
    # -- IPv4 ranges
    ("this-network", "0.1.2.3", Code.RESERVED),
    ("unspecified-v4", "0.0.0.0", Code.UNSPECIFIED),
    ("rfc1918-10", "10.255.255.255", Code.PRIVATE),
    ("rfc1918-172", "172.31.0.1", Code.PRIVATE),
    ("rfc1918-192", "192.168.1.1", Code.PRIVATE),
    ("cgnat", "100.64.0.1", Code.SHARED),
    ("loopback-v4", "127.0.0.1", Code.LOOPBACK),
    ("loopback-v4-anywhere-in-8", "127.255.0.9", Code.LOOPBACK),
    ("link-local-v4", "169.254.1.1", Code.LINK_LOCAL),
    ("ietf-protocol-assignments", "192.0.0.8", Code.RESERVED),
    ("test-net-1", "192.0.2.1", Code.RESERVED),
    ("6to4-relay-anycast", "192.88.99.1", Code.RESERVED),
    ("benchmarking", "198.19.255.1", Code.RESERVED),
    ("test-net-2", "198.51.100.7", Code.RESERVED),
    ("test-net-3", "203.0.113.9", Code.RESERVED),
    ("multicast-v4", "224.0.0.251", Code.MULTICAST),
    ("class-e", "240.0.0.1", Code.RESERVED),
    ("limited-broadcast", "255.255.255.255", Code.RESERVED),
    # -- cloud metadata wins over the range around it
    ("aws-gcp-azure-imds", "169.254.169.254", Code.METADATA),
    ("aws-ecs-task-metadata", "169.254.170.2", Code.METADATA),
    ("aws-eks-pod-identity", "169.254.170.23", Code.METADATA),
    ("alibaba-metadata-in-cgnat", "100.100.100.200", Code.METADATA),
    ("azure-wireserver-in-public-space", "168.63.129.16", Code.METADATA),
    ("azure-wireserver-neighbour-public", "168.63.129.17", None),
    ("oracle-metadata-in-192-0-0", "192.0.0.192", Code.METADATA),
    ("aws-imds-v6", "fd00:ec2::254", Code.METADATA),
    ("aws-eks-pod-identity-v6", "fd00:ec2::23", Code.METADATA),
    ("aws-dns-v6-is-just-ula", "fd00:ec2::253", Code.PRIVATE),
    # -- IPv6 ranges
    ("loopback-v6", "::1", Code.LOOPBACK),
    ("unspecified-v6", "::", Code.UNSPECIFIED),
    ("unique-local", "fd12:3456::1", Code.PRIVATE),
    ("unique-local-fc", "fc00::1", Code.PRIVATE),
    ("link-local-v6", "fe80::1", Code.LINK_LOCAL),
    ("site-local", "fec0::1", Code.PRIVATE),
    ("multicast-v6", "ff02::1", Code.MULTICAST),
    ("documentation-v6", "2001:db8::1", Code.RESERVED),
    ("documentation-3fff", "3fff:0:1::1", Code.RESERVED),
    ("discard-only", "100::1", Code.RESERVED),
    ("ietf-protocol-assignments-v6", "2001:2::1", Code.RESERVED),
    ("orchid-v2", "2001:20::1", Code.RESERVED),
    ("outside-2000-3", "4000::1", Code.RESERVED),
    ("srv6-sids", "5f00::1", Code.RESERVED),
    ("reserved-fe00-9", "fe00::1", Code.RESERVED),
    ("nat64-local-use", "64:ff9b:1::8.8.8.8", Code.PRIVATE),
    # -- IPv6 forms that carry an IPv4 address
    ("mapped-loopback", "::ffff:127.0.0.1", Code.LOOPBACK),
    ("mapped-metadata", "::ffff:169.254.169.254", Code.METADATA),
    ("mapped-metadata-hex", "::ffff:a9fe:a9fe", Code.METADATA),
    ("mapped-public", "::ffff:8.8.8.8", None),
    ("compatible-loopback", "::127.0.0.1", Code.LOOPBACK),
    ("compatible-public-is-reserved", "::8.8.8.8", Code.RESERVED),
    ("translated-public-is-reserved", "::ffff:0:8.8.8.8", Code.RESERVED),
    ("translated-private", "::ffff:0:10.0.0.1", Code.PRIVATE),
    ("nat64-metadata", "64:ff9b::169.254.169.254", Code.METADATA),
    ("nat64-private", "64:ff9b::192.168.0.1", Code.PRIVATE),
    ("nat64-public", "64:ff9b::8.8.8.8", None),
    ("nat64-local-use-metadata", "64:ff9b:1::169.254.169.254", Code.METADATA),
    ("6to4-loopback", "2002:7f00:1::", Code.LOOPBACK),
    ("6to4-metadata", "2002:a9fe:a9fe::1", Code.METADATA),
    ("6to4-public", "2002:808:808::1", None),
    ("teredo-server-loopback", "2001:0:7f00:1::", Code.LOOPBACK),
    ("teredo-client-metadata", "2001:0:808:808::5601:5601", Code.METADATA),
    ("teredo-rfc4380-example", "2001:0:4136:e378:8000:63bf:3fff:fdd2", Code.RESERVED),
    ("teredo-public", "2001:0:808:808::f7f7:f7f7", None),
    ("scoped-link-local", "fe80::1%eth0", Code.LINK_LOCAL),
]  # fmt: skip


@pytest.mark.parametrize(("address", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_classify(address: str, code: Code | None) -> None:
    assert classify(ip_address(address)) is code


# IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and updates), as
# (block, globally reachable). Every block that is not globally reachable must be refused.
IANA_V4 = [
    ("0.0.0.0/8", False), ("0.0.0.0/32", False), ("10.0.0.0/8", False), ("100.64.0.0/10", False),
    ("127.0.0.0/8", False), ("169.254.0.0/16", False), ("172.16.0.0/12", False),
    ("192.0.0.0/24", False), ("192.0.0.0/29", False), ("192.0.0.8/32", False),
    ("192.0.0.9/32", True), ("192.0.0.10/32", True), ("192.0.0.170/32", False),
    ("192.0.0.171/32", False), ("192.0.2.0/24", False), ("192.31.196.0/24", True),
    ("192.52.193.0/24", True), ("192.88.99.0/24", False), ("192.168.0.0/16", False),
    ("192.175.48.0/24", True), ("198.18.0.0/15", False), ("198.51.100.0/24", False),
    ("203.0.113.0/24", False), ("240.0.0.0/4", False), ("255.255.255.255/32", False),
]  # fmt: skip
IANA_V6 = [
    ("::1/128", False), ("::/128", False), ("::ffff:0:0/96", False), ("64:ff9b::/96", True),
    ("64:ff9b:1::/48", False), ("100::/64", False), ("100:0:0:1::/64", False),
    ("2001::/23", False), ("2001:1::1/128", True), ("2001:1::2/128", True),
    ("2001:1::3/128", True), ("2001:2::/48", False), ("2001:3::/32", True),
    ("2001:4:112::/48", True), ("2001:10::/28", False), ("2001:20::/28", True),
    ("2001:30::/28", True), ("2001:db8::/32", False), ("2620:4f:8000::/48", True),
    ("3fff::/20", False), ("5f00::/16", False), ("fc00::/7", False), ("fe80::/10", False),
]  # fmt: skip
# Globally reachable, yet refused on purpose: inside 192.0.0.0/24 and 2001::/23, which are
# refused whole (a bot has no business with anycast PCP/TURN/DNS-SD, AMT, AS112 or ORCHID).
REFUSED_ANYWAY = {"192.0.0.9/32", "192.0.0.10/32", "2001:1::1/128", "2001:1::2/128",
                  "2001:1::3/128", "2001:3::/32", "2001:4:112::/48", "2001:20::/28",
                  "2001:30::/28"}  # fmt: skip
# Blocks whose addresses carry an IPv4 address: sampled with the IPv4 addresses named here.
CARRIED = {
    "::ffff:0:0/96": ["::ffff:10.0.0.1", "::ffff:127.255.255.255"],
    "64:ff9b::/96": ["64:ff9b::8.8.8.8", "64:ff9b::1.1.1.1"],
}


@pytest.mark.parametrize(
    ("block", "global_"), IANA_V4 + IANA_V6, ids=[b for b, _ in IANA_V4 + IANA_V6]
)
def test_iana_special_purpose_blocks(block: str, global_: bool) -> None:
    network = ip_network(block)
    ends = {network.network_address, network.broadcast_address}
    if block in CARRIED:  # decided by the IPv4 address inside, tested above
        ends = {ip_address(address) for address in CARRIED[block]}
    for address in ends:
        code = classify(address)
        if global_ and block not in REFUSED_ANYWAY:
            assert code is None, f"{address} in {block} is globally reachable"
        else:
            assert code is not None, f"{address} in {block} is not globally reachable"


def test_every_table_range_is_refused_at_both_ends() -> None:
    for cidr, code, _ in IPV4_RANGES + IPV6_RANGES:
        network = ip_network(cidr)
        if code is None or network.prefixlen == 0:
            continue
        for address in (network.network_address, network.broadcast_address):
            assert classify(address) is not None, f"{address} ({cidr})"


@pytest.mark.parametrize(
    ("address", "words"),
    [("169.254.169.254", ["cloud metadata", "AWS", "GCP", "Azure"]),
     ("10.1.2.3", ["10.1.2.3 is a private address", "RFC 1918"]),
     ("100.64.0.1", ["carrier-grade NAT", "RFC 6598"]),
     ("::ffff:169.254.169.254", ["embeds 169.254.169.254", "IPv4-mapped", "cloud metadata"]),
     ("2001:0:808:808::5601:5601", ["Teredo client", "169.254.169.254"]),
     ("2002:7f00:1::", ["6to4", "127.0.0.1", "loopback"]),
     ("fd00:ec2::254", ["AWS instance metadata over IPv6"]),
     ("2001:db8::1", ["documentation", "RFC 3849"])],
)  # fmt: skip
def test_describe_names_the_range_and_its_source(address: str, words: list[str]) -> None:
    parsed = ip_address(address)
    code = classify(parsed)
    assert code is not None
    text = describe(code, parsed)
    for word in words:
        assert word in text


def test_describe_with_a_code_that_does_not_apply_still_reads() -> None:
    assert describe(Code.LOOPBACK, ip_address("8.8.8.8")) == "8.8.8.8 is refused (loopback-address)"


# -- properties ----------------------------------------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(st.ip_addresses(v=4))
def test_ipv4_not_global_for_python_is_refused(address: IPv4Address) -> None:
    """The tables refuse at least everything Python's ipaddress calls non-global."""
    if not address.is_global or address.is_multicast:
        assert classify(address) is not None


@settings(max_examples=500, deadline=None)
@given(st.ip_addresses(v=6))
def test_ipv6_not_global_for_python_is_refused(address: IPv6Address) -> None:
    # Deliberate differences: mapped, NAT64, 6to4 and Teredo addresses are judged by the
    # IPv4 address inside them (Python calls some of them private regardless).
    carriers = ["::ffff:0:0/96", "64:ff9b::/96", "2002::/16", "2001::/32"]
    if any(address in ip_network(block) for block in carriers):
        return
    if not address.is_global or address.is_multicast:
        assert classify(address) is not None


_G = int(IPv4Address("8.8.8.8"))
_carriers = {
    "mapped": lambda v4: IPv6Address((0xFFFF << 32) | v4),
    "translated": lambda v4: IPv6Address((0xFFFF << 48) | v4),
    "nat64": lambda v4: IPv6Address((0x64FF9B << 96) | v4),
    "6to4": lambda v4: IPv6Address((0x2002 << 112) | (v4 << 80) | 1),
    # the other half of a Teredo address holds 8.8.8.8, so that only the half under test decides
    "teredo-server": lambda v4: IPv6Address((0x20010000 << 96) | (v4 << 64) | 0xF7F7F7F7),
    "teredo-client": lambda v4: IPv6Address((0x20010000 << 96) | (_G << 64) | (v4 ^ 0xFFFFFFFF)),
}


@settings(max_examples=500, deadline=None)
@given(st.ip_addresses(v=4), st.sampled_from(sorted(_carriers)))
def test_a_refused_ipv4_is_refused_inside_any_ipv6_carrier(address: IPv4Address, form: str) -> None:
    carried = _carriers[form](int(address))
    code = classify(address)
    if code is not None:
        assert classify(carried) is code
        assert str(address) in describe(code, carried)
    elif form != "translated":  # SIIT addresses lie in ::/8, reserved whatever they carry
        assert classify(carried) is None


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.ip_addresses(v=4), st.ip_addresses(v=6)))
def test_describe_is_total(address: IPv4Address | IPv6Address) -> None:
    code = classify(address)
    if code is not None:
        assert describe(code, address).startswith(str(address))


# -- docs/ssrf.md ----------------------------------------------------------------------------------


def test_documented_ranges_are_the_tables() -> None:
    doc = Path(__file__).parents[2] / "docs" / "ssrf.md"
    body = doc.read_text(encoding="utf-8").split("<!-- refused-ranges -->")[1]
    lines = body.split("<!-- /refused-ranges -->")[0].strip().splitlines()[2:]
    rows = [
        [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")] for line in lines
    ]
    documented = {(cidr, code): source for cidr, code, source in rows}
    tables = {(cidr, code.value): what for cidr, code, what in IPV4_RANGES + IPV6_RANGES if code}
    assert set(documented) == set(tables)
    for key, source in documented.items():
        for rfc in re.findall(r"RFC \d+", source):
            assert rfc in tables[key], f"{key}: the code does not cite {rfc}"
