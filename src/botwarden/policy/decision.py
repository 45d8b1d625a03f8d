"""What every enforcement point returns: a verdict, the rule behind it and a reason to read.

One type for every layer (egress allow-list, SSRF address policy, HTTP and AWS capabilities, and
later budgets, breaker and kill switch) so that the proxy, the in-process guard, ``egress check``
and the ledger all report decisions the same way. ``code`` is the stable, machine-readable cause
(tests and dashboards key on it); ``reason`` is the sentence for people; ``rule`` names the manifest
entry that decided (``egress.allow[2]``, ``capability[1]``) or the built-in rule (``default-deny``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    ALLOW = "allow"
    REPORT = "report"  # allowed only because the deciding rule is in report mode
    DENY = "deny"


class Code(StrEnum):
    """Why a decision came out as it did. Stable: part of the JSON contract."""

    ALLOWED = "allowed"
    # the request itself
    INVALID_URL = "invalid-url"
    UNSUPPORTED_SCHEME = "unsupported-scheme"
    USERINFO = "userinfo"
    INVALID_HOST = "invalid-host"
    LOOKALIKE_HOST = "lookalike-host"
    # the allow-list
    NOT_ALLOWED = "not-in-allow-list"
    PORT_NOT_ALLOWED = "port-not-allowed"
    # resolved addresses
    DNS_FAILURE = "dns-failure"
    LOOPBACK = "loopback-address"
    PRIVATE = "private-address"
    LINK_LOCAL = "link-local-address"
    SHARED = "shared-address"  # CGNAT, 100.64.0.0/10
    MULTICAST = "multicast-address"
    UNSPECIFIED = "unspecified-address"
    RESERVED = "reserved-address"
    METADATA = "metadata-address"
    # capabilities
    METHOD_NOT_ALLOWED = "method-not-allowed"
    URL_NOT_ALLOWED = "url-not-allowed"
    ACTION_NOT_ALLOWED = "action-not-allowed"
    RESOURCE_NOT_ALLOWED = "resource-not-allowed"
    # redirects
    TOO_MANY_REDIRECTS = "too-many-redirects"
    # state shared by a bot's processes (budgets, breaker, kill switch)
    BUDGET_EXHAUSTED = "budget-exhausted"
    BREAKER_OPEN = "breaker-open"
    KILLED = "killed"
    STORE_ERROR = "store-error"


@dataclass(slots=True)
class Decision:
    """The outcome of one check. ``allowed`` is what an enforcement point acts on.

    Treat it as immutable (derive new ones with :func:`dataclasses.replace`). It is not declared
    ``frozen`` because a frozen dataclass costs about four times as much to build, and one is
    built for every request the proxy sees.
    """

    verdict: Verdict
    code: Code
    reason: str
    rule: str
    host: str | None = None
    port: int | None = None
    addresses: tuple[str, ...] = ()
    would_deny: Code | None = None  # for REPORT: the denial that report mode let through
    extra: dict[str, Any] | None = field(default=None, compare=False)
    retry_after: float | None = None  # seconds until a refused request could succeed

    @property
    def allowed(self) -> bool:
        return self.verdict is not Verdict.DENY

    def with_addresses(self, addresses: tuple[str, ...]) -> Decision:
        return replace(self, addresses=addresses)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``egress check`` and of ledger entries."""
        out: dict[str, Any] = {
            "verdict": self.verdict.value,
            "code": self.code.value,
            "reason": self.reason,
            "rule": self.rule,
            "host": self.host,
            "port": self.port,
            "addresses": list(self.addresses),
        }
        if self.would_deny is not None:
            out["would_deny"] = self.would_deny.value
        if self.retry_after is not None:
            out["retry_after"] = round(self.retry_after, 3)
        if self.extra:
            out.update(self.extra)
        return out


def deny(code: Code, reason: str, rule: str, **where: Any) -> Decision:
    return Decision(Verdict.DENY, code, reason, rule, **where)


def allow(reason: str, rule: str, **where: Any) -> Decision:
    return Decision(Verdict.ALLOW, Code.ALLOWED, reason, rule, **where)


def report(denial: Decision) -> Decision:
    """Turn a denial into a report-mode allow that still says what would have been refused."""
    return replace(
        denial,
        verdict=Verdict.REPORT,
        code=Code.ALLOWED,
        reason=f"report mode: would deny: {denial.reason}",
        would_deny=denial.code,
    )


__all__ = ["Code", "Decision", "Verdict", "allow", "deny", "report"]
