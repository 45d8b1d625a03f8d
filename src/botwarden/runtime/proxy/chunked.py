"""The chunked transfer coding (RFC 9112 section 7.1), decoded strictly and re-encoded.

Bodies are decoded as they stream and sent on re-chunked with the proxy's own framing, so chunk
extensions and trailer fields, the places where parsers disagree, never reach the next hop.
Trailer fields are read and checked (they count against the head limits) and then dropped, which
RFC 9110 section 6.5.1 allows a recipient that removes the coding to do.
"""

from __future__ import annotations

import re
from typing import NoReturn

from botwarden.runtime.proxy.http1 import MessageError
from botwarden.runtime.proxy.limits import ProxyLimits

_SIZE = re.compile(rb"([0-9A-Fa-f]{1,16})[ \t]*(?:;[\t\x20-\x7e\x80-\xff]*)?")
_TRAILER = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[\t\x20-\x7e\x80-\xff]*")
_SIZE_LINE, _DATA, _DATA_END, _TRAILERS, _DONE = range(5)
LAST_CHUNK = b"0\r\n\r\n"


def encode_chunk(payload: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(payload), payload)


class ChunkedDecoder:
    """Feed bytes as they come; get the payload they carry and how many bytes were used.

    Once :attr:`done`, the bytes not used belong to whatever follows the body (the next
    message on the connection). Malformed framing raises :class:`MessageError` with ``status``.
    """

    __slots__ = ("_line", "_lines", "_remaining", "_state", "_status", "_trailer_bytes", "limits")

    def __init__(self, limits: ProxyLimits, status: int = 400) -> None:
        self.limits = limits
        self._status = status
        self._state = _SIZE_LINE
        self._remaining = 0
        self._line = b""
        self._lines = 0
        self._trailer_bytes = 0

    @property
    def done(self) -> bool:
        return self._state == _DONE

    def feed(self, data: bytes) -> tuple[bytes, int]:
        out: list[bytes] = []
        pos, size = 0, len(data)
        while pos < size and self._state != _DONE:
            if self._state == _DATA:
                take = min(self._remaining, size - pos)
                out.append(data[pos : pos + take])
                pos += take
                self._remaining -= take
                if not self._remaining:
                    self._state = _DATA_END
                continue
            end = data.find(b"\n", pos)
            if end < 0:
                self._line += data[pos:]
                self._check_length(self._line)
                pos = size
                break
            line = self._line + data[pos : end + 1]
            self._line = b""
            pos = end + 1
            self._check_length(line)
            if line[-2:-1] != b"\r" or b"\r" in line[:-2]:
                self._fail("bare LF or CR in chunked framing: lines must end with CRLF")
            self._on_line(line[:-2])
        return b"".join(out), pos

    def _on_line(self, line: bytes) -> None:
        if self._state == _SIZE_LINE:
            match = _SIZE.fullmatch(line)
            if match is None:
                self._fail("invalid chunk size line")
            self._remaining = int(match.group(1), 16)
            self._state = _DATA if self._remaining else _TRAILERS
        elif self._state == _DATA_END:
            if line:
                self._fail("chunk data longer than its declared size")
            self._state = _SIZE_LINE
        elif not line:
            self._state = _DONE
        else:
            self._lines += 1
            self._trailer_bytes += len(line) + 2
            if _TRAILER.fullmatch(line) is None:
                self._fail("invalid trailer field in chunked body")
            if self._lines > self.limits.max_headers:
                self._fail(f"more than {self.limits.max_headers} trailer fields")
            if self._trailer_bytes > self.limits.max_head:
                self._fail(f"trailer section larger than {self.limits.max_head} bytes")

    def _check_length(self, line: bytes) -> None:
        limit = self.limits.max_line if self._state == _TRAILERS else self.limits.max_chunk_line
        if len(line) > limit:
            self._fail("chunk size or trailer line too long")

    def _fail(self, reason: str) -> NoReturn:
        raise MessageError(reason, self._status)


__all__ = ["LAST_CHUNK", "ChunkedDecoder", "encode_chunk"]
