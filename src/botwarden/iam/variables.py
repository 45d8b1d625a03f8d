"""Policy variables: ``${aws:username}``, ``${aws:PrincipalTag/team, 'default'}``, ``${*}``...

AWS substitutes variables only in documents of version 2012-10-17; elsewhere ``${...}`` is plain
text. A substituted value (and a default) is literal text, never a wildcard: a user name or a tag
cannot widen what a pattern matches. A variable whose key is absent from the request, or has several
values, resolves to "no value" and AWS's rule for that applies: the pattern holding it matches
nothing (so negated operators, which ask for "matches none", are satisfied by it).

Templates are parsed once per distinct text (``lru_cache``); resolution is per request.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeAlias

from botwarden.iam.matching import GlobParts, Pattern

# ${key} or ${key, 'default'}: a key has no spaces, commas, quotes or braces; the default no quote.
_VARIABLE = re.compile(r"\s*([^\s,'{}]+)\s*(?:,\s*'([^']*)'\s*)?")
_REFERENCE = re.compile(r"\$\{([^{}]*)\}")
_ESCAPES = frozenset("*?$")


@dataclass(frozen=True, slots=True)
class Variable:
    """A ``${key}`` reference; ``key`` is lower-cased because condition keys ignore case."""

    key: str
    default: str | None = None


@dataclass(frozen=True, slots=True)
class Literal:
    """Text that must match itself: an escape such as ``${*}``."""

    text: str


Piece: TypeAlias = str | Literal | Variable  # a str piece is pattern text: its wildcards work


@lru_cache(maxsize=16384)
def parse_template(text: str) -> tuple[Piece, ...]:
    """Split ``text`` into pattern text, escapes and variables.

    A ``${...}`` that is neither an escape nor a well-formed variable stays as written, like any
    other text (AWS would reject such a policy; the validator reports it, matching need not guess).
    """
    pieces: list[Piece] = []
    position = 0
    for found in _REFERENCE.finditer(text):
        piece = _reference(found.group(1))
        if piece is None:
            continue
        if found.start() > position:
            pieces.append(text[position : found.start()])
        pieces.append(piece)
        position = found.end()
    if position < len(text):
        pieces.append(text[position:])
    return tuple(pieces)


def _reference(inner: str) -> Literal | Variable | None:
    if inner in _ESCAPES:
        return Literal(inner)
    found = _VARIABLE.fullmatch(inner)
    if found is None:
        return None
    return Variable(found.group(1).lower(), found.group(2))


def has_variables(text: str) -> bool:
    """Cheap test that lets the common case skip parsing."""
    return "${" in text


def resolve(text: str, context: Mapping[str, tuple[str, ...]], *, enabled: bool) -> Pattern | None:
    """``text`` with its variables replaced from ``context``; None when one has no value.

    ``context`` must have lower-cased keys (see ``conditions.fold_context``). Returns ``text``
    itself when there is nothing to substitute, so callers keep the fast, cached path.
    """
    if not enabled or "${" not in text:
        return text
    values = []
    for variable in _variables(text):
        value = variable_value(variable, context)
        if value is None:
            return None
        values.append(value)
    return _assemble(text, tuple(values))


@lru_cache(maxsize=16384)
def _variables(text: str) -> tuple[Variable, ...]:
    return tuple(piece for piece in parse_template(text) if isinstance(piece, Variable))


@lru_cache(maxsize=16384)
def _assemble(text: str, values: tuple[str, ...]) -> Pattern:
    """The pattern for ``text`` once its variables (in order) have ``values``; cached because the
    same user or tag comes back request after request."""
    supply = iter(values)
    parts = tuple(_part(piece, supply) for piece in parse_template(text))
    return _simplify(parts)


def _part(piece: Piece, values: Iterator[str]) -> tuple[str, bool]:
    if isinstance(piece, str):
        return (piece, True)
    if isinstance(piece, Literal):
        return (piece.text, False)
    return (next(values), False)


def variable_value(variable: Variable, context: Mapping[str, tuple[str, ...]]) -> str | None:
    """The single value of the key, else the default when the key is absent, else None.

    AWS does not allow multivalued keys as variables; such a key resolves to no value even when a
    default is given, because the default stands in for an absent key only.
    """
    values = context.get(variable.key)
    if not values:
        return variable.default
    return values[0] if len(values) == 1 else None


def _simplify(parts: GlobParts) -> Pattern:
    """Plain text when no literal piece holds a wildcard character, so it shares the str caches."""
    if all(wild or not ("*" in text or "?" in text) for text, wild in parts):
        return "".join(text for text, _ in parts)
    return parts
