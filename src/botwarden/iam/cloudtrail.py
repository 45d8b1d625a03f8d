"""What a principal was seen doing, read from CloudTrail log files, as (IAM action, resource) pairs.

CloudTrail names API calls, not IAM actions; most map one to one (``s3.amazonaws.com`` +
``GetObject`` -> ``s3:GetObject``), and ``API_TO_ACTION`` lists the documented exceptions. Object-
and item-level calls are *data events*, which trails log only when configured to; when the evidence
holds none, absence of such a call proves nothing, and :class:`Evidence` says so.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from botwarden.errors import Error


class CloudTrailError(Error):
    """A CloudTrail file that cannot be read."""


# API calls whose IAM action has another name (S3's are the common case).
API_TO_ACTION: dict[str, str] = {
    "s3:listobjects": "s3:ListBucket",
    "s3:listobjectsv2": "s3:ListBucket",
    "s3:headbucket": "s3:ListBucket",
    "s3:headobject": "s3:GetObject",
    "s3:listobjectversions": "s3:ListBucketVersions",
    "s3:createmultipartupload": "s3:PutObject",
    "s3:uploadpart": "s3:PutObject",
    "s3:completemultipartupload": "s3:PutObject",
    "s3:copyobject": "s3:PutObject",
    "s3:uploadpartcopy": "s3:PutObject",
    "s3:deleteobjects": "s3:DeleteObject",
    "s3:listparts": "s3:ListMultipartUploadParts",
    "lambda:invoke": "lambda:InvokeFunction",
    "dynamodb:batchgetitem": "dynamodb:BatchGetItem",
    "kms:generatedatakeywithoutplaintext": "kms:GenerateDataKeyWithoutPlaintext",
}
_VERSION_SUFFIX = re.compile(r"\d{8}(v\d+)?$")  # Lambda: "GetFunction20150331v2"

# Calls logged only as data events: their absence means nothing unless data events were logged.
DATA_EVENT_ACTIONS = re.compile(
    r"^(s3:(get|put|delete|restore|abort|list)(object|multipart)\w*"
    r"|lambda:invokefunction|sns:publish"
    r"|sqs:(sendmessage|receivemessage|deletemessage|changemessagevisibility)\w*"
    r"|dynamodb:(getitem|putitem|updateitem|deleteitem|query|scan|batch\w+|transact\w+"
    r"|conditioncheckitem|partiql\w+))$"
)


# Permissions AWS checks without logging a call of their own (iam:PassRole is checked inside
# ec2:RunInstances, lambda:CreateFunction, ...): CloudTrail can never show them used.
UNLOGGED_ACTIONS = frozenset({"iam:passrole"})


@dataclass(frozen=True, slots=True)
class Event:
    action: str
    resources: tuple[str, ...]
    time: str
    principal: str | None
    data_event: bool


@dataclass
class Evidence:
    """Observed calls, the time window they cover, and whether data events were logged."""

    events: list[Event] = field(default_factory=list)

    @property
    def has_data_events(self) -> bool:
        return any(event.data_event for event in self.events)

    @property
    def window(self) -> tuple[str, str] | None:
        times = sorted(event.time for event in self.events if event.time)
        return (times[0], times[-1]) if times else None

    def for_principal(self, arn: str | None) -> Evidence:
        if arn is None:
            return self
        return Evidence(
            [e for e in self.events if e.principal is None or _same_principal(e.principal, arn)]
        )

    def observed(self) -> Iterator[tuple[str, str]]:
        """(action, resource) pairs; a call with no resource counts against '*'."""
        for event in self.events:
            for resource in event.resources or ("*",):
                yield event.action, resource

    def why_unknown(self, action: str) -> str | None:
        """Why the evidence cannot show whether ``action`` was used; None when it can."""
        name = action.lower()
        if name in UNLOGGED_ACTIONS:
            return "AWS checks it inside other calls and never logs it"
        if not self.has_data_events and DATA_EVENT_ACTIONS.match(name):
            return "the evidence has no data events"
        return None


def _same_principal(seen: str, wanted: str) -> bool:
    """An assumed-role session ARN belongs to its role: compare the role name."""
    if seen == wanted:
        return True
    session = re.match(r"^arn:[^:]+:sts::(\d*):assumed-role/([^/]+)/", seen)
    role = re.match(r"^arn:[^:]+:iam::(\d*):role/(?:.*/)?([^/]+)$", wanted)
    return bool(session and role and session.group(2) == role.group(2))


def read_cloudtrail(paths: Iterable[Path]) -> Evidence:
    """Read CloudTrail JSON files (``{"Records": [...]}``, optionally gzipped)."""
    evidence = Evidence()
    for path in paths:
        evidence.events.extend(_events(path, _load(path)))
    return evidence


def _load(path: Path) -> object:
    try:
        raw = path.read_bytes()
        text = (
            gzip.decompress(raw).decode("utf-8") if raw[:2] == b"\x1f\x8b" else raw.decode("utf-8")
        )
        return json.loads(text)
    except FileNotFoundError:
        raise CloudTrailError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile) as exc:
        raise CloudTrailError(f"{path}: cannot be read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise CloudTrailError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise CloudTrailError(f"{path}: JSON nested too deeply to be a CloudTrail log") from None


def _events(path: Path, data: object) -> Iterator[Event]:
    records = data.get("Records") if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise CloudTrailError(f"{path}: not a CloudTrail log (expected a 'Records' list)")
    for record in records:
        if isinstance(record, dict):
            event = _event(record)
            if event is not None:
                yield event


def _event(record: dict[str, object]) -> Event | None:
    source, name = record.get("eventSource"), record.get("eventName")
    if not isinstance(source, str) or not isinstance(name, str) or record.get("errorCode"):
        return None  # a refused call was not a use of the permission
    action = iam_action(source, name)
    identity = record.get("userIdentity")
    principal = identity.get("arn") if isinstance(identity, dict) else None
    data_event = record.get("eventCategory") == "Data" or record.get("managementEvent") is False
    return Event(
        action,
        _resources(record, action),
        str(record.get("eventTime") or ""),
        principal if isinstance(principal, str) else None,
        data_event,
    )


def iam_action(event_source: str, event_name: str) -> str:
    """The IAM action a CloudTrail event exercised."""
    service = event_source.split(".", 1)[0]
    name = _VERSION_SUFFIX.sub("", event_name)
    mapped = API_TO_ACTION.get(f"{service}:{name}".lower())
    return mapped or f"{service}:{name}"


def _resources(record: dict[str, object], action: str) -> tuple[str, ...]:
    listed = record.get("resources")
    items = listed if isinstance(listed, list) else []
    arns = [i["ARN"] for i in items if isinstance(i, dict) and isinstance(i.get("ARN"), str)]
    if arns:
        return tuple(_object_first(arns, action))
    params = record.get("requestParameters")
    if not isinstance(params, dict):
        return ()
    if isinstance(params.get("bucketName"), str):
        bucket = f"arn:aws:s3:::{params['bucketName']}"
        key = params.get("key")
        return (f"{bucket}/{key}",) if isinstance(key, str) else (bucket,)
    return _from_parameters(record, params, action)


def _from_parameters(
    record: dict[str, object], params: dict[str, object], action: str
) -> tuple[str, ...]:
    """The resource the call named: the service's own naming parameter first (a function
    name, not the role ARN passed to it), else any parameter that holds an ARN."""
    service = action.split(":", 1)[0]
    region, account = record.get("awsRegion"), record.get("recipientAccountId")
    for (known, key), template in _NAMED.items():
        name = params.get(key)
        if known != service or not isinstance(name, str):
            continue
        if name.startswith("arn:"):
            return (name,)
        if isinstance(region, str) and isinstance(account, str):
            short = name.rstrip("/").rsplit("/", 1)[-1] if key == "queueUrl" else name
            return (template.format(region=region, account=account, name=short.lstrip("/")),)
    return tuple(v for v in params.values() if isinstance(v, str) and v.startswith("arn:"))


# (service, request parameter) -> the ARN that names the resource.
_NAMED = {
    ("ssm", "name"): "arn:aws:ssm:{region}:{account}:parameter/{name}",
    ("dynamodb", "tableName"): "arn:aws:dynamodb:{region}:{account}:table/{name}",
    # Secrets Manager appends six random characters to every secret's ARN
    (
        "secretsmanager",
        "secretId",
    ): "arn:aws:secretsmanager:{region}:{account}:secret:{name}-??????",
    ("lambda", "functionName"): "arn:aws:lambda:{region}:{account}:function:{name}",
    ("sqs", "queueUrl"): "arn:aws:sqs:{region}:{account}:{name}",
}


def _object_first(arns: list[str], action: str) -> list[str]:
    """S3 data events list the object and its bucket; the object is what the action used."""
    if action.lower().startswith("s3:") and "object" in action.lower():
        objects = [arn for arn in arns if "/" in arn.split(":::", 1)[-1]]
        return objects or arns
    return arns
