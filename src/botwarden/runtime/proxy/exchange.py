"""One request or tunnel through the proxy, as the observer sees it, and the meter that counts it.

The relay loops report every byte to a :class:`Meter` as it passes. The default one only counts;
a budget meter (next layer) answers ``False`` once the budget is spent, and the proxy then stops
the exchange at once, closing both sides. Byte counts are wire bytes exchanged with the upstream,
HTTP heads included: ``up`` is what was sent to it, ``down`` what was received from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from botwarden.policy.decision import Decision


class Meter(Protocol):
    def add(self, up: int, down: int) -> bool:
        """Account for bytes moved; ``False`` stops the exchange at once (budget spent)."""
        ...


class CountingMeter:
    """The default meter: counts and never stops anything."""

    __slots__ = ("down", "up")

    def __init__(self) -> None:
        self.up = 0
        self.down = 0

    def add(self, up: int, down: int) -> bool:
        self.up += up
        self.down += down
        return True


@dataclass(slots=True)
class Exchange:
    """A request (``method`` + URL) or a tunnel (``CONNECT`` + ``host:port``) and its outcome.

    ``decision`` is None when the request never reached the gate (malformed, or refused at
    authentication); ``status`` is what the client was answered, ``upstream_status`` what the
    upstream answered (None when it was never asked, and for tunnels). ``outcome`` names how
    the exchange ended: ``"ok"`` or the reason it was cut short.
    """

    bot: str
    method: str
    target: str
    started: float
    decision: Decision | None = None
    status: int | None = None
    upstream_status: int | None = None
    bytes_up: int = 0
    bytes_down: int = 0
    ended: float | None = None
    outcome: str = "ok"

    @property
    def tunnel(self) -> bool:
        return self.method == "CONNECT"


Observer = Callable[[Exchange], None]
"""Called once per exchange after it ends, on the proxy's event loop: keep it quick."""

MeterFactory = Callable[[Exchange], Meter]
"""Makes the meter of an allowed exchange (it sees the bot, target and decision)."""


def counting_meter(_exchange: Exchange) -> Meter:
    return CountingMeter()


__all__ = ["CountingMeter", "Exchange", "Meter", "MeterFactory", "Observer", "counting_meter"]
