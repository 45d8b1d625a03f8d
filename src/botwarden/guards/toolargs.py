"""Tool-call arguments checked against the schema declared for each tool, before the tool runs.

A model chooses the arguments, so they are untrusted input: a prompt injection that cannot make
the bot say something can still make it call ``send_email`` with the attacker's address. Each
tool's arguments are parsed defensively (size and depth caps; duplicate keys refused, because a
validator and a tool that keep different copies of a key disagree about what was checked;
NaN/Infinity refused) and validated against a pydantic model or a JSON Schema. A tool without a
schema fails closed.

Messages name the offending field as a JSON path (``$.items[2].url``) and the rule it broke,
never the value: arguments may carry personal data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TypeAlias, cast

import jsonschema
import pydantic
import referencing.exceptions
from jsonschema import validators
from jsonschema.protocols import Validator

from botwarden.errors import Error
from botwarden.guards.finding import GuardFinding, excerpt

Arguments: TypeAlias = str | bytes | Mapping[str, Any]
Schema: TypeAlias = type[pydantic.BaseModel] | Mapping[str, Any]

MAX_CHARS = 1_000_000
MAX_DEPTH = 32
MAX_FINDINGS = 20
LATEST = jsonschema.Draft202012Validator

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# Keywords whose jsonschema message names keys, never values: shown as they are.
_KEY_KEYWORDS = frozenset(
    {"dependentRequired", "dependencies", "propertyNames", "unevaluatedProperties"}
)


class ToolSchemaError(Error):
    """A tool's declared argument schema cannot be used (not a schema, invalid, unreadable)."""

    def __init__(self, message: str, *, tool: str) -> None:
        super().__init__(message)
        self.tool = tool


class MalformedArgumentsError(Error):
    """Tool-call arguments that are not a JSON object within the size and depth caps."""

    def __init__(self, message: str, *, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


def json_path(parts: Iterator[str | int] | tuple[str | int, ...] | list[str | int]) -> str:
    """``$.items[2].url``: keys that are identifiers as ``.key``, others quoted, indexes in []."""
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENTIFIER.match(part):
            out.append(f".{part}")
        else:
            out.append(f"[{json.dumps(part, ensure_ascii=False)}]")
    return "".join(out)


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise MalformedArgumentsError(f"duplicate key {excerpt(key, limit=40)!r}")
        out[key] = value
    return out


def _refuse_constant(name: str) -> Any:
    raise MalformedArgumentsError(f"{name} is not a JSON number")


def _check_depth(value: Any, limit: int) -> None:
    """Refuse nesting deeper than ``limit`` (iteratively: the check itself must not recurse)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, Mapping):
            children: Any = node.values()
        elif isinstance(node, list | tuple):
            children = node
        else:
            continue
        if depth > limit:
            raise MalformedArgumentsError(f"nested deeper than {limit} levels")
        stack.extend((child, depth + 1) for child in children)


def parse_arguments(
    arguments: Arguments, *, max_chars: int = MAX_CHARS, max_depth: int = MAX_DEPTH
) -> Mapping[str, Any]:
    """The arguments as a JSON object; :class:`MalformedArgumentsError` says why they are not.

    An empty or blank string is ``{}`` (clients send it for tools without parameters).
    """
    if isinstance(arguments, Mapping):
        _check_depth(arguments, max_depth)
        return arguments
    if len(arguments) > max_chars:
        raise MalformedArgumentsError(f"{len(arguments)} characters, over the cap of {max_chars}")
    if isinstance(arguments, bytes):
        try:
            arguments = arguments.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedArgumentsError("not UTF-8", position=exc.start) from None
    if not arguments.strip():
        return {}
    try:
        value = json.loads(
            arguments, object_pairs_hook=_refuse_duplicates, parse_constant=_refuse_constant
        )
    except json.JSONDecodeError as exc:
        raise MalformedArgumentsError(f"not JSON: {exc.msg}", position=exc.pos) from None
    except RecursionError:
        raise MalformedArgumentsError(f"nested deeper than {max_depth} levels") from None
    except ValueError as exc:  # e.g. an integer longer than Python's digit limit
        raise MalformedArgumentsError(f"not usable JSON: {excerpt(str(exc))}") from None
    if not isinstance(value, dict):
        raise MalformedArgumentsError(f"a JSON {_json_type(value)}, not an object")
    _check_depth(value, max_depth)
    return value


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    return type(value).__name__


def _invalid(path: str, rule: str) -> GuardFinding:
    shown = excerpt(path)
    return GuardFinding(kind="tool-args.invalid", message=f"{shown}: {rule}", evidence=shown)


def _compile(tool: str, schema: Schema) -> type[pydantic.BaseModel] | Validator:
    """A model as it is, or a validator for a JSON Schema checked now, so a bad one fails early."""
    if isinstance(schema, type) and issubclass(schema, pydantic.BaseModel):
        return schema
    if not isinstance(schema, Mapping):
        raise ToolSchemaError(
            f"tool {tool!r}: a schema must be a pydantic model class or a JSON Schema object, "
            f"not {type(schema).__name__}",
            tool=tool,
        )
    # Without $schema, the latest draft; with one jsonschema does not know, an error (not its
    # silent fallback to the latest draft).
    unknown = cast("type[Validator]", None)
    cls = validators.validator_for(schema, default=unknown) if "$schema" in schema else LATEST
    if cls is None:
        dialect = excerpt(str(schema.get("$schema")))
        raise ToolSchemaError(f"tool {tool!r}: unknown JSON Schema dialect {dialect!r}", tool=tool)
    try:
        cls.check_schema(dict(schema))
    except jsonschema.SchemaError as exc:
        at = json_path(list(exc.absolute_path))
        raise ToolSchemaError(
            f"tool {tool!r}: invalid JSON Schema at {at}: {excerpt(exc.message)}", tool=tool
        ) from None
    for ref in _references(schema):
        if not ref.startswith("#"):
            raise ToolSchemaError(
                f"tool {tool!r}: $ref {excerpt(ref)!r} points outside the schema; only "
                "references within it are supported (nothing is fetched)",
                tool=tool,
            )
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _references(schema: Any) -> Iterator[str]:
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            for key, value in node.items():
                if key in ("$ref", "$dynamicRef") and isinstance(value, str):
                    yield value
                else:
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)


class ToolSchemas:
    """The argument schema of every tool a bot may call; validates one call's arguments."""

    def __init__(
        self,
        schemas: Mapping[str, Schema],
        *,
        max_chars: int = MAX_CHARS,
        max_depth: int = MAX_DEPTH,
    ) -> None:
        self.max_chars = max_chars
        self.max_depth = max_depth
        self._checks = {tool: _compile(tool, schema) for tool, schema in schemas.items()}

    @classmethod
    def from_files(
        cls,
        paths: Mapping[str, Path],
        *,
        max_chars: int = MAX_CHARS,
        max_depth: int = MAX_DEPTH,
    ) -> ToolSchemas:
        """JSON Schema files, one per tool; every error names the file."""
        schemas: dict[str, Schema] = {}
        for tool, path in paths.items():
            try:
                text = path.read_text(encoding="utf-8")
                schema = json.loads(text, object_pairs_hook=_refuse_duplicates)
            except OSError as exc:
                raise ToolSchemaError(
                    f"{path}: cannot read the schema of tool {tool!r}: {exc.strerror}", tool=tool
                ) from None
            except UnicodeDecodeError:
                raise ToolSchemaError(
                    f"{path}: the schema of tool {tool!r} is not UTF-8", tool=tool
                ) from None
            except json.JSONDecodeError as exc:
                raise ToolSchemaError(
                    f"{path}:{exc.lineno}:{exc.colno}: the schema of tool {tool!r} is not JSON: "
                    f"{exc.msg}",
                    tool=tool,
                ) from None
            except MalformedArgumentsError as exc:
                raise ToolSchemaError(
                    f"{path}: the schema of tool {tool!r} has a {exc.message}", tool=tool
                ) from None
            if not isinstance(schema, dict):
                raise ToolSchemaError(
                    f"{path}: the schema of tool {tool!r} is not a JSON object", tool=tool
                )
            schemas[tool] = schema
        try:
            return cls(schemas, max_chars=max_chars, max_depth=max_depth)
        except ToolSchemaError as exc:
            raise ToolSchemaError(f"{paths[exc.tool]}: {exc.message}", tool=exc.tool) from None

    @property
    def tools(self) -> frozenset[str]:
        return frozenset(self._checks)

    def parse(self, arguments: Arguments) -> Mapping[str, Any]:
        """The arguments as an object, within this instance's caps, or MalformedArgumentsError."""
        return parse_arguments(arguments, max_chars=self.max_chars, max_depth=self.max_depth)

    def validate(self, tool: str, arguments: Arguments) -> list[GuardFinding]:
        """Findings for one call: unknown tool, malformed arguments, or each schema violation."""
        if tool not in self._checks:
            return [
                GuardFinding(
                    kind="tool-args.unknown-tool",
                    message=f"no argument schema is declared for tool {excerpt(tool, limit=40)!r}",
                    evidence=excerpt(tool),
                )
            ]
        try:
            data = self.parse(arguments)
        except MalformedArgumentsError as exc:
            position = exc.position
            return [
                GuardFinding(
                    kind="tool-args.malformed",
                    message=f"arguments of tool {excerpt(tool, limit=40)!r}: {exc.message}",
                    start=position,
                    end=None if position is None else position + 1,
                )
            ]
        check = self._checks[tool]
        findings = (
            _validate_model(check, data)
            if isinstance(check, type)
            else _validate_json_schema(tool, check, data)
        )
        if len(findings) > MAX_FINDINGS:
            more = len(findings) - MAX_FINDINGS
            findings = findings[:MAX_FINDINGS]
            findings.append(
                GuardFinding(kind="tool-args.invalid", message=f"{more} more violations not listed")
            )
        return findings

    def strings(self, arguments: Arguments) -> Iterator[tuple[str, str]]:
        """(JSON path, value) for every string leaf, so the caller can scan them for injection.

        Raises :class:`MalformedArgumentsError` where :meth:`validate` reports
        ``tool-args.malformed``.
        """
        stack: list[tuple[tuple[str | int, ...], Any]] = [((), self.parse(arguments))]
        while stack:
            parts, node = stack.pop()
            if isinstance(node, str):
                yield json_path(parts), node
            elif isinstance(node, Mapping):
                stack.extend(((*parts, key), value) for key, value in reversed(list(node.items())))
            elif isinstance(node, list | tuple):
                stack.extend(
                    ((*parts, index), value) for index, value in reversed(list(enumerate(node)))
                )


def _describe(error: jsonschema.ValidationError) -> Iterator[GuardFinding]:
    """One finding per offending field, worded from the schema, never from the value."""
    parts = list(error.absolute_path)
    keyword = str(error.validator)
    instance = error.instance
    fields: list[str] = []
    if keyword == "required" and isinstance(instance, Mapping):
        required = cast("list[str]", error.validator_value)
        fields = [name for name in required if name not in instance]
        rule = "required field is missing"
    elif keyword == "additionalProperties" and isinstance(instance, Mapping):
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        declared = schema.get("properties", {})
        patterns = list(schema.get("patternProperties", {}))
        fields = [
            name
            for name in instance
            if name not in declared and not any(re.search(p, name) for p in patterns)
        ]
        rule = "field is not allowed"
    if fields:
        for name in fields:
            yield _invalid(json_path([*parts, name]), rule)
        return
    path = json_path(parts)
    if keyword in _KEY_KEYWORDS:
        yield _invalid(path, excerpt(error.message))
        return
    rule = excerpt(json.dumps(error.validator_value, ensure_ascii=False, default=str), limit=60)
    yield _invalid(path, f"must satisfy {keyword} {rule} (got {_json_type(instance)})")


def _validate_model(model: type[pydantic.BaseModel], data: Mapping[str, Any]) -> list[GuardFinding]:
    try:
        model.model_validate(data)
    except pydantic.ValidationError as exc:
        return [
            _invalid(json_path(error["loc"]), error["msg"])
            for error in exc.errors(include_url=False, include_input=False)
        ]
    return []


def _validate_json_schema(
    tool: str, validator: Validator, data: Mapping[str, Any]
) -> list[GuardFinding]:
    try:
        errors = list(validator.iter_errors(data))
    except referencing.exceptions.Unresolvable as exc:
        raise ToolSchemaError(
            f"tool {tool!r}: a schema reference cannot be resolved: {excerpt(str(exc))}", tool=tool
        ) from None
    findings = [finding for error in errors for finding in _describe(error)]
    return sorted(findings, key=lambda finding: finding.evidence)
