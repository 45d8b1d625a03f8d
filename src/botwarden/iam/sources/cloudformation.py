"""CloudFormation templates (JSON or YAML): IAM resources and the resource policies of a stack.

Templates compute values with intrinsic functions that only CloudFormation can evaluate, so they
are replaced by text that keeps what is known: ``Fn::Sub`` keeps its template
(``arn:aws:s3:::${Bucket}/*`` still reads as a pattern), ``Fn::Join`` of literals is joined,
``Ref`` becomes ``${Name}``, ``Fn::GetAtt`` ``${Name.Attribute}``. ``Fn::If`` takes its first
branch that is not ``AWS::NoValue``, so conditional statements are checked rather than dropped.
YAML short tags (``!Ref``, ``!Sub``...) are read as their long JSON forms, and unquoted dates
such as ``Version: 2012-10-17`` stay strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from botwarden.iam.jsonlines import Key
from botwarden.iam.model import PolicyDocument, PolicyKind
from botwarden.iam.parse import policy_from_data, policy_from_json_text
from botwarden.iam.sources.authorization_details import PrincipalKind, PrincipalPolicies

_IDENTITY, _RESOURCE, _TRUST = PolicyKind.IDENTITY, PolicyKind.RESOURCE, PolicyKind.TRUST
# resource type -> the properties holding one policy document, with their kind
DOCUMENT_PROPERTIES: dict[str, tuple[tuple[str, PolicyKind], ...]] = {
    "AWS::IAM::Policy": (("PolicyDocument", _IDENTITY),),
    "AWS::IAM::ManagedPolicy": (("PolicyDocument", _IDENTITY),),
    "AWS::IAM::RolePolicy": (("PolicyDocument", _IDENTITY),),
    "AWS::IAM::UserPolicy": (("PolicyDocument", _IDENTITY),),
    "AWS::IAM::GroupPolicy": (("PolicyDocument", _IDENTITY),),
    "AWS::IAM::Role": (("AssumeRolePolicyDocument", _TRUST),),
    "AWS::S3::BucketPolicy": (("PolicyDocument", _RESOURCE),),
    "AWS::SQS::QueuePolicy": (("PolicyDocument", _RESOURCE),),
    "AWS::SNS::TopicPolicy": (("PolicyDocument", _RESOURCE),),
    "AWS::KMS::Key": (("KeyPolicy", _RESOURCE),),
    "AWS::KMS::ReplicaKey": (("KeyPolicy", _RESOURCE),),
    "AWS::SecretsManager::ResourcePolicy": (("ResourcePolicy", _RESOURCE),),
    "AWS::ECR::Repository": (("RepositoryPolicyText", _RESOURCE),),
    "AWS::Logs::ResourcePolicy": (("PolicyDocument", _RESOURCE),),
    "AWS::EFS::FileSystem": (("FileSystemPolicy", _RESOURCE),),
    "AWS::Backup::BackupVault": (("AccessPolicy", _RESOURCE),),
    "AWS::ApiGateway::RestApi": (("Policy", _RESOURCE),),
    "AWS::OpenSearchService::Domain": (("AccessPolicies", _RESOURCE),),
    "AWS::Elasticsearch::Domain": (("AccessPolicies", _RESOURCE),),
}
# resource types with a ``Policies`` list of {PolicyName, PolicyDocument}
INLINE_POLICY_TYPES = frozenset({"AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"})
_NAME_PROPERTIES = ("PolicyName", "ManagedPolicyName")
_NO_VALUE = "AWS::NoValue"
_MAX_DEPTH = 200
_MAX_NODES = 100_000


# -- YAML ------------------------------------------------------------------------------------


def load_yaml_with_lines(text: str, *, path: str) -> tuple[Any, dict[Key, int]]:
    """Parse YAML (with CloudFormation tags) and map each key path to its 1-based line.

    Raise :class:`PolicyParseError` ("path:line: not valid YAML: ...") for invalid text. PyYAML
    is imported on first use (see ``yaml_lines``): runs over JSON files never need it.
    """
    from botwarden.iam.sources.yaml_lines import load_yaml_with_lines as load

    return load(text, path=path)


# -- templates -------------------------------------------------------------------------------


def is_template(data: Any) -> bool:
    """A format version, or a Resources map with at least one ``AWS::`` typed resource."""
    if not isinstance(data, dict):
        return False
    if "AWSTemplateFormatVersion" in data:
        return True
    resources = data.get("Resources")
    return isinstance(resources, dict) and any(
        isinstance(item, dict) and str(item.get("Type", "")).startswith("AWS::")
        for item in resources.values()
    )


def documents_from_template(
    data: Any, lines: Mapping[Key, int] | None = None, *, path: str
) -> list[PolicyDocument]:
    """Each policy document of the template's resources, named after the logical id."""
    found = _template_documents(data, lines or {}, path)
    return [document for documents in found.values() for _, document in documents]


def principals_from_template(
    data: Any, lines: Mapping[Key, int] | None = None, *, path: str
) -> list[PrincipalPolicies]:
    """Each role, user and group of the template with the documents the template attaches to it.

    Attachments are followed within the template only: inline ``Policies``, ``ManagedPolicyArns``
    and ``PermissionsBoundary`` naming a managed policy of the template, policies whose
    ``Roles``/``Users``/``Groups`` (or ``RoleName``...) name the principal, and a user's
    ``Groups``. Anything else attached (AWS managed policies, imports) is listed as unresolved.
    """
    found = _template_documents(data, lines or {}, path)
    return _Principals(data["Resources"], found, lines or {}).read() if found else []


# logical id -> (property the document came from, document), in template order
_Found = dict[str, list[tuple[str, PolicyDocument]]]


def _template_documents(data: Any, lines: Mapping[Key, int], path: str) -> _Found:
    resources = data.get("Resources") if isinstance(data, dict) else None
    found: _Found = {}
    for logical, resource in resources.items() if isinstance(resources, dict) else ():
        if isinstance(resource, dict) and isinstance(resource.get("Properties"), dict):
            at: Key = ("Resources", logical, "Properties")
            found[str(logical)] = _resource_documents(resource, str(logical), at, lines, path)
    return found


def _resource_documents(
    resource: dict[Any, Any], logical: str, at: Key, lines: Mapping[Key, int], path: str
) -> list[tuple[str, PolicyDocument]]:
    type_name = resource.get("Type")
    type_name = type_name if isinstance(type_name, str) else ""
    properties = resource["Properties"]
    documents = []
    for prop, kind in DOCUMENT_PROPERTIES.get(type_name, ()):
        if prop in properties:
            name = logical if prop == "PolicyDocument" else f"{logical}.{prop}"
            policy_name = _policy_name(properties, at, lines)
            name += "" if policy_name == f" ({logical})" else policy_name
            raw = properties[prop]
            for document in _document(raw, (*at, prop), name, kind, lines=lines, path=path):
                documents.append((prop, document))
    policies = properties.get("Policies") if type_name in INLINE_POLICY_TYPES else None
    for index, policy in enumerate(policies if isinstance(policies, list) else []):
        if isinstance(policy, dict) and "PolicyDocument" in policy:
            where: Key = (*at, "Policies", index)
            name = f"{logical}.Policies[{index}]" + _policy_name(policy, where, lines)
            raw = policy["PolicyDocument"]
            where = (*where, "PolicyDocument")
            for document in _document(raw, where, name, _IDENTITY, lines=lines, path=path):
                documents.append(("Policies", document))
    return documents


def _policy_name(container: dict[Any, Any], at: Key, lines: Mapping[Key, int]) -> str:
    """`` (name)`` from PolicyName or ManagedPolicyName, when the template gives one."""
    for key in _NAME_PROPERTIES:
        if key in container:
            value = _Resolver(lines).value(container[key], (*at, key), (*at, key))
            return f" ({_text(value)})"
    return ""


def _document(
    raw: Any, at: Key, name: str, kind: PolicyKind, *, lines: Mapping[Key, int], path: str
) -> list[PolicyDocument]:
    """The document at ``at``, intrinsics resolved; a JSON string is accepted as CFN does."""
    resolver = _Resolver(lines)
    value = resolver.value(raw, at, at)
    if value is _NoValue:
        return []
    if isinstance(value, str):
        line = lines.get(at)
        return [policy_from_json_text(value, path=path, name=name, line=line, kind=kind)]
    document = policy_from_data(
        value, path=path, name=name, lines=resolver.lines_out, base=at, kind=kind
    )
    return [document]


# -- principals ------------------------------------------------------------------------------

# principal type -> (kind, name property, the property policies use to list such principals)
_PRINCIPALS: dict[str, tuple[PrincipalKind, str, str]] = {
    "AWS::IAM::Group": ("group", "GroupName", "Groups"),
    "AWS::IAM::User": ("user", "UserName", "Users"),
    "AWS::IAM::Role": ("role", "RoleName", "Roles"),
}
_ATTACHABLE = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy",
               "AWS::IAM::UserPolicy", "AWS::IAM::GroupPolicy")  # fmt: skip


@dataclass(slots=True)
class _Principals:
    resources: dict[Any, Any]
    found: _Found
    lines: Mapping[Key, int]
    groups: dict[str, PrincipalPolicies] = field(default_factory=dict)

    def read(self) -> list[PrincipalPolicies]:
        principals = []
        for type_name in _PRINCIPALS:  # groups first: users take their groups' policies
            for logical, properties in self.of_type(type_name):
                principal = self.principal(logical, properties, type_name)
                principals.append(principal)
                if type_name == "AWS::IAM::Group":
                    self.groups.update(dict.fromkeys(self.names(logical, properties, type_name),
                                                     principal))  # fmt: skip
        return principals

    def of_type(self, type_name: str) -> list[tuple[str, dict[Any, Any]]]:
        return [
            (str(logical), resource["Properties"])
            for logical, resource in self.resources.items()
            if isinstance(resource, dict)
            and resource.get("Type") == type_name
            and isinstance(resource.get("Properties"), dict)
        ]

    def names(self, logical: str, properties: dict[Any, Any], type_name: str) -> set[str]:
        """How the template may refer to a principal: ``${Logical}`` (a Ref) or its literal name."""
        names = {f"${{{logical}}}"}
        literal = self.text(properties.get(_PRINCIPALS[type_name][1]))
        if literal is not None and not literal.startswith("${"):
            names.add(literal)
        return names

    def principal(
        self, logical: str, properties: dict[Any, Any], type_name: str
    ) -> PrincipalPolicies:
        kind, name_property, _ = _PRINCIPALS[type_name]
        name = self.text(properties.get(name_property)) or logical
        own = self.found.get(logical, [])
        principal = PrincipalPolicies(f"${{{logical}.Arn}}", name, kind, [])
        principal.documents = [document for prop, document in own if prop == "Policies"]
        principal.trust = next((d for prop, d in own if prop == "AssumeRolePolicyDocument"), None)
        for arn in self.texts(properties.get("ManagedPolicyArns")):
            self.attach_arn(principal, arn)
        boundary = self.managed(self.text(properties.get("PermissionsBoundary")))
        principal.boundary = boundary
        names = self.names(logical, properties, type_name)
        for document in self.attached_to(names, type_name):
            _add(principal.documents, document)
        if kind == "user":
            for group_name in self.texts(properties.get("Groups")):
                group = self.groups.get(group_name)
                for document in group.documents if group is not None else []:
                    _add(principal.documents, document)
        return principal

    def attach_arn(self, principal: PrincipalPolicies, arn: str) -> None:
        document = self.managed(arn)
        if document is None:
            principal.unresolved.append(arn)
        else:
            _add(principal.documents, document)

    def managed(self, reference: str | None) -> PolicyDocument | None:
        """The managed policy of this template that ``${Logical}`` (a Ref: its ARN) names."""
        if reference is None or not reference.startswith("${") or not reference.endswith("}"):
            return None
        logical = reference[2:-1]
        resource = self.resources.get(logical)
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::IAM::ManagedPolicy":
            return None
        return next(iter(d for _, d in self.found.get(logical, [])), None)

    def attached_to(self, names: set[str], type_name: str) -> list[PolicyDocument]:
        """Policies naming the principal in Roles/Users/Groups or RoleName/UserName/GroupName."""
        _, name_property, list_property = _PRINCIPALS[type_name]
        documents: list[PolicyDocument] = []
        for attachable in _ATTACHABLE:
            for logical, properties in self.of_type(attachable):
                targets = self.texts(properties.get(list_property))
                targets += self.texts(properties.get(name_property))
                if names.intersection(targets):
                    documents.extend(document for _, document in self.found.get(logical, []))
        return documents

    def text(self, value: Any) -> str | None:
        resolved = _Resolver(self.lines).value(value, (), ())
        return resolved if isinstance(resolved, str) else None

    def texts(self, value: Any) -> list[str]:
        resolved = _Resolver(self.lines).value(value, (), ())
        items = resolved if isinstance(resolved, list) else [resolved]
        return [item for item in items if isinstance(item, str)]


def _add(documents: list[PolicyDocument], document: PolicyDocument) -> None:
    if not any(existing is document for existing in documents):
        documents.append(document)


# -- intrinsic functions ---------------------------------------------------------------------


class _NoValue:
    """``Ref: AWS::NoValue``: the value is removed from its object or list."""


@dataclass(slots=True)
class _Resolver:
    """Replaces intrinsic functions by text, building the line map of the result as it goes."""

    lines: Mapping[Key, int]
    lines_out: dict[Key, int] = field(default_factory=dict)
    # YAML aliases can make a small file a huge (or cyclic) tree: stop expanding at some point
    budget: list[int] = field(default_factory=lambda: [_MAX_NODES])

    def value(self, value: Any, src: Key, dst: Key, depth: int = 0) -> Any:
        if src in self.lines:
            self.lines_out[dst] = self.lines[src]
        self.budget[0] -= 1
        if depth > _MAX_DEPTH or self.budget[0] < 0:
            return "${...}"
        if isinstance(value, dict):
            if len(value) == 1:
                name, arg = next(iter(value.items()))
                if name == "Ref" or (isinstance(name, str) and name.startswith("Fn::")):
                    return self.intrinsic(name, arg, (*src, name), dst, depth + 1)
            return self.mapping(value, src, dst, depth + 1)
        if isinstance(value, list):
            return self.sequence(value, src, dst, depth + 1)
        return value

    def mapping(self, value: dict[Any, Any], src: Key, dst: Key, depth: int) -> dict[Any, Any]:
        result = {}
        for key, item in value.items():
            resolved = self.value(item, (*src, key), (*dst, key), depth)
            if resolved is not _NoValue:
                result[key] = resolved
        return result

    def sequence(self, value: list[Any], src: Key, dst: Key, depth: int) -> list[Any]:
        result: list[Any] = []
        for index, item in enumerate(value):
            resolved = self.value(item, (*src, index), (*dst, len(result)), depth)
            if resolved is not _NoValue:
                result.append(resolved)
        return result

    def intrinsic(self, name: str, arg: Any, src: Key, dst: Key, depth: int) -> Any:
        if name == "Ref":
            return _NoValue if arg == _NO_VALUE else f"${{{_text(arg)}}}"
        if name == "Fn::If" and isinstance(arg, list) and len(arg) == 3:
            chosen = self.value(arg[1], (*src, 1), dst, depth)
            return self.value(arg[2], (*src, 2), dst, depth) if chosen is _NoValue else chosen
        if name == "Fn::Sub":
            return self.substitute(arg, src, depth)
        if name == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
            parts = self.inner(arg[1], (*src, 1), depth)
            if isinstance(parts, list):
                return _text(arg[0]).join(_text(part) for part in parts)
        if name == "Fn::GetAtt":
            return "${" + (".".join(map(_text, arg)) if isinstance(arg, list) else _text(arg)) + "}"
        if name == "Fn::Select" and isinstance(arg, list) and len(arg) == 2:
            items = self.inner(arg[1], (*src, 1), depth)
            index = str(arg[0])
            if isinstance(items, list) and index.isdecimal() and int(index) < len(items):
                return items[int(index)]
        return f"${{{name}}}"

    def inner(self, value: Any, src: Key, depth: int) -> Any:
        """An argument folded into a string: its own lines must not replace the result's."""
        return _Resolver(self.lines, budget=self.budget).value(value, src, (), depth)

    def substitute(self, arg: Any, src: Key, depth: int) -> str:
        """``Fn::Sub`` keeps its template, with variables given as literals filled in."""
        if isinstance(arg, str):
            return arg
        if not isinstance(arg, list) or not arg or not isinstance(arg[0], str):
            return "${Fn::Sub}"
        text = arg[0]
        variables = arg[1] if len(arg) > 1 and isinstance(arg[1], dict) else {}
        for key, raw in variables.items():
            value = self.inner(raw, (*src, 1, key), depth)
            if isinstance(value, str) and not value.startswith("${"):
                text = text.replace(f"${{{key}}}", value)
        return text


def _text(value: Any) -> str:
    """A scalar as CloudFormation would render it; anything else as a placeholder."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return "${...}"
