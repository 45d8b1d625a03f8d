"""Turn policy documents, as found in files, into the :mod:`botwarden.iam.model` objects.

Policies come from JSON files, CLI outputs, CloudFormation and Terraform; all of them end up in
:func:`policy_from_data`, which reads a JSON-shaped document *defensively*: it never raises, and
every oddity IAM would reject or read ambiguously becomes a :class:`PolicyProblem` with a line, so
one bad statement does not hide the rest of a file from the checks. Statements are kept whenever
they can be evaluated at all, erring towards reading more permissions, not fewer.

:func:`documents_from_file` picks the source format of a file; :func:`looks_like_policy_file` is
the cheap test a directory scan uses before reading a file in full.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botwarden.iam.sources.authorization_details import PrincipalPolicies

from botwarden.iam.jsonlines import (
    DuplicateKey,
    Key,
    PolicyParseError,
    line_at,
    parse_json_with_lines,
)
from botwarden.iam.model import (
    Condition,
    Effect,
    Located,
    PolicyDocument,
    PolicyKind,
    PolicyProblem,
    Principal,
    Statement,
)

__all__ = [
    "CONDITION_OPERATORS",
    "VALID_VERSIONS",
    "PolicyParseError",
    "documents_from_file",
    "infer_kind",
    "is_condition_operator",
    "looks_like_policy_file",
    "policy_from_data",
    "policy_from_json_text",
]

VALID_VERSIONS = ("2012-10-17", "2008-10-17")
CONDITION_OPERATORS = frozenset({
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
    "StringLike", "StringNotLike",
    "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
    "NumericGreaterThan", "NumericGreaterThanEquals",
    "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool", "BinaryEquals", "IpAddress", "NotIpAddress",
    "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
})  # fmt: skip
_SET_OPERATORS = ("ForAllValues", "ForAnyValue")
_DOCUMENT_KEYS = ("Version", "Id", "Statement")
_STATEMENT_KEYS = frozenset({
    "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource",
    "NotResource", "Condition",
})  # fmt: skip
_PRINCIPAL_TYPES = frozenset({"AWS", "Service", "Federated", "CanonicalUser"})
_ACTION = re.compile(r"[A-Za-z0-9_.-]+:[A-Za-z0-9*?_.-]+")
_TRUST_ACTIONS = frozenset({"sts:tagsession", "sts:setsourceidentity", "sts:setcontext"})
_MAX_SNIFF = 1 << 16


# -- the document ----------------------------------------------------------------------------


def policy_from_data(
    data: Any,
    *,
    path: str,
    name: str,
    lines: Mapping[Key, int] | None = None,
    base: Key = (),
    kind: PolicyKind | None = None,
    duplicates: Iterable[DuplicateKey] = (),
) -> PolicyDocument:
    """Read one JSON-shaped policy document; never raise, report every oddity as a problem.

    ``lines`` maps key paths of the surrounding file to lines, and ``base`` is the path of this
    document in it (``("PolicyDocument",)`` in a CLI output, ``()`` for a plain file). ``kind`` is
    inferred from the content when not given. ``duplicates`` (from :func:`parse_json_with_lines`)
    become problems when they lie inside the document.
    """
    reader = _Reader(lines or {}, tuple(base), kind or infer_kind(data))
    reader.report_duplicates(duplicates)
    if not isinstance(data, dict):
        reader.report(f"policy document must be a JSON object, not {_type_name(data)}")
        return reader.document(path, name, None, ())
    version = _version(data, reader)
    for key in data:
        if key not in _DOCUMENT_KEYS:
            reader.report(f"unknown top-level element {key!r} (valid: Version, Id, Statement)", key)
    statements = _statements(data, reader)
    return reader.document(path, name, version, statements)


def policy_from_json_text(
    text: str,
    *,
    path: str,
    name: str,
    line: int | None = None,
    first_line: int | None = None,
    kind: PolicyKind | None = None,
) -> PolicyDocument:
    """Read a policy embedded as a string (JSON, or URL-encoded JSON as the IAM API returns it).

    Without ``first_line`` every element is placed on ``line`` (the string's own line: escaped
    JSON in a JSON file has no lines of its own). With it, line N of the text is reported as
    ``first_line + N - 1`` (a Terraform heredoc, a YAML block scalar).
    """
    if text.lstrip()[:3].upper() == "%7B":
        text = urllib.parse.unquote(text)
    duplicates: list[DuplicateKey] = []
    try:
        data, found = parse_json_with_lines(text, path=path, duplicates=duplicates)
    except PolicyParseError as exc:
        problem = PolicyProblem(f"policy is {exc.reason}", line)
        return PolicyDocument(path, name, (), None, kind or PolicyKind.IDENTITY, line, (problem,))
    if first_line is None:
        lines: dict[Key, int] = {} if line is None else {(): line}
        duplicates = [DuplicateKey(item.path, line) for item in duplicates]
    else:
        lines = {key: first_line + value - 1 for key, value in found.items()}
        shift = first_line - 1
        duplicates = [DuplicateKey(item.path, _shift(item.line, shift)) for item in duplicates]
    return policy_from_data(
        data, path=path, name=name, lines=lines, kind=kind, duplicates=duplicates
    )


def _shift(line: int | None, by: int) -> int | None:
    return None if line is None else line + by


def infer_kind(data: Any) -> PolicyKind:
    """Principal present: a resource policy, or a trust policy if it only allows assuming roles."""
    statements = _raw_statements(data)
    if not any("Principal" in item or "NotPrincipal" in item for item in statements):
        return PolicyKind.IDENTITY
    actions = [value for item in statements for value in _raw_strings(item.get("Action"))]
    lowered = [value.lower() for value in actions]
    assumes = any(value.startswith("sts:assumerole") for value in lowered)
    if assumes and all(v.startswith("sts:assumerole") or v in _TRUST_ACTIONS for v in lowered):
        return PolicyKind.TRUST
    return PolicyKind.RESOURCE


def _raw_statements(data: Any) -> list[dict[Any, Any]]:
    raw = data.get("Statement") if isinstance(data, dict) else None
    items = [raw] if isinstance(raw, dict) else raw if isinstance(raw, list) else []
    return [item for item in items if isinstance(item, dict)]


def _raw_strings(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, str)]


def _version(data: dict[Any, Any], reader: _Reader) -> str | None:
    """A missing Version means 2008-10-17 to IAM, which silently disables policy variables."""
    if "Version" not in data:
        reader.report(
            "Version is missing: IAM then reads the policy as 2008-10-17, where policy "
            "variables such as ${aws:username} are not substituted"
        )
        return None
    version = data["Version"]
    if version not in VALID_VERSIONS:
        reader.report(f"Version {version!r} is not 2012-10-17 or 2008-10-17", "Version")
    return version if isinstance(version, str) else None


def _statements(data: dict[Any, Any], reader: _Reader) -> tuple[Statement, ...]:
    raw = data.get("Statement")
    entries: list[tuple[Key, str, Any]]
    if "Statement" not in data:
        reader.report("Statement is missing")
        entries = []
    elif isinstance(raw, dict):  # IAM accepts a single statement object
        entries = [(("Statement",), "Statement", raw)]
    elif isinstance(raw, list):
        if not raw:
            reader.report("Statement is an empty list", "Statement")
        entries = [(("Statement", i), f"Statement[{i}]", item) for i, item in enumerate(raw)]
    else:
        reader.report(f"Statement must be a list of objects, not {_type_name(raw)}", "Statement")
        entries = []
    sids: set[str] = set()
    statements = []
    for index, (key, label, item) in enumerate(entries):
        statement = _statement(item, index, _At(reader, key, label), sids)
        if statement is not None:
            statements.append(statement)
    return tuple(statements)


# -- statements ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Reader:
    """Where the document sits in its file, its kind, and the problems found so far."""

    lines: Mapping[Key, int]
    base: Key
    kind: PolicyKind
    problems: list[PolicyProblem] = field(default_factory=list)

    def line(self, *path: str | int) -> int | None:
        return line_at(self.lines, (*self.base, *path))

    def report(self, message: str, *path: str | int) -> None:
        self.problems.append(PolicyProblem(message, self.line(*path)))

    def report_duplicates(self, duplicates: Iterable[DuplicateKey]) -> None:
        size = len(self.base)
        for duplicate in duplicates:
            if duplicate.path[:size] == self.base and len(duplicate.path) > size:
                inner = duplicate.path[size:]
                where = _describe(inner[:-1]) or "policy document"
                message = f"{where}: duplicate key {inner[-1]!r}; only the last one is read"
                self.problems.append(PolicyProblem(message, duplicate.line))

    def document(
        self, path: str, name: str, version: str | None, statements: tuple[Statement, ...]
    ) -> PolicyDocument:
        return PolicyDocument(
            path=path,
            name=name,
            statements=statements,
            version=version,
            kind=self.kind,
            line=self.line(),
            problems=tuple(self.problems),
        )


@dataclass(frozen=True, slots=True)
class _At:
    """One statement being read: its key path within the document and its label in messages."""

    reader: _Reader
    key: Key
    label: str

    def line(self, *path: str | int) -> int | None:
        return self.reader.line(*self.key, *path)

    def report(self, message: str, *path: str | int) -> None:
        self.reader.report(message, *self.key, *path)

    def field(self, *path: str | int) -> str:
        return _describe((*self.key, *path))


def _statement(raw: Any, index: int, at: _At, sids: set[str]) -> Statement | None:
    """One statement; None when it has no usable Effect, the one thing evaluation cannot guess."""
    if not isinstance(raw, dict):
        at.report(f"{at.label} must be an object, not {_type_name(raw)}")
        return None
    for key in raw:
        if key not in _STATEMENT_KEYS:
            at.report(f"{at.label}: unknown element {key!r}", key)
    sid = _sid(raw, at, sids)
    effect = _effect(raw, at)
    actions, not_action = _either(raw, "Action", "NotAction", at)
    actions = _check_actions(actions, at, "NotAction" if not_action else "Action")
    resources, not_resource = _either(raw, "Resource", "NotResource", at)
    principal, not_principal = _principal_element(raw, at)
    conditions = _conditions(raw["Condition"], at) if "Condition" in raw else ()
    if effect is None:
        return None
    return Statement(
        index=index,
        effect=effect,
        actions=actions,
        resources=resources,
        not_action=not_action,
        not_resource=not_resource,
        conditions=conditions,
        principal=principal,
        not_principal=not_principal,
        sid=sid,
        line=at.line(),
    )


def _sid(raw: dict[Any, Any], at: _At, sids: set[str]) -> str | None:
    if "Sid" not in raw:
        return None
    sid = raw["Sid"]
    if not isinstance(sid, str):
        at.report(f"{at.field('Sid')} must be a string, not {_type_name(sid)}", "Sid")
        return None
    if sid and sid in sids:
        at.report(f"{at.label}: Sid {sid!r} is used by more than one statement", "Sid")
    sids.add(sid)
    return sid


def _effect(raw: dict[Any, Any], at: _At) -> Effect | None:
    """IAM compares Effect case-sensitively and refuses the policy otherwise; reported either way.

    Read for the audit on the safe side: a miscased ``"allow"`` still counts as an Allow (its
    grants are what the author meant, and reporting them is safe), but a miscased ``"deny"``
    takes nothing back, since the refused policy denies nothing.
    """
    if "Effect" not in raw:
        at.report(f"{at.label}: Effect is missing")
        return None
    value = raw["Effect"]
    if value in ("Allow", "Deny"):
        return Effect(value)
    at.report(f"{at.label}: Effect {value!r} must be exactly 'Allow' or 'Deny'", "Effect")
    if isinstance(value, str) and value.lower() == "allow":
        return Effect.ALLOW
    return None


def _either(
    raw: dict[Any, Any], positive: str, negative: str, at: _At
) -> tuple[tuple[Located, ...], bool]:
    """Action/NotAction or Resource/NotResource: exactly one of each pair is expected."""
    has_positive, has_negative = positive in raw, negative in raw
    if has_positive and has_negative:
        at.report(f"{at.label}: has both {positive} and {negative}", negative)
    trust = at.reader.kind is PolicyKind.TRUST and positive == "Resource"
    if trust and (has_positive or has_negative):
        key = positive if has_positive else negative
        at.report(f"{at.label}: {key} is not allowed in a trust policy", key)
    if not has_positive and not has_negative:
        if not trust:
            at.report(f"{at.label}: has neither {positive} nor {negative}")
        return (), False
    key = positive if has_positive else negative
    return _strings(raw[key], at, key), not has_positive


def _strings(value: Any, at: _At, *path: str | int) -> tuple[Located, ...]:
    """A string or a non-empty list of strings, each with its line."""
    if isinstance(value, str):
        return (Located(value, at.line(*path)),)
    if not isinstance(value, list):
        message = f"must be a string or a list of strings, not {_type_name(value)}"
        at.report(f"{at.field(*path)} {message}", *path)
        return ()
    if not value:
        at.report(f"{at.field(*path)} is an empty list", *path)
    located = []
    for index, item in enumerate(value):
        if isinstance(item, str):
            located.append(Located(item, at.line(*path, index)))
        else:
            at.report(f"{at.field(*path, index)} must be a string, not {_type_name(item)}",
                      *path, index)  # fmt: skip
    return tuple(located)


def _check_actions(actions: tuple[Located, ...], at: _At, key: str) -> tuple[Located, ...]:
    """Keep the actions IAM accepts; report and drop the rest, which IAM refuses to attach, so
    they grant nothing. Whether a service or action exists is decided elsewhere."""
    kept = []
    for action in actions:
        value = action.value
        if value == "*" or _ACTION.fullmatch(value) or "${" in value:
            kept.append(action)
            continue
        service = value.partition(":")[0]
        reason = (
            "has a wildcard in the service prefix, which IAM refuses"
            if ":" in value and ("*" in service or "?" in service)
            else "is not '*' or 'service:action'"
        )
        at.reader.problems.append(PolicyProblem(f"{at.field(key)} {value!r} {reason}", action.line))
    return tuple(kept)


# -- principals and conditions ---------------------------------------------------------------


def _principal_element(raw: dict[Any, Any], at: _At) -> tuple[Principal | None, bool]:
    """Principal/NotPrincipal, checked against the kind of policy they appear in."""
    has_principal, has_not = "Principal" in raw, "NotPrincipal" in raw
    kind = at.reader.kind
    if has_principal and has_not:
        at.report(f"{at.label}: has both Principal and NotPrincipal", "NotPrincipal")
    if kind is PolicyKind.IDENTITY and (has_principal or has_not):
        key = "Principal" if has_principal else "NotPrincipal"
        at.report(f"{at.label}: {key} is not allowed in an identity policy", key)
    if not has_principal and not has_not:
        if kind is not PolicyKind.IDENTITY:
            at.report(f"{at.label}: Principal is missing: a {kind} policy must name who it covers")
        return None, False
    key = "Principal" if has_principal else "NotPrincipal"
    return _principal(raw[key], at, key), not has_principal


def _principal(value: Any, at: _At, key: str) -> Principal | None:
    if value == "*":
        return Principal(any=True)
    if isinstance(value, str):
        at.report(f"{at.field(key)} must be '*' or an object such as {{\"AWS\": ...}}", key)
        return Principal(any=False, entries=(("AWS", value),))
    if not isinstance(value, dict) or not value:
        at.report(f"{at.field(key)} must be '*' or a non-empty object, not {_type_name(value)}",
                  key)  # fmt: skip
        return None
    entries: list[tuple[str, str]] = []
    for kind, ids in value.items():
        if kind not in _PRINCIPAL_TYPES:
            message = "unknown principal type (valid: AWS, Service, Federated, CanonicalUser)"
            at.report(f"{at.field(key)}: {kind!r} is an {message}", key, kind)
        entries.extend((str(kind), item.value) for item in _strings(ids, at, key, kind))
    return Principal(any=("AWS", "*") in entries, entries=tuple(entries))


def _conditions(value: Any, at: _At) -> tuple[Condition, ...]:
    """``{"Operator": {"key": value or [values]}}``; scalar values are read as IAM compares them."""
    if not isinstance(value, dict):
        at.report(f"{at.field('Condition')} must be an object of operators, not "
                  f"{_type_name(value)}", "Condition")  # fmt: skip
        return ()
    conditions: list[Condition] = []
    for operator, block in value.items():
        if not isinstance(operator, str) or not is_condition_operator(operator):
            at.report(f"{at.field('Condition')}: unknown condition operator {operator!r}",
                      "Condition", operator)  # fmt: skip
        if not isinstance(block, dict):
            at.report(f"{at.field('Condition', operator)} must be an object of condition keys, "
                      f"not {_type_name(block)}", "Condition", operator)  # fmt: skip
            continue
        for key, raw in block.items():
            values = _condition_values(raw, at, ("Condition", operator, key))
            if values:  # an unreadable condition is dropped: the statement then reads wider
                line = at.line("Condition", operator, key)
                conditions.append(Condition(str(operator), str(key), values, line))
    return tuple(conditions)


def _condition_values(raw: Any, at: _At, path: Key) -> tuple[str, ...]:
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        at.report(f"{at.field(*path)} is an empty list", *path)
    values: list[str] = []
    for index, item in enumerate(items):
        text = _condition_text(item)
        if text is None:
            where = (*path, index) if isinstance(raw, list) else path
            at.report(f"{at.field(*where)} must be a string, number or boolean, not "
                      f"{_type_name(item)}", *where)  # fmt: skip
        else:
            values.append(text)
    return tuple(values)


def _condition_text(value: Any) -> str | None:
    """IAM compares condition values as text: ``true`` and ``5`` are the strings "true" and "5"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


def is_condition_operator(operator: str) -> bool:
    """A known base, optionally ``IfExists`` (not on Null), optionally with a set qualifier."""
    qualifier, sep, name = operator.partition(":")
    if not sep:
        name = operator
    elif qualifier not in _SET_OPERATORS:
        return False
    base = name.removesuffix("IfExists")
    if base == "Null" and name != base:
        return False
    return base in CONDITION_OPERATORS


# -- messages --------------------------------------------------------------------------------


def _type_name(value: Any) -> str:
    """JSON's names for types, since that is what the user wrote."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _describe(path: Key) -> str:
    """``("Statement", 0, "Action")`` as ``Statement[0].Action``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


# -- files -----------------------------------------------------------------------------------

_YAML_SUFFIXES = (".yaml", ".yml")
_SNIFF_SUFFIXES = (".json", ".yaml", ".yml", ".template", ".policy")
_RESOURCE_MARKERS = (
    "AWS::IAM::", "AWS::S3::BucketPolicy", "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy",
    "AWS::KMS::Key",
)  # fmt: skip


def looks_like_policy_file(path: Path, text: str) -> bool:
    """A cheap test on the start of a file, so a directory scan reads only likely policy files."""
    name = path.name.lower()
    head = text[:_MAX_SNIFF]
    if name.endswith((".tf", ".tf.json")):
        return _sniff_terraform(head)
    if not name.endswith(_SNIFF_SUFFIXES):
        return False
    if "AWSTemplateFormatVersion" in head or any(mark in head for mark in _RESOURCE_MARKERS):
        return True
    if any(mark in head for mark in ("UserDetailList", "RoleDetailList", "GroupDetailList")):
        return True
    if "PolicyVersionList" in head or "AssumeRolePolicyDocument" in head:
        return True
    if "planned_values" in head or "resource_changes" in head:
        return _sniff_terraform(text)
    if name.endswith(_YAML_SUFFIXES):
        return "Statement:" in head and "Effect:" in head
    return '"Statement"' in head


def _sniff_terraform(text: str) -> bool:
    from botwarden.iam.sources.terraform import MARKERS

    return any(marker in text for marker in MARKERS)


@dataclass(frozen=True, slots=True)
class PolicyFile:
    """What one file holds: its policy documents, and the identities it defines, if any.

    Account exports and CloudFormation templates define users and roles; each is a principal of
    its own, with the documents that apply to it. Plain policies and Terraform define none.
    """

    documents: list[PolicyDocument]
    principals: list[PrincipalPolicies] = field(default_factory=list)


def documents_from_file(path: Path, display_path: str) -> list[PolicyDocument]:
    """Every policy document in a file, whatever its format (see :func:`read_policy_file`)."""
    return read_policy_file(path, display_path).documents


def read_policy_file(path: Path, display_path: str) -> PolicyFile:
    """Documents and principals of a file, whatever its format (by extension and content).

    Raise :class:`PolicyParseError` when the file cannot be read or parsed at all; problems
    inside documents are reported on the documents instead.
    """
    from botwarden.iam.sources.terraform import documents_from_hcl

    text = _read(path, display_path)
    name = path.name.lower()
    if name.endswith(".tf"):
        return PolicyFile(documents_from_hcl(text, path=display_path))
    if name.endswith(_YAML_SUFFIXES) or not text.lstrip("\ufeff \t\r\n").startswith(("{", "[")):
        from botwarden.iam.sources.cloudformation import load_yaml_with_lines

        data, lines = load_yaml_with_lines(text, path=display_path)
        return _file_from_data(data, lines, display_path, path.name, [])
    duplicates: list[DuplicateKey] = []
    data, lines = parse_json_with_lines(text, path=display_path, duplicates=duplicates)
    return _file_from_data(data, lines, display_path, path.name, duplicates)


def _file_from_data(
    data: Any,
    lines: dict[Key, int],
    display_path: str,
    file_name: str,
    duplicates: list[DuplicateKey],
) -> PolicyFile:
    from botwarden.iam.sources import authorization_details as details
    from botwarden.iam.sources import cloudformation as cfn
    from botwarden.iam.sources.plain_json import documents_from_plain
    from botwarden.iam.sources.terraform import documents_from_plan, is_plan
    from botwarden.iam.sources.terraform_json import (
        documents_from_terraform_json,
        is_terraform_json,
    )

    if details.is_authorization_details(data):
        export = details.read_export(data, lines, path=display_path, duplicates=duplicates)
        return PolicyFile(*export)
    if is_plan(data):
        return PolicyFile(documents_from_plan(data, lines, path=display_path))
    if is_terraform_json(data):
        return PolicyFile(documents_from_terraform_json(data, lines, path=display_path))
    if cfn.is_template(data):
        return PolicyFile(
            cfn.documents_from_template(data, lines, path=display_path),
            cfn.principals_from_template(data, lines, path=display_path),
        )
    return PolicyFile(
        documents_from_plain(data, lines, path=display_path, name=file_name, duplicates=duplicates)
    )


def _read(path: Path, display_path: str) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyParseError(display_path, None, f"cannot read: {exc.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PolicyParseError(display_path, None, "not UTF-8 text") from None
