"""Every bound the proxy enforces, in one place, with defaults that suit one host's bots.

Each limit closes a way to exhaust the proxy or to slip a request past its parser: heads are
bounded so a client cannot make it buffer without end, timeouts are bounded so a silent peer
cannot hold a connection slot for ever, and connection and tunnel counts are bounded so that one
misbehaving bot cannot starve the others sharing the proxy.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class ProxyLimits:
    """Sizes in bytes, times in seconds. Over a size limit: 400; over a count limit: 503."""

    max_line: int = 8 * 1024
    """Longest request line, status line or header line."""
    max_head: int = 64 * 1024
    """Longest request or response head (start line and every header line)."""
    max_headers: int = 100
    """Most header fields in one head (and trailer fields in one chunked body)."""
    max_chunk_line: int = 4 * 1024
    """Longest chunk-size line, extensions included."""
    max_connections: int = 1024
    """Client connections served at once; one more is answered 503 and closed."""
    max_tunnels: int = 256
    """CONNECT tunnels open at once; one more is answered 503."""
    idle_timeout: float = 60.0
    """How long a client connection may wait between requests before it is closed."""
    head_timeout: float = 10.0
    """From a request's first byte to its complete head (slow-loris): then 408 and close."""
    decide_timeout: float = 15.0
    """How long the gate (policy and DNS) may take to decide: then 504, fail closed."""
    connect_timeout: float = 10.0
    """Per address tried, to connect to the upstream: 504 when every attempt timed out."""
    response_timeout: float = 60.0
    """From the request sent to the upstream's response head: then 504."""
    io_timeout: float = 60.0
    """Longest silence while a body streams either way: then both sides are closed."""
    tunnel_idle_timeout: float = 300.0
    """Longest silence in both directions of a CONNECT tunnel: then it is closed."""
    buffer_size: int = 256 * 1024
    """Unsent bytes buffered per direction before the proxy stops reading from the sender."""

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not value > 0:
                raise ValueError(f"ProxyLimits.{item.name} must be positive, not {value!r}")
        if not self.max_line <= self.max_head <= self.buffer_size:
            raise ValueError("ProxyLimits needs max_line <= max_head <= buffer_size")

    @property
    def tick(self) -> float:
        """How often deadlines are checked: a quarter of the shortest timeout, 50 ms to 1 s."""
        shortest = min(
            self.idle_timeout,
            self.head_timeout,
            self.decide_timeout,
            self.connect_timeout,
            self.response_timeout,
            self.io_timeout,
            self.tunnel_idle_timeout,
        )
        return min(1.0, max(0.05, shortest / 4))


__all__ = ["ProxyLimits"]
