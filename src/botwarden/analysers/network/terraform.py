"""Terraform resources as plain data with lines, from ``.tf`` (HCL), ``.tf.json`` and plans.

The network checks look at a few resource types only; they read each as a JSON-shaped ``body``
(nested blocks such as ``ingress { ... }`` become lists of objects, as in ``.tf.json`` and in plans)
plus a map from key paths to lines, so the same checks run on all three formats.

HCL is read with the same python-hcl2 syntax-tree helpers as the IAM reader
(:mod:`botwarden.iam.sources.terraform`): python-hcl2 keeps line numbers only on its tree, through
an attribute it does not document, so the code that depends on it lives in one place.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from botwarden.hcl_tree import attributes as _attributes
from botwarden.hcl_tree import blocks as _blocks
from botwarden.hcl_tree import hcl_failures as _hcl_failures
from botwarden.hcl_tree import parse as _parse
from botwarden.hcl_tree import value as _value
from botwarden.iam.jsonlines import Key, PolicyParseError, parse_json_with_lines
from botwarden.iam.sources.terraform import is_plan, plan_resources

__all__ = ["NETWORK_TYPES", "Resource", "TerraformError", "read_terraform"]

NETWORK_TYPES = frozenset({
    "aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule", "aws_network_acl", "aws_network_acl_rule",
    "aws_default_security_group", "aws_default_network_acl",
})  # fmt: skip
_PLAN_MARKERS = ('"planned_values"', '"resource_changes"', '"terraform_version"')

TerraformError = PolicyParseError  # "path:line: not valid HCL/JSON: ..."


@dataclass(frozen=True, slots=True)
class Resource:
    """One resource: ``body`` is its configuration, ``lines`` maps key paths in it to lines."""

    type: str
    address: str
    body: dict[str, Any]
    lines: dict[Key, int]
    line: int | None

    def line_of(self, *path: str | int) -> int | None:
        """The line of ``path``, else of its nearest located parent, else the resource's."""
        for length in range(len(path), -1, -1):
            found = self.lines.get(path[:length])
            if found is not None:
                return found
        return self.line


def is_terraform_file(name: str, text: str) -> bool:
    """``.tf``/``.tf.json`` by name; other ``.json`` files when they look like a plan or state."""
    if name.endswith((".tf", ".tf.json")):
        return True
    return name.endswith(".json") and any(marker in text[:65536] for marker in _PLAN_MARKERS)


def read_terraform(name: str, text: str, path: str) -> list[Resource]:
    """The network resources in a file. Raise :class:`TerraformError` when it cannot be parsed;
    a ``.json`` file that turns out not to be a plan holds none."""
    if name.endswith(".tf"):
        return list(_from_hcl(text, path))
    data, lines = parse_json_with_lines(text, path=path)
    if name.endswith(".tf.json"):
        return list(_from_tf_json(data, lines))
    return list(_from_plan(data, lines)) if is_plan(data) else []


# -- HCL -------------------------------------------------------------------------------------


def _from_hcl(text: str, path: str) -> Iterator[Resource]:
    for block in _blocks(_parse(text, path).body, "resource"):
        if len(block.labels) != 3 or block.labels[1] not in NETWORK_TYPES:
            continue
        lines: dict[Key, int] = {}
        try:
            body = _hcl_body(block.body, (), lines)
        except _hcl_failures():  # one construct python-hcl2 cannot render must not hide the rest
            continue
        yield Resource(block.labels[1], f"{block.labels[1]}.{block.labels[2]}", body, lines,
                       block.line)  # fmt: skip


def _hcl_body(body: Any, at: Key, lines: dict[Key, int]) -> dict[str, Any]:
    """Attributes as values, nested blocks as lists of objects under their type."""
    result: dict[str, Any] = {}
    for name, (expression, line) in _attributes(body).items():
        if line is not None:
            lines[(*at, name)] = line
        result[name] = _value(expression, (*at, name), lines)
    for block in _blocks(body):
        items = result.setdefault(block.labels[0], [])
        if isinstance(items, list):
            where: Key = (*at, block.labels[0], len(items))
            if block.line is not None:
                lines[where] = block.line
            items.append(_hcl_body(block.body, where, lines))
    return result


# -- .tf.json and plans ----------------------------------------------------------------------


def _from_tf_json(data: Any, lines: dict[Key, int]) -> Iterator[Resource]:
    sections = data.get("resource") if isinstance(data, dict) else None
    # a list of {type: {name: body}} objects is also valid Terraform JSON
    for section_at, section in _sections(sections):
        for type_name, named in section.items():
            if type_name not in NETWORK_TYPES or not isinstance(named, dict):
                continue
            for name, body in named.items():
                bodies = body if isinstance(body, list) else [body]
                for index, item in enumerate(bodies):
                    if isinstance(item, dict):
                        at: Key = (*section_at, type_name, name)
                        at = (*at, index) if isinstance(body, list) else at
                        yield _resource(type_name, f"{type_name}.{name}", item, at, lines)


def _sections(sections: Any) -> Iterator[tuple[Key, dict[str, Any]]]:
    if isinstance(sections, dict):
        yield ("resource",), sections
    elif isinstance(sections, list):
        for index, section in enumerate(sections):
            if isinstance(section, dict):
                yield ("resource", index), section


def _from_plan(data: dict[str, Any], lines: dict[Key, int]) -> Iterator[Resource]:
    for at, resource, values in plan_resources(data):
        type_name = str(resource.get("type", ""))
        if type_name in NETWORK_TYPES:
            address = str(resource.get("address", f"{type_name}.{resource.get('name')}"))
            yield _resource(type_name, address, values, at, lines)


def _resource(
    type_name: str, address: str, body: dict[str, Any], at: Key, lines: dict[Key, int]
) -> Resource:
    """Re-root the file's line map at the resource body."""
    size = len(at)
    own = {key[size:]: line for key, line in lines.items() if key[:size] == at}
    # JSON writes a single nested block as an object; the checks expect a list of them
    body = {k: [v] if k in ("ingress", "egress") and isinstance(v, dict) else v
            for k, v in body.items()}  # fmt: skip
    for key in ("ingress", "egress"):
        if isinstance(body.get(key), list) and (key, 0) not in own and (key,) in own:
            own[(key, 0)] = own[(key,)]
    return Resource(type_name, address, body, own, lines.get(at))
