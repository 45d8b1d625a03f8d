"""The whole decision path for one outgoing request, shared by the proxy and the in-process guard.

In order, each step able to refuse:

1. **parse** the URL or CONNECT authority the way HTTP clients do (:mod:`botwarden.policy.target`);
2. **policy**: the egress allow-list, then the HTTP capabilities naming the host;
3. **resolve** the name, once (a failure is a denial: fail closed);
4. **vet every address** the name resolved to: one loopback, private, link-local, metadata, ...
   address refuses the whole request unless the manifest lists that address or range explicitly
   (a DNS answer that mixes public and private addresses is how rebinding attacks start);
5. **checks** added by later layers (budgets, breaker, kill switch), each able to turn an allow into
   a deny without this path changing shape.

The decision that comes back carries the vetted addresses: callers connect to those and never
resolve the name again, so the address that was checked is the address that is used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from ipaddress import ip_address

from botwarden.manifest.model import Manifest
from botwarden.policy.addresses import classify, describe
from botwarden.policy.decision import Code, Decision, Verdict, deny, report
from botwarden.policy.engine import IPAddress, Policy
from botwarden.policy.request import Target
from botwarden.policy.target import TargetError, parse_authority, parse_url
from botwarden.runtime.resolve import ResolveError, Resolver

Check = Callable[[Target, Decision], Decision]
"""A later layer's say: given an allowed request, keep the decision or return a denial."""


class Gate:
    """One bot's enforcement point. Thread-safe and shareable: it holds no per-request state."""

    def __init__(
        self, policy: Policy, resolver: Resolver | None = None, checks: Sequence[Check] = ()
    ) -> None:
        self.policy = policy
        self.resolver = resolver or Resolver()
        self.checks = tuple(checks)

    @classmethod
    def from_manifest(
        cls, manifest: Manifest, *, resolver: Resolver | None = None, checks: Sequence[Check] = ()
    ) -> Gate:
        return cls(Policy.compile(manifest), resolver, checks)

    @property
    def bot(self) -> str:
        return self.policy.bot

    # -- before DNS ---------------------------------------------------------------------------

    def admit_url(self, method: str, url: str) -> tuple[Target | None, Decision]:
        """Parse and ask the policy; the target is None when the URL itself is refused."""
        try:
            target = parse_url(url)
        except TargetError as exc:
            return None, deny(exc.code, exc.message, "request.invalid")
        return target, self._special_literal(target, self.policy.request(method, target))

    def admit_connect(self, authority: str) -> tuple[Target | None, Decision]:
        try:
            target = parse_authority(authority)
        except TargetError as exc:
            return None, deny(exc.code, exc.message, "request.invalid")
        return target, self._special_literal(target, self.policy.destination(target))

    def _special_literal(self, target: Target, decision: Decision) -> Decision:
        """An unlisted IP literal in a refused range is refused for that, the sharper reason."""
        if not target.host_is_ip or decision.would_deny or decision.code is not Code.NOT_ALLOWED:
            return decision
        address = ip_address(target.host)
        code = classify(address)
        if code is None:
            return decision
        return replace(
            decision, code=code, reason=f"{describe(code, address)}, and no [egress].allow entry "
            "lists it"
        )  # fmt: skip

    # -- after DNS ----------------------------------------------------------------------------

    def vet(self, target: Target, decision: Decision, addresses: Sequence[IPAddress]) -> Decision:
        """Refuse unless every resolved address is public or listed; then run the later checks."""
        texts = tuple(address.compressed for address in addresses)
        for address in addresses:
            code = classify(address)
            if code is None or self.policy.lists_address(address, target.port) is not None:
                continue
            what = "" if target.host_is_ip else f"{target.host} resolves to it: "
            denial = deny(
                code,
                f"{what}{describe(code, address)}; list the address or range in [egress].allow "
                "to allow it",
                "egress.address-policy",
                host=target.host,
                port=target.port,
                addresses=texts,
            )
            return report(denial) if self.policy.egress_in_report_mode else denial
        decision = decision.with_addresses(texts)
        for check in self.checks:
            if not decision.allowed:
                break
            decision = check(target, decision)
        return decision

    def _dns_failure(self, target: Target, exc: ResolveError) -> Decision:
        return deny(Code.DNS_FAILURE, exc.message, "egress.dns", host=target.host, port=target.port)

    # -- the whole path -----------------------------------------------------------------------

    def decide_target(self, method: str, target: Target) -> Decision:
        return self._resolve_and_vet(target, self.policy.request(method, target))

    def decide_url(self, method: str, url: str) -> Decision:
        target, decision = self.admit_url(method, url)
        return decision if target is None else self._resolve_and_vet(target, decision)

    def decide_connect(self, authority: str) -> Decision:
        target, decision = self.admit_connect(authority)
        return decision if target is None else self._resolve_and_vet(target, decision)

    async def adecide_url(self, method: str, url: str) -> Decision:
        target, decision = self.admit_url(method, url)
        return decision if target is None else await self._aresolve_and_vet(target, decision)

    async def adecide_connect(self, authority: str) -> Decision:
        target, decision = self.admit_connect(authority)
        return decision if target is None else await self._aresolve_and_vet(target, decision)

    def _resolve_and_vet(self, target: Target, decision: Decision) -> Decision:
        if decision.verdict is Verdict.DENY:
            return decision
        try:
            addresses = self.resolver.resolve(target.host, target.port)
        except ResolveError as exc:
            return self._dns_failure(target, exc)
        return self.vet(target, decision, addresses)

    async def _aresolve_and_vet(self, target: Target, decision: Decision) -> Decision:
        if decision.verdict is Verdict.DENY:
            return decision
        try:
            addresses = await self.resolver.aresolve(target.host, target.port)
        except ResolveError as exc:
            return self._dns_failure(target, exc)
        return self.vet(target, decision, addresses)

    # -- cloud calls --------------------------------------------------------------------------

    def decide_aws(self, action: str, resource: str) -> Decision:
        decision = self.policy.aws(action, resource)
        return replace(decision, extra={"action": action, "resource": resource})


__all__ = ["Check", "Gate"]
