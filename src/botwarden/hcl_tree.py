"""The HCL syntax tree of a ``.tf`` file, read with the line of every element.

python-hcl2 keeps lark's positions on its syntax tree, not on the dicts ``hcl2.load`` returns, so
readers that must point at a line (IAM policies in Terraform, security groups and network ACLs)
walk the tree through these helpers: blocks with their labels, attributes, and expressions as
JSON-shaped data with the line of each nested key and item. Parse errors are one
:class:`~botwarden.iam.jsonlines.PolicyParseError` ("path:line: not valid HCL: ...").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from botwarden.iam.jsonlines import Key, PolicyParseError

if TYPE_CHECKING:
    from hcl2.utils import SerializationOptions
    from lark.exceptions import UnexpectedInput


# python-hcl2 and lark cost ~45 ms to import: only runs that read a .tf file pay for them.
@cache
def options() -> SerializationOptions:
    from hcl2.utils import SerializationOptions

    return SerializationOptions(
        with_comments=False, strip_string_quotes=True, preserve_heredocs=False
    )


@cache
def hcl_failures() -> tuple[type[BaseException], ...]:
    """What python-hcl2 raises from its tree when given constructs it cannot render."""
    from lark.exceptions import LarkError

    return (LarkError, RuntimeError, ValueError, TypeError, AttributeError, IndexError,
            KeyError, RecursionError)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Block:
    labels: tuple[str, ...]
    body: Any
    line: int | None


def line_of(node: Any) -> int | None:
    """python-hcl2 keeps lark's positions in ``_meta``; it has no public accessor for them."""
    line = getattr(getattr(node, "_meta", None), "line", None)
    return line if isinstance(line, int) else None


def blocks(body: Any, kind: str | None = None) -> list[Block]:
    """The blocks of a body (``resource "type" "name" {...}``), of one kind if given."""
    found = []
    for child in body.children:
        if child is not None and child.lark_name() == "block":
            labels = tuple(str(label.serialize(options())) for label in child.labels)
            if kind is None or labels[0] == kind:
                found.append(Block(labels, child.body, line_of(child)))
    return found


def attributes(body: Any) -> dict[str, tuple[Any, int | None]]:
    """Attribute name -> (expression, line)."""
    found = {}
    for child in body.children:
        if child is not None and child.lark_name() == "attribute":
            found[str(child.identifier.serialize(options()))] = (child.expression, line_of(child))
    return found


def unwrap(expression: Any) -> Any:
    while expression.lark_name() == "expr_term" and not expression.parentheses:
        expression = expression.expression
    return expression


def value(expression: Any, path: Key, lines: dict[Key, int]) -> Any:
    """An HCL expression as JSON-shaped data; lines of nested keys and items go to ``lines``."""
    node = unwrap(expression)
    line = line_of(node)
    if line is not None:
        lines.setdefault(path, line)
    kind = node.lark_name()
    if kind == "object":
        result = {}
        for element in node.elements:
            key = str(element.key.serialize(options()))
            element_line = line_of(element)
            if element_line is not None:
                lines[(*path, key)] = element_line
            result[key] = value(element.expression, (*path, key), lines)
        return result
    if kind == "tuple":
        return [value(item, (*path, index), lines) for index, item in enumerate(node.elements)]
    return node.serialize(options())


def parse(text: str, path: str) -> Any:
    import hcl2
    from lark.exceptions import UnexpectedInput

    try:
        return hcl2.parses(text)
    except UnexpectedInput as exc:
        line = exc.line if isinstance(exc.line, int) and exc.line > 0 else None
        raise PolicyParseError(path, line, f"not valid HCL: {_unexpected(exc)}") from None
    except hcl_failures() as exc:
        raise PolicyParseError(path, None, f"not valid HCL: {exc}") from None


def _unexpected(error: UnexpectedInput) -> str:
    """Lark's own messages list every expected token; one short phrase is more use."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedToken

    if isinstance(error, UnexpectedCharacters):
        return f"unexpected character {error.char!r}"
    if isinstance(error, UnexpectedToken):
        text = str(error.token).strip()
        return f"unexpected {text.splitlines()[0]!r}" if text else "unexpected end of file"
    return "unexpected end of file"


__all__ = [
    "Block",
    "attributes",
    "blocks",
    "hcl_failures",
    "line_of",
    "options",
    "parse",
    "unwrap",
    "value",
]
