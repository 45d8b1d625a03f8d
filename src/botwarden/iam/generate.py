"""Least-privilege IAM policies generated from what a bot declares, or from what it was seen doing.

Each AWS capability becomes statements with its exact actions and resources, plus the companion
grants some actions need to work as a caller expects (documented in ``COMPANIONS`` and in
``docs/iam.md``). Nothing is widened: a companion is scoped to the same bucket, table or
log group as the grant that needs it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from botwarden.manifest.model import AwsCapability, Manifest

ConditionMap = dict[str, dict[str, list[str]]]


@dataclass(frozen=True, slots=True)
class Grant:
    """Actions on resources under one set of conditions: one statement of the output."""

    sid: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    conditions: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    reason: str = ""

    def condition_map(self) -> ConditionMap:
        result: ConditionMap = defaultdict(dict)
        for operator, key, values in self.conditions:
            result[operator][key] = list(values)
        return dict(result)


@dataclass(frozen=True, slots=True)
class Companion:
    """Grants an action needs beyond itself, derived from the resource it was granted on."""

    actions: frozenset[str]
    reason: str
    derive: Callable[[str], Grant | None]
    # The companion carries the capability's own actions to other resources (a table's indexes):
    # only those the capability declares, never the others it could have named.
    declared_only: bool = False


_S3_OBJECT = re.compile(r"^arn:(?P<p>[^:]+):s3:::(?P<bucket>[^/*?]+)/(?P<prefix>.*)$")
_DYNAMO_TABLE = re.compile(r"^(?P<table>arn:[^:]+:dynamodb:[^:]*:[^:]*:table/[^/]+)$")
_LOG_STREAM = re.compile(r"^(?P<group>arn:[^:]+:logs:[^:]*:[^:]*:log-group:[^:]+):log-stream:.*$")


def _s3_list_bucket(resource: str) -> Grant | None:
    """ListBucket on the bucket, limited to the prefix, so a missing key is a 404, not a 403."""
    match = _S3_OBJECT.match(resource)
    if match is None:
        return None
    bucket = f"arn:{match['p']}:s3:::{match['bucket']}"
    prefix = match["prefix"] or "*"
    condition = ("StringLike", "s3:prefix", (prefix,))
    return Grant("ListPrefix", ("s3:ListBucket",), (bucket,), (condition,))


def _s3_abort_multipart(resource: str) -> Grant | None:
    """Multipart uploads (boto3 uses them above 8 MB) must be abortable on the same objects."""
    if _S3_OBJECT.match(resource) is None:
        return None
    return Grant("AbortUploads", ("s3:AbortMultipartUpload",), (resource,))


def _dynamo_indexes(resource: str) -> Grant | None:
    """Query and Scan on a table's secondary indexes are authorised on the index ARNs (each
    only when the capability declares it: ``declared_only``)."""
    match = _DYNAMO_TABLE.match(resource)
    if match is None:
        return None
    return Grant(
        "TableIndexes", ("dynamodb:Query", "dynamodb:Scan"), (f"{match['table']}/index/*",)
    )


def _log_stream_create(resource: str) -> Grant | None:
    """PutLogEvents needs its stream to exist; CreateLogStream is authorised on the group."""
    match = _LOG_STREAM.match(resource)
    if match is None:
        return None
    return Grant("CreateStreams", ("logs:CreateLogStream",), (f"{match['group']}:log-stream:*",))


COMPANIONS: tuple[Companion, ...] = (
    Companion(
        frozenset({"s3:getobject", "s3:getobjectversion"}),
        "reading objects under a prefix",
        _s3_list_bucket,
    ),
    Companion(frozenset({"s3:putobject"}), "multipart uploads", _s3_abort_multipart),
    Companion(
        frozenset({"dynamodb:query", "dynamodb:scan"}),
        "secondary indexes",
        _dynamo_indexes,
        declared_only=True,
    ),
    Companion(frozenset({"logs:putlogevents"}), "writing to new log streams", _log_stream_create),
)


@dataclass
class GeneratedPolicy:
    """The statements of a generated policy, and why each one is there."""

    grants: list[Grant] = field(default_factory=list)

    def to_document(self) -> dict[str, object]:
        statements = []
        for grant in self.grants:
            statement: dict[str, object] = {
                "Sid": grant.sid,
                "Effect": "Allow",
                "Action": list(grant.actions) if len(grant.actions) > 1 else grant.actions[0],
                "Resource": list(grant.resources)
                if len(grant.resources) > 1
                else grant.resources[0],
            }
            if grant.conditions:
                statement["Condition"] = grant.condition_map()
            statements.append(statement)
        return {"Version": "2012-10-17", "Statement": statements}

    def to_json(self) -> str:
        return json.dumps(self.to_document(), indent=2) + "\n"


def generate_from_manifest(manifest: Manifest) -> GeneratedPolicy:
    """The minimal policy for the manifest's AWS capabilities."""
    grants: list[Grant] = []
    for index, capability in enumerate(manifest.capability):
        if isinstance(capability, AwsCapability):
            grants.extend(_capability_grants(capability, index))
    return GeneratedPolicy(_merge(grants))


def _capability_grants(capability: AwsCapability, index: int) -> list[Grant]:
    sid = _sid(capability.name or f"Capability{index}")
    conditions = tuple(
        (operator, key, tuple(_as_list(values)))
        for operator, keys in sorted(capability.conditions.items())
        for key, values in sorted(keys.items())
    )
    grants = [Grant(sid, tuple(capability.actions), tuple(capability.resources), conditions)]
    return grants + _companions(sid, capability.actions, capability.resources, conditions)


def _companions(
    sid: str,
    actions: Sequence[str],
    resources: Sequence[str],
    conditions: tuple[tuple[str, str, tuple[str, ...]], ...],
) -> list[Grant]:
    wanted = {action.lower() for action in actions}
    found: list[Grant] = []
    for companion in COMPANIONS:
        if not wanted & companion.actions:
            continue
        for resource in resources:
            grant = companion.derive(resource)
            if grant is not None:
                granted = grant.actions
                if companion.declared_only:
                    granted = tuple(a for a in grant.actions if a.lower() in wanted)
                found.append(
                    Grant(
                        f"{sid}{grant.sid}",
                        granted,
                        grant.resources,
                        grant.conditions + conditions,
                        companion.reason,
                    )
                )
    return found


def _merge(grants: Iterable[Grant]) -> list[Grant]:
    """One statement per (resources, conditions): fewer, clearer statements, same grants."""
    merged: dict[tuple[object, ...], Grant] = {}
    for grant in grants:
        key = (grant.resources, grant.conditions)
        if key in merged:
            old = merged[key]
            actions = tuple(dict.fromkeys(old.actions + grant.actions))
            merged[key] = Grant(old.sid, actions, old.resources, old.conditions, old.reason)
        else:
            merged[key] = grant
    return [
        Grant(g.sid, tuple(sorted(g.actions, key=str.lower)), g.resources, g.conditions, g.reason)
        for g in merged.values()
    ]


def generate_from_observations(observed: Iterable[tuple[str, str]]) -> GeneratedPolicy:
    """A policy allowing exactly the (action, resource) pairs that were observed."""
    by_resources: dict[str, set[str]] = defaultdict(set)
    for action, resource in observed:
        by_resources[action].add(resource)
    grants = [
        Grant(_sid(action), (action,), tuple(sorted(resources)))
        for action, resources in sorted(by_resources.items())
    ]
    return GeneratedPolicy(_merge(grants))


def _sid(name: str) -> str:
    words = re.split(r"[^A-Za-z0-9]+", name)
    return "".join(word[:1].upper() + word[1:] for word in words) or "Grant"


def _as_list(values: str | int | bool | list[str]) -> list[str]:
    if isinstance(values, list):
        return [str(v) for v in values]
    if isinstance(values, bool):
        return ["true" if values else "false"]
    return [str(values)]


def to_terraform(policy: GeneratedPolicy, name: str) -> str:
    """The policy as a Terraform ``aws_iam_policy_document`` data source."""
    label = re.sub(r"[^A-Za-z0-9_]", "_", name) or "bot"
    lines = [f'data "aws_iam_policy_document" "{label}" {{']
    for grant in policy.grants:
        lines += [
            "  statement {",
            f'    sid       = "{grant.sid}"',
            '    effect    = "Allow"',
            f"    actions   = {_hcl_list(grant.actions)}",
            f"    resources = {_hcl_list(grant.resources)}",
        ]
        for operator, key, values in grant.conditions:
            lines += [
                "    condition {",
                f'      test     = "{operator}"',
                f'      variable = "{key}"',
                f"      values   = {_hcl_list(values)}",
                "    }",
            ]
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _hcl_list(values: Iterable[str]) -> str:
    # HCL strings: JSON escaping works, but "${" would start an interpolation: escape it as "$${"
    return "[" + ", ".join(json.dumps(v).replace("${", "$${") for v in values) + "]"
