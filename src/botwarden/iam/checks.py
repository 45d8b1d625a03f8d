"""The permissions checks over one principal's policies: each rule a small function.

Every finding points at the statement (or action, resource, condition) that causes it, and its
fingerprint key names the document and the statement's Sid (or index), never a line number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from botwarden.findings import Finding, Location, Rule, Severity
from botwarden.iam import rules as iam_rules
from botwarden.iam.analysis import PrincipalView, StatementGrant
from botwarden.iam.database import ActionSet, IamDatabase
from botwarden.iam.escalation import PATHS, SELF_MODIFYING, EscalationPath
from botwarden.iam.matching import arn_matches, string_like
from botwarden.iam.model import Condition, Effect, PolicyDocument, PolicyKind, Statement

ADMIN_SHARE = 0.9  # allowed on every resource: at least this share of all known actions
SAMPLE = 5

IDENTITY_SERVICES = ("iam", "sts", "sso", "organizations", "identitystore")
DATA_READ = (
    "s3:GetObject",
    "s3:GetObjectVersion",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "secretsmanager:GetSecretValue",
    "dynamodb:ExportTableToPointInTime",
    # bulk reads of the other stores a bot keeps data in: every table, queue, stream, log group
    "dynamodb:Scan",
    "dynamodb:Query",
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:PartiQLSelect",
    "sqs:ReceiveMessage",
    "kinesis:GetRecords",
    "logs:GetLogEvents",
    "logs:FilterLogEvents",
)
CREDENTIAL_ACTIONS = (
    "chime:CreateApiKey",
    "codepipeline:PollForJobs",
    "cognito-identity:GetOpenIdToken",
    "cognito-identity:GetOpenIdTokenForDeveloperIdentity",
    "cognito-identity:GetCredentialsForIdentity",
    "connect:GetFederationToken",
    "ec2:GetPasswordData",
    "ecr:GetAuthorizationToken",
    "gamelift:RequestUploadCredentials",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:CreateServiceSpecificCredential",
    "iam:ResetServiceSpecificCredential",
    "iam:UpdateAccessKey",
    "lightsail:GetInstanceAccessDetails",
    "lightsail:GetRelationalDatabaseMasterUserPassword",
    "rds-db:Connect",
    "redshift:GetClusterCredentials",
    "mediapackage:RotateChannelCredentials",
    "mediapackage:RotateIngestEndpointCredentials",
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:GetFederationToken",
    "sts:GetSessionToken",
)


@dataclass(frozen=True, slots=True)
class Categories:
    """Action sets the checks test against, built once per database."""

    write_scoped: ActionSet  # Write actions that support resource-level permissions
    identity_management: ActionSet  # Permissions management of identities and their policies
    permissions_management: ActionSet  # AWS's "Permissions management" access level
    resource_policies: ActionSet  # Permissions management of other services' resources
    data_read: ActionSet
    credentials: ActionSet

    @property
    def on_every_resource(self) -> ActionSet:
        """Every action that some every-resource rule reports."""
        return (
            self.write_scoped
            | self.permissions_management
            | self.resource_policies
            | self.data_read
            | self.credentials
        )


@cache
def categories(db: IamDatabase) -> Categories:
    star_only = db.star_only
    # iam:PassRole is permissions management in AWS's data; it has a rule of its own
    management = db.access_level("Permissions management") - db.expand("iam:PassRole")
    identity = db.expand_all(f"{service}:*" for service in IDENTITY_SERVICES)
    scoped = db.universe - star_only
    return Categories(
        write_scoped=db.access_level("Write") & scoped,
        identity_management=management & identity,
        permissions_management=management & scoped,
        resource_policies=(management - identity) & scoped,
        data_read=db.expand_all(DATA_READ) & scoped,
        credentials=db.expand_all(CREDENTIAL_ACTIONS) & scoped,
    )


def _where(document: PolicyDocument, line: int | None) -> Location:
    return Location(document.path, line or document.line)


def _at(grant: StatementGrant) -> Location:
    return _where(grant.document, grant.statement.line)


def _sample(actions: ActionSet | Sequence[str]) -> str:
    """The first few names (sets iterate in sorted order), without listing thousands."""
    first = actions.first(SAMPLE) if isinstance(actions, ActionSet) else sorted(actions)[:SAMPLE]
    more = len(actions) - len(first)
    return ", ".join(first) + (f" and {more} more" if more > 0 else "")


def _when(grant: StatementGrant) -> str:
    return " (when its conditions hold)" if grant.conditional else ""


# -- principal-level checks: the union of the principal's identity policies ------------------


def check_principal(view: PrincipalView, *, principal_arn: str | None = None) -> Iterator[Finding]:
    if (admin := _admin(view)) is not None:
        yield admin
        return  # everything below is implied by administrator access
    cats = categories(view.db)
    for grant in view.allows:
        yield from _service_wildcards(grant)
        if grant.all_resources or grant.every_of_type:
            yield from _on_every_resource(view, grant, cats)
        yield from _pass_role(view, grant)
    yield from _escalation(view)
    if principal_arn:
        yield from _self_modification(view, principal_arn)


def _admin(view: PrincipalView) -> Finding | None:
    """Full access: (nearly) every action on every resource, identity management included.

    A near-administrator that cannot change IAM (``NotAction: iam:*``, AWS's PowerUserAccess)
    is not reported here but by what it can still do: writes everywhere, escalation paths.
    """
    allowed, universe = view.on_every_resource, view.db.universe
    if len(allowed) < ADMIN_SHARE * len(universe):
        return None
    if categories(view.db).identity_management - allowed:
        return None
    top = max((g for g in view.allows if g.all_resources), key=lambda g: len(view.contribution(g)))
    missing = universe - allowed
    services = sorted({name.split(":", 1)[0] for name in missing})
    except_ = (
        f" except {', '.join(services[:8])}{' ...' if len(services) > 8 else ''}"
        if services
        else ""
    )
    message = (
        f"allows {len(allowed):,} of {len(universe):,} actions on every resource"
        f"{except_}{_when(top)}"
    )
    return Finding.of(
        iam_rules.ADMIN,
        message,
        _at(top),
        key=top.key,
        evidence=("NotAction: " if top.statement.not_action else "")
        + (", ".join(top.statement.action_values) or "*"),
    )


_SERVICE_STAR = re.compile(r"^[A-Za-z0-9-]+:\*$")


def _service_wildcards(grant: StatementGrant) -> Iterator[Finding]:
    if grant.statement.not_action:
        return
    for action in grant.statement.actions:
        if _SERVICE_STAR.match(action.value):
            yield Finding.of(
                iam_rules.SERVICE_WILDCARD,
                f"allows every {action.value.split(':')[0]} action{_when(grant)}",
                _where(grant.document, action.line),
                key=f"{grant.key}:{action.value.lower()}",
                evidence=action.value,
            )


def _on_every_resource(
    view: PrincipalView, grant: StatementGrant, cats: Categories
) -> Iterator[Finding]:
    contribution = view.contribution(grant)
    scope = "every resource"
    if not grant.all_resources:  # every resource of a kind: only actions that apply to it count
        # Only actions some rule below reports need deciding: the ARN matching is the cost.
        reported = contribution & cats.on_every_resource
        applicable = view.db.empty
        for resource in grant.every_of_type if reported else ():
            applicable = applicable | view.db.actions_for_arn(resource, within=reported)
        contribution = contribution & applicable
        scope = "every resource of " + ", ".join(f"'{r}'" for r in grant.every_of_type)
    checks: tuple[tuple[Rule, ActionSet, str], ...] = (
        (iam_rules.WRITE_ALL, cats.write_scoped, "write actions"),
        (iam_rules.PERMISSIONS_MGMT, cats.permissions_management, "permissions-management actions"),
        (iam_rules.RESOURCE_EXPOSURE, cats.resource_policies, "resource-policy and ACL changes"),
        (iam_rules.EXFILTRATION, cats.data_read, "data-reading actions"),
        (iam_rules.CREDENTIALS, cats.credentials, "credential-returning actions"),
    )
    for rule, category, what in checks:
        found = contribution & category
        if len(found):
            yield Finding.of(
                rule,
                f"allows {len(found)} {what} on {scope}{_when(grant)}: {_sample(found)}",
                _at(grant),
                key=grant.key,
                evidence=_sample(found),
            )


def _passed_to_service(statement: Statement) -> list[Condition]:
    """The statement's conditions on iam:PassedToService (keys are case-insensitive)."""
    return [c for c in statement.conditions if c.key.lower() == "iam:passedtoservice"]


def _pass_role(view: PrincipalView, grant: StatementGrant) -> Iterator[Finding]:
    if "iam:PassRole" not in view.contribution(grant):
        return
    limited = bool(_passed_to_service(grant.statement))
    any_role = grant.all_resources or any(
        re.search(r":role/(.*/)?\*$", r) or r.endswith(":*")
        for r in grant.statement.resource_values
    )
    if any_role or not limited:
        scope = "any role" if any_role else ", ".join(grant.statement.resource_values)
        limit = "" if limited else " to any service"
        yield Finding.of(
            iam_rules.PASS_ROLE,
            f"iam:PassRole lets the bot pass {scope}{limit}",
            _at(grant),
            key=grant.key,
            evidence="iam:PassRole",
            severity=Severity.HIGH if any_role else Severity.MEDIUM,
        )


def _pass_role_is_scoped(view: PrincipalView) -> bool:
    """iam:PassRole only on named roles, only to named services: a reviewed, deliberate grant."""
    grants = view.granting("iam:PassRole")
    return bool(grants) and all(
        not g.all_resources
        and not any("*" in r or "?" in r for r in g.statement.resource_values)
        and bool(_passed_to_service(g.statement))
        for g in grants
    )


def _can_pass_to(view: PrincipalView, path: EscalationPath) -> bool:
    """Whether some iam:PassRole grant may hand a role to the service the path needs: one
    without an iam:PassedToService condition, or one whose condition names that service."""
    if path.passes_to is None:
        return True
    for grant in view.granting("iam:PassRole"):
        limits = _passed_to_service(grant.statement)
        services = [
            value
            for c in limits
            if c.set_operator is None
            and c.base in ("StringEquals", "StringLike", "StringEqualsIgnoreCase")
            for value in c.values
        ]
        if not limits or any(string_like(v.lower(), path.passes_to) for v in services):
            return True
    return False


def _escalation_severity(view: PrincipalView, actions: tuple[str, ...]) -> Severity:
    if "iam:PassRole" in actions and _pass_role_is_scoped(view):
        return Severity.MEDIUM
    if all(a in view.on_every_resource for a in actions):
        return Severity.CRITICAL
    return Severity.HIGH


@cache
def _path_sets(db: IamDatabase) -> tuple[tuple[EscalationPath, ActionSet], ...]:
    return tuple((path, db.expand_all(path.actions)) for path in PATHS)


@cache
def _path_actions(db: IamDatabase) -> ActionSet:
    return db.expand_all(a for path in PATHS for a in path.actions)


def _escalation(view: PrincipalView) -> Iterator[Finding]:
    reachable = view.anywhere
    if not reachable & _path_actions(view.db):  # most principals hold no action of any path
        return
    by_statement: dict[str, tuple[StatementGrant, list[str], Severity]] = {}
    for path, needed in _path_sets(view.db):
        if needed - reachable or not _can_pass_to(view, path):
            continue
        anchor = next((a for a in path.actions if a != "iam:PassRole"), path.actions[0])
        grant = view.granting(anchor)[0]
        severity = _escalation_severity(view, path.actions)
        sources = {g.document.name for a in path.actions for g in view.granting(a)[:1]}
        detail = f"{path.name} ({' + '.join(path.actions)}: {path.how})"
        if len(sources) > 1:
            detail += f" across {', '.join(sorted(sources))}"
        if severity is Severity.MEDIUM:
            detail += " with iam:PassRole limited to named roles: review what those roles can do"
        entry = by_statement.setdefault(grant.key, (grant, [], Severity.INFO))
        entry[1].append(detail)
        by_statement[grant.key] = (grant, entry[1], max(entry[2], severity))
    for key, (grant, details, severity) in by_statement.items():
        yield Finding.of(
            iam_rules.ESCALATION,
            "privilege escalation: " + "; ".join(details),
            _at(grant),
            key=key,
            evidence=_sample([d.split(" ")[0] for d in details]),
            severity=severity,
        )


def _self_modification(view: PrincipalView, principal_arn: str) -> Iterator[Finding]:
    for grant in view.allows:
        actions = [a for a in SELF_MODIFYING if a in view.contribution(grant)]
        hits = [r for r in grant.statement.resource_values if arn_matches(r, principal_arn)]
        if actions and (hits or grant.statement.not_resource):
            yield Finding.of(
                iam_rules.ESCALATION,
                f"the bot can change its own permissions: "
                f"{', '.join(actions)} on {hits[0] if hits else 'NotResource'} "
                f"matches {principal_arn}",
                _at(grant),
                key=f"{grant.key}:self",
                evidence=", ".join(actions),
                severity=Severity.CRITICAL,
            )


# -- document-level checks: each document on its own ----------------------------------------


def check_document(db: IamDatabase, document: PolicyDocument) -> Iterator[Finding]:
    for problem in document.problems:
        yield Finding.of(
            iam_rules.INVALID,
            problem.message,
            _where(document, problem.line),
            key=f"{document.name}:{problem.message}",
        )
    for statement in document.statements:
        yield from _unknown_actions(db, document, statement)
        yield from _prefix_leaks(document, statement)
        yield from _condition_mistakes(document, statement)
        if statement.effect is Effect.ALLOW:
            yield from _resource_mismatch(db, document, statement)
            yield from _public_principal(document, statement)
            yield from _web_identity_unscoped(document, statement)


# Condition keys that limit who the caller is (or where the call comes from): with one of them
# under a positive operator and a value that is not a bare wildcard, a Principal "*" statement
# is not open to everyone (AWS Access Analyzer reads them the same way).
_CALLER_KEYS = frozenset({
    "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn",
    "aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths",
    "aws:sourcevpc", "aws:sourcevpce", "aws:sourceip", "aws:userid", "aws:username",
    "aws:principalservicename", "aws:sourceowner", "aws:vpceaccount", "aws:vpceorgid",
    "aws:vpceorgpaths", "kms:calleraccount", "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn", "aws:principalisawsservice",
})  # fmt: skip
_POSITIVE = ("StringEquals", "StringLike", "ArnEquals", "ArnLike", "IpAddress")
_AWS_SERVICES_ONLY = "aws:principalisawsservice"  # Bool true: only AWS services call


def _limits(condition: Condition, keys: frozenset[str]) -> bool:
    """Whether ``condition`` limits one of ``keys`` to values other than a bare wildcard."""
    if condition.if_exists or not condition.values:
        return False
    key = condition.key.lower()
    if key == _AWS_SERVICES_ONLY and _AWS_SERVICES_ONLY in keys:
        return condition.base == "Bool" and all(v.lower() == "true" for v in condition.values)
    return (
        key in keys
        and condition.base.removesuffix("IgnoreCase") in _POSITIVE
        and all(value.strip("*?") for value in condition.values)
    )


def _public_principal(document: PolicyDocument, statement: Statement) -> Iterator[Finding]:
    principal = statement.principal
    if principal is None or statement.not_principal:
        return
    public = principal.any or any(
        value == "*" for kind, value in principal.entries if kind in ("AWS", "*")
    )
    if not public or any(_limits(c, _CALLER_KEYS) for c in statement.conditions):
        return
    actions = ", ".join(statement.action_values) or "its actions"
    who = "assume this role" if document.kind is PolicyKind.TRUST else f"call {actions}"
    yield Finding.of(
        iam_rules.PUBLIC_PRINCIPAL,
        f"{_label(document, statement)}: Principal '*' and no condition on the caller: any AWS "
        f"account may {who}",
        _where(document, statement.line),
        key=f"{_label(document, statement)}:public",
        evidence=actions,
    )


# Shared OpenID Connect issuers (anyone can get a token from them) and the claim that names the
# workload; the audience alone does not limit who.
_SHARED_ISSUERS = {
    "token.actions.githubusercontent.com": "token.actions.githubusercontent.com:sub",
    "gitlab.com": "gitlab.com:sub",
    "app.terraform.io": "app.terraform.io:sub",
    "accounts.google.com": "accounts.google.com:sub",
    "cognito-identity.amazonaws.com": "cognito-identity.amazonaws.com:aud",
}
# "repo:*", "project_path:*", "organization:*": a subject whose first part is a wildcard
_WILDCARD_SUBJECT = re.compile(r"^(?:[a-z_]+:)?\*")


def _web_identity_unscoped(document: PolicyDocument, statement: Statement) -> Iterator[Finding]:
    principal = statement.principal
    if principal is None or statement.not_principal:
        return
    actions = [a.lower() for a in statement.action_values]
    if not any(a in ("*", "sts:*", "sts:assumerolewithwebidentity") for a in actions):
        return
    for kind, value in principal.entries:
        if kind != "Federated":
            continue
        issuer = next((i for i in _SHARED_ISSUERS if value == i or value.endswith(f"/{i}")), None)
        if issuer is None:
            continue
        claim = _SHARED_ISSUERS[issuer]
        scoped = [c for c in statement.conditions if _limits(c, frozenset({claim}))]
        if scoped and not any(_WILDCARD_SUBJECT.match(v) for c in scoped for v in c.values):
            continue
        why = "only a wildcard" if scoped else "no condition"
        yield Finding.of(
            iam_rules.WEB_IDENTITY_UNSCOPED,
            f"{_label(document, statement)}: tokens from {issuer} may assume the role with {why} "
            f"on {claim}: any of its users can",
            _where(document, statement.line),
            key=f"{_label(document, statement)}:{issuer}",
            evidence=value,
        )


def _label(document: PolicyDocument, statement: Statement) -> str:
    return f"{document.name}#{statement.sid or f'Statement[{statement.index}]'}"


def _unknown_actions(
    db: IamDatabase, document: PolicyDocument, statement: Statement
) -> Iterator[Finding]:
    for action in statement.actions:
        if action.value == "*" or "${" in action.value or len(db.expand(action.value)):
            continue
        hint = db.suggest(action.value)
        message = f"'{action.value}' matches no known action" + (
            f": did you mean '{hint}'?" if hint else ""
        )
        yield Finding.of(
            iam_rules.UNKNOWN_ACTION,
            message,
            _where(document, action.line),
            key=f"{_label(document, statement)}:{action.value}",
            evidence=action.value,
        )


MAX_MISMATCH_ACTIONS = 300


def _resource_mismatch(
    db: IamDatabase, document: PolicyDocument, statement: Statement
) -> Iterator[Finding]:
    if statement.not_action or statement.not_resource:
        return
    resources = [
        r
        for r in statement.resources
        if r.value != "*" and "${" not in r.value and r.value.startswith("arn:")
    ]
    if not resources:
        return
    actions = db.expand_all(statement.action_values)
    if not len(actions) or len(actions) > MAX_MISMATCH_ACTIONS:
        return
    for resource in resources:
        value = resource.value
        if not db.arn_format_matches_any(actions, value):
            names = actions.names()
            yield Finding.of(
                iam_rules.RESOURCE_MISMATCH,
                f"'{value}' matches no resource type of {_sample(names)}",
                _where(document, resource.line),
                key=f"{_label(document, statement)}:{value}",
                evidence=value,
            )


_S3_ARN = re.compile(r"^arn:[^:]*:s3:::(?P<rest>.+)$")


def _leaky(pattern: str) -> bool:
    """'name*' (a wildcard straight after a name character) in an S3 bucket or key pattern."""
    return bool(re.search(r"[A-Za-z0-9_.-]\*$", pattern)) and not pattern.endswith("/*")


def _prefix_leaks(document: PolicyDocument, statement: Statement) -> Iterator[Finding]:
    for resource in statement.resources:
        match = _S3_ARN.match(resource.value)
        if match and _leaky(match["rest"]):
            yield _prefix_finding(document, statement, resource.value, resource.line)
    for condition in statement.conditions:
        if condition.key.lower() == "s3:prefix" and "Like" in condition.base:
            for value in condition.values:
                if _leaky(value):
                    yield _prefix_finding(document, statement, value, condition.line)


def _prefix_finding(
    document: PolicyDocument, statement: Statement, value: str, line: int | None
) -> Finding:
    stem = value.rstrip("*")
    name = stem.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    message = f"'{value}' also matches names that only start with '{name}' (e.g. '{name}-other/')"
    return Finding.of(
        iam_rules.PREFIX_LEAK,
        message,
        _where(document, line),
        key=f"{_label(document, statement)}:{value}",
        evidence=value,
    )


# ArnEquals and ArnNotEquals match wildcards like ArnLike (AWS condition operators reference).
_LITERAL_OPERATORS = {
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
}


def _condition_mistakes(document: PolicyDocument, statement: Statement) -> Iterator[Finding]:
    null_guarded = {c.key.lower() for c in statement.conditions if c.base == "Null"}
    for condition in statement.conditions:
        message = _condition_problem(statement, condition, null_guarded)
        if message:
            yield Finding.of(
                iam_rules.CONDITION_MISTAKE,
                message,
                _where(document, condition.line or statement.line),
                key=f"{_label(document, statement)}:{condition.operator}:{condition.key}",
                evidence=f"{condition.operator} {condition.key}",
            )


def _condition_problem(
    statement: Statement, condition: Condition, null_guarded: set[str]
) -> str | None:
    wildcard = any(
        re.search(r"(?<!\$\{)[*?]", v.replace("${*}", "").replace("${?}", ""))
        for v in condition.values
    )
    if condition.base in _LITERAL_OPERATORS and wildcard:
        like = condition.base.replace("Equals", "Like").replace("IgnoreCase", "")
        return (
            f"{condition.operator} compares '*' and '?' literally for {condition.key}: use {like}"
        )
    if (
        condition.set_operator == "ForAllValues"
        and statement.effect is Effect.ALLOW
        and condition.key.lower() not in null_guarded
    ):
        return (
            f"ForAllValues on {condition.key} is true when the key is absent: add "
            f'"Null": {{"{condition.key}": "false"}}'
        )
    mfa = condition.key.lower() == "aws:multifactorauthpresent"
    if (
        mfa
        and statement.effect is Effect.DENY
        and condition.base == "Bool"
        and not condition.if_exists
        and "false" in (v.lower() for v in condition.values)
    ):
        return (
            "aws:MultiFactorAuthPresent is absent for long-term access keys, so this Deny "
            "never applies to them: use BoolIfExists"
        )
    return None
