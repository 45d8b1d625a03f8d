"""The egress proxy: an HTTP/1.1 forward proxy that asks each bot's gate before every request.

``botwarden proxy`` and ``botwarden run`` are built on :class:`Proxy`; docs/proxy.md describes
its behaviour, limits and replies.
"""

from __future__ import annotations

from botwarden.runtime.proxy.exchange import CountingMeter, Exchange, Meter, MeterFactory, Observer
from botwarden.runtime.proxy.gate_protocol import EgressGate, ImmediateGate
from botwarden.runtime.proxy.limits import ProxyLimits
from botwarden.runtime.proxy.running import ProxyThread, new_event_loop, serve_until_signal
from botwarden.runtime.proxy.server import Proxy

__all__ = [
    "CountingMeter",
    "EgressGate",
    "Exchange",
    "ImmediateGate",
    "Meter",
    "MeterFactory",
    "Observer",
    "Proxy",
    "ProxyLimits",
    "ProxyThread",
    "new_event_loop",
    "serve_until_signal",
]
