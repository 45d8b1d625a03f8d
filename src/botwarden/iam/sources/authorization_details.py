"""``aws iam get-account-authorization-details``: every user, group, role and managed policy.

This is the one export that shows what a principal can *actually* do: its inline policies, the
managed policies attached to it and, for users, everything their groups grant. So besides the flat
list of documents, :func:`principals_from_authorization_details` returns, per principal, the
documents that apply to it, for checks that must judge the union rather than each policy alone.
Managed policies are read once (their default version) and shared between the principals using
them. The IAM API returns documents URL-encoded; the CLI decodes them; both are accepted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from botwarden.iam.jsonlines import DuplicateKey, Key
from botwarden.iam.model import PolicyDocument, PolicyKind
from botwarden.iam.parse import policy_from_data, policy_from_json_text

PrincipalKind = Literal["user", "group", "role"]

# list key in the export, kind, name key, inline policy list key
_ENTITIES: tuple[tuple[str, PrincipalKind, str, str], ...] = (
    ("GroupDetailList", "group", "GroupName", "GroupPolicyList"),
    ("UserDetailList", "user", "UserName", "UserPolicyList"),
    ("RoleDetailList", "role", "RoleName", "RolePolicyList"),
)
_MARKERS = ("UserDetailList", "GroupDetailList", "RoleDetailList")


@dataclass(slots=True)
class PrincipalPolicies:
    """A user, group or role and the permission policies that apply to it.

    ``documents`` holds inline and attached managed policies (for a user, also its groups');
    ``trust`` is a role's assume-role policy (who may become it, not what it may do);
    ``boundary`` is the permissions boundary, when set and found; ``unresolved`` lists the ARNs of
    attached policies the export does not contain (typically AWS managed policies, when the
    export was filtered), whose permissions are therefore unknown.
    """

    arn: str
    name: str
    kind: PrincipalKind
    documents: list[PolicyDocument]
    trust: PolicyDocument | None = None
    boundary: PolicyDocument | None = None
    unresolved: list[str] = field(default_factory=list)


def is_authorization_details(data: Any) -> bool:
    """The export has at least one of the detail lists (``Policies`` alone is too generic)."""
    return isinstance(data, dict) and any(isinstance(data.get(key), list) for key in _MARKERS)


def documents_from_authorization_details(
    data: Any,
    lines: Mapping[Key, int] | None = None,
    *,
    path: str,
    duplicates: Iterable[DuplicateKey] = (),
) -> list[PolicyDocument]:
    """Every document once: managed policies' default versions, then inline and trust policies."""
    return _Export(data, lines or {}, path, tuple(duplicates)).read()[0]


def read_export(
    data: Any,
    lines: Mapping[Key, int] | None = None,
    *,
    path: str,
    duplicates: Iterable[DuplicateKey] = (),
) -> tuple[list[PolicyDocument], list[PrincipalPolicies]]:
    """Documents and principals of an export in one pass (shared documents are shared objects)."""
    return _Export(data, lines or {}, path, tuple(duplicates)).read()


def principals_from_authorization_details(
    data: Any,
    lines: Mapping[Key, int] | None = None,
    *,
    path: str,
    duplicates: Iterable[DuplicateKey] = (),
) -> list[PrincipalPolicies]:
    """Each group, user and role with the documents that apply to it (see PrincipalPolicies)."""
    return _Export(data, lines or {}, path, tuple(duplicates)).read()[1]


@dataclass(slots=True)
class _Export:
    data: Any
    lines: Mapping[Key, int]
    path: str
    duplicates: tuple[DuplicateKey, ...]
    documents: list[PolicyDocument] = field(default_factory=list)
    managed: dict[str, PolicyDocument] = field(default_factory=dict)
    groups: dict[str, PrincipalPolicies] = field(default_factory=dict)

    def read(self) -> tuple[list[PolicyDocument], list[PrincipalPolicies]]:
        if not isinstance(self.data, dict):
            return [], []
        self.read_managed()
        principals = []
        for list_key, kind, name_key, inline_key in _ENTITIES:
            for index, entity in _items(self.data, list_key):
                at: Key = (list_key, index)
                principal = self.principal(entity, at, kind, name_key, inline_key)
                principals.append(principal)
                if kind == "group":
                    self.groups[principal.name] = principal
        return self.documents, principals

    def read_managed(self) -> None:
        for index, policy in _items(self.data, "Policies"):
            found = _default_version(policy)
            if found is None:
                continue
            version_index, version = found
            name = f"policy/{_text(policy.get('PolicyName'))}"
            at: Key = ("Policies", index, "PolicyVersionList", version_index, "Document")
            document = self.document(version.get("Document"), at, name, PolicyKind.IDENTITY)
            self.managed[_text(policy.get("Arn"))] = document

    def principal(
        self, entity: dict[Any, Any], at: Key, kind: PrincipalKind, name_key: str, inline_key: str
    ) -> PrincipalPolicies:
        name = _text(entity.get(name_key))
        principal = PrincipalPolicies(_text(entity.get("Arn")), name, kind, [])
        for index, inline in _items(entity, inline_key):
            label = f"{kind}/{name} inline policy {_text(inline.get('PolicyName'))}"
            where = (*at, inline_key, index, "PolicyDocument")
            raw = inline.get("PolicyDocument")
            principal.documents.append(self.document(raw, where, label, PolicyKind.IDENTITY))
        self.attach(principal, entity)
        if kind == "user":
            self.add_groups(principal, entity)
        if kind == "role" and "AssumeRolePolicyDocument" in entity:
            raw = entity["AssumeRolePolicyDocument"]
            where = (*at, "AssumeRolePolicyDocument")
            label = f"role/{name} trust policy"
            principal.trust = self.document(raw, where, label, PolicyKind.TRUST)
        return principal

    def attach(self, principal: PrincipalPolicies, entity: dict[Any, Any]) -> None:
        for _, attached in _items(entity, "AttachedManagedPolicies"):
            arn = _text(attached.get("PolicyArn"))
            if arn in self.managed:
                _add(principal.documents, self.managed[arn])
            else:
                principal.unresolved.append(arn)
        boundary = entity.get("PermissionsBoundary")
        if isinstance(boundary, dict):
            arn = _text(boundary.get("PermissionsBoundaryArn"))
            principal.boundary = self.managed.get(arn)

    def add_groups(self, principal: PrincipalPolicies, entity: dict[Any, Any]) -> None:
        groups = entity.get("GroupList")
        for group_name in groups if isinstance(groups, list) else []:
            group = self.groups.get(group_name) if isinstance(group_name, str) else None
            if group is None:
                continue
            for document in group.documents:
                _add(principal.documents, document)
            principal.unresolved.extend(group.unresolved)

    def document(self, raw: Any, at: Key, name: str, kind: PolicyKind) -> PolicyDocument:
        """A document is an object in CLI output and URL-encoded JSON text in raw API output."""
        if isinstance(raw, str):
            line = self.lines.get(at)
            document = policy_from_json_text(raw, path=self.path, name=name, line=line, kind=kind)
        else:
            document = policy_from_data(
                raw,
                path=self.path,
                name=name,
                lines=self.lines,
                base=at,
                kind=kind,
                duplicates=self.duplicates,
            )
        self.documents.append(document)
        return document


def _items(container: Any, key: str) -> list[tuple[int, dict[Any, Any]]]:
    """The objects of ``container[key]`` with their indices; anything else is skipped."""
    value = container.get(key) if isinstance(container, dict) else None
    if not isinstance(value, list):
        return []
    return [(index, item) for index, item in enumerate(value) if isinstance(item, dict)]


def _default_version(policy: dict[Any, Any]) -> tuple[int, dict[Any, Any]] | None:
    """The version marked default, else the one named by DefaultVersionId, else the first."""
    versions = _items(policy, "PolicyVersionList")
    for wanted in (
        lambda item: item.get("IsDefaultVersion") is True,
        lambda item: item.get("VersionId") == policy.get("DefaultVersionId"),
        lambda item: True,
    ):
        for index, version in versions:
            if wanted(version):
                return index, version
    return None


def _add(documents: list[PolicyDocument], document: PolicyDocument) -> None:
    if not any(existing is document for existing in documents):
        documents.append(document)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "?"
