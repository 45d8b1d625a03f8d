"""Kubernetes manifests: every document of every YAML stream, with the line of every key.

``kubectl`` reads multi-document files (``---``) and ``kind: List`` wrappers; both are flattened
here into :class:`Document` objects. Lines come from PyYAML's composed nodes (the constructed
data has none). A stream with a syntax error stops at the error, as ``kubectl`` does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from botwarden.iam.jsonlines import Key

__all__ = ["Document", "ManifestError", "looks_like_kubernetes", "read_documents"]


class ManifestError(Exception):
    """A YAML file that cannot be read; ``line`` is 1-based when YAML says where."""

    def __init__(self, line: int | None, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Document:
    """One Kubernetes object; ``lines`` maps key paths inside ``data`` to 1-based lines."""

    data: dict[str, Any]
    lines: dict[Key, int]

    @property
    def kind(self) -> str:
        return str(self.data.get("kind", ""))

    @property
    def name(self) -> str:
        metadata = self.data.get("metadata")
        return str(metadata.get("name", "")) if isinstance(metadata, dict) else ""

    @property
    def namespace(self) -> str | None:
        metadata = self.data.get("metadata")
        found = metadata.get("namespace") if isinstance(metadata, dict) else None
        return str(found) if found is not None else None

    def line_of(self, *path: str | int) -> int | None:
        """The line of ``path``, else of its nearest located parent."""
        for length in range(len(path), -1, -1):
            found = self.lines.get(path[:length])
            if found is not None:
                return found
        return None


def looks_like_kubernetes(name: str, text: str) -> bool:
    """A ``.yaml``/``.yml`` file with ``apiVersion`` and ``kind`` keys, not a Helm template."""
    if not name.endswith((".yaml", ".yml")):
        return False
    if "{{" in text:  # Helm and other templates are not YAML until rendered
        return False
    return "apiVersion:" in text and "kind:" in text


class _Loader(yaml.SafeLoader):
    """Safe loading; dates stay text and unknown tags become plain values, as kubectl reads them."""


def _text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(node.value)


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _text)
_Loader.add_multi_constructor("!", _any_tag)


def read_documents(text: str) -> list[Document]:
    """Every object in the stream, in order. Raise :class:`ManifestError` on invalid YAML."""
    documents: list[Document] = []
    try:
        loader = _Loader(text)  # reads the characters already: a control character fails here
        try:
            while loader.check_node():
                node = loader.get_node()
                if node is None:
                    continue
                data = loader.construct_document(node)
                documents.extend(_objects(data, _node_lines(node)))
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or "unreadable"
        raise ManifestError(mark.line + 1 if mark else None, f"not valid YAML: {reason}") from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ManifestError(None, f"not valid YAML: {reason}") from None
    return documents


def _objects(data: Any, lines: dict[Key, int]) -> Iterator[Document]:
    if not isinstance(data, dict):
        return
    items = data.get("items")
    if str(data.get("kind", "")).endswith("List") and isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                size = 2
                own = {k[size:]: v for k, v in lines.items() if k[:size] == ("items", index)}
                yield Document(item, own)
        return
    yield Document(data, lines)


def _node_lines(root: yaml.Node) -> dict[Key, int]:
    """Walk the composed nodes (not the data): only nodes carry positions."""
    lines: dict[Key, int] = {(): root.start_mark.line + 1}
    stack: list[tuple[yaml.Node, Key]] = [(root, ())]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if id(node) in seen:  # aliases share nodes, and may even form cycles
            continue
        seen.add(id(node))
        children: list[tuple[str | int, yaml.Node, yaml.Node]] = []
        if isinstance(node, yaml.SequenceNode):
            children = [(index, item, item) for index, item in enumerate(node.value)]
        elif isinstance(node, yaml.MappingNode):
            children = [(key.value, key, value) for key, value in node.value
                        if isinstance(key, yaml.ScalarNode) and key.value != "<<"]  # fmt: skip
        for key, start, child in children:
            lines.setdefault((*path, key), start.start_mark.line + 1)
            stack.append((child, (*path, key)))
    return lines
