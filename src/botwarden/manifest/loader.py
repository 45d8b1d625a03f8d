"""Read a ``botwarden.toml`` into a :class:`Manifest`, or explain exactly what is wrong with it.

Every problem becomes a :class:`ManifestIssue` naming the file, the line, the field and what would
be valid. Pydantic's messages are rewritten into the manifest's own vocabulary (tables, arrays,
fields), because the user wrote TOML, not Python.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from botwarden.errors import ManifestError, ManifestIssue
from botwarden.manifest.locate import Key, line_of, locate_keys
from botwarden.manifest.model import LocatedValueError, Manifest

MANIFEST_NAME = "botwarden.toml"
MAX_MANIFEST_BYTES = 1 << 20
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_NAME_PATTERN_HELP = (
    "use lowercase letters, digits, '-' and '_', starting with a letter or digit "
    "(at most 63 characters)"
)


def find_manifest(start: Path) -> Path:
    """``start`` itself if it names a file (or a ``.toml`` path), else ``start/botwarden.toml``."""
    named_file = start.is_file() or (start.suffix == ".toml" and not start.is_dir())
    candidate = start if named_file else start / MANIFEST_NAME
    if not candidate.is_file():
        reason = "no such file" if named_file else "no manifest here"
        raise ManifestError(
            [ManifestIssue(str(candidate), None, "", reason)],
            hint="create one with 'botwarden init'",
        )
    return candidate


def load_manifest(path: str | Path, *, display_path: str | None = None) -> Manifest:
    """Load and validate a manifest file; raise ManifestError listing every problem."""
    file = Path(path)
    shown = display_path or str(file)
    text = _read_text(file, shown)
    return parse_manifest(text, shown)


def parse_manifest(text: str, path: str = MANIFEST_NAME) -> Manifest:
    """Validate manifest text; ``path`` is only used in messages and finding locations."""
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError([_toml_issue(exc, path)]) from None
    except RecursionError:
        message = "arrays or tables nested too deeply to be a manifest"
        raise ManifestError([ManifestIssue(path, None, "", message)]) from None
    lines = locate_keys(text)
    try:
        manifest = Manifest.model_validate(data)
    except ValidationError as exc:
        raise ManifestError(_issues(exc, path, lines, data)) from None
    manifest.attach_source(path, lines)
    return manifest


def _read_text(file: Path, shown: str) -> str:
    def fail(message: str) -> ManifestError:
        return ManifestError([ManifestIssue(shown, None, "", message)])

    try:
        if not file.is_file():
            raise fail("no such file" if not file.exists() else "not a regular file")
        if file.stat().st_size > MAX_MANIFEST_BYTES:
            raise fail(f"larger than {MAX_MANIFEST_BYTES} bytes; a manifest is a small text file")
        raw = file.read_bytes()
    except OSError as exc:
        raise fail(f"cannot be read: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ManifestError(
            [ManifestIssue(shown, line, "", "is not UTF-8 text (TOML files must be UTF-8)")]
        ) from None


def _toml_issue(exc: tomllib.TOMLDecodeError, path: str) -> ManifestIssue:
    message = str(exc)
    match = _TOML_POSITION.search(message)
    line = int(match.group(1)) if match else None
    detail = _TOML_POSITION.sub("", message)
    column = f" (column {match.group(2)})" if match else ""
    return ManifestIssue(path, line, "", f"invalid TOML: {detail}{column}")


# -- pydantic errors -> manifest issues ------------------------------------------------------


def _issues(
    exc: ValidationError, path: str, lines: dict[Key, int], data: dict[str, Any]
) -> list[ManifestIssue]:
    seen: set[Key] = set()
    issues: list[ManifestIssue] = []
    for error in exc.errors(include_url=False):
        loc = _clean_loc(error["loc"])
        problem = error.get("ctx", {}).get("error")
        if isinstance(problem, LocatedValueError):
            loc = (*loc, *problem.key)
        if loc in seen:  # a union reports one error per member; the first says enough
            continue
        seen.add(loc)
        line = line_of(lines, loc) or (1 if len(loc) <= 1 else None)
        issues.append(ManifestIssue(path, line, field_name(loc), _message(error, loc, data)))
    return sorted(issues, key=lambda issue: issue.line or 0)


def _clean_loc(loc: tuple[int | str, ...]) -> Key:
    cleaned: list[str | int] = []
    for index, part in enumerate(loc):
        if part == "[key]":
            continue
        after_capability = index >= 2 and loc[index - 2] == "capability"
        if after_capability and isinstance(loc[index - 1], int) and part in ("aws", "http"):
            continue  # pydantic inserts the union tag; the user never wrote it
        if isinstance(part, str) and part in _UNION_MEMBERS:
            continue
        cleaned.append(part)
    return tuple(cleaned)


_UNION_MEMBERS = frozenset({"str", "int", "bool", "list[str]", "float", "date"})
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def field_name(loc: Key) -> str:
    """A key path as TOML writes it: ``budget."api.x.com".bytes``, ``egress.allow[1]``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            key = part if _BARE_KEY.match(part) else '"' + part.replace('"', '\\"') + '"'
            out += f".{key}" if out else key
    return out


def _toml_type(value: object) -> str:
    names: list[tuple[type, str]] = [
        (bool, "a boolean"),
        (int, "an integer"),
        (float, "a float"),
        (str, "a string"),
        (list, "an array"),
        (dict, "a table"),
        (dt.datetime, "a date-time"),
        (dt.date, "a date"),
        (dt.time, "a time"),
    ]
    return next((name for kind, name in names if isinstance(value, kind)), type(value).__name__)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_EXPECTED = {
    "int_type": "an integer",
    "float_type": "a number",
    "string_type": "a string",
    "bool_type": "a boolean (true or false)",
    "list_type": "an array",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "date_type": "a TOML date such as 2025-01-31",
    "int_from_float": "a whole number",
}


def _message(error: ErrorDetails, loc: Key, data: dict[str, Any]) -> str:
    kind, ctx, value = error["type"], error.get("ctx", {}), error.get("input")
    if kind == "missing":
        if loc == ("schema_version",):
            return "this required field is missing: add 'schema_version = 1' at the top"
        return "this required field is missing"
    if kind == "extra_forbidden":
        return _unknown_field(loc, data)
    if kind in ("literal_error", "enum"):
        return f"must be {ctx.get('expected')} (got {_shown(value)})"
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {_toml_type(value)} ({_shown(value)})"
    if kind == "string_pattern_mismatch":
        return f"{_shown(value)} is not a valid name: {_NAME_PATTERN_HELP}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = {"greater_than_equal": "at least", "greater_than": "greater than",
                 "less_than_equal": "at most", "less_than": "less than"}[kind]  # fmt: skip
        limit = next(iter(ctx.values()), "?")
        return f"must be {bound} {limit} (got {_shown(value)})"
    if kind == "too_short":
        return "must not be empty"
    if kind == "string_too_short":
        return "must not be an empty string"
    if kind == "union_tag_invalid":
        tags = str(ctx.get("expected_tags", "")).replace(", ", " or ")
        return f"provider must be {tags} (got {_shown(ctx.get('tag'))})"
    if kind == "union_tag_not_found":
        return "missing 'provider': expected 'aws' or 'http'"
    if kind == "finite_number":
        return "must be a finite number"
    return str(error["msg"]).removeprefix("Value error, ")


def _unknown_field(loc: Key, data: dict[str, Any]) -> str:
    name = str(loc[-1])
    known = _known_fields(loc[:-1], data)
    message = f"unknown field {name!r}"
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        message += f": did you mean {close[0]!r}?"
    if known:
        message += f" (valid here: {', '.join(known)})"
    return message


@cache
def _manifest_schema() -> dict[str, Any]:
    return Manifest.model_json_schema()


def _known_fields(parent: Key, data: dict[str, Any]) -> list[str]:
    """Field names allowed at ``parent``, read from the JSON schema so there is one source."""
    schema = _manifest_schema()
    defs = schema.get("$defs", {})
    node: Any = data
    current: dict[str, Any] = schema
    for part in parent:
        current = _deref(current, defs, node)
        if isinstance(part, int):
            current = current.get("items", {})
            node = node[part] if isinstance(node, list) and part < len(node) else None
        else:
            props = current.get("properties")
            current = props.get(part, {}) if props else current.get("additionalProperties", {})
            node = node.get(part) if isinstance(node, dict) else None
    current = _deref(current, defs, node)
    return sorted(current.get("properties", {}))


def _deref(node: dict[str, Any], defs: dict[str, Any], value: Any) -> dict[str, Any]:
    for _ in range(8):
        if "$ref" in node:
            node = defs.get(node["$ref"].rsplit("/", 1)[-1], {})
        elif "oneOf" in node or "anyOf" in node:
            node = _pick_member(node, defs, value)
        else:
            return node
    return node


def _pick_member(node: dict[str, Any], defs: dict[str, Any], value: Any) -> dict[str, Any]:
    members = node.get("oneOf") or node.get("anyOf") or []
    mapping = node.get("discriminator", {}).get("mapping", {})
    tag = value.get("provider") if isinstance(value, dict) else None
    if tag in mapping:
        return {"$ref": mapping[tag]}
    non_null = [m for m in members if m.get("type") != "null"]
    return non_null[0] if non_null else {}
