"""Where a request wants to go, after parsing: the shape every decision takes as input.

Built only by :mod:`botwarden.policy.target` (which parses URLs and CONNECT authorities the way
HTTP clients do), so that the host here is always normalised: lower case, no trailing dot,
punycode for international names, and an IP literal in its compressed form without brackets.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Target:
    """Treat as immutable; not ``frozen`` only because that makes every request slower."""

    scheme: str  # "http" or "https"; "" for a CONNECT tunnel, whose protocol is not seen
    host: str
    port: int
    path: str  # origin-form request target ("/a/b?q=1"); "" for a CONNECT tunnel
    host_is_ip: bool = False

    @property
    def authority(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def url(self) -> str:
        """The normalised URL, default ports omitted; for a tunnel, ``//host:port``."""
        if not self.scheme:
            return f"//{self.authority}"
        default = {"http": 80, "https": 443}[self.scheme]
        host = f"[{self.host}]" if ":" in self.host else self.host
        netloc = host if self.port == default else f"{host}:{self.port}"
        return f"{self.scheme}://{netloc}{self.path or '/'}"


__all__ = ["Target"]
