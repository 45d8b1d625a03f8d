"""The whole decision path for one outgoing request, shared by the proxy and the in-process guard.

In order, each step able to refuse:

1. **parse** the URL or CONNECT authority the way HTTP clients do (:mod:`botwarden.policy.target`);
2. **policy**: the egress allow-list, then the HTTP capabilities naming the host;
3. **resolve** the name, once (a failure is a denial: fail closed);
4. **vet every address** the name resolved to: one loopback, private, link-local, metadata, ...
   address refuses the whole request unless the manifest lists that address or range explicitly
   (a DNS answer that mixes public and private addresses is how rebinding attacks start);
5. **checks** added by later layers (budgets, breaker, kill switch), each able to turn an allow into
   a deny without this path changing shape. They run on every request, never from a memo.

The decision that comes back carries the vetted addresses: callers connect to those and never
resolve the name again, so the address that was checked is the address that is used.

Steps 1 to 4 depend only on the (immutable) policy and the DNS answer, so their outcome for one
method and URL is remembered until the DNS answer expires (forever for IP literals and
overrides). A bot asks for the same few URLs over and over; the proxy then decides at once,
without a task or a lookup (:meth:`Gate.decide_url_now`).
"""

from __future__ import annotations

import math
import time
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

_MEMO_SIZE = 8192  # remembered (method, URL) outcomes; dropped all at once when full
_DENY = Verdict.DENY
_Memo = tuple[float, Target | None, Decision]  # expiry (monotonic), target, decision before checks


class Gate:
    """One bot's enforcement point, shareable by threads and event loops."""

    def __init__(
        self, policy: Policy, resolver: Resolver | None = None, checks: Sequence[Check] = ()
    ) -> None:
        self.policy = policy
        self.resolver = resolver or Resolver()
        self.checks = tuple(checks)
        self._memo: dict[tuple[str, str], _Memo] = {}

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
        return self._checked(target, self._vetted(target, decision, addresses))

    def _vetted(
        self, target: Target, decision: Decision, addresses: Sequence[IPAddress]
    ) -> Decision:
        texts = tuple(address.compressed for address in addresses)
        for address in addresses:
            code = classify(address)
            if code is None or self.policy.lists_address(address, target.port) is not None:
                continue
            what = "" if target.host_is_ip else f"{target.host} resolves to it: "
            denial = deny(
                code,
                f"{what}{describe(code, address)}; list the address, or a range holding no public "
                "address, in [egress].allow to allow it",
                "egress.address-policy",
                host=target.host,
                port=target.port,
                addresses=texts,
            )
            return report(denial) if self.policy.egress_in_report_mode else denial
        d = decision
        return Decision(d.verdict, d.code, d.reason, d.rule, d.host, d.port, texts, d.would_deny)

    def _checked(self, target: Target | None, decision: Decision) -> Decision:
        if target is None:
            return decision
        for check in self.checks:
            if decision.verdict is _DENY:
                break
            decision = check(target, decision)
        return decision

    def _dns_failure(self, target: Target, exc: ResolveError) -> Decision:
        return deny(Code.DNS_FAILURE, exc.message, "egress.dns", host=target.host, port=target.port)

    # -- at once, when no lookup is needed ----------------------------------------------------

    def decide_url_now(self, method: str, url: str) -> Decision | None:
        """The decision without waiting, or None when a DNS lookup is needed first."""
        return self._now(method, url, self.admit_url)

    def decide_connect_now(self, authority: str) -> Decision | None:
        return self._now("CONNECT", authority, lambda _, text: self.admit_connect(text))

    def _now(
        self,
        method: str,
        text: str,
        admit: Callable[[str, str], tuple[Target | None, Decision]],
    ) -> Decision | None:
        key = (method, text)
        memo = self._memo.get(key)
        if memo is not None and memo[0] > time.monotonic():
            return self._checked(memo[1], memo[2])
        target, decision = admit(method, text)
        if target is None or decision.verdict is _DENY:
            self._remember(key, math.inf, target, decision)
            return decision
        try:
            known = self.resolver.known(target.host, target.port, is_ip=target.host_is_ip)
        except ResolveError as exc:
            return self._dns_failure(target, exc)
        if known is None:
            return None
        addresses, expires = known
        decision = self._vetted(target, decision, addresses)
        self._remember(key, expires, target, decision)
        return self._checked(target, decision)

    def _remember(self, key: tuple[str, str], expires: float, target: Target | None,
                  decision: Decision) -> None:  # fmt: skip
        if len(self._memo) >= _MEMO_SIZE:
            self._memo.clear()
        self._memo[key] = (expires, target, decision)

    # -- the whole path -----------------------------------------------------------------------

    def decide_target(self, method: str, target: Target) -> Decision:
        return self._resolve_and_vet(target, self.policy.request(method, target))

    def decide_url(self, method: str, url: str) -> Decision:
        decision = self.decide_url_now(method, url)
        if decision is not None:
            return decision
        target, decision = self.admit_url(method, url)
        return decision if target is None else self._resolve_and_vet(target, decision)

    def decide_connect(self, authority: str) -> Decision:
        decision = self.decide_connect_now(authority)
        if decision is not None:
            return decision
        target, decision = self.admit_connect(authority)
        return decision if target is None else self._resolve_and_vet(target, decision)

    async def adecide_url(self, method: str, url: str) -> Decision:
        decision = self.decide_url_now(method, url)
        if decision is not None:
            return decision
        target, decision = self.admit_url(method, url)
        return decision if target is None else await self._aresolve_and_vet(target, decision)

    async def adecide_connect(self, authority: str) -> Decision:
        decision = self.decide_connect_now(authority)
        if decision is not None:
            return decision
        target, decision = self.admit_connect(authority)
        return decision if target is None else await self._aresolve_and_vet(target, decision)

    def _resolve_and_vet(self, target: Target, decision: Decision) -> Decision:
        if decision.verdict is _DENY:
            return decision
        try:
            addresses = self.resolver.resolve(target.host, target.port)
        except ResolveError as exc:
            return self._dns_failure(target, exc)
        return self.vet(target, decision, addresses)

    async def _aresolve_and_vet(self, target: Target, decision: Decision) -> Decision:
        if decision.verdict is _DENY:
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
