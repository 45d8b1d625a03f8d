"""Granted against declared, and granted against used.

*Over-privileged*: a grant is needed when the least-privilege policy generated from the manifest
(capabilities plus their companions) covers it: the same action, a resource pattern that contains
the granted one, and no fewer conditions. Everything else is excess, reported per statement with
the exact actions and resources. *Under-privileged*: each declared action and resource is put to
the evaluator as a request; what the policies do not allow is reported at the manifest line.
*Unused*: grants that no observed call exercised.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from botwarden.findings import Finding, Location, Severity
from botwarden.iam import rules as iam_rules
from botwarden.iam.analysis import PrincipalView, StatementGrant
from botwarden.iam.cloudtrail import Evidence
from botwarden.iam.database import ActionSet
from botwarden.iam.evaluate import Request, evaluate
from botwarden.iam.generate import Grant, generate_from_manifest
from botwarden.iam.matching import action_matches, arn_matches, arn_subsumes, arns_intersect
from botwarden.iam.model import PolicyDocument
from botwarden.manifest.model import AwsCapability, Manifest

SAMPLE = 6
ConditionKey = tuple[str, str, frozenset[str]]


@dataclass(frozen=True, slots=True)
class Excess:
    actions: tuple[str, ...]  # granted, declared nowhere
    broader: tuple[tuple[str, str, str], ...]  # (action, granted resource, declared resource)


def over_privileged(view: PrincipalView, manifest: Manifest) -> Iterator[Finding]:
    generated = generate_from_manifest(manifest)
    needed = view.db.expand_all(a for g in generated.grants for a in g.actions)
    replacement: str | None = (
        " ".join(generated.to_json().split())
        if generated.grants
        else "none: the manifest declares no AWS capability, so detach the policy"
    )
    for grant in view.allows:
        excess = _excess(view, grant, generated.grants, needed)
        if excess.actions or excess.broader:
            yield _excess_finding(grant, excess, replacement)
            replacement = None  # shown once, on the first excess statement


def _excess(
    view: PrincipalView, grant: StatementGrant, declared: Sequence[Grant], needed: ActionSet
) -> Excess:
    granted = view.contribution(grant)
    undeclared = (granted - needed).names()
    resources = ("*",) if grant.statement.not_resource else grant.statement.resource_values
    conditions = {_condition_key(c.operator, c.key, c.values) for c in grant.statement.conditions}
    broader: list[tuple[str, str, str]] = []
    for action in (granted & needed).names():
        for resource in resources:
            if not _covered(action, resource, conditions, declared):
                broader.append((action, resource, _closest(action, declared)))
    return Excess(tuple(undeclared), tuple(broader))


def _covered(
    action: str,
    resource: str,
    conditions: set[ConditionKey],
    declared: Sequence[Grant],
) -> bool:
    for grant in declared:
        if not any(action_matches(pattern, action) for pattern in grant.actions):
            continue
        required = {_condition_key(op, key, values) for op, key, values in grant.conditions}
        if required <= conditions and any(arn_subsumes(d, resource) for d in grant.resources):
            return True
    return False


def _condition_key(
    operator: str, key: str, values: tuple[str, ...]
) -> tuple[str, str, frozenset[str]]:
    """A condition compared for coverage: the whole operator (set qualifier included, IfExists
    dropped), the key in lower case (condition keys are case-insensitive), the values as a set."""
    return (operator.removesuffix("IfExists"), key.lower(), frozenset(values))


def _closest(action: str, declared: Sequence[Grant]) -> str:
    for grant in declared:
        if any(action_matches(pattern, action) for pattern in grant.actions):
            return ", ".join(grant.resources)
    return "nothing"


def _excess_finding(grant: StatementGrant, excess: Excess, replacement: str | None) -> Finding:
    parts = []
    if excess.actions:
        shown = ", ".join(excess.actions[:SAMPLE])
        more = f" and {len(excess.actions) - SAMPLE} more" if len(excess.actions) > SAMPLE else ""
        parts.append(f"{len(excess.actions)} undeclared actions ({shown}{more})")
    for action, resource, declared in excess.broader[:SAMPLE]:
        parts.append(f"{action} on '{resource}' where the manifest declares '{declared}'")
    if len(excess.broader) > SAMPLE:
        parts.append(f"{len(excess.broader) - SAMPLE} more grants on broader resources")
    remediation = iam_rules.OVER_PRIVILEGED.remediation
    if replacement:
        remediation += f" Least-privilege policy: {replacement}"
    return Finding.of(
        iam_rules.OVER_PRIVILEGED,
        "grants beyond the manifest: " + "; ".join(parts),
        Location(grant.document.path, grant.statement.line or grant.document.line),
        key=grant.key,
        evidence=", ".join(excess.actions[:SAMPLE]),
        remediation=remediation,
    )


def under_privileged(documents: Sequence[PolicyDocument], manifest: Manifest) -> Iterator[Finding]:
    for index, capability in enumerate(manifest.capability):
        if not isinstance(capability, AwsCapability):
            continue
        label = capability.name or f"capability[{index}]"
        context = declared_context(capability)
        for action in capability.actions:
            for position, resource in enumerate(capability.resources):
                request = Request(action=action, resource=resource, context=context)
                result = evaluate(documents, request)
                if result.decision != "allow":
                    where = manifest.locate("capability", index, "resources", position)
                    yield _missing(label, action, resource, result.decision, where)


_POSITIVE = ("StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike",
             "Bool", "NumericEquals", "DateEquals", "IpAddress", "BinaryEquals")  # fmt: skip


def declared_context(capability: AwsCapability) -> dict[str, tuple[str, ...]]:
    """A request context in which the capability's own conditions hold.

    A declared grant comes with its conditions (``aws:RequestedRegion = eu-west-1``); the bot's
    calls carry those values, so the policy is asked about requests that carry them too.
    """
    context: dict[str, tuple[str, ...]] = {}
    present: list[str] = []
    for operator, keys in capability.conditions.items():
        base = operator.rpartition(":")[2].removesuffix("IfExists")
        for key, values in keys.items():
            first = _as_text((values if isinstance(values, list) else [values])[0])
            if base in _POSITIVE:
                context[key] = (_sample_address(first) if base == "IpAddress" else first,)
            elif base == "Null" and first.lower() == "false":
                present.append(key)  # the key must be there: any value will do
    for key in present:
        context.setdefault(key, ("present",))
    return context


def _as_text(value: str | int | bool) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _sample_address(cidr: str) -> str:
    """An address inside a declared range: requests come from addresses, not networks."""
    try:
        return str(ipaddress.ip_network(cidr, strict=False).network_address)
    except ValueError:
        return cidr


def _missing(label: str, action: str, resource: str, decision: str, where: Location) -> Finding:
    why = "an explicit Deny refuses it" if decision == "explicit-deny" else "no statement allows it"
    return Finding.of(
        iam_rules.UNDER_PRIVILEGED,
        f"{label} declares {action} on '{resource}', but {why}",
        where,
        key=f"{label}:{action}:{resource}",
        evidence=f"{action} {resource}",
    )


def unused(view: PrincipalView, evidence: Evidence) -> Iterator[Finding]:
    """Each Allow statement's actions that no observed call used, per statement."""
    observed = list(evidence.observed())
    window = evidence.window
    span = f" between {window[0]} and {window[1]}" if window else ""
    for grant in view.allows:
        resources = ("*",) if grant.statement.not_resource else grant.statement.resource_values
        used = view.db.expand_all(
            action for action, arn in observed if any(_may_be(r, arn) for r in resources)
        )
        idle: list[str] = []
        unknown: dict[str, list[str]] = {}
        for action in (view.contribution(grant) - used).names():
            reason = evidence.why_unknown(action)
            if reason is None:
                idle.append(action)
            else:
                unknown.setdefault(reason, []).append(action)
        where = Location(grant.document.path, grant.statement.line or grant.document.line)
        if idle:
            yield Finding.of(
                iam_rules.UNUSED,
                f"{len(idle)} granted actions were not used{span}: {_listed(idle)}",
                where,
                key=grant.key,
                evidence=", ".join(idle[:SAMPLE]),
            )
        for reason, actions in unknown.items():
            yield Finding.of(
                iam_rules.UNUSED,
                f"cannot tell whether {len(actions)} actions were used ({reason}): "
                f"{_listed(actions)}",
                where,
                key=f"{grant.key}:{reason}",
                severity=Severity.INFO,
                evidence=", ".join(actions[:SAMPLE]),
            )


def _may_be(granted: str, observed: str) -> bool:
    """Whether a call on ``observed`` used a grant on ``granted``. A call logged without its
    resource ('*') used the action; a rebuilt ARN with wildcards may be any of its matches."""
    if observed == "*":
        return True
    if "*" in observed or "?" in observed:
        return arns_intersect(granted, observed)
    return arn_matches(granted, observed)


def _listed(actions: list[str]) -> str:
    return ", ".join(actions[:SAMPLE]) + (" ..." if len(actions) > SAMPLE else "")
