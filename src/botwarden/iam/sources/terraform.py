"""Terraform: policies in ``.tf`` files (HCL) and in ``terraform show -json`` plans or state.

In HCL a policy is written three ways: ``jsonencode({...})`` of an HCL object, a JSON string (often
a heredoc), or a ``data "aws_iam_policy_document"`` block. All three are read, with the line of
every element: python-hcl2 keeps positions on its syntax tree (not on the dicts ``hcl2.load``
returns), so this module walks that tree. Interpolations stay as text (``${aws_s3_bucket.b.arn}/*``)
and values that only Terraform can compute (``var.policy``, ``file(...)``) are skipped. A data
document takes its kind from where it is used (``assume_role_policy`` makes it a trust policy).

Plans and state are JSON in which every policy is already rendered to a JSON string; their
documents are placed on the line of the attribute holding them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from botwarden.hcl_tree import Block as _Block
from botwarden.hcl_tree import attributes as _attributes
from botwarden.hcl_tree import blocks as _blocks
from botwarden.hcl_tree import hcl_failures as _hcl_failures
from botwarden.hcl_tree import line_of as _line
from botwarden.hcl_tree import options as _options
from botwarden.hcl_tree import parse as _parse
from botwarden.hcl_tree import unwrap as _unwrap
from botwarden.hcl_tree import value as _value
from botwarden.iam.jsonlines import Key
from botwarden.iam.model import PolicyDocument, PolicyKind
from botwarden.iam.parse import policy_from_data, policy_from_json_text

_IDENTITY, _RESOURCE, _TRUST = PolicyKind.IDENTITY, PolicyKind.RESOURCE, PolicyKind.TRUST
_POLICY = (("policy", _RESOURCE),)
# resource type -> attributes holding a policy document, with their kind
POLICY_ATTRIBUTES: dict[str, tuple[tuple[str, PolicyKind], ...]] = {
    "aws_iam_policy": (("policy", _IDENTITY),),
    "aws_iam_role_policy": (("policy", _IDENTITY),),
    "aws_iam_user_policy": (("policy", _IDENTITY),),
    "aws_iam_group_policy": (("policy", _IDENTITY),),
    "aws_iam_role": (("assume_role_policy", _TRUST),),
    "aws_s3_bucket_policy": _POLICY,
    "aws_s3_bucket": _POLICY,
    "aws_sqs_queue_policy": _POLICY,
    "aws_sqs_queue": _POLICY,
    "aws_sns_topic_policy": _POLICY,
    "aws_sns_topic": _POLICY,
    "aws_kms_key": _POLICY,
    "aws_kms_key_policy": _POLICY,
    "aws_ecr_repository_policy": _POLICY,
    "aws_secretsmanager_secret_policy": _POLICY,
    "aws_secretsmanager_secret": _POLICY,
    "aws_efs_file_system_policy": _POLICY,
    "aws_backup_vault_policy": _POLICY,
    "aws_api_gateway_rest_api_policy": _POLICY,
    "aws_cloudwatch_log_resource_policy": (("policy_document", _RESOURCE),),
    "aws_opensearch_domain_policy": (("access_policies", _RESOURCE),),
    "aws_elasticsearch_domain_policy": (("access_policies", _RESOURCE),),
    "aws_glacier_vault": (("access_policy", _RESOURCE),),
}
DATA_DOCUMENT = "aws_iam_policy_document"
MARKERS = (*POLICY_ATTRIBUTES, DATA_DOCUMENT)
DATA_REF = re.compile(
    r"\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.(?:minified_)?json\}"
)
STATEMENT_ATTRIBUTES = {
    "sid": "Sid", "effect": "Effect", "actions": "Action", "not_actions": "NotAction",
    "resources": "Resource", "not_resources": "NotResource",
}  # fmt: skip
# The raw heredoc token: python-hcl2 escapes quotes in the body of ``<<-`` heredocs it renders,
# and JSON needs neither the indentation removed nor anything else done to it.
_HEREDOC = re.compile(
    r"<<-?(?P<marker>[A-Za-z][\w.-]*)\r?\n(?P<body>.*?)[ \t]*(?P=marker)\s*", re.DOTALL
)
_MERGED = ("source_policy_documents", "override_policy_documents", "source_json", "override_json")


# -- .tf files -------------------------------------------------------------------------------


def documents_from_hcl(text: str, *, path: str) -> list[PolicyDocument]:
    """Every literal policy of a ``.tf`` file, in file order.

    Raise :class:`PolicyParseError` when the file is not valid HCL.
    """
    blocks = _blocks(_parse(text, path).body)
    usage = _data_usage(blocks)
    documents: list[PolicyDocument] = []
    for block in blocks:
        try:
            documents.extend(_block_documents(block, usage, path))
        except _hcl_failures():  # one construct python-hcl2 cannot render must not hide the rest
            continue
    return documents


def _block_documents(
    block: _Block, usage: Mapping[str, PolicyKind], path: str
) -> Iterator[PolicyDocument]:
    if len(block.labels) != 3:
        return
    kind_of, type_name, name = block.labels
    if kind_of == "data" and type_name == DATA_DOCUMENT:
        document = _data_document(block, f"data.{DATA_DOCUMENT}.{name}", usage.get(name), path)
        if document is not None:
            yield document
    elif kind_of == "resource":
        yield from _resource_documents(block, f"{type_name}.{name}", path)


def _data_usage(blocks: list[_Block]) -> dict[str, PolicyKind]:
    """Which data documents are used where: their kind is that of the first attribute using them."""
    usage: dict[str, PolicyKind] = {}
    for block in blocks:
        if block.labels[0] != "resource" or len(block.labels) != 3:
            continue
        for attribute, kind in POLICY_ATTRIBUTES.get(block.labels[1], ()):
            found = _attributes(block.body).get(attribute)
            match = DATA_REF.fullmatch(_source(found[0])) if found else None
            if match is not None:
                usage.setdefault(match.group(1), kind)
    return usage


def _source(expression: Any) -> str:
    try:
        return str(expression.serialize(_options()))
    except _hcl_failures():
        return ""


def _resource_documents(block: _Block, address: str, path: str) -> Iterator[PolicyDocument]:
    attributes = _attributes(block.body)
    for attribute, kind in POLICY_ATTRIBUTES.get(block.labels[1], ()):
        if attribute in attributes:
            name = address if attribute == "policy" else f"{address} {attribute}"
            expression, line = attributes[attribute]
            document = _attribute_document(expression, line, name, kind, path)
            if document is not None:
                yield document
    if block.labels[1] == "aws_iam_role":
        for inline in _blocks(block.body, "inline_policy"):
            inline_attributes = _attributes(inline.body)
            if "policy" in inline_attributes:
                label = _source(inline_attributes["name"][0]) if "name" in inline_attributes else ""
                expression, line = inline_attributes["policy"]
                name = f"{address} inline_policy {label}".rstrip()
                document = _attribute_document(expression, line, name, _IDENTITY, path)
                if document is not None:
                    yield document


def _attribute_document(
    expression: Any, line: int | None, name: str, kind: PolicyKind, path: str
) -> PolicyDocument | None:
    """``jsonencode({...})`` or a JSON string; None for values only Terraform can compute."""
    node = _unwrap(expression)
    kind_of = node.lark_name()
    if kind_of == "function_call":
        identifiers = [str(item.serialize(_options())) for item in node.identifiers]
        arguments = node.arguments.arguments if node.arguments is not None else []
        if identifiers != ["jsonencode"] or len(arguments) != 1:
            return None
        lines: dict[Key, int] = {} if line is None else {(): line}
        data = _value(arguments[0], (), lines)
        if not isinstance(data, dict):
            return None
        return policy_from_data(data, path=path, name=name, lines=lines, kind=kind)
    node_line = _line(node) or line
    if kind_of in ("heredoc_template", "heredoc_template_trim"):
        match = _HEREDOC.fullmatch(str(node.heredoc.value))
        if match is None:
            return None
        first_line = node_line + 1 if node_line is not None else None
        text = match.group("body")
        return json_document(text, name, kind, path=path, line=node_line, first_line=first_line)
    if kind_of == "string":
        text = str(node.serialize(_options()))
        return json_document(text, name, kind, path=path, line=node_line, first_line=None)
    return None


def json_document(
    text: str, name: str, kind: PolicyKind, *, path: str, line: int | None, first_line: int | None
) -> PolicyDocument | None:
    """A JSON string, unless it is a template whose interpolations break the JSON syntax."""
    if "${" in text or "%{" in text:
        try:
            json.loads(text)
        except (ValueError, RecursionError):
            return None
    elif not text.lstrip().startswith("{"):
        return None
    return policy_from_json_text(
        text, path=path, name=name, line=line, first_line=first_line, kind=kind
    )


# -- data "aws_iam_policy_document" ----------------------------------------------------------


def _data_document(
    block: _Block, name: str, kind: PolicyKind | None, path: str
) -> PolicyDocument | None:
    """The data source as the JSON document Terraform renders from it (Effect defaults to Allow).

    Documents assembled only from ``source_policy_documents`` and similar are skipped: their
    statements come from elsewhere.
    """
    attributes = _attributes(block.body)
    statements = _blocks(block.body, "statement")
    if not statements and any(key in attributes for key in _MERGED):
        return None
    lines: dict[Key, int] = {} if block.line is None else {(): block.line}
    data: dict[str, Any] = {"Version": "2012-10-17"}
    for attribute, key in (("version", "Version"), ("policy_id", "Id")):
        if attribute in attributes:
            data[key] = _value(attributes[attribute][0], (key,), lines)
    data["Statement"] = [
        _data_statement(statement, ("Statement", index), lines)
        for index, statement in enumerate(statements)
    ]
    if statements and statements[0].line is not None:
        lines[("Statement",)] = statements[0].line
    return policy_from_data(data, path=path, name=name, lines=lines, kind=kind)


def _data_statement(block: _Block, at: Key, lines: dict[Key, int]) -> dict[str, Any]:
    if block.line is not None:
        lines[at] = block.line
    statement: dict[str, Any] = {}
    for attribute, (expression, line) in _attributes(block.body).items():
        key = STATEMENT_ATTRIBUTES.get(attribute)
        if key is not None:
            if line is not None:
                lines[(*at, key)] = line
            statement[key] = _value(expression, (*at, key), lines)
    statement.setdefault("Effect", "Allow")
    for block_name, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        principals = _blocks(block.body, block_name)
        if principals:
            statement[key] = _data_principals(principals, (*at, key), lines)
    conditions = _blocks(block.body, "condition")
    if conditions:
        statement["Condition"] = _data_conditions(conditions, (*at, "Condition"), lines)
    return statement


def _data_principals(blocks: list[_Block], at: Key, lines: dict[Key, int]) -> Any:
    """``principals { type, identifiers }`` blocks merged by type; type "*" means anyone."""
    principals: dict[str, Any] = {}
    for block in blocks:
        attributes = _attributes(block.body)
        kind = _source(attributes["type"][0]) if "type" in attributes else ""
        if block.line is not None:
            lines.setdefault(at, block.line)
            lines.setdefault((*at, kind), block.line)
        if "identifiers" in attributes:
            _extend(principals, kind, attributes["identifiers"][0], (*at, kind), lines)
    if list(principals) == ["*"]:
        return "*"
    return principals


def _data_conditions(blocks: list[_Block], at: Key, lines: dict[Key, int]) -> dict[str, Any]:
    """``condition { test, variable, values }`` blocks as ``{test: {variable: values}}``."""
    conditions: dict[str, dict[str, Any]] = {}
    for block in blocks:
        attributes = _attributes(block.body)
        test = _source(attributes["test"][0]) if "test" in attributes else ""
        variable = _source(attributes["variable"][0]) if "variable" in attributes else ""
        if block.line is not None:
            lines.setdefault((*at, test), block.line)
            lines[(*at, test, variable)] = block.line
        if "values" in attributes:
            operator = conditions.setdefault(test, {})
            _extend(operator, variable, attributes["values"][0], (*at, test, variable), lines)
    return conditions


def _extend(
    target: dict[str, Any], key: str, expression: Any, at: Key, lines: dict[Key, int]
) -> None:
    """Append an HCL list (or a single value) to ``target[key]``, renumbering item lines."""
    found: dict[Key, int] = {}
    value = _value(expression, (), found)
    items = value if isinstance(value, list) else [value]
    current = target.setdefault(key, [])
    for index, item in enumerate(items):
        item_line = found.get((index,), found.get(()))
        if item_line is not None:
            lines[(*at, len(current))] = item_line
        current.append(item)


# -- plans and state -------------------------------------------------------------------------


def is_plan(data: Any) -> bool:
    """``terraform show -json`` output: a plan (planned_values) or state (values + version)."""
    if not isinstance(data, dict):
        return False
    if "planned_values" in data or "resource_changes" in data:
        return True
    return "terraform_version" in data and isinstance(data.get("values"), dict)


def documents_from_plan(
    data: Any, lines: Mapping[Key, int] | None = None, *, path: str
) -> list[PolicyDocument]:
    """Policies of managed resources in planned values (else in resource changes, else state)."""
    resources = list(plan_resources(data))
    documents: list[PolicyDocument] = []
    for at, resource, values in resources:
        documents.extend(_plan_documents(at, resource, values, lines or {}, path))
    return documents


def plan_resources(data: Any) -> Iterator[tuple[Key, dict[Any, Any], dict[Any, Any]]]:
    """(path of the values, resource, values) for each managed resource of a plan or state:
    planned values, else resource changes, else state values (the network check reads them
    too)."""
    if not isinstance(data, dict):
        return
    for root in ("planned_values", "values"):
        module = data[root].get("root_module") if isinstance(data.get(root), dict) else None
        if isinstance(module, dict):
            yield from _module_resources(module, (root, "root_module"))
            return
    changes = data.get("resource_changes")
    for index, change in enumerate(changes if isinstance(changes, list) else []):
        inner = change.get("change") if isinstance(change, dict) else None
        after = inner.get("after") if isinstance(inner, dict) else None
        if isinstance(after, dict) and change.get("mode", "managed") == "managed":
            yield ("resource_changes", index, "change", "after"), change, after


def _module_resources(
    root: dict[Any, Any], root_at: Key
) -> Iterator[tuple[Key, dict[Any, Any], dict[Any, Any]]]:
    stack: list[tuple[dict[Any, Any], Key]] = [(root, root_at)]
    while stack:
        module, at = stack.pop(0)
        resources = module.get("resources")
        for index, resource in enumerate(resources if isinstance(resources, list) else []):
            values = resource.get("values") if isinstance(resource, dict) else None
            if isinstance(values, dict) and resource.get("mode", "managed") == "managed":
                yield (*at, "resources", index, "values"), resource, values
        children = module.get("child_modules")
        for index, child in enumerate(children if isinstance(children, list) else []):
            if isinstance(child, dict):
                stack.append((child, (*at, "child_modules", index)))


def _plan_documents(
    at: Key, resource: dict[Any, Any], values: dict[Any, Any], lines: Mapping[Key, int], path: str
) -> Iterator[PolicyDocument]:
    type_name = str(resource.get("type"))
    address = str(resource.get("address", f"{type_name}.{resource.get('name')}"))
    for attribute, kind in POLICY_ATTRIBUTES.get(type_name, ()):
        text = values.get(attribute)
        if isinstance(text, str) and text.strip():
            name = address if attribute == "policy" else f"{address} {attribute}"
            line = lines.get((*at, attribute), lines.get(at))
            yield policy_from_json_text(text, path=path, name=name, line=line, kind=kind)
    inline = values.get("inline_policy") if type_name == "aws_iam_role" else None
    for index, item in enumerate(inline if isinstance(inline, list) else []):
        text = item.get("policy") if isinstance(item, dict) else None
        if isinstance(text, str) and text.strip():
            name = f"{address} inline_policy {item.get('name', '')}".rstrip()
            line = lines.get((*at, "inline_policy", index, "policy"), lines.get(at))
            yield policy_from_json_text(text, path=path, name=name, line=line, kind=_IDENTITY)
