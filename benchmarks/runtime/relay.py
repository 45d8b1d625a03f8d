"""A bare asyncio forward proxy with no checks: the floor any Python proxy starts from.

    .venv/bin/python benchmarks/runtime/relay.py --listen 127.0.0.1:PORT [--no-uvloop]

Absolute-form requests (`GET http://host:port/path HTTP/1.1`) are rewritten to origin-form and
sent over one kept-alive upstream connection per client connection and authority; bodies are
relayed by Content-Length or chunked framing, so both sides stay kept alive. CONNECT opens a
tunnel and copies bytes both ways. No allow-list, no header limits, no budgets, no logging:
whatever botwarden's proxy costs beyond this is the price of its checks.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from urllib.parse import urlsplit

Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]
CHUNK = 1 << 16


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
    with contextlib.suppress(OSError):
        writer.close()


def framing(head: bytes) -> tuple[int | None, bool]:
    """(Content-Length or None, chunked?) from a header block."""
    length, chunked = None, False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    return length, chunked


async def copy_body(head: bytes, src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> bool:
    """Relay the body that follows ``head``; False when it runs to end of stream (no keep-alive)."""
    length, chunked = framing(head)
    if chunked:
        while True:
            size_line = await src.readuntil(b"\r\n")
            dst.write(size_line)
            size = int(size_line.split(b";")[0], 16)
            dst.write(await src.readexactly(size + 2))  # data + CRLF (trailers unsupported)
            if size == 0:
                return True
    elif length is not None:
        while length > 0:
            data = await src.read(min(length, CHUNK))
            if not data:
                raise ConnectionError("short body")
            dst.write(data)
            length -= len(data)
            await dst.drain()
        return True
    elif head.startswith(b"HTTP/"):  # a response without framing: until the upstream closes
        await pipe(src, dst)
        return False
    return True  # a request without a body


async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
    upstreams: dict[str, Stream] = {}
    try:
        while True:
            head = await client_r.readuntil(b"\r\n\r\n")
            method, target, version = head.split(b"\r\n", 1)[0].split(b" ")
            if method == b"CONNECT":
                host, _, port = target.decode().rpartition(":")
                up_r, up_w = await asyncio.open_connection(host.strip("[]"), int(port))
                client_w.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                await asyncio.gather(pipe(client_r, up_w), pipe(up_r, client_w))
                return
            url = urlsplit(target.decode())
            authority = url.netloc
            if authority not in upstreams:
                upstreams[authority] = await asyncio.open_connection(url.hostname, url.port or 80)
            up_r, up_w = upstreams[authority]
            path = (url.path or "/") + (f"?{url.query}" if url.query else "")
            rest = head.split(b"\r\n", 1)[1]
            up_w.write(b"%s %s %s\r\n%s" % (method, path.encode(), version, rest))
            await copy_body(head, client_r, up_w)
            response = await up_r.readuntil(b"\r\n\r\n")
            client_w.write(response)
            keep = method == b"HEAD" or await copy_body(response, up_r, client_w)
            await client_w.drain()
            if not keep:
                return
    except (asyncio.IncompleteReadError, ConnectionError, ValueError, OSError):
        pass
    finally:
        for _, writer in upstreams.values():
            writer.close()
        client_w.close()


async def serve(host: str, port: int) -> None:
    server = await asyncio.start_server(handle, host, port, backlog=1024)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="127.0.0.1:8898")
    parser.add_argument("--no-uvloop", action="store_true")
    args = parser.parse_args()
    host, _, port = args.listen.rpartition(":")
    run = asyncio.run
    if not args.no_uvloop:
        with contextlib.suppress(ImportError):
            import uvloop

            run = uvloop.run
    with contextlib.suppress(KeyboardInterrupt):
        run(serve(host, int(port)))


if __name__ == "__main__":
    main()
