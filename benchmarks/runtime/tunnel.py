"""CONNECT bulk throughput: a TCP source that streams bytes, and a client that pulls them.

    python tunnel.py serve PORT                       # each connection: read "N\\n", send N bytes
    python tunnel.py pull [--proxy H:P] TARGET_H:P BYTES   # prints {"bytes", "seconds", "mb_s"}

The client opens a CONNECT tunnel through --proxy (or connects straight to the source without
it), asks for BYTES bytes and times from the request to the last byte. Both ends use plain
blocking sockets with 1 MiB buffers; on loopback they move several GB/s, so the proxy is what
limits a tunnelled run.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import time

BUFFER = 1 << 20


def serve(port: int) -> None:
    listener = socket.create_server(("127.0.0.1", port), backlog=64)
    block = memoryview(bytes(BUFFER))
    while True:
        conn, _ = listener.accept()
        with conn, contextlib.suppress(OSError, ValueError):  # probes connect and leave
            wanted = int(conn.makefile("rb").readline() or b"0")
            while wanted > 0:
                sent = conn.send(block[: min(wanted, BUFFER)])
                wanted -= sent


def pull(target: str, count: int, proxy: str | None) -> dict[str, float]:
    host, _, port = (proxy or target).rpartition(":")
    sock = socket.create_connection((host, int(port)), timeout=120)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, BUFFER)
    if proxy:
        sock.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
        head = b""
        while b"\r\n\r\n" not in head:
            data = sock.recv(4096)
            if not data:
                raise ConnectionError(f"proxy closed the connection: {head[:80]!r}")
            head += data
        status = head.split(b"\r\n", 1)[0]
        if b" 200" not in status:
            raise ConnectionError(f"CONNECT refused: {status.decode(errors='replace')}")
        extra = len(head.partition(b"\r\n\r\n")[2])
    else:
        extra = 0
    buffer = bytearray(BUFFER)
    start = time.perf_counter()
    sock.sendall(f"{count}\n".encode())
    got = extra
    while got < count:
        n = sock.recv_into(buffer)
        if n == 0:
            raise ConnectionError(f"stream ended after {got} of {count} bytes")
        got += n
    seconds = time.perf_counter() - start
    sock.close()
    return {"bytes": got, "seconds": seconds, "mb_s": got / seconds / 1e6}


def main(argv: list[str]) -> int:
    if argv[:1] == ["serve"]:
        serve(int(argv[1]))
        return 0
    if argv[:1] == ["pull"]:
        rest = argv[1:]
        proxy = None
        if rest[:1] == ["--proxy"]:
            proxy, rest = rest[1], rest[2:]
        try:
            print(json.dumps(pull(rest[0], int(rest[1]), proxy)))
        except (OSError, ValueError) as error:
            print(json.dumps({"error": str(error)}))
            return 1
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
