"""Terraform's JSON syntax (``.tf.json``, which CDK for Terraform writes): the same resources and
``data "aws_iam_policy_document"`` sources as ``.tf`` files, as plain JSON.

A block is an object, or a list of objects when written more than once; policy attributes are
JSON strings (an expression such as ``${jsonencode(...)}`` is only Terraform's to compute, and
is skipped). Lines come from the JSON scanner.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from botwarden.iam.jsonlines import Key
from botwarden.iam.model import PolicyDocument, PolicyKind
from botwarden.iam.parse import policy_from_data
from botwarden.iam.sources.terraform import (
    DATA_DOCUMENT,
    DATA_REF,
    POLICY_ATTRIBUTES,
    STATEMENT_ATTRIBUTES,
    json_document,
)


def is_terraform_json(data: Any) -> bool:
    """A top-level ``resource`` or ``data`` object naming an IAM policy holder."""
    if not isinstance(data, dict):
        return False
    resources, sources = data.get("resource"), data.get("data")
    return (isinstance(resources, dict) and any(t in POLICY_ATTRIBUTES for t in resources)) or (
        isinstance(sources, dict) and DATA_DOCUMENT in sources
    )


def documents_from_terraform_json(
    data: Any, lines: Mapping[Key, int] | None = None, *, path: str
) -> list[PolicyDocument]:
    """Every literal policy of a ``.tf.json`` file: resources' policy strings, then data sources."""
    where = lines or {}
    usage = _data_usage(data)
    documents = list(_resource_documents(data, where, path))
    for name, body, at in _entries(data.get("data"), DATA_DOCUMENT):
        document = _data_document(
            body, at, where, name=f"data.{DATA_DOCUMENT}.{name}", kind=usage.get(name), path=path
        )
        if document is not None:
            documents.append(document)
    return documents


def _entries(section: Any, type_name: str) -> Iterator[tuple[str, dict[str, Any], Key]]:
    """(name, body, key path) of each block of ``type_name``; a list means several bodies."""
    blocks = section.get(type_name) if isinstance(section, dict) else None
    if not isinstance(blocks, dict):
        return
    top = "data" if type_name == DATA_DOCUMENT else "resource"
    for name, body in blocks.items():
        bodies = body if isinstance(body, list) else [body]
        for index, item in enumerate(bodies):
            if isinstance(item, dict):
                at: Key = (top, type_name, name) + ((index,) if isinstance(body, list) else ())
                yield name, item, at


def _data_usage(data: Any) -> dict[str, PolicyKind]:
    usage: dict[str, PolicyKind] = {}
    for type_name, attributes in POLICY_ATTRIBUTES.items():
        for _name, body, _at in _entries(data.get("resource"), type_name):
            for attribute, kind in attributes:
                match = DATA_REF.fullmatch(str(body.get(attribute, "")))
                if match is not None:
                    usage.setdefault(match.group(1), kind)
    return usage


def _resource_documents(data: Any, lines: Mapping[Key, int], path: str) -> Iterator[PolicyDocument]:
    for type_name, attributes in POLICY_ATTRIBUTES.items():
        for name, body, at in _entries(data.get("resource"), type_name):
            address = f"{type_name}.{name}"
            for attribute, kind in attributes:
                label = address if attribute == "policy" else f"{address} {attribute}"
                yield from _string_document(
                    body.get(attribute), label, kind, lines.get((*at, attribute)), path
                )
            if type_name == "aws_iam_role":
                yield from _inline_policies(body, at, address, lines, path)


def _inline_policies(
    body: dict[str, Any], at: Key, address: str, lines: Mapping[Key, int], path: str
) -> Iterator[PolicyDocument]:
    inline = body.get("inline_policy")
    items = inline if isinstance(inline, list) else [inline]
    for index, item in enumerate(items):
        if isinstance(item, dict):
            key = (
                (*at, "inline_policy", index)
                if isinstance(inline, list)
                else (*at, "inline_policy")
            )
            label = f"{address} inline_policy {item.get('name', '')}".rstrip()
            yield from _string_document(
                item.get("policy"), label, PolicyKind.IDENTITY, lines.get((*key, "policy")), path
            )


def _string_document(
    value: Any, name: str, kind: PolicyKind, line: int | None, path: str
) -> Iterator[PolicyDocument]:
    if isinstance(value, str):
        document = json_document(value, name, kind, path=path, line=line, first_line=None)
        if document is not None:
            yield document


def _data_document(
    body: dict[str, Any],
    at: Key,
    lines: Mapping[Key, int],
    *,
    name: str,
    kind: PolicyKind | None,
    path: str,
) -> PolicyDocument | None:
    """The data source as the JSON document Terraform renders from it (Effect defaults to Allow)."""
    raw = body.get("statement")
    statements = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
    if not statements and any(k in body for k in ("source_policy_documents", "source_json")):
        return None
    mapped: dict[Key, int] = {}
    if (line := lines.get(at)) is not None:
        mapped[()] = line
    data: dict[str, Any] = {"Version": str(body.get("version", "2012-10-17"))}
    data["Statement"] = []
    for index, statement in enumerate(statements):
        source = (*at, "statement", index) if isinstance(raw, list) else (*at, "statement")
        data["Statement"].append(_statement(statement, source, ("Statement", index), lines, mapped))
    return policy_from_data(data, path=path, name=name, lines=mapped, kind=kind)


def _statement(
    raw: Any, source: Key, target: Key, lines: Mapping[Key, int], mapped: dict[Key, int]
) -> dict[str, Any]:
    if not isinstance(raw, dict):
        return {}
    if (line := lines.get(source)) is not None:
        mapped[target] = line
    statement: dict[str, Any] = {}
    for attribute, key in STATEMENT_ATTRIBUTES.items():
        if attribute in raw:
            statement[key] = raw[attribute]
            for sub, line in lines.items():  # the attribute's line, and each of its items'
                if sub[: len(source) + 1] == (*source, attribute):
                    mapped[(*target, key, *sub[len(source) + 1 :])] = line
    statement.setdefault("Effect", "Allow")
    for block_name, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        if block_name in raw:
            statement[key] = _principals(raw[block_name])
    if "condition" in raw:
        statement["Condition"] = _conditions(raw["condition"])
    return statement


def _items(value: Any) -> list[dict[str, Any]]:
    listed = value if isinstance(value, list) else [value]
    return [item for item in listed if isinstance(item, dict)]


def _principals(value: Any) -> Any:
    principals: dict[str, list[Any]] = {}
    for item in _items(value):
        identifiers = item.get("identifiers", [])
        values = identifiers if isinstance(identifiers, list) else [identifiers]
        principals.setdefault(str(item.get("type", "")), []).extend(values)
    return "*" if list(principals) == ["*"] else principals


def _conditions(value: Any) -> dict[str, dict[str, list[Any]]]:
    conditions: dict[str, dict[str, list[Any]]] = {}
    for item in _items(value):
        values = item.get("values", [])
        operator = conditions.setdefault(str(item.get("test", "")), {})
        operator.setdefault(str(item.get("variable", "")), []).extend(
            values if isinstance(values, list) else [values]
        )
    return conditions
