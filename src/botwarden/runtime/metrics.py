"""Prometheus metrics for the proxy and the guard, served on an opt-in ``/metrics`` listener.

Written by hand rather than with ``prometheus_client``: the proxy updates a handful of counters
per request on its event loop, and a dict increment costs about a tenth of a labelled
``Counter.inc()`` (which takes a lock); the text exposition format is a few lines. Exposed:

- ``botwarden_decisions_total{bot,verdict,rule}``: every decision;
- ``botwarden_bytes_total{bot,direction}``: bytes sent (``up``) and received (``down``);
- ``botwarden_refused_total{bot,code}``: refusals by cause (budget, breaker, kill, ...);
- ``botwarden_store_errors_total{bot}``: state store and ledger failures;
- ``botwarden_budget_remaining{bot,budget,kind}`` and ``botwarden_breaker_open{bot,upstream}``:
  gauges read from the state store when ``/metrics`` is scraped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botwarden.policy.decision import Decision, Verdict


class Counter:
    __slots__ = ("help", "labels", "name", "values")

    def __init__(self, name: str, help_text: str, labels: tuple[str, ...]) -> None:
        self.name = name
        self.help = help_text
        self.labels = labels
        self.values: dict[tuple[str, ...], float] = {}

    def inc(self, *label_values: str, amount: float = 1) -> None:
        self.values[label_values] = self.values.get(label_values, 0) + amount

    def render(self) -> list[str]:
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} counter"]
        for values, number in sorted(self.values.items()):
            pairs = ",".join(
                f'{k}="{_escape(v)}"' for k, v in zip(self.labels, values, strict=True)
            )
            lines.append(f"{self.name}{{{pairs}}} {number:g}")
        return lines


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class Metrics:
    def __init__(self) -> None:
        self.decisions = Counter(
            "botwarden_decisions_total", "Decisions by bot, verdict and rule.",
            ("bot", "verdict", "rule"),
        )  # fmt: skip
        self.bytes = Counter(
            "botwarden_bytes_total", "Bytes moved, by bot and direction.", ("bot", "direction")
        )
        self.refused = Counter(
            "botwarden_refused_total", "Refusals by bot and cause.", ("bot", "code")
        )
        self.store_errors = Counter(
            "botwarden_store_errors_total", "State store and ledger failures.", ("bot",)
        )
        self.gauges: list[Callable[[], list[str]]] = []  # read from the store at each scrape

    def count(self, bot: str, decision: Decision | None, up: int, down: int) -> None:
        """One exchange: its decision (None: refused before the gate) and the bytes it moved."""
        if decision is None:
            self.decisions.inc(bot, "refused", "")
        else:
            self.decisions.inc(bot, decision.verdict.value, decision.rule)
            if decision.verdict is Verdict.DENY:
                self.refused.inc(bot, decision.code.value)
        if up:
            self.bytes.inc(bot, "up", amount=up)
        if down:
            self.bytes.inc(bot, "down", amount=down)

    def render(self) -> str:
        lines: list[str] = []
        for counter in (self.decisions, self.bytes, self.refused, self.store_errors):
            lines.extend(counter.render())
        for collect in self.gauges:
            try:
                lines.extend(collect())
            except Exception as exc:  # noqa: BLE001 -- a scrape must answer even if a store fails
                lines.append(f"# botwarden: a gauge could not be read: {type(exc).__name__}")
        return "\n".join(lines) + "\n"


def gauge_lines(
    name: str, help_text: str, samples: list[tuple[dict[str, str], float]]
) -> list[str]:
    """The exposition of one gauge, read at scrape time."""
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
    for labels, value in samples:
        pairs = ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items())
        lines.append(f"{name}{{{pairs}}} {value:g}")
    return lines


def serve_metrics(metrics: Metrics, host: str, port: int) -> ThreadingHTTPServer:
    """Serve ``GET /metrics`` in a daemon thread; the caller shuts the server down."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?", 1)[0] != "/metrics":
                self.send_error(404)
                return
            body = metrics.render().encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name="botwarden-metrics", daemon=True).start()
    return server


__all__ = ["Counter", "Metrics", "serve_metrics"]
