"""A policy document on its own, or wrapped the way the AWS CLI prints one.

People save policies straight from the console or from CLI commands, so besides a bare document
this accepts the outputs of ``get-role-policy`` / ``get-user-policy`` / ``get-group-policy``
(``{"PolicyDocument": ...}``), ``get-policy-version`` (``{"PolicyVersion": {"Document": ...}}``,
also under ``"Policy"``), ``get-role`` (``{"Role": {"AssumeRolePolicyDocument": ...}}``) and
``s3api get-bucket-policy`` (``{"Policy": "<JSON text>"}``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from botwarden.iam.jsonlines import DuplicateKey, Key
from botwarden.iam.model import PolicyDocument, PolicyKind
from botwarden.iam.parse import policy_from_data, policy_from_json_text

_OWNERS = (("RoleName", "role"), ("UserName", "user"), ("GroupName", "group"))


def documents_from_plain(
    data: Any,
    lines: Mapping[Key, int] | None = None,
    *,
    path: str,
    name: str,
    duplicates: Iterable[DuplicateKey] = (),
) -> list[PolicyDocument]:
    """The one document in ``data``, unwrapped from a CLI output when it is one.

    ``name`` is used for a bare document (the file name is a good choice); wrapped documents are
    named after the policy, role, user or group the output names.
    """
    base, name, kind = _unwrap(data, name)
    document: Any = data
    for key in base:
        document = document[key]
    if isinstance(document, str):
        line = (lines or {}).get(base)
        return [policy_from_json_text(document, path=path, name=name, line=line, kind=kind)]
    return [
        policy_from_data(
            document,
            path=path,
            name=name,
            lines=lines,
            base=base,
            kind=kind,
            duplicates=duplicates,
        )
    ]


def _unwrap(data: Any, name: str) -> tuple[Key, str, PolicyKind | None]:
    """Where the document is in a CLI output, its name, and its kind when the output says."""
    if not isinstance(data, dict) or "Statement" in data:
        return (), name, None
    if isinstance(data.get("PolicyDocument"), dict | str):
        return ("PolicyDocument",), _inline_name(data, name), None
    for outer in (data, data.get("Policy")):
        version = outer.get("PolicyVersion") if isinstance(outer, dict) else None
        if isinstance(version, dict) and isinstance(version.get("Document"), dict | str):
            prefix: Key = () if outer is data else ("Policy",)
            return (*prefix, "PolicyVersion", "Document"), _version_name(version, name), None
    role = data.get("Role")
    if isinstance(role, dict) and isinstance(role.get("AssumeRolePolicyDocument"), dict | str):
        role_name = f"role/{role['RoleName']} trust policy" if "RoleName" in role else name
        return ("Role", "AssumeRolePolicyDocument"), role_name, PolicyKind.TRUST
    if isinstance(data.get("Policy"), str):
        return ("Policy",), name, None
    return (), name, None


def _inline_name(data: dict[Any, Any], fallback: str) -> str:
    policy = data.get("PolicyName")
    for key, owner in _OWNERS:
        if isinstance(data.get(key), str) and isinstance(policy, str):
            return f"{owner}/{data[key]} inline policy {policy}"
    return policy if isinstance(policy, str) else fallback


def _version_name(version: dict[Any, Any], fallback: str) -> str:
    version_id = version.get("VersionId")
    return f"{fallback} ({version_id})" if isinstance(version_id, str) else fallback
