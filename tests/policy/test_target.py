"""parse_url / parse_authority / normalise_host: hosts read the way HTTP clients read them."""

# ruff: noqa: RUF001  (look-alike letters are the point of these tests)

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, ip_address
from pathlib import Path

import httpx
import pytest
import urllib3
from hypothesis import given, settings
from hypothesis import strategies as st

from botwarden.errors import Error
from botwarden.policy import target as target_module
from botwarden.policy.decision import Code
from botwarden.policy.request import Target
from botwarden.policy.target import TargetError, normalise_host, parse_authority, parse_url

Expected = tuple[str, int, str] | Code

URLS: list[tuple[str, str, Expected]] = [
    # -- plain URLs, schemes, ports
    ("plain", "https://api.feedly.com/v3/streams/x?count=5",
     ("api.feedly.com", 443, "/v3/streams/x?count=5")),
    ("upper-case-scheme-and-host", "HTTPS://API.Feedly.COM", ("api.feedly.com", 443, "/")),
    ("explicit-port", "http://example.com:8080/a", ("example.com", 8080, "/a")),
    ("empty-port-is-default", "http://example.com:/", ("example.com", 80, "/")),
    ("leading-zero-port", "http://example.com:0080/", ("example.com", 80, "/")),
    ("port-zero", "http://example.com:0/", Code.INVALID_URL),
    ("port-too-big", "http://example.com:65536/", Code.INVALID_URL),
    ("port-not-a-number", "http://example.com:80a/", Code.INVALID_URL),
    ("port-of-5000-digits", "http://example.com:" + "9" * 5000, Code.INVALID_URL),
    ("port-in-arabic-digits", "http://example.com:\u0668\u0660/", Code.INVALID_URL),
    ("empty-host", "http:///", Code.INVALID_URL),
    ("empty-host-with-port", "http://:80/", Code.INVALID_URL),
    ("no-scheme", "example.com/path", Code.INVALID_URL),
    ("ftp", "ftp://example.com/", Code.UNSUPPORTED_SCHEME),
    ("file", "file:///etc/passwd", Code.UNSUPPORTED_SCHEME),
    ("gopher-to-redis", "gopher://127.0.0.1:6379/_FLUSHALL", Code.UNSUPPORTED_SCHEME),
    ("javascript", "javascript:alert(1)", Code.UNSUPPORTED_SCHEME),
    ("host-port-without-scheme", "localhost:8080", Code.UNSUPPORTED_SCHEME),
    # -- userinfo and the parser differentials built on '@'
    ("userinfo", "http://user:pass@example.com/", Code.USERINFO),
    ("user-only", "https://token@example.com/", Code.USERINFO),
    ("backslash-before-at", "http://evil.com\\@good.com/", Code.USERINFO),
    ("two-ats", "http://a@b@c/", Code.USERINFO),
    ("orange-tsai-space-hash", "http://1.1.1.1 &@2.2.2.2# @3.3.3.3/", Code.USERINFO),
    ("at-after-no-slashes", "http:evil.com@good.com", Code.USERINFO),
    ("at-in-path-is-fine", "http://example.com/@user", ("example.com", 80, "/@user")),
    ("at-in-query-is-fine", "http://example.com?to=a@b", ("example.com", 80, "/?to=a@b")),
    ("percent-encoded-at-in-host", "http://evil.com%40good.com/", Code.INVALID_HOST),
    # -- WHATWG pre-processing and slashes
    ("backslash-is-slash", "http://example.com\\admin", ("example.com", 80, "/admin")),
    ("backslashes-after-scheme", "http:\\\\example.com\\", ("example.com", 80, "/")),
    ("no-slashes-after-scheme", "http:example.com", ("example.com", 80, "/")),
    ("three-slashes", "http:///example.com/x", ("example.com", 80, "/x")),
    ("c0-and-space-trimmed", " \x00http://example.com/\x1f ", ("example.com", 80, "/")),
    ("tab-and-newline-removed", "http://exa\tmple.com/pa\nt\rh", ("example.com", 80, "/path")),
    ("fragment-dropped", "http://example.com/a?b#frag", ("example.com", 80, "/a?b")),
    ("empty-query-kept", "http://example.com/a?", ("example.com", 80, "/a?")),
    ("dot-segments", "http://example.com/a/b/../../etc/./x", ("example.com", 80, "/etc/x")),
    ("encoded-dot-segments", "http://example.com/v3/streams/%2e%2E/admin",
     ("example.com", 80, "/v3/admin")),
    ("dot-dot-past-root", "http://example.com/../../x", ("example.com", 80, "/x")),
    ("trailing-dot-dot", "http://example.com/a/b/..", ("example.com", 80, "/a/")),
    ("backslash-dot-dot", "http://example.com/a\\..\\b", ("example.com", 80, "/b")),
    ("space-and-non-ascii-encoded", "http://example.com/a b/é?q=a b",
     ("example.com", 80, "/a%20b/%C3%A9?q=a%20b")),
    ("control-characters-encoded", "http://example.com/a\x01b\x7f",
     ("example.com", 80, "/a%01b%7F")),
    ("quote-in-query-encoded", "http://example.com/?a='x'", ("example.com", 80, "/?a=%27x%27")),
    ("existing-escapes-kept", "http://example.com/a%2Fb%zz", ("example.com", 80, "/a%2Fb%zz")),
    ("lone-surrogate-in-path", "http://example.com/\ud800", ("example.com", 80, "/%EF%BF%BD")),
    # -- IPv4 in the forms libc and browsers accept
    ("decimal-dword", "http://2130706433/", ("127.0.0.1", 80, "/")),
    ("hex-dword", "http://0x7f000001/", ("127.0.0.1", 80, "/")),
    ("hex-two-parts", "http://0x7f.1/", ("127.0.0.1", 80, "/")),
    ("upper-case-hex", "http://0X7F.0X0.0X0.0X1/", ("127.0.0.1", 80, "/")),
    ("octal-first-part", "http://0177.0.0.1/", ("127.0.0.1", 80, "/")),
    ("octal-long-zeros", "http://" + "0" * 60 + "177.0.0.1/", ("127.0.0.1", 80, "/")),
    ("two-parts", "http://127.1/", ("127.0.0.1", 80, "/")),
    ("three-parts", "http://127.0.1/", ("127.0.0.1", 80, "/")),
    ("metadata-as-dword", "http://2852039166/latest/", ("169.254.169.254", 80, "/latest/")),
    ("trailing-dot-ipv4", "http://127.0.0.1./", ("127.0.0.1", 80, "/")),
    ("percent-encoded-dot", "http://127.0.0.1%2e/", ("127.0.0.1", 80, "/")),
    ("percent-encoded-digits", "http://%31%32%37.0.0.1/", ("127.0.0.1", 80, "/")),
    ("fullwidth-digits", "http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/", ("127.0.0.1", 80, "/")),
    ("ideographic-full-stops", "http://127\u30020\u30020\u30021/", ("127.0.0.1", 80, "/")),
    ("bare-0x-is-zero", "http://0x/", ("0.0.0.0", 80, "/")),
    ("zero", "http://0/", ("0.0.0.0", 80, "/")),
    ("ipv4-part-over-255", "http://256.0.0.1/", Code.INVALID_HOST),
    ("ipv4-last-part-too-big", "http://127.16777216/", Code.INVALID_HOST),
    ("ipv4-five-parts", "http://1.2.3.4.5/", Code.INVALID_HOST),
    ("bad-octal-digit", "http://08.0.0.1/", Code.INVALID_HOST),
    ("name-ending-in-number", "http://example.123/", Code.INVALID_HOST),
    ("name-ending-in-hex", "http://example.0x1/", Code.INVALID_HOST),
    ("ipv4-two-trailing-dots", "http://127.0.0.1../", Code.INVALID_HOST),
    ("huge-decimal", "http://" + "9" * 5000 + "/", Code.INVALID_HOST),
    # -- IPv6
    ("ipv6-loopback", "http://[::1]/", ("::1", 80, "/")),
    ("ipv6-long-form-and-port", "http://[0:0:0:0:0:0:0:1]:8080/", ("::1", 8080, "/")),
    ("ipv6-upper-case", "http://[FE80::A]/", ("fe80::a", 80, "/")),
    ("ipv4-mapped-dotted", "http://[::ffff:127.0.0.1]/", ("::ffff:127.0.0.1", 80, "/")),
    ("ipv4-mapped-hex", "http://[::ffff:7f00:1]/", ("::ffff:127.0.0.1", 80, "/")),
    ("ipv6-zone-id", "http://[fe80::1%25eth0]/", Code.INVALID_HOST),
    ("ipv6-unclosed", "http://[::1/", Code.INVALID_HOST),
    ("ipv6-junk-after-bracket", "http://[::1]x/", Code.INVALID_URL),
    ("ipv6-not-hex", "http://[::g]/", Code.INVALID_HOST),
    ("ipv4-in-brackets", "http://[127.0.0.1]/", Code.INVALID_HOST),
    ("percent-encoded-brackets", "http://%5B::1%5D/", Code.INVALID_HOST),
    # -- names
    ("trailing-dot", "http://Example.COM./", ("example.com", 80, "/")),
    ("two-trailing-dots", "http://example.com../", Code.INVALID_HOST),
    ("empty-label", "http://a..b/", Code.INVALID_HOST),
    ("label-of-64", f"http://{'a' * 64}.com/", Code.INVALID_HOST),
    ("label-of-63", f"http://{'a' * 63}.com/", (f"{'a' * 63}.com", 80, "/")),
    ("name-over-253", "http://" + ".".join(["a" * 60] * 5) + "/", Code.INVALID_HOST),
    ("underscore", "http://_dmarc.example.com/", ("_dmarc.example.com", 80, "/")),
    ("leading-hyphen", "http://-a.example.com/", Code.INVALID_HOST),
    ("space-in-host", "http://exa mple.com/", Code.INVALID_HOST),
    ("percent-encoded-nul", "http://example.com%00.evil.com/", Code.INVALID_HOST),
    ("percent-encoded-slash", "http://evil.com%2fgood.com/", Code.INVALID_HOST),
    ("percent-encoded-not-utf8", "http://%ff.com/", Code.INVALID_HOST),
    ("percent-encoded-letter", "http://ex%41mple.com/", ("example.com", 80, "/")),
    ("fullwidth-solidus-in-host", "http://evil.com\uff0fgood.com/", Code.INVALID_HOST),
    ("soft-hyphen-mapped-away", "http://exam\u00adple.com/", ("example.com", 80, "/")),
    ("only-a-soft-hyphen", "http://\u00ad/", Code.INVALID_HOST),
    ("zero-width-joiner", "http://a\u200db.com/", Code.INVALID_HOST),
    # -- international names and look-alikes
    ("idn-latin", "http://bücher.de/", ("xn--bcher-kva.de", 80, "/")),
    ("idn-upper-case", "http://BÜCHER.de/", ("xn--bcher-kva.de", 80, "/")),
    ("sharp-s-kept-idna-2008", "http://faß.de/", ("xn--fa-hia.de", 80, "/")),
    ("idn-japanese", "http://例え.テスト/", ("xn--r8jz45g.xn--zckzah", 80, "/")),
    ("latin-with-katakana", "http://sonyソニー.jp/", ("xn--sony-jo4c6cxq.jp", 80, "/")),
    ("cyrillic-real-word", "http://яндекс.рф/", ("xn--d1acpjx3f.xn--p1ai", 80, "/")),
    ("greek-real-word", "http://ελλάδα.gr/", ("xn--hxakic4aa.gr", 80, "/")),
    ("mixed-cyrillic-a", "http://аpple.com/", Code.LOOKALIKE_HOST),
    ("mixed-upper-cyrillic-a", "http://АPPLE.com/", Code.LOOKALIKE_HOST),
    ("mixed-cyrillic-paypal", "http://раураl.com/", Code.LOOKALIKE_HOST),
    ("whole-script-cyrillic", "http://аррӏе.com/", Code.LOOKALIKE_HOST),
    ("whole-script-greek", "http://οκο.com/", Code.LOOKALIKE_HOST),
    ("cyrillic-and-greek", "http://яα.com/", Code.LOOKALIKE_HOST),
    ("lookalike-in-subdomain", "http://login.раураӏ.com/", Code.LOOKALIKE_HOST),
    ("punycode-taken-as-written", "http://xn--80ak6aa92e.com/", ("xn--80ak6aa92e.com", 80, "/")),
    ("bad-punycode", "http://xn--zz.com/", Code.INVALID_HOST),
]  # fmt: skip


def _check(parse: object, text: str, expected: Expected) -> Target | None:
    assert callable(parse)
    if isinstance(expected, Code):
        with pytest.raises(TargetError) as caught:
            parse(text)
        assert caught.value.code is expected, caught.value.message
        assert isinstance(caught.value, Error)
        return None
    target = parse(text)
    assert isinstance(target, Target)
    assert (target.host, target.port, target.path) == expected
    return target


@pytest.mark.parametrize(("url", "expected"), [case[1:] for case in URLS], ids=[c[0] for c in URLS])
def test_parse_url(url: str, expected: Expected) -> None:
    target = _check(parse_url, url, expected)
    if target is not None:
        assert target.scheme in ("http", "https")
        assert target.host_is_ip is _is_ip(target.host)


def _is_ip(host: str) -> bool:
    try:
        ip_address(host)
    except ValueError:
        return False
    return True


AUTHORITIES: list[tuple[str, str, Expected]] = [
    ("host-port", "api.feedly.com:443", ("api.feedly.com", 443, "")),
    ("upper-case-trailing-dot", "API.Feedly.com.:8443", ("api.feedly.com", 8443, "")),
    ("ipv6", "[::1]:443", ("::1", 443, "")),
    ("legacy-ipv4", "0x7f.1:22", ("127.0.0.1", 22, "")),
    ("percent-encoded-host", "%31%32%37.0.0.1:443", ("127.0.0.1", 443, "")),
    ("no-port", "api.feedly.com", Code.INVALID_URL),
    ("empty-port", "api.feedly.com:", Code.INVALID_URL),
    ("ipv6-no-port", "[::1]", Code.INVALID_URL),
    ("ipv6-junk-after-bracket", "[::1]x:443", Code.INVALID_URL),
    ("ipv6-without-brackets", "::1:443", Code.INVALID_URL),
    ("empty-host", ":443", Code.INVALID_URL),
    ("port-zero", "example.com:0", Code.INVALID_URL),
    ("userinfo", "user:pass@example.com:443", Code.USERINFO),
    ("path", "example.com:443/x", Code.INVALID_URL),
    ("a-url", "https://example.com:443", Code.INVALID_URL),
    ("zone-id", "[fe80::1%eth0]:443", Code.INVALID_HOST),
    ("lookalike", "аpple.com:443", Code.LOOKALIKE_HOST),
]  # fmt: skip


@pytest.mark.parametrize(
    ("authority", "expected"), [c[1:] for c in AUTHORITIES], ids=[c[0] for c in AUTHORITIES]
)
def test_parse_authority(authority: str, expected: Expected) -> None:
    target = _check(parse_authority, authority, expected)
    if target is not None:
        assert target.scheme == ""
        assert target.url == f"//{target.authority}"


def test_connect_without_port_says_so() -> None:
    with pytest.raises(TargetError, match="CONNECT needs host:port"):
        parse_authority("example.com")


@pytest.mark.parametrize(
    ("host", "expected"),
    [("Example.COM.", ("example.com", False)), ("[::1]", ("::1", True)), ("::1", ("::1", True)),
     ("0x7f.1", ("127.0.0.1", True)), ("bücher.de", ("xn--bcher-kva.de", False)),
     ("xn--bcher-kva.de", ("xn--bcher-kva.de", False)), ("a..", Code.INVALID_HOST),
     ("", Code.INVALID_HOST), (".", Code.INVALID_HOST), ("a:b", Code.INVALID_HOST),
     ("[::1%lo]", Code.INVALID_HOST), ("раураӏ.com", Code.LOOKALIKE_HOST)],
)  # fmt: skip
def test_normalise_host(host: str, expected: tuple[str, bool] | Code) -> None:
    if isinstance(expected, Code):
        with pytest.raises(TargetError) as caught:
            normalise_host(host)
        assert caught.value.code is expected
    else:
        assert normalise_host(host) == expected


def test_reasons_explain_and_never_echo_credentials() -> None:
    with pytest.raises(TargetError) as caught:
        parse_url("https://bot:hunter2-secret@example.com/")
    assert "hunter2" not in caught.value.message
    assert "user:pass@host" in caught.value.message
    with pytest.raises(TargetError, match="look-alike"):
        parse_url("http://аpple.com/")
    with pytest.raises(TargetError, match="zone id"):
        parse_url("http://[fe80::1%25eth0]/")


def test_reasons_never_echo_a_query_string() -> None:
    with pytest.raises(TargetError) as caught:
        parse_url("example.com/feed?token=s3cr3t-value")
    assert "s3cr3t" not in caught.value.message
    assert "example.com/feed?..." in caught.value.message


def test_long_input_is_shortened_in_the_reason() -> None:
    with pytest.raises(TargetError) as caught:
        parse_url("gopher" + "x" * 10_000 + "://h/")
    assert len(caught.value.message) < 300


@pytest.mark.parametrize("url", ["http://evil.com\\@good.com/"])
def test_clients_disagree_on_backslash_before_at(url: str) -> None:
    """Why such URLs are refused outright (docs/ssrf.md): two installed clients disagree."""
    assert httpx.URL(url).host == "good.com"
    assert urllib3.util.parse_url(url).host == "evil.com"


# -- properties ----------------------------------------------------------------------------------


def _outcome(parse: object, text: str) -> Target | TargetError:
    assert callable(parse)
    try:
        result = parse(text)
    except TargetError as exc:
        assert exc.message
        return exc
    assert isinstance(result, Target)
    return result


def _assert_normalised(target: Target) -> None:
    assert normalise_host(target.host) == (target.host, target.host_is_ip)
    assert 1 <= target.port <= 65535
    if target.scheme:
        assert target.path.startswith("/")
        assert target.path.isascii()
        assert not any(char <= " " or char in "#\x7f" for char in target.path)
        assert parse_url(target.url) == target  # parsing is idempotent


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_a_target_or_a_target_error(text: str) -> None:
    for parse in (parse_url, parse_authority):
        result = _outcome(parse, text)
        if isinstance(result, Target):
            _assert_normalised(result)
    try:
        host, is_ip = normalise_host(text)
    except TargetError:
        return
    assert normalise_host(host) == (host, is_ip)


def _ipv4_part(value: int, style: str) -> str:
    return {"dec": str(value), "oct": f"0{value:o}", "hex": f"0x{value:x}", "HEX": f"0X{value:X}"}[
        style
    ]


@st.composite
def legacy_ipv4(draw: st.DrawFn) -> tuple[str, str]:
    """An IPv4 address in a random WHATWG-legal spelling, with its dotted-decimal meaning."""
    value = draw(st.integers(0, 2**32 - 1))
    count = draw(st.integers(1, 4))
    leading = [(value >> (8 * (3 - i))) & 0xFF for i in range(count - 1)]
    last = value & ((1 << (8 * (5 - count))) - 1)
    styles = st.sampled_from(["dec", "oct", "hex", "HEX"])
    text = ".".join(_ipv4_part(part, draw(styles)) for part in [*leading, last])
    return text + draw(st.sampled_from(["", "."])), str(IPv4Address(value))


_label = st.from_regex(r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?", fullmatch=True)
_hosts = st.one_of(
    st.lists(_label, min_size=1, max_size=4).map(".".join).filter(lambda h: not h[-1].isdigit()),
    legacy_ipv4().map(lambda pair: pair[0]),
    st.ip_addresses(v=6).map(lambda a: f"[{a.exploded}]"),
    st.text(min_size=1, max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(
    scheme=st.sampled_from(["http", "HTTPS", "https", "ftp", "h"]),
    slashes=st.sampled_from(["//", "", "/", "\\\\", "///", "/\\"]),
    userinfo=st.sampled_from(["", "u@", "u:p@", "x\\@", "@"]),
    host=_hosts,
    port=st.one_of(st.just(""), st.integers(-1, 70000).map(lambda p: f":{p}")),
    path=st.text(max_size=20),
)
def test_structured_urls(
    scheme: str, slashes: str, userinfo: str, host: str, port: str, path: str
) -> None:
    url = f"{scheme}:{slashes}{userinfo}{host}{port}/{path}"
    result = _outcome(parse_url, url)
    if isinstance(result, Target):
        _assert_normalised(result)
        assert not userinfo, "userinfo must always be refused"
    elif userinfo and scheme.lower() in ("http", "https"):
        assert result.code is Code.USERINFO, result.message


@settings(max_examples=300, deadline=None)
@given(legacy_ipv4())
def test_legacy_ipv4_spellings_mean_the_real_address(pair: tuple[str, str]) -> None:
    text, dotted = pair
    assert parse_url(f"http://{text}/").host == dotted
    assert normalise_host(text) == (dotted, True)


@settings(max_examples=200, deadline=None)
@given(st.ip_addresses(v=6))
def test_ipv6_literals_normalise_to_one_spelling(address: IPv6Address) -> None:
    target = parse_url(f"http://[{address.exploded.upper()}]:8443/")
    assert IPv6Address(target.host) == address
    assert (target.port, target.host_is_ip) == (8443, True)
    assert parse_url(f"http://[{target.host}]:8443/") == target


# -- docs/ssrf.md ----------------------------------------------------------------------------------

DOC = Path(__file__).parents[2] / "docs" / "ssrf.md"


def doc_table(marker: str) -> list[list[str]]:
    """The rows of a table between ``<!-- marker -->`` comments, cells without backticks."""
    text = DOC.read_text(encoding="utf-8")
    body = text.split(f"<!-- {marker} -->")[1].split(f"<!-- /{marker} -->")[0]
    rows = [line.strip().strip("|").split("|") for line in body.strip().splitlines()[2:]]
    return [[cell.strip().strip("`") for cell in row] for row in rows]


@pytest.mark.parametrize("row", doc_table("url-examples"), ids=lambda row: row[0])
def test_documented_url_examples(row: list[str]) -> None:
    url, host, port, outcome = row
    if not host:
        _check(parse_url, url, Code(outcome))
    else:
        _check(parse_url, url, (host, int(port), outcome))


def test_documented_lookalike_letters_are_the_ones_used() -> None:
    documented = {
        script.upper(): set(letters.split()) for script, letters in doc_table("lookalikes")
    }
    assert documented == {k: set(v) for k, v in target_module._LATIN_LOOKALIKES.items()}


# -- the fast path for common URLs agrees with the full parser ----------------------------------

_fast_label = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9-]{0,8}[A-Za-z0-9])?", fullmatch=True)
_fast_url = st.builds(
    "{}://{}{}{}".format,
    st.sampled_from(["http", "https", "HTTP", "hTtps"]),
    st.lists(_fast_label | st.sampled_from(["xn--bcher-kva", "0x7f", "1", "a_b"]), min_size=1,
             max_size=4).map(".".join),
    st.sampled_from(["", ":0", ":80", ":443", ":0443", ":65535", ":65536", ":99999", ":"]),
    st.text(alphabet="abc/.?=&%~:@-_!$'()*+,;2\\#", max_size=20).map(lambda p: "/" + p)
    | st.just(""),
)  # fmt: skip


@given(_fast_url)
def test_fast_path_agrees_with_the_full_parser(url: str) -> None:
    from botwarden.policy.target import parse_url_fully

    try:
        expected: Target | Code = parse_url_fully(url)
    except TargetError as exc:
        expected = exc.code
    try:
        got: Target | Code = parse_url(url)
    except TargetError as exc:
        got = exc.code
    assert got == expected


@given(
    st.builds(
        "{}{}".format,
        st.lists(_fast_label | st.sampled_from(["xn--bcher-kva", "0x7f", "1"]), min_size=1,
                 max_size=4).map(".".join),
        st.sampled_from(["", ":0", ":80", ":0443", ":65535", ":65536", ":", ":x"]),
    )
)  # fmt: skip
def test_authority_fast_path_agrees_with_the_full_parser(authority: str) -> None:
    from botwarden.policy.target import parse_authority_fully

    try:
        expected: Target | Code = parse_authority_fully(authority)
    except TargetError as exc:
        expected = exc.code
    try:
        got: Target | Code = parse_authority(authority)
    except TargetError as exc:
        got = exc.code
    assert got == expected
