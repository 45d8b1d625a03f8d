"""YAML with line numbers, reading CloudFormation's short tags (``!Ref``, ``!Sub``...) as their
long JSON forms and keeping unquoted dates (``Version: 2012-10-17``) as text.

Apart from ``cloudformation`` so that PyYAML (~15 ms to import) is loaded only by runs that
read a YAML file.
"""

from __future__ import annotations

from typing import Any

import yaml

from botwarden.iam.jsonlines import Key, PolicyParseError


class _TemplateLoader(yaml.SafeLoader):
    """A safe loader that reads CloudFormation short tags and keeps dates as text."""


def _intrinsic_key(tag: str) -> str:
    """``!Ref`` -> ``Ref``, ``!Condition`` -> ``Condition``, ``!Sub`` -> ``Fn::Sub``."""
    name = tag.removeprefix("!")
    return name if name in ("Ref", "Condition") else f"Fn::{name}"


def _construct_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    else:  # pragma: no cover - the composer only builds these three kinds of node
        value = None
    return {_intrinsic_key(suffix): value}


def _construct_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    """Dates stay as written: ``Version: 2012-10-17`` must not become a ``datetime.date``."""
    return str(node.value)


_TemplateLoader.add_multi_constructor("!", _construct_tag)
_TemplateLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)


def load_yaml_with_lines(text: str, *, path: str) -> tuple[Any, dict[Key, int]]:
    """Parse YAML (with CloudFormation tags) and map each key path to its 1-based line.

    Raise :class:`PolicyParseError` ("path:line: not valid YAML: ...") for invalid text.
    """
    try:
        loader = _TemplateLoader(text)  # checks the characters already
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = exc.problem or exc.context or "unreadable"
        raise PolicyParseError(path, line, f"not valid YAML: {reason}") from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PolicyParseError(path, None, f"not valid YAML: {reason}") from None
    return data, _node_lines(node)


def _node_lines(root: yaml.Node | None) -> dict[Key, int]:
    """Walk the composed nodes (not the data) because only nodes carry positions."""
    lines: dict[Key, int] = {}
    if root is None:
        return lines
    lines[()] = root.start_mark.line + 1
    stack: list[tuple[yaml.Node, Key]] = [(root, ())]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if id(node) in seen:  # aliases share nodes, and may even form cycles
            continue
        seen.add(id(node))
        if node.tag.startswith("!"):  # a short tag adds a level: {"Fn::Sub": ...}
            path = (*path, _intrinsic_key(node.tag))
        for key, start, child in _children(node):
            lines.setdefault((*path, key), start.start_mark.line + 1)
            stack.append((child, (*path, key)))
    return lines


def _children(node: yaml.Node) -> list[tuple[str | int, yaml.Node, yaml.Node]]:
    """(key, the node where the entry starts, the value node): a mapping entry starts at its key."""
    if isinstance(node, yaml.SequenceNode):
        return [(index, item, item) for index, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        return [
            (key.value, key, value)
            for key, value in node.value
            if isinstance(key, yaml.ScalarNode) and key.value != "<<"
        ]
    return []
