"""Decide a request against policies the way AWS documents it, and say which statements decided it.

The decision follows AWS's policy evaluation logic for one account: an explicit Deny in any
document wins; otherwise an Allow in any document (identity-based or resource-based) allows;
otherwise the request is implicitly denied. Every statement that applies is reported, Allow and
Deny, in document order, as the IAM policy simulator lists matched statements.

Statements are three-valued (see ``conditions``): what cannot be evaluated (an unknown condition
operator, a statement without actions, a resource policy statement without a principal) never
makes an Allow apply and always makes a Deny apply.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from botwarden.iam.conditions import FoldedContext, applies, conditions_state, fold_context
from botwarden.iam.matching import action_matches, arn_matches
from botwarden.iam.model import Effect, PolicyDocument, PolicyKind, Principal, Statement
from botwarden.iam.variables import resolve

Decision = Literal["allow", "explicit-deny", "implicit-deny"]

_ACCOUNT = re.compile(r"\d{12}")
_ROOT = re.compile(r"arn:[^:]+:iam::(\d{12}):root")
_ROLE = re.compile(r"arn:([^:]+):iam::(\d{12}):role/(?:.*/)?([^/]+)")
_SESSION = re.compile(r"arn:([^:]+):sts::(\d{12}):assumed-role/([^/]+)/[^/]+")


@dataclass(frozen=True, slots=True)
class Request:
    """What is asked: an action on a resource, with its context keys and, for resource-based
    policies, the calling principal's ARN (None: an anonymous caller)."""

    action: str
    resource: str
    context: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    principal: str | None = None
    folded: FoldedContext = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "folded", fold_context(self.context))


@dataclass(frozen=True, slots=True)
class MatchedStatement:
    """A statement that applies to the request: the reason behind a decision."""

    document: PolicyDocument
    index: int
    effect: Effect
    sid: str | None


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The decision, and every statement that applies, in document order."""

    decision: Decision
    statements: tuple[MatchedStatement, ...]

    def to_json(self) -> dict[str, Any]:
        """Plain data for reports and the CLI; policies are named by name and path."""
        return {
            "decision": self.decision,
            "statements": [
                {
                    "policy": match.document.name,
                    "path": match.document.path,
                    "index": match.index,
                    "sid": match.sid,
                    "effect": match.effect.value,
                }
                for match in self.statements
            ],
        }


def evaluate(documents: Sequence[PolicyDocument], request: Request) -> Evaluation:
    """Every applying statement, and the decision they make together."""
    matched = tuple(
        MatchedStatement(document, statement.index, statement.effect, statement.sid)
        for document in documents
        for statement in document.statements
        if statement_matches(document, statement, request)
    )
    return Evaluation(_decide(matched), matched)


def _decide(matched: tuple[MatchedStatement, ...]) -> Decision:
    effects = {match.effect for match in matched}
    if Effect.DENY in effects:
        return "explicit-deny"
    return "allow" if Effect.ALLOW in effects else "implicit-deny"


def statement_matches(document: PolicyDocument, statement: Statement, request: Request) -> bool:
    """Whether the statement applies to the request (its effect then counts)."""
    return applies(statement_state(document, statement, request), statement.effect)


def statement_state(
    document: PolicyDocument, statement: Statement, request: Request
) -> bool | None:
    """Three-valued: every element must match; None when one cannot be evaluated."""
    state: bool | None = True
    for element in _ELEMENTS:
        found = element(document, statement, request)
        if found is False:
            return False
        if found is None:
            state = None
    found = conditions_state(
        statement.conditions, request.folded, variables_enabled=document.supports_variables
    )
    return found if found is not True else state


# -- elements ----------------------------------------------------------------------------------


def _action_state(_: PolicyDocument, statement: Statement, request: Request) -> bool | None:
    """Action: some pattern matches; NotAction: none does. No actions at all is unreadable."""
    if not statement.actions:
        return None
    hit = False
    for item in statement.actions:
        if action_matches(item.value, request.action):
            hit = True
            break
    return hit != statement.not_action


def _resource_state(
    document: PolicyDocument, statement: Statement, request: Request
) -> bool | None:
    """Resource / NotResource, with policy variables. A resource-based policy may leave Resource
    out: it then covers the resource it is attached to, which is the one being asked about."""
    if not statement.resources:
        return True if _resource_based(document) and not statement.not_resource else None
    variables = document.supports_variables
    hit = False
    for item in statement.resources:
        if _resource_hit(item.value, request, variables):
            hit = True
            break
    return hit != statement.not_resource


def _resource_hit(value: str, request: Request, variables: bool) -> bool:
    """A pattern whose variable has no value matches no resource (AWS: "effectively null")."""
    pattern = resolve(value, request.folded, enabled=variables) if "${" in value else value
    return pattern is not None and arn_matches(pattern, request.resource)


def _principal_state(
    document: PolicyDocument, statement: Statement, request: Request
) -> bool | None:
    """Identity-based policies have no principal (the holder is the principal). Resource-based
    ones must name one: Principal lists who it applies to, NotPrincipal who it does not."""
    if not _resource_based(document):
        return True
    if statement.principal is None:
        return None
    hit = principal_matches(statement.principal, request.principal)
    return hit != statement.not_principal


def _resource_based(document: PolicyDocument) -> bool:
    return document.kind in (PolicyKind.RESOURCE, PolicyKind.TRUST)


_ELEMENTS = (_action_state, _resource_state, _principal_state)


# -- principals --------------------------------------------------------------------------------


def principal_matches(principal: Principal, caller: str | None) -> bool:
    """Whether a Principal element names the caller. ``"*"`` names everyone, anonymous included;
    anything else needs a known caller."""
    if principal.any:
        return True
    return caller is not None and any(
        _entry_matches(kind, value, caller) for kind, value in principal.entries
    )


def _entry_matches(kind: str, value: str, caller: str) -> bool:
    """AWS entries: the exact ARN, the account (root ARN or bare id) for any of its principals,
    a role for its sessions. Other kinds (Service, Federated, CanonicalUser) match exactly.
    AWS allows no partial wildcards in principals, so ``*`` is only ever everything."""
    if value in ("*", caller):
        return True
    if kind != "AWS":
        return False
    account = _account_named(value)
    if account is not None:
        return account_of(caller) == account
    return _role_session_of(value, caller)


def _account_named(value: str) -> str | None:
    if _ACCOUNT.fullmatch(value):
        return value
    found = _ROOT.fullmatch(value)
    return found.group(1) if found else None


def account_of(caller: str) -> str | None:
    """The account of a principal ARN (or bare account id); None for a service principal."""
    if _ACCOUNT.fullmatch(caller):
        return caller
    parts = caller.split(":", 5)
    return parts[4] if len(parts) == 6 and parts[0] == "arn" and parts[4] else None


def _role_session_of(role: str, caller: str) -> bool:
    """A role named in a Principal covers its sessions: ``assumed-role/NAME/SESSION``."""
    named, session = _ROLE.fullmatch(role), _SESSION.fullmatch(caller)
    return bool(named and session and named.groups() == session.groups())
