"""IAM policies as botwarden reads them: documents, statements and conditions, with locations.

Every parser (plain JSON, account authorization details, CloudFormation, Terraform) produces these
same objects, so the evaluator and the checks never care where a policy came from. Values are kept
as written (case, wildcards, variables); matching rules live in ``evaluate`` and ``matching``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Effect(StrEnum):
    ALLOW = "Allow"
    DENY = "Deny"


class PolicyKind(StrEnum):
    """What a document is attached to, which decides what elements it may have."""

    IDENTITY = "identity"  # attached to a user, group or role: no Principal
    RESOURCE = "resource"  # attached to a bucket, queue, key...: has Principal
    TRUST = "trust"  # a role's assume-role policy: Principal, sts:AssumeRole*


@dataclass(frozen=True, slots=True)
class Located:
    """A value and the line it was written on (None when the source gives no position)."""

    value: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Condition:
    """One ``"Operator": {"key": [values]}`` entry; ``operator`` keeps its qualifiers.

    For ``"ForAnyValue:StringLikeIfExists"``: ``set_operator`` is ``"ForAnyValue"``,
    ``base`` is ``"StringLike"`` and ``if_exists`` is true.
    """

    operator: str
    key: str
    values: tuple[str, ...]
    line: int | None = None

    @property
    def set_operator(self) -> str | None:
        head, sep, _ = self.operator.partition(":")
        return head if sep else None

    @property
    def if_exists(self) -> bool:
        return self.operator.endswith("IfExists")

    @property
    def base(self) -> str:
        name = self.operator.rpartition(":")[2]
        return name.removesuffix("IfExists") if name != "IfExists" else name


@dataclass(frozen=True, slots=True)
class Principal:
    """A Principal or NotPrincipal element: ``"*"`` or a map of kind to identifiers."""

    any: bool = False  # "Principal": "*" or {"AWS": "*"}
    entries: tuple[tuple[str, str], ...] = ()  # ("AWS", "arn:aws:iam::123:root"), ("Service", ...)


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement. ``not_action`` / ``not_resource`` say whether the lists are exclusions."""

    index: int
    effect: Effect
    actions: tuple[Located, ...]
    resources: tuple[Located, ...]
    not_action: bool = False
    not_resource: bool = False
    conditions: tuple[Condition, ...] = ()
    principal: Principal | None = None
    not_principal: bool = False
    sid: str | None = None
    line: int | None = None

    @property
    def action_values(self) -> tuple[str, ...]:
        return tuple(item.value for item in self.actions)

    @property
    def resource_values(self) -> tuple[str, ...]:
        return tuple(item.value for item in self.resources)


@dataclass(frozen=True, slots=True)
class PolicyProblem:
    """Something that makes a document invalid or ambiguous, found while parsing it."""

    message: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class PolicyDocument:
    """A policy as found in a file. ``name`` tells documents in one file apart."""

    path: str
    name: str
    statements: tuple[Statement, ...]
    version: str | None = "2012-10-17"
    kind: PolicyKind = PolicyKind.IDENTITY
    line: int | None = None
    problems: tuple[PolicyProblem, ...] = field(default=())

    @property
    def supports_variables(self) -> bool:
        """Policy variables are only substituted in version 2012-10-17 documents."""
        return self.version == "2012-10-17"
