"""Parse what a bot asks for into a :class:`Target`, reading hosts the way HTTP clients do.

The address policy is only as good as the host it is given. ``urllib.parse`` alone is not enough:
browsers follow the WHATWG URL Standard, libc's resolver reads ``0x7f.1`` as 127.0.0.1, and
clients disagree about a ``\\`` before an ``@``. So this module follows the WHATWG parser for
``http``/``https`` URLs (C0 and space trimmed, tab/CR/LF removed, ``\\`` read as ``/``, host
percent-decoded, UTS 46 mapped, legacy IPv4 forms converted, dot segments resolved) and refuses
the inputs on which clients would reach different hosts:

- any ``@`` before the path (``user:pass@host``): credentials are never needed in a URL a bot
  fetches, and ``a.com\\@b.com`` or ``a@b@c`` go to different hosts in different clients;
- a look-alike label (Latin mixed with another script, or a Cyrillic or Greek label spelled only
  with letters that look Latin), unless written as punycode (``xn--``) on purpose;
- IPv6 zone ids, empty hosts, bad ports and names that are not valid DNS names.

Every function is total: any ``str`` gives a result or a :class:`TargetError`, never another
exception. See docs/ssrf.md for the rules with examples.
"""

from __future__ import annotations

import re
import unicodedata
from ipaddress import IPv4Address, IPv6Address
from urllib.parse import unquote_to_bytes

import idna

from botwarden.errors import Error
from botwarden.policy.decision import Code
from botwarden.policy.request import Target

DEFAULT_PORTS = {"http": 80, "https": 443}

_C0_AND_SPACE = "".join(chr(i) for i in range(0x21))
_TAB_NEWLINE = str.maketrans("", "", "\t\n\r")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_AUTHORITY_END = re.compile(r"[/\\?#]")  # WHATWG, special schemes
_RFC3986_AUTHORITY_END = re.compile(r"[/?#]")  # where a non-WHATWG client stops
_FORBIDDEN = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|\x7f]")  # WHATWG forbidden domain code points
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
_IPV6_CHARS = re.compile(r"[0-9a-fA-F:.]+")
_RADIX_DIGITS = {10: re.compile(r"[0-9]+"), 8: re.compile(r"[0-7]+"), 16: re.compile(r"[0-9a-f]+")}
_PATH_ENCODE = re.compile(r'[\x00-\x20"<>`{}\x7f-\U0010ffff]')
_QUERY_ENCODE = re.compile(r"[\x00-\x20\"'<>\x7f-\U0010ffff]")
_DOUBLE_DOT = frozenset({"..", ".%2e", "%2e.", "%2e%2e"})
_SINGLE_DOT = frozenset({".", "%2e"})
_SHOWN = 80  # characters of untrusted input quoted in a reason

# Scripts that may share a label (UTS 39 "highly restrictive"): Latin with the CJK scripts.
_SCRIPT_SETS = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)
# Name prefixes that are not a script's own name; the prolonged sound mark is Japanese.
_SCRIPT_ALIASES = {"CJK": "HAN", "IDEOGRAPHIC": "HAN", "KATAKANA-HIRAGANA": "KATAKANA"}
# Lower-case letters that pass for Latin ones in common fonts (after UTS 46 mapping).
_LATIN_LOOKALIKES = {
    "CYRILLIC": frozenset("асԁеԍһіјӏорԛгѕԝхуѵпьҽѡү"),
    "GREEK": frozenset("αγειηικνορτυχωϲϳ"),
}


class TargetError(Error):
    """A URL or authority refused before any lookup; ``code`` says why, the message explains."""

    def __init__(self, code: Code, reason: str) -> None:
        super().__init__(reason)
        self.code = code


# The common case, decided by one regular expression: a lower-case scheme, an ASCII name whose
# last label starts with a letter (so it is not an IPv4 form) and no 'xn--', an optional port, and
# a path and query of characters that need no encoding, with no '%', '\\', '#' or dot segments.
# Anything else takes the full parser; a property test checks that both agree.
_FAST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_FAST_HOST = rf"((?:{_FAST_LABEL}\.)*[A-Za-z](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?)"
_FAST = re.compile(
    r"(https?)://" + _FAST_HOST + r"(?::([0-9]{1,5}))?(/[A-Za-z0-9\-._~!$&()*+,;=:@/?]*)?"
)
_FAST_AUTHORITY = re.compile(_FAST_HOST + r":([0-9]{1,5})")


def _fast(url: str) -> Target | None:
    match = _FAST.fullmatch(url)
    if match is None:
        return None
    scheme, host, port_text, rest = match.groups()
    host = host.lower()
    if len(host) > 253 or "xn--" in host:
        return None
    rest = rest or "/"
    path = rest.partition("?")[0]
    if "/." in path:
        return None
    port = int(port_text) if port_text else DEFAULT_PORTS[scheme]
    if not 0 < port < 65536:
        return None
    return Target(scheme, host, port, rest, False)


def parse_url(url: str) -> Target:
    """Parse an absolute ``http``/``https`` URL into a normalised target, or raise TargetError."""
    return _fast(url) or parse_url_fully(url)


def parse_url_fully(url: str) -> Target:
    """:func:`parse_url` without the fast path for common URLs; the reference it must agree with."""
    text = _clean(url)
    match = _SCHEME.match(text)
    if match is None:
        raise TargetError(
            Code.INVALID_URL, f"{_show(text)} is not a URL: it needs http:// or https://"
        )
    scheme = match.group()[:-1].lower()
    if scheme not in DEFAULT_PORTS:
        raise TargetError(
            Code.UNSUPPORTED_SCHEME, f"scheme {_show(scheme)} is not supported: only http and https"
        )
    rest = text[match.end() :].lstrip("/\\")  # WHATWG ignores any run of slashes after the scheme
    _refuse_userinfo(rest)
    end = _AUTHORITY_END.search(rest)
    authority, rest = (rest[: end.start()], rest[end.start() :]) if end else (rest, "")
    host_text, port_text = _split_host_port(authority)
    host, is_ip = _host(host_text)
    port = _port(port_text, DEFAULT_PORTS[scheme])
    return Target(scheme, host, port, _origin_form(rest), is_ip)


def parse_authority(authority: str) -> Target:
    """Parse a CONNECT request target (``host:port`` or ``[v6]:port``); the port is required."""
    match = _FAST_AUTHORITY.fullmatch(authority)
    if match is not None:
        host, port = match.group(1).lower(), int(match.group(2))
        if len(host) <= 253 and "xn--" not in host and 0 < port < 65536:
            return Target("", host, port, "", False)
    return parse_authority_fully(authority)


def parse_authority_fully(authority: str) -> Target:
    """:func:`parse_authority` without the fast path; the reference it must agree with."""
    text = _clean(authority)
    if "@" in text:
        raise TargetError(Code.USERINFO, _USERINFO_REASON)
    if _AUTHORITY_END.search(text):
        raise TargetError(
            Code.INVALID_URL, f"{_show(text)}: CONNECT needs host:port and nothing more"
        )
    if text.startswith("["):
        close = text.find("]")
        host_text, rest = (text[: close + 1], text[close + 1 :]) if close > 0 else (text, "")
        port_text = rest[1:] if rest.startswith(":") else ""
        if rest and not rest.startswith(":"):
            raise TargetError(Code.INVALID_URL, f"{_show(text)}: expected ':port' after ']'")
    else:
        host_text, _, port_text = text.rpartition(":")
        if ":" in host_text:
            raise TargetError(
                Code.INVALID_URL, f"{_show(text)}: write an IPv6 address in brackets, [::1]:443"
            )
    if not host_text or not port_text:
        raise TargetError(Code.INVALID_URL, f"{_show(text)}: CONNECT needs host:port")
    port = _port(port_text, None)
    host, is_ip = _host(host_text)
    return Target("", host, port, "", is_ip)


def normalise_host(host: str) -> tuple[str, bool]:
    """Normalise a host name or IP literal; return it with whether it is an IP address.

    Names come back lower case, without their one trailing dot, punycode-encoded; IPv4 in any
    legacy form comes back dotted-decimal; IPv6 (bracketed or not) compressed, without brackets.
    """
    if host.startswith("[") and host.endswith("]"):
        return _ipv6(host[1:-1]), True
    if ":" in host:
        return _ipv6(host), True
    return _name_or_ipv4(host)


# -- URL structure -----------------------------------------------------------------------------

_USERINFO_REASON = (
    "an '@' before the path (user:pass@host) is refused: credentials do not belong in a URL, "
    "and clients disagree about which host such a URL names, a classic way to smuggle a host "
    "past a check"
)


def _clean(text: str) -> str:
    """WHATWG pre-processing; lone surrogates (impossible in a real URL) become U+FFFD."""
    text = _SURROGATE.sub("\ufffd", text)
    return text.strip(_C0_AND_SPACE).translate(_TAB_NEWLINE)


def _refuse_userinfo(rest: str) -> None:
    # Look as far as a non-WHATWG client would (it does not stop at '\'), so that
    # 'http://evil.com\@good.com/' is refused rather than read one way here and another there.
    end = _RFC3986_AUTHORITY_END.search(rest)
    if "@" in (rest[: end.start()] if end else rest):
        raise TargetError(Code.USERINFO, _USERINFO_REASON)


def _split_host_port(authority: str) -> tuple[str, str]:
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            raise TargetError(Code.INVALID_HOST, f"{_show(authority)}: missing ']' after IPv6")
        host, rest = authority[: close + 1], authority[close + 1 :]
        if rest and not rest.startswith(":"):
            raise TargetError(Code.INVALID_URL, f"{_show(authority)}: expected ':port' after ']'")
        return host, rest[1:]
    host, _, port = authority.partition(":")
    if not host:
        raise TargetError(Code.INVALID_URL, "the URL has no host")
    return host, port


def _port(text: str, default: int | None) -> int:
    if not text and default is not None:
        return default  # WHATWG: 'http://host:/' means the default port
    digits = text.lstrip("0") or "0"
    if not (text.isascii() and text.isdigit()) or len(digits) > 5 or not 0 < int(digits) < 65536:
        raise TargetError(Code.INVALID_URL, f"port {_show(text)} is not a number from 1 to 65535")
    return int(digits)


def _origin_form(rest: str) -> str:
    """The path and query as a request line carries them; the fragment is dropped."""
    rest = rest.partition("#")[0]
    path, question, query = rest.partition("?")
    out = _path(path)
    if question:
        out += "?" + _QUERY_ENCODE.sub(_percent, query)
    return out


def _path(path: str) -> str:
    """WHATWG path parsing: '\\' is '/', and '.'/'..' segments (also as %2e) are resolved."""
    if not path:
        return "/"
    segments = path.replace("\\", "/").split("/")[1:]
    out: list[str] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        lower = segment.lower()
        if lower in _DOUBLE_DOT:
            if out:
                out.pop()
            if last:
                out.append("")
        elif lower in _SINGLE_DOT:
            if last:
                out.append("")
        else:
            out.append(_PATH_ENCODE.sub(_percent, segment))
    return "/" + "/".join(out)


def _percent(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group().encode("utf-8"))


# -- hosts -------------------------------------------------------------------------------------


def _host(text: str) -> tuple[str, bool]:
    """A URL's host: brackets mean IPv6, anything else is percent-decoded first (WHATWG)."""
    if text.startswith("["):
        if not text.endswith("]"):
            raise TargetError(Code.INVALID_HOST, f"{_show(text)}: missing ']' after IPv6")
        return _ipv6(text[1:-1]), True
    try:
        decoded = unquote_to_bytes(text).decode("utf-8")
    except UnicodeError:
        raise TargetError(
            Code.INVALID_HOST, f"host {_show(text)} percent-encodes bytes that are not UTF-8"
        ) from None
    return _name_or_ipv4(decoded)


def _ipv6(text: str) -> str:
    if "%" in text:
        raise TargetError(
            Code.INVALID_HOST, f"IPv6 address {_show(text)} has a zone id ('%...'): refused"
        )
    if not _IPV6_CHARS.fullmatch(text):
        raise TargetError(Code.INVALID_HOST, f"{_show(text)} is not an IPv6 address")
    try:
        address = IPv6Address(text)
    except ValueError:
        raise TargetError(Code.INVALID_HOST, f"{_show(text)} is not an IPv6 address") from None
    # Python 3.13 changed how str() shows IPv4-mapped addresses; spell them one way everywhere.
    mapped = address.ipv4_mapped
    return f"::ffff:{mapped}" if mapped is not None else address.compressed


def _name_or_ipv4(text: str) -> tuple[str, bool]:
    mapped = _map(text)
    bad = _FORBIDDEN.search(mapped)
    if bad:
        raise TargetError(
            Code.INVALID_HOST, f"host {_show(text)} contains {bad.group()!r}, never valid in a host"
        )
    if _ends_in_number(mapped):
        return _ipv4(mapped, text), True
    return _name(mapped, text), False


def _map(text: str) -> str:
    """UTS 46 mapping as WHATWG does it (non-transitional, no STD3 rules): case, width, dots."""
    if text.isascii():
        return text.lower()
    try:
        return idna.uts46_remap(text, std3_rules=False, transitional=False)
    except (UnicodeError, ValueError, IndexError):
        raise TargetError(
            Code.INVALID_HOST, f"host {_show(text)} has disallowed characters"
        ) from None


def _ends_in_number(host: str) -> bool:
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    last = parts[-1]
    return (last != "" and last.isascii() and last.isdigit()) or _ipv4_number(last) is not None


def _ipv4_number(part: str) -> int | None:
    """One dot-separated part of a legacy IPv4 address: decimal, 0-prefixed octal or 0x hex."""
    radix = 10
    if part[:2] in ("0x", "0X"):
        part, radix = part[2:], 16
    elif len(part) > 1 and part.startswith("0"):
        part, radix = part[1:], 8
    elif not part:
        return None
    if not part:
        return 0
    if not _RADIX_DIGITS[radix].fullmatch(part.lower()):
        return None
    digits = part.lstrip("0") or "0"
    return int(digits, radix) if len(digits) <= 40 else 2**160  # far out of range either way


def _ipv4(host: str, original: str) -> str:
    """The WHATWG IPv4 parser: '127.1', '0x7f.1', '0177.0.0.1' and '2130706433' all mean one."""
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    numbers = [_ipv4_number(part) for part in parts]
    valid = [number for number in numbers if number is not None]
    if len(parts) > 4 or len(valid) != len(numbers):
        raise TargetError(
            Code.INVALID_HOST, f"host {_show(original)} ends in a number but is not an IPv4 address"
        )
    if any(number > 255 for number in valid[:-1]) or valid[-1] >= 256 ** (5 - len(valid)):
        raise TargetError(Code.INVALID_HOST, f"IPv4 address {_show(original)} is out of range")
    value = valid[-1] + sum(number << (8 * (3 - i)) for i, number in enumerate(valid[:-1]))
    return str(IPv4Address(value))


def _name(mapped: str, original: str) -> str:
    labels = mapped.split(".")
    if labels[-1] == "" and len(labels) > 1:
        labels.pop()  # one trailing dot: the same name, fully qualified
    if "" in labels:
        raise TargetError(Code.INVALID_HOST, f"host {_show(original)} has an empty label")
    host = ".".join(_label(label, original) for label in labels)
    if len(host) > 253:
        raise TargetError(
            Code.INVALID_HOST, f"host {_show(original)} is longer than 253 characters"
        )
    return host


def _label(label: str, original: str) -> str:
    if label.isascii():
        if not _LABEL.fullmatch(label):
            raise TargetError(
                Code.INVALID_HOST,
                f"host {_show(original)}: label {_show(label)} is not 1 to 63 letters, digits, "
                "'-' or '_' (no '-' at either end)",
            )
        if label.startswith("xn--"):
            _check_punycode(label, original)  # taken as written: a deliberate choice of name
        return label
    _refuse_lookalike(label, original)
    try:
        encoded = idna.alabel(label).decode("ascii")
    except (UnicodeError, ValueError, IndexError):
        raise TargetError(
            Code.INVALID_HOST, f"host {_show(original)}: {_show(label)} is not a valid IDNA label"
        ) from None
    if len(encoded) > 63:
        raise TargetError(Code.INVALID_HOST, f"host {_show(original)}: a label is too long")
    return encoded


def _check_punycode(label: str, original: str) -> None:
    try:
        idna.ulabel(label)
    except (UnicodeError, ValueError, IndexError):
        raise TargetError(
            Code.INVALID_HOST, f"host {_show(original)}: {label!r} is not valid punycode"
        ) from None


# -- look-alikes -------------------------------------------------------------------------------


def _refuse_lookalike(label: str, original: str) -> None:
    """Refuse labels made to be read as a Latin name they are not (UTS 39, simplified)."""
    letters = [char for char in label if unicodedata.category(char).startswith("L")]
    scripts = {_script(char) for char in letters}
    if len(scripts) > 1 and not any(scripts <= allowed for allowed in _SCRIPT_SETS):
        names = " and ".join(sorted(script.title() for script in scripts))
        raise TargetError(
            Code.LOOKALIKE_HOST,
            f"host {_show(original)}: label {label!r} mixes {names} letters, a look-alike of "
            "another name; list its punycode (xn--) form if it is really meant",
        )
    if len(scripts) == 1:
        (script,) = scripts
        lookalikes = _LATIN_LOOKALIKES.get(script)
        if lookalikes is not None and all(char in lookalikes for char in letters):
            raise TargetError(
                Code.LOOKALIKE_HOST,
                f"host {_show(original)}: label {label!r} is written only with {script.title()} "
                "letters that look Latin, a look-alike of a Latin name; list its punycode (xn--) "
                "form if it is really meant",
            )


def _script(char: str) -> str:
    """The script of a letter, from its Unicode name (unicodedata has no script property)."""
    word = unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]
    return _SCRIPT_ALIASES.get(word, word)


def _show(text: str) -> str:
    """Untrusted input for a reason: shortened, and never a query string (tokens live there)."""
    head, question, _ = text.partition("?")
    shown = head if len(head) <= _SHOWN else head[:_SHOWN] + "..."
    return repr(shown + ("?..." if question else ""))


__all__ = ["DEFAULT_PORTS", "TargetError", "normalise_host", "parse_authority", "parse_url"]
