"""SSRF and egress-bypass cases through the whole decision path, each naming its expected cause.

The DNS answers come from resolver overrides, so every case is decided without a network; the
addresses stand for what a hostile or misconfigured DNS server could answer.
"""

from __future__ import annotations

import pytest

from botwarden.manifest import parse_manifest
from botwarden.policy.decision import Code, Verdict
from botwarden.runtime.gate import Gate
from botwarden.runtime.resolve import Resolver

MANIFEST = """
schema_version = 1
[bot]
name = "b"
owner = "o"
[egress]
allow = [
  "api.example.com",
  "*.cdn.example.net",
  "plain.example.org:80",
  "internal.example.com:8080",
  "10.1.2.0/24:8080",
  "203.0.113.10:443",
  "[2606:4700::1111]:443",
  "xn--bcher-kva.example",
  "*.example.invalid",
]
"""

PUBLIC = "93.184.216.34"
DNS = {
    "api.example.com": [PUBLIC],
    "plain.example.org": [PUBLIC],
    "internal.example.com": ["10.1.2.3"],
    "xn--bcher-kva.example": [PUBLIC],
    "www.cdn.example.net": ["151.101.1.1"],
    "multi.cdn.example.net": ["151.101.1.1", "2a04:4e42::1"],
    "mixed.cdn.example.net": ["151.101.1.1", "10.0.0.5"],
    "rebind.cdn.example.net": ["127.0.0.1"],
    "meta.cdn.example.net": ["169.254.169.254"],
    "ecs.cdn.example.net": ["169.254.170.2"],
    "alibaba.cdn.example.net": ["100.100.100.200"],
    "v6meta.cdn.example.net": ["fd00:ec2::254"],
    "mapped.cdn.example.net": ["::ffff:127.0.0.1"],
    "sixtofour.cdn.example.net": ["2002:a9fe:a9fe::1"],
    "nat64.cdn.example.net": ["64:ff9b::a9fe:a9fe"],
    "teredo.cdn.example.net": ["2001:0:4136:e378:8000:63bf:f5ff:fffe"],
    "cgnat.cdn.example.net": ["100.64.1.1"],
    "mcast.cdn.example.net": ["224.0.0.251"],
    "zero.cdn.example.net": ["0.0.0.0"],
    "linklocal.cdn.example.net": ["169.254.1.1"],
    "ula.cdn.example.net": ["fd12:3456::1"],
    "v6loop.cdn.example.net": ["::1"],
    "bench.cdn.example.net": ["198.18.0.1"],
    "docs.cdn.example.net": ["192.0.2.1"],
    "private172.cdn.example.net": ["172.16.5.4"],
    "private192.cdn.example.net": ["192.168.1.1"],
    "broadcast.cdn.example.net": ["255.255.255.255"],
}

CASES = [
    # allowed, as declared
    ("plain https host", "https://api.example.com/v1", Code.ALLOWED),
    ("upper case host", "https://API.Example.COM/v1", Code.ALLOWED),
    ("one trailing dot", "https://api.example.com./v1", Code.ALLOWED),
    ("explicit default port", "https://api.example.com:443/", Code.ALLOWED),
    ("port with leading zeros", "https://api.example.com:0443/", Code.ALLOWED),
    ("tab inside the URL is removed", "https://api.exa\tmple.com/", Code.ALLOWED),
    ("encoded dots in the host", "https://api%2eexample%2ecom/", Code.ALLOWED),
    ("wildcard one label", "https://www.cdn.example.net/", Code.ALLOWED),
    ("wildcard, all answers public", "https://multi.cdn.example.net/", Code.ALLOWED),
    ("listed port 80", "http://plain.example.org/", Code.ALLOWED),
    ("private answer inside a listed range", "http://internal.example.com:8080/", Code.ALLOWED),
    ("listed private range as literal", "http://10.1.2.3:8080/", Code.ALLOWED),
    ("listed documentation address", "https://203.0.113.10/", Code.ALLOWED),
    ("listed IPv6 literal", "https://[2606:4700::1111]/", Code.ALLOWED),
    ("IDN listed in punycode, asked in Unicode", "https://bücher.example/", Code.ALLOWED),
    ("IDN in punycode", "https://xn--bcher-kva.example/", Code.ALLOWED),
    # the allow-list
    ("unlisted host", "https://evil.example/", Code.NOT_ALLOWED),
    ("allowed name as a prefix", "https://api.example.com.evil.example/", Code.NOT_ALLOWED),
    ("allowed name as a suffix label", "https://evilapi.example.com/", Code.NOT_ALLOWED),
    ("a wildcard never covers its suffix", "https://cdn.example.net/", Code.NOT_ALLOWED),
    ("suffix without a dot", "https://evilcdn.example.net/", Code.NOT_ALLOWED),
    ("sub-domain of an exact entry", "https://x.api.example.com/", Code.NOT_ALLOWED),
    ("fragment hides the real host", "https://evil.example#@api.example.com/", Code.NOT_ALLOWED),
    # clients disagree on whether '\\' ends the authority here: refused rather than guessed
    ("backslash before an @", "https://evil.example\\@api.example.com/", Code.USERINFO),
    ("localhost is a name like any other", "http://localhost/", Code.NOT_ALLOWED),
    ("public literal not listed", f"https://{PUBLIC}/", Code.NOT_ALLOWED),
    ("allowed host, port 80", "http://api.example.com/", Code.PORT_NOT_ALLOWED),
    ("allowed host, port 8443", "https://api.example.com:8443/", Code.PORT_NOT_ALLOWED),
    ("listed range, other port", "http://10.1.2.3/", Code.PORT_NOT_ALLOWED),
    ("plain host on 443", "https://plain.example.org/", Code.PORT_NOT_ALLOWED),
    # the request itself
    ("userinfo before an allowed host", "https://user:pw@api.example.com/", Code.USERINFO),
    ("allowed host as userinfo", "https://api.example.com@evil.example/", Code.USERINFO),
    ("empty userinfo", "https://@api.example.com/", Code.USERINFO),
    ("ftp", "ftp://api.example.com/", Code.UNSUPPORTED_SCHEME),
    ("file", "file:///etc/passwd", Code.UNSUPPORTED_SCHEME),
    ("gopher smuggling", "gopher://127.0.0.1:6379/_FLUSHALL", Code.UNSUPPORTED_SCHEME),
    ("two trailing dots", "https://api.example.com../", Code.INVALID_HOST),
    ("octet out of range", "http://256.0.0.1/", Code.INVALID_HOST),
    ("five numeric labels", "http://1.2.3.4.5/", Code.INVALID_HOST),
    ("IPv6 zone id", "http://[fe80::1%25eth0]/", Code.INVALID_HOST),
    ("Cyrillic look-alike", "https://\u0430pi.example.com/", Code.LOOKALIKE_HOST),
    ("port out of range", "https://api.example.com:70000/", Code.INVALID_URL),
    # literal addresses in refused ranges
    ("loopback literal", "http://127.0.0.1/", Code.LOOPBACK),
    ("loopback as one decimal number", "http://2130706433/", Code.LOOPBACK),
    ("loopback in hex", "http://0x7f000001/", Code.LOOPBACK),
    ("loopback in mixed hex", "http://0x7f.1/", Code.LOOPBACK),
    ("loopback in octal", "http://0177.0.0.1/", Code.LOOPBACK),
    ("loopback short form", "http://127.1/", Code.LOOPBACK),
    ("loopback percent-encoded", "http://%31%32%37.0.0.1/", Code.LOOPBACK),
    ("loopback with a trailing dot", "http://127.0.0.1./", Code.LOOPBACK),
    ("IPv6 loopback", "http://[::1]/", Code.LOOPBACK),
    ("IPv4-mapped loopback", "http://[::ffff:127.0.0.1]/", Code.LOOPBACK),
    ("IPv4-mapped loopback in hex", "http://[::ffff:7f00:1]/", Code.LOOPBACK),
    ("IPv4-compatible loopback", "http://[::127.0.0.1]/", Code.LOOPBACK),
    ("metadata literal", "http://169.254.169.254/latest/meta-data/", Code.METADATA),
    ("metadata as decimal", "http://2852039166/", Code.METADATA),
    ("metadata IPv4-mapped", "http://[::ffff:a9fe:a9fe]/", Code.METADATA),
    ("metadata via NAT64", "http://[64:ff9b::169.254.169.254]/", Code.METADATA),
    ("metadata via 6to4", "http://[2002:a9fe:a9fe::]/", Code.METADATA),
    ("AWS IPv6 metadata", "http://[fd00:ec2::254]/", Code.METADATA),
    ("unspecified as zero", "http://0/", Code.UNSPECIFIED),
    ("unspecified dotted", "http://0.0.0.0/", Code.UNSPECIFIED),
    ("private literal", "http://10.0.0.1/", Code.PRIVATE),
    ("link-local literal", "http://169.254.10.10/", Code.LINK_LOCAL),
    ("CGNAT literal", "http://100.64.0.1/", Code.SHARED),
    # DNS answers for allowed names
    ("answer mixes public and private", "https://mixed.cdn.example.net/", Code.PRIVATE),
    ("rebinding to loopback", "https://rebind.cdn.example.net/", Code.LOOPBACK),
    ("answer is the metadata address", "https://meta.cdn.example.net/", Code.METADATA),
    ("answer is ECS task metadata", "https://ecs.cdn.example.net/", Code.METADATA),
    ("answer is Alibaba metadata", "https://alibaba.cdn.example.net/", Code.METADATA),
    ("answer is AWS IPv6 metadata", "https://v6meta.cdn.example.net/", Code.METADATA),
    ("answer is IPv4-mapped loopback", "https://mapped.cdn.example.net/", Code.LOOPBACK),
    ("answer is 6to4 of metadata", "https://sixtofour.cdn.example.net/", Code.METADATA),
    ("answer is NAT64 of metadata", "https://nat64.cdn.example.net/", Code.METADATA),
    ("answer is CGNAT", "https://cgnat.cdn.example.net/", Code.SHARED),
    ("answer is multicast", "https://mcast.cdn.example.net/", Code.MULTICAST),
    ("answer is unspecified", "https://zero.cdn.example.net/", Code.UNSPECIFIED),
    ("answer is link-local", "https://linklocal.cdn.example.net/", Code.LINK_LOCAL),
    ("answer is an IPv6 ULA", "https://ula.cdn.example.net/", Code.PRIVATE),
    ("answer is IPv6 loopback", "https://v6loop.cdn.example.net/", Code.LOOPBACK),
    ("answer is a benchmarking address", "https://bench.cdn.example.net/", Code.RESERVED),
    ("answer is a documentation address", "https://docs.cdn.example.net/", Code.RESERVED),
    ("answer is 172.16/12", "https://private172.cdn.example.net/", Code.PRIVATE),
    ("answer is 192.168/16", "https://private192.cdn.example.net/", Code.PRIVATE),
    ("answer is broadcast", "https://broadcast.cdn.example.net/", Code.RESERVED),
    ("name does not resolve", "https://nothing.example.invalid/", Code.DNS_FAILURE),
]


@pytest.fixture(scope="module")
def gate() -> Gate:
    return Gate.from_manifest(parse_manifest(MANIFEST), resolver=Resolver(DNS))


def test_there_are_at_least_sixty_cases() -> None:
    assert len(CASES) >= 60
    assert len({name for name, _, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(("url", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_case(gate: Gate, url: str, code: Code) -> None:
    decision = gate.decide_url("GET", url)
    assert decision.code is code, decision.reason
    assert (decision.verdict is Verdict.ALLOW) == (code is Code.ALLOWED)
    assert decision.reason
    if code is Code.ALLOWED:
        assert decision.addresses  # the addresses to connect to travel with the decision


CONNECT_CASES = [
    ("api.example.com:443", Code.ALLOWED),
    ("API.example.com.:443", Code.ALLOWED),
    ("internal.example.com:8080", Code.ALLOWED),
    ("api.example.com", Code.INVALID_URL),
    ("api.example.com:80", Code.PORT_NOT_ALLOWED),
    ("cdn.example.net:443", Code.NOT_ALLOWED),
    ("169.254.169.254:80", Code.METADATA),
    ("[::1]:443", Code.LOOPBACK),
    ("rebind.cdn.example.net:443", Code.LOOPBACK),
    ("user@api.example.com:443", Code.USERINFO),
]


@pytest.mark.parametrize(("authority", "code"), CONNECT_CASES)
def test_connect(gate: Gate, authority: str, code: Code) -> None:
    decision = gate.decide_connect(authority)
    assert decision.code is code, decision.reason


def test_the_async_path_agrees(gate: Gate) -> None:
    import asyncio

    async def all_codes() -> list[Code]:
        return [(await gate.adecide_url("GET", url)).code for _, url, _ in CASES]

    assert asyncio.run(all_codes()) == [code for _, _, code in CASES]


# -- ranges in the allow-list: only one that holds no public address opens refused ones -----------

BROAD = """
schema_version = 1
[bot]
name = "b"
owner = "o"
[egress]
allow = ["0.0.0.0/0", "0.0.0.0/1:8080", "128.0.0.0/1:8080", "10.0.0.0/8:9000",
         "169.254.0.0/16:80", "::/0", "[::ffff:0:0/96]:7000"]
"""
BROAD_DNS = {"any.example.com": ["8.8.8.8", "10.1.2.3"]}


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://8.8.8.8/", Code.ALLOWED),  # "any IPv4 address" admits public ones
        ("https://10.1.2.3/", Code.PRIVATE),  # ... and opens no refused one with them
        ("https://127.0.0.1/", Code.LOOPBACK),
        ("https://169.254.169.254/", Code.METADATA),
        ("http://169.254.169.254:8080/", Code.METADATA),  # halves that add up to everything
        ("http://10.1.2.3:8080/", Code.PRIVATE),
        ("http://10.1.2.3:9000/", Code.ALLOWED),  # a private range, listed: opens its addresses
        ("http://169.254.169.254/", Code.ALLOWED),  # the link-local range holds the metadata one
        ("https://[2606:4700::1111]/", Code.ALLOWED),
        ("https://[::1]/", Code.LOOPBACK),
        ("https://[fd00:ec2::254]/", Code.METADATA),
        ("http://[::ffff:a01:203]:7000/", Code.PRIVATE),  # mapped forms: only the address opens
    ],
)
def test_a_broad_range_opens_no_refused_address(url: str, code: Code) -> None:
    gate = Gate.from_manifest(parse_manifest(BROAD), resolver=Resolver(BROAD_DNS))
    decision = gate.decide_url("GET", url)
    assert decision.code is code, decision.reason
