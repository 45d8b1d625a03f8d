"""What the proxy needs from the decision path: two questions, answered with a Decision.

The proxy never parses policy or resolves names itself. It asks the gate, and when the answer is
yes it connects to ``decision.addresses`` (already vetted, in order) on ``decision.port`` and to
nothing else, so the address that was checked is the address that is used (no DNS rebinding).
:class:`botwarden.runtime.gate.Gate` satisfies this protocol.
"""

from __future__ import annotations

from typing import Protocol

from botwarden.policy.decision import Decision


class EgressGate(Protocol):
    async def adecide_url(self, method: str, url: str) -> Decision:
        """Decide a plain-HTTP request given in absolute form (``http://host/path``)."""
        ...

    async def adecide_connect(self, authority: str) -> Decision:
        """Decide a CONNECT tunnel to ``host:port``."""
        ...


class ImmediateGate(EgressGate, Protocol):
    """Optional: a gate that can often decide at once says so, and saves the proxy a task.

    The proxy calls these first when a gate has them; ``None`` means "I would have to wait"
    (a DNS lookup, say), and the proxy then awaits the ``adecide_*`` method as usual. On Python
    3.11 this spares a task and a trip through the event loop per request; from 3.12 the proxy
    starts tasks eagerly and the gain is smaller.
    """

    def decide_url_now(self, method: str, url: str) -> Decision | None: ...

    def decide_connect_now(self, authority: str) -> Decision | None: ...


__all__ = ["EgressGate", "ImmediateGate"]
