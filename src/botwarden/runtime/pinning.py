"""Connect to the address that was checked, never to a second DNS answer.

The gate resolves a name once and vets every address. If the HTTP client then resolved the name
again, a DNS server under an attacker's control could answer with a public address the first time
and ``169.254.169.254`` the second (DNS rebinding). So the enforcement point *pins* the vetted
addresses for the duration of the request, in a context variable, and the client's connection
layer reads them instead of resolving. A connection attempt with no pin, or to another host than
the pinned one, is refused: fail closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from botwarden.policy.decision import Decision


@dataclass(frozen=True, slots=True)
class Pin:
    host: str
    port: int
    addresses: tuple[str, ...]


_PIN: ContextVar[Pin | None] = ContextVar("botwarden_pin", default=None)


class NotVetted(OSError):  # noqa: N818 -- an OSError so clients report it as a connect failure
    """A connection the enforcement point did not vet: refused."""


@contextmanager
def pinned(decision: Decision) -> Iterator[None]:
    """Pin ``decision``'s vetted addresses while the request runs."""
    assert decision.host is not None
    assert decision.port is not None
    token = _PIN.set(Pin(decision.host, decision.port, decision.addresses))
    try:
        yield
    finally:
        _PIN.reset(token)


def vetted_addresses(host: str, port: int) -> tuple[str, ...]:
    """The addresses to connect to for ``host:port``; raises :class:`NotVetted` when none are."""
    pin = _PIN.get()
    if pin is None:
        raise NotVetted(f"botwarden: connection to {host}:{port} was not vetted; refused")
    if pin.host != host.lower().rstrip(".").strip("[]") or pin.port != port:
        raise NotVetted(
            f"botwarden: connection to {host}:{port} does not match the vetted "
            f"{pin.host}:{pin.port}; refused"
        )
    if not pin.addresses:
        raise NotVetted(f"botwarden: no vetted address for {host}:{port}; refused")
    return pin.addresses


__all__ = ["NotVetted", "Pin", "pinned", "vetted_addresses"]
