"""HTTP/1.1 message heads, read strictly (RFC 9112), and rewritten for the next hop.

A proxy that reads a message differently from the server behind it can be made to smuggle a
second request inside the first. So anything RFC 9112 lets a recipient reject is rejected here,
and the head sent on is rebuilt from what was understood, never copied byte for byte:

- lines end in CRLF: a bare LF or bare CR anywhere in a head is refused (not tolerated);
- field names are tokens with no space before the colon; values hold no control characters;
  obs-fold (a line starting with whitespace) is refused;
- Content-Length is digits only; several values must agree; Transfer-Encoding must be exactly
  ``chunked``, never together with Content-Length and never on HTTP/1.0;
- a forward proxy takes absolute-form targets (``http://host/path``) and CONNECT authorities
  (``host:port``, port required); origin-form, ``*`` and ``https://`` targets are refused, as are
  ``#``, a backslash, and ``.``/``..`` path segments (the gate normalises those, and the path
  that was checked must be the path that is sent);
- hop-by-hop fields (Connection and the names it lists, Keep-Alive, Proxy-Connection, TE,
  Trailer, Upgrade, Proxy-Authorization, Proxy-Authenticate) stop here; framing is re-stated.

Every refusal is a :class:`MessageError` with a short reason that the client is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from ipaddress import IPv6Address

from botwarden.errors import Error
from botwarden.runtime.proxy.limits import ProxyLimits

_TCHAR = rb"!#$%&'*+\-.^_`|~0-9A-Za-z"
_VALUE = rb"[\t\x20-\x7e\x80-\xff]*"
# Possessive: a name ends at its ':' and a value at its CR, so giving back is never needed and
# sre skips the backtracking bookkeeping (the same language as the plain pattern, tested so).
_FIELDS = re.compile(rb"(?:[" + _TCHAR + rb"]++:" + _VALUE + rb"+\r\n)*+")
_REQUEST_LINE = re.compile(rb"([" + _TCHAR + rb"]+) ([\x21-\x7e]+) HTTP/([0-9])\.([0-9])")
_STATUS_LINE = re.compile(rb"HTTP/1\.([01]) ([1-9][0-9][0-9])(?: " + _VALUE + rb")?")
_TOKEN = re.compile(rb"[" + _TCHAR + rb"]+")
_METHOD_PREFIX = re.compile(rb"[" + _TCHAR + rb"]*")
_HOST = rb"([A-Za-z0-9._\-]+|\[[0-9A-Fa-f:.]+\])"
_ABSOLUTE = re.compile(rb"[hH][tT][tT][pP]://" + _HOST + rb"(?::([0-9]{1,5}))?([/?][\x21-\x7e]*)?")
_AUTHORITY = re.compile(_HOST + rb":([0-9]{1,5})")
_DOT_SEGMENT = re.compile(rb"(?:^|/)(?:\.|%2[eE]){1,2}(?:/|$)")

_HOP = rb"connection|proxy-connection|keep-alive|te|trailer|upgrade|proxy-authenticate"
# Matched against "\n" + the lower-cased field block: a literal "\n" first is much faster than "^".
# Group 2 spans the value up to its CR (a valid block has no other CR), leading blanks skipped,
# so one match gives name, value and line end without a search per field.
_REQUEST_SPECIAL = re.compile(
    rb"\n(host|content-length|transfer-encoding|proxy-authorization|expect|accept|"
    + _HOP
    + rb"):[ \t]*+([^\r]*+)"
)
_RESPONSE_SPECIAL = re.compile(
    rb"\n(content-length|transfer-encoding|" + _HOP + rb"):[ \t]*+([^\r]*+)"
)
_PERSISTENCE = frozenset({b"close", b"keep-alive"})  # Connection options, not field names
_KEPT = frozenset({b"accept"})  # read by the proxy, and forwarded too
_SHOWN = 60  # bytes of a bad line quoted back in a reason
VIA = b"Via: 1.1 botwarden"


class MessageError(Error):
    """A message the proxy refuses to relay; ``status`` is what the client is answered."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(slots=True)
class RequestHead:
    """A request as understood; ``fields`` holds the end-to-end lines to forward, CRLF each."""

    method: str
    target: str
    version: int  # 10 or 11
    host: str  # normalised: lower case, no trailing dot, IPv6 without brackets
    port: int
    origin: bytes  # origin-form path and query; b"" for CONNECT
    fields: bytes = b""
    content_length: int | None = None
    chunked: bool = False
    keep_alive: bool = True
    expect_continue: bool = False
    authorization: bytes | None = None
    accept_json: bool = False

    @property
    def connect(self) -> bool:
        return self.method == "CONNECT"

    @property
    def has_body(self) -> bool:
        return self.chunked or bool(self.content_length)


@dataclass(slots=True)
class ResponseHead:
    """An upstream response as understood; ``fields`` holds the end-to-end lines, CRLF each."""

    status: int
    status_line: bytes  # rewritten to HTTP/1.1
    fields: bytes
    content_length: int | None
    content_length_line: bytes | None  # kept as is for bodiless responses (HEAD, 304)
    chunked: bool
    keep_alive: bool


# -- request heads -------------------------------------------------------------------------------


def check_partial_head(buf: bytes, limits: ProxyLimits) -> str | None:
    """Why an incomplete request head can already be refused, or None to wait for more."""
    if len(buf) > limits.max_head:
        return f"request head larger than {limits.max_head} bytes"
    eol = buf.find(b"\r\n")
    first = buf if eol < 0 else buf[:eol]
    if len(first) > limits.max_line:
        return f"request line longer than {limits.max_line} bytes"
    lone_cr = buf.count(b"\r") - buf.endswith(b"\r")
    crlf = buf.count(b"\r\n")
    if buf.count(b"\n") != crlf or lone_cr != crlf:
        return "bare LF or CR in the request head: lines must end with CRLF"
    method = _METHOD_PREFIX.match(first)
    assert method is not None  # the pattern matches the empty string
    end = method.end()
    if end < len(first) and (first[end] not in b" \r" or (end == 0 and first[end] == 0x20)):
        return "not an HTTP request (bytes that cannot start a request line)"
    return None


def parse_request_head(head: bytes, limits: ProxyLimits) -> RequestHead:
    """Parse a complete head (ending in CRLF CRLF); raise MessageError with the reason."""
    if len(head) > limits.max_head:
        raise MessageError(f"request head larger than {limits.max_head} bytes")
    line_end = head.find(b"\r\n")
    line = head[:line_end]
    if line_end > limits.max_line:
        raise MessageError(f"request line longer than {limits.max_line} bytes")
    match = _REQUEST_LINE.fullmatch(line)
    if match is None:
        raise MessageError(_explain_request_line(line))
    method_b, target_b, major, minor = match.groups()
    version = _version(major, minor)
    method = method_b.decode("ascii")
    target = target_b.decode("ascii")
    if method == "CONNECT":
        host, port = _authority(target_b)
        origin = b""
    else:
        host, port, origin = _absolute(target_b)
    request = RequestHead(method, target, version, host, port, origin)
    _read_fields(request, head[line_end + 2 : -2], limits)
    return request


def _version(major: bytes, minor: bytes) -> int:
    if major == b"1" and minor in (b"0", b"1"):
        return 10 + int(minor)
    if major == b"2":
        raise MessageError("HTTP/2 is not supported: speak HTTP/1.1 to this proxy")
    raise MessageError(f"HTTP/{major.decode()}.{minor.decode()} is not supported: use HTTP/1.1")


def _read_fields(request: RequestHead, block: bytes, limits: ProxyLimits) -> None:
    if not block:
        _check_framing(request, [], [])
        return
    if _FIELDS.fullmatch(block) is None:
        raise MessageError(_explain_fields(block))
    kept, special = _split_fields(block, _REQUEST_SPECIAL, limits, "")
    lengths: list[bytes] = []
    codings: list[bytes] = []
    connection: list[bytes] = []
    hosts = 0
    for name, value in special:
        if name == b"host":
            hosts += 1
        elif name == b"content-length":
            lengths.append(value)
        elif name == b"transfer-encoding":
            codings.append(value)
        elif name == b"connection":
            connection.extend(_tokens(value))
        elif name == b"accept":
            request.accept_json = request.accept_json or b"application/json" in value.lower()
        elif name == b"proxy-authorization":
            if request.authorization is not None:
                raise MessageError("more than one Proxy-Authorization field")
            request.authorization = value
        elif name == b"expect":
            _expect(request, value)
    if hosts > 1:
        raise MessageError("more than one Host field")
    if connection:
        request.keep_alive = request.keep_alive and b"close" not in connection
        kept = _drop_named(kept, connection)
    request.fields = kept
    _check_framing(request, lengths, codings)


def _split_fields(
    block: bytes, special: re.Pattern[bytes], limits: ProxyLimits, what: str
) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """Split a valid field block into the lines to forward and the fields the proxy reads.

    One regex pass over the lower-cased block finds the fields the proxy handles; every other
    line is forwarded untouched, so the common head costs a few C calls, not a loop per line.
    """
    if block.count(b"\n") > limits.max_headers:
        raise MessageError(
            f"more than {limits.max_headers} header fields{what}", 502 if what else 400
        )
    if len(block) > limits.max_line and max(map(len, block.split(b"\r\n"))) > limits.max_line:
        raise MessageError(
            f"a header line{what} is longer than {limits.max_line} bytes", 502 if what else 400
        )
    found: list[tuple[bytes, bytes]] = []
    pieces: list[bytes] = []
    pos = 0
    for match in special.finditer(b"\n" + block.lower()):  # offsets: block's + 1, "\n" leads
        name, (value_start, line_end) = match[1], match.span(2)
        found.append((name, block[value_start - 1 : line_end - 1].rstrip(b" \t")))
        if name not in _KEPT:
            pieces.append(block[pos : match.start()])
            pos = line_end + 1
    if not pos:
        return block, found
    pieces.append(block[pos:])
    return b"".join(pieces), found


def _drop_named(block: bytes, names: list[bytes]) -> bytes:
    """Remove the fields a Connection header names (they were meant for this hop only)."""
    if _PERSISTENCE.issuperset(names):
        return block  # the usual Connection values: nothing named to drop, no sets built
    named = set(names) - _PERSISTENCE
    lines = block.split(b"\r\n")[:-1]
    kept = [line for line in lines if line.partition(b":")[0].lower() not in named]
    return b"".join(line + b"\r\n" for line in kept)


def _check_framing(request: RequestHead, lengths: list[bytes], codings: list[bytes]) -> None:
    if request.version == 10:
        request.keep_alive = False  # HTTP/1.0 clients get one response per connection
    if codings:
        if lengths:
            raise MessageError(
                "both Content-Length and Transfer-Encoding (a request smuggling pattern)"
            )
        if request.version == 10:
            raise MessageError("Transfer-Encoding in an HTTP/1.0 request")
        if [c.strip(b" \t").lower() for c in b",".join(codings).split(b",")] != [b"chunked"]:
            raise MessageError("Transfer-Encoding must be exactly 'chunked'")
        request.chunked = True
    elif lengths:
        request.content_length = content_length(lengths)
    if request.connect and request.has_body:
        raise MessageError("a CONNECT request cannot have a body")


def content_length(values: list[bytes]) -> int:
    """The one length several Content-Length values agree on, or MessageError."""
    if len(values) == 1 and values[0].isdigit() and len(values[0]) <= 18:
        return int(values[0])  # the usual case
    found = {item.strip(b" \t") for value in values for item in value.split(b",")}
    if len(found) != 1:
        raise MessageError("several Content-Length values that differ")
    (text,) = found
    if not text.isdigit() or len(text) > 18:
        raise MessageError("Content-Length is not a number of bytes")
    return int(text)


def _expect(request: RequestHead, value: bytes) -> None:
    if value.lower() != b"100-continue":
        raise MessageError("only 'Expect: 100-continue' is supported", status=417)
    request.expect_continue = request.version == 11


def _tokens(value: bytes) -> list[bytes]:
    if value in (b"keep-alive", b"close"):
        return [value]
    return [token for item in value.split(b",") if (token := item.strip(b" \t").lower())]


# -- request targets -----------------------------------------------------------------------------


_TARGETS: dict[bytes, tuple[str, int, bytes]] = {}
_TARGETS_KEPT, _TARGET_CACHED_UP_TO = 4096, 512


def _absolute(target: bytes) -> tuple[str, int, bytes]:
    """Host, port and origin-form of an absolute-form target, or MessageError.

    Bots ask for the same URLs again and again; short ones are remembered (a pure function).
    """
    known = _TARGETS.get(target)
    if known is not None:
        return known
    parsed = _parse_absolute(target)
    if len(target) <= _TARGET_CACHED_UP_TO:
        if len(_TARGETS) >= _TARGETS_KEPT:
            _TARGETS.clear()
        _TARGETS[target] = parsed
    return parsed


def _parse_absolute(target: bytes) -> tuple[str, int, bytes]:
    match = _ABSOLUTE.fullmatch(target)
    if match is None:
        raise MessageError(_explain_target(target))
    host_b, port_b, origin = match.groups()
    origin = origin or b"/"
    if origin[:1] == b"?":
        origin = b"/" + origin
    path = origin.partition(b"?")[0]
    if b"#" in origin:
        raise MessageError("a fragment ('#') in the request target")
    if b"\\" in path:
        raise MessageError("a backslash in the request target's path")
    if (b"." in path or b"%" in path) and _DOT_SEGMENT.search(path):
        raise MessageError("a '.' or '..' segment in the request target's path: send it normalised")
    return _host(host_b), _port(port_b, 80), origin


def _authority(target: bytes) -> tuple[str, int]:
    match = _AUTHORITY.fullmatch(target)
    if match is None:
        if b":" not in target.rpartition(b"]")[2]:
            raise MessageError("CONNECT needs host:port (the port is required)")
        raise MessageError("CONNECT target is not a valid host:port")
    host_b, port_b = match.groups()
    return _host(host_b), _port(port_b, 443)


def _host(host: bytes) -> str:
    text = host.decode("ascii").lower()
    if text.startswith("["):
        try:
            return IPv6Address(text[1:-1]).compressed
        except ValueError:
            raise MessageError("invalid IPv6 address in the request target") from None
    text = text.removesuffix(".")
    if not text:
        raise MessageError("empty host in the request target")
    return text


def _port(port: bytes | None, default: int) -> int:
    if port is None:
        return default
    number = int(port)
    if not 0 < number < 65536:
        raise MessageError("port out of range in the request target")
    return number


def _explain_target(target: bytes) -> str:
    lower = target[:8].lower()
    if target.startswith(b"/"):
        return (
            "origin-form request target: this is a forward proxy, send the absolute URL "
            "(GET http://host/path HTTP/1.1)"
        )
    if target == b"*":
        return "'*' is not a request target a forward proxy serves"
    if lower.startswith(b"https://"):
        return "https:// URLs go through a CONNECT tunnel, not a plain request"
    if not lower.startswith(b"http://"):
        return "the request target is not an http:// URL"
    return "invalid host or port in the request target"


def _explain_request_line(line: bytes) -> str:
    if not line:
        return "empty request line"
    if b"\n" in line or b"\r" in line:
        return "bare LF or CR in the request head: lines must end with CRLF"
    parts = line.split(b" ")
    if _TOKEN.fullmatch(parts[0]) is None:
        return "not an HTTP request (invalid method)"
    if len(parts) == 2:
        return "no HTTP version in the request line (HTTP/0.9 is not supported)"
    if len(parts) != 3:
        return "malformed request line: expected METHOD TARGET HTTP/1.1 with single spaces"
    if any(byte < 0x21 or byte > 0x7E for byte in parts[1]):
        return "the request target holds characters outside printable ASCII"
    return "malformed request line: missing or invalid HTTP version"


def _explain_fields(block: bytes) -> str:
    for line in block.split(b"\r\n")[:-1]:
        if line[:1] in (b" ", b"\t"):
            return "obs-fold (a header line starting with whitespace) is not allowed"
        if b"\n" in line or b"\r" in line:
            return "bare LF or CR in the request head: lines must end with CRLF"
        name, colon, _ = line.partition(b":")
        if not colon:
            return f"header line without ':': {_show(line)}"
        if name != name.rstrip(b" \t"):
            return f"whitespace between a header name and ':': {_show(name)}"
        if _TOKEN.fullmatch(name) is None:
            return f"invalid header name {_show(name)}"
        if not _FIELDS.fullmatch(line + b"\r\n"):
            return f"invalid character in the value of header {_show(name)}"
    return "malformed header section"


def _show(data: bytes) -> str:
    text = data[:_SHOWN].decode("ascii", "backslashreplace")
    return repr(text + ("..." if len(data) > _SHOWN else ""))


# -- forwarding requests -------------------------------------------------------------------------


_HOST_FIELDS: dict[tuple[str, int, int], bytes] = {}


def host_field(host: str, port: int, default_port: int = 80) -> bytes:
    """The Host value for a normalised host: IPv6 in brackets, default port left out.

    Built once per host and port (a pure function; bots talk to few hosts), kept like targets.
    """
    key = (host, port, default_port)
    known = _HOST_FIELDS.get(key)
    if known is not None:
        return known
    text = f"[{host}]" if ":" in host else host
    value = (text if port == default_port else f"{text}:{port}").encode("ascii")
    if len(host) <= _TARGET_CACHED_UP_TO:
        if len(_HOST_FIELDS) >= _TARGETS_KEPT:
            _HOST_FIELDS.clear()
        _HOST_FIELDS[key] = value
    return value


def upstream_request_head(request: RequestHead, host: bytes) -> bytes:
    """The head sent upstream: origin-form, Host from the URL, framing re-stated, no hop fields."""
    if request.chunked:
        framing = b"Transfer-Encoding: chunked\r\n"
    elif request.content_length is not None:
        framing = b"Content-Length: %d\r\n" % request.content_length
    else:
        framing = b""
    return b"%s %s HTTP/1.1\r\nHost: %s\r\n%s%s%s\r\n\r\n" % (
        request.method.encode("ascii"),
        request.origin,
        host,
        request.fields,
        framing,
        VIA,
    )


# -- response heads ------------------------------------------------------------------------------


def parse_response_head(head: bytes, limits: ProxyLimits) -> ResponseHead:
    """Parse an upstream's response head; MessageError (answered 502) when it is malformed."""
    if len(head) > limits.max_head:
        raise MessageError(f"response head larger than {limits.max_head} bytes", 502)
    line_end = head.find(b"\r\n")
    line = head[:line_end]
    match = _STATUS_LINE.fullmatch(line)
    if match is None or line_end > limits.max_line:
        raise MessageError(f"malformed status line {_show(line)}", 502)
    minor, status_b = match.groups()
    block = head[line_end + 2 : -2]
    if block and _FIELDS.fullmatch(block) is None:
        raise MessageError(_explain_fields(block).replace("request", "response"), 502)
    lengths: list[bytes] = []
    length_line: bytes | None = None
    codings: list[bytes] = []
    connection: list[bytes] = []
    fields = b""
    if block:
        fields, special = _split_fields(block, _RESPONSE_SPECIAL, limits, " in the response")
        for name, value in special:
            if name == b"content-length":
                lengths.append(value)
                length_line = b"Content-Length: " + value
            elif name == b"transfer-encoding":
                codings.append(value)
            elif name == b"connection":
                connection.extend(_tokens(value))
        if connection:
            fields = _drop_named(fields, connection)
    keep_alive = b"close" not in connection and (minor == b"1" or b"keep-alive" in connection)
    length, chunked = _response_framing(lengths, codings)
    return ResponseHead(
        int(status_b), b"HTTP/1.1" + line[8:], fields, length, length_line, chunked, keep_alive
    )


def _response_framing(lengths: list[bytes], codings: list[bytes]) -> tuple[int | None, bool]:
    if codings:
        if lengths:
            raise MessageError("response has both Content-Length and Transfer-Encoding", 502)
        if [c.strip(b" \t").lower() for c in b",".join(codings).split(b",")] != [b"chunked"]:
            raise MessageError("response Transfer-Encoding is not exactly 'chunked'", 502)
        return None, True
    if lengths:
        try:
            return content_length(lengths), False
        except MessageError as exc:
            raise MessageError(f"response: {exc.reason}", 502) from None
    return None, False


def client_response_head(response: ResponseHead, framing: bytes | None, close: bool) -> bytes:
    """The head sent to the client: HTTP/1.1, no hop fields, ``framing`` line, maybe close."""
    return b"%s\r\n%s%s%s%s\r\n\r\n" % (
        response.status_line,
        response.fields,
        framing + b"\r\n" if framing is not None else b"",
        VIA,
        b"\r\nConnection: close" if close else b"",
    )


__all__ = [
    "MessageError",
    "RequestHead",
    "ResponseHead",
    "check_partial_head",
    "client_response_head",
    "content_length",
    "host_field",
    "parse_request_head",
    "parse_response_head",
    "upstream_request_head",
]
