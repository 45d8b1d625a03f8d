"""Tool-call arguments: defensive parsing, pydantic and JSON Schema validation, string leaves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field

from botwarden.errors import Error
from botwarden.guards.toolargs import (
    MAX_FINDINGS,
    MalformedArgumentsError,
    ToolSchemaError,
    ToolSchemas,
    json_path,
)


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(pattern=r"^https://")
    qty: int = Field(ge=1)


class Order(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[Item]
    note: str = ""


ORDER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["items"],
    "properties": {
        "items": {"type": "array", "items": {"$ref": "#/$defs/item"}},
        "note": {"type": "string"},
    },
    "$defs": {
        "item": {
            "type": "object",
            "additionalProperties": False,
            "required": ["url", "qty"],
            "properties": {
                "url": {"type": "string", "pattern": "^https://"},
                "qty": {"type": "integer", "minimum": 1},
            },
        }
    },
}

GOOD = {"items": [{"url": "https://a.example/1", "qty": 1}, {"url": "https://b.example", "qty": 2}]}


@pytest.fixture(params=["pydantic", "json-schema"])
def schemas(request: pytest.FixtureRequest) -> ToolSchemas:
    schema = Order if request.param == "pydantic" else ORDER_SCHEMA
    return ToolSchemas({"order": schema, "ping": {"type": "object"}})


def _with(**changes: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(GOOD))
    for path, value in changes.items():
        target = data
        *parents, last = path.split("__")
        for part in parents:
            target = target[int(part) if part.isdigit() else part]
        if value is _DELETE:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return data


_DELETE = object()


@pytest.mark.parametrize(
    ("arguments", "paths"),
    [
        (GOOD, []),
        (json.dumps(GOOD), []),
        (json.dumps(GOOD).encode(), []),
        (_with(items__1__url="http://plain.example"), ["$.items[1].url"]),
        (_with(items__0__qty=0), ["$.items[0].qty"]),
        (_with(items__1__qty=_DELETE), ["$.items[1].qty"]),
        (_with(items__0__extra=1), ["$.items[0].extra"]),
        (_with(**{"odd key": 1}), ['$["odd key"]']),
        (_with(items="all"), ["$.items"]),
        (_with(items=_DELETE), ["$.items"]),
        (
            _with(items__0__url=5, items__1__qty="many"),
            ["$.items[0].url", "$.items[1].qty"],
        ),
    ],
)
def test_each_violation_names_the_field(
    schemas: ToolSchemas, arguments: Any, paths: list[str]
) -> None:
    findings = schemas.validate("order", arguments)
    assert {f.kind for f in findings} <= {"tool-args.invalid"}
    assert sorted({f.evidence for f in findings}) == paths
    for finding in findings:
        assert finding.message.startswith(finding.evidence + ": ")


def test_values_never_appear_in_findings(schemas: ToolSchemas) -> None:
    secret = "sk-live-SECRETVALUE"
    bad = _with(items__0__url=secret, items__1__qty=secret, **{"note": 7, secret[:3]: secret})
    findings = schemas.validate("order", bad)
    assert len(findings) >= 3
    for finding in findings:
        assert "SECRETVALUE" not in finding.message
        assert "SECRETVALUE" not in finding.evidence


@pytest.mark.parametrize(
    ("arguments", "reason", "position"),
    [
        ("{not json}", "not JSON", 1),
        ('{"a": 1,}', "not JSON", 8),
        ("[1, 2]", "a JSON array, not an object", None),
        ('"text"', "a JSON string, not an object", None),
        ('{"a": 1, "a": 2}', "duplicate key 'a'", None),
        ('{"a": {"b": 1, "b": 1}}', "duplicate key 'b'", None),
        ('{"a": NaN}', "NaN is not a JSON number", None),
        ('{"a": [Infinity]}', "Infinity is not a JSON number", None),
        ('{"a": -Infinity}', "-Infinity is not a JSON number", None),
        ('{"a": ' * 40 + "1" + "}" * 40, "nested deeper than 32 levels", None),
        ('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested deeper than 32 levels", None),
        ('{"a": ' + "1" * 5000 + "}", "not usable JSON", None),
        (b'{"a": "\xff"}', "not UTF-8", 7),
        ('{"a": "' + "x" * 1_000_001 + '"}', "over the cap of 1000000", None),
    ],
)
def test_malformed_arguments_are_refused_with_a_reason(
    arguments: str | bytes, reason: str, position: int | None
) -> None:
    schemas = ToolSchemas({"any": {"type": "object"}})
    (finding,) = schemas.validate("any", arguments)
    assert finding.kind == "tool-args.malformed"
    assert reason in finding.message
    assert finding.start == position
    with pytest.raises(MalformedArgumentsError, match=reason.replace("'", ".")):
        list(schemas.strings(arguments))


def test_a_mapping_is_held_to_the_depth_cap() -> None:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(5):
        node["a"] = node = {}
    schemas = ToolSchemas({"any": {"type": "object"}}, max_depth=4)
    (finding,) = schemas.validate("any", deep)
    assert finding.kind == "tool-args.malformed"
    assert schemas.validate("any", {"a": {"b": {"c": {}}}}) == []


@pytest.mark.parametrize("blank", ["", "  \n", b""])
def test_blank_arguments_are_an_empty_object(blank: str | bytes) -> None:
    schemas = ToolSchemas({"ping": {"type": "object"}, "order": ORDER_SCHEMA})
    assert schemas.validate("ping", blank) == []
    assert [f.evidence for f in schemas.validate("order", blank)] == ["$.items"]


def test_an_unknown_tool_fails_closed(schemas: ToolSchemas) -> None:
    (finding,) = schemas.validate("delete_everything", GOOD)
    assert finding.kind == "tool-args.unknown-tool"
    assert "'delete_everything'" in finding.message


def test_many_violations_are_capped() -> None:
    schemas = ToolSchemas({"order": ORDER_SCHEMA})
    findings = schemas.validate("order", {"items": [{"url": "x", "qty": 1}] * 50})
    assert len(findings) == MAX_FINDINGS + 1
    assert findings[-1].message == f"{50 - MAX_FINDINGS} more violations not listed"


def test_formats_are_checked() -> None:
    schema = {"type": "object", "properties": {"to": {"type": "string", "format": "email"}}}
    schemas = ToolSchemas({"mail": schema})
    assert schemas.validate("mail", {"to": "a@example.com"}) == []
    assert [f.evidence for f in schemas.validate("mail", {"to": "not an address"})] == ["$.to"]


@pytest.mark.parametrize(
    ("schema", "reason"),
    [
        ({"type": "strng"}, "invalid JSON Schema at $.type"),
        ({"properties": {"a": {"minimum": "one"}}}, "invalid JSON Schema at $.properties.a"),
        ({"$schema": "https://example.com/my-dialect"}, "unknown JSON Schema dialect"),
        ({"$ref": "https://example.com/schema.json"}, "points outside the schema"),
        ({"items": {"$ref": "other.json#/a"}}, "points outside the schema"),
        ("object", "not str"),
        (dict, "not type"),
    ],
)
def test_unusable_schemas_are_refused_at_construction(schema: Any, reason: str) -> None:
    with pytest.raises(ToolSchemaError) as caught:
        ToolSchemas({"lookup": schema})
    assert caught.value.message.startswith("tool 'lookup': ")
    assert reason in caught.value.message
    assert isinstance(caught.value, Error)


def test_an_unresolvable_local_reference_is_a_schema_error() -> None:
    schemas = ToolSchemas({"t": {"properties": {"a": {"$ref": "#/$defs/missing"}}}})
    with pytest.raises(ToolSchemaError, match="cannot be resolved"):
        schemas.validate("t", {"a": 1})


def test_draft_7_schemas_are_used_as_their_dialect() -> None:
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {"n": {"type": "integer", "exclusiveMinimum": 0}},
    }
    schemas = ToolSchemas({"t": schema})
    assert schemas.validate("t", {"n": 1}) == []
    assert [f.evidence for f in schemas.validate("t", {"n": 0})] == ["$.n"]


def test_from_files(tmp_path: Path) -> None:
    path = tmp_path / "order.json"
    path.write_text(json.dumps(ORDER_SCHEMA), encoding="utf-8")
    schemas = ToolSchemas.from_files({"order": path})
    assert schemas.tools == frozenset({"order"})
    assert [f.evidence for f in schemas.validate("order", _with(items__0__qty=0))] == [
        "$.items[0].qty"
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "cannot read the schema of tool 't'"),
        ('{"type": ', ":1:10: the schema of tool 't' is not JSON"),
        ('{"type": "object", "type": "array"}', "has a duplicate key 'type'"),
        ("[]", "is not a JSON object"),
        ('{"type": "strng"}', ": tool 't': invalid JSON Schema at $.type"),
        (b"\xff\xfe", "is not UTF-8"),
    ],
)
def test_from_files_errors_name_the_file(
    tmp_path: Path, content: str | bytes | None, reason: str
) -> None:
    path = tmp_path / "t.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ToolSchemaError) as caught:
        ToolSchemas.from_files({"t": path})
    assert caught.value.message.startswith(str(path))
    assert reason in caught.value.message


def test_strings_lists_every_string_leaf_with_its_path() -> None:
    schemas = ToolSchemas({"t": {"type": "object"}})
    arguments = json.dumps(
        {"q": "weather", "n": 3, "opts": {"tags": ["a", 1, {"deep": "b"}]}, "x y": "c", "ok": True}
    )
    assert list(schemas.strings(arguments)) == [
        ("$.q", "weather"),
        ("$.opts.tags[0]", "a"),
        ("$.opts.tags[2].deep", "b"),
        ('$["x y"]', "c"),
    ]


@pytest.mark.parametrize(
    ("parts", "path"),
    [
        ([], "$"),
        (["items", 2, "url"], "$.items[2].url"),
        (["a-b", "c d", "_x1", "1a"], '$["a-b"]["c d"]._x1["1a"]'),
        (['q"uote'], '$["q\\"uote"]'),
        (["\u00e9t\u00e9"], '$["\u00e9t\u00e9"]'),
    ],
)
def test_json_path(parts: list[str | int], path: str) -> None:
    assert json_path(parts) == path


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children)
    ),
    max_leaves=20,
)


def _string_leaves(value: Any) -> int:
    if isinstance(value, str):
        return 1
    if isinstance(value, dict):
        return sum(_string_leaves(child) for child in value.values())
    if isinstance(value, list):
        return sum(_string_leaves(child) for child in value)
    return 0


@given(st.dictionaries(st.text(max_size=5), _JSON, max_size=5))
def test_parsing_round_trips_json_objects_and_finds_every_string(data: dict[str, Any]) -> None:
    schemas = ToolSchemas({"t": {"type": "object"}})
    text = json.dumps(data)
    assert schemas.parse(text) == data
    leaves = list(schemas.strings(text))
    assert len(leaves) == _string_leaves(data)
    for path, value in leaves:
        assert path.startswith("$")
        assert isinstance(value, str)


@given(st.one_of(st.text(max_size=80), st.binary(max_size=80)))
def test_any_input_gives_findings_not_exceptions(arguments: str | bytes) -> None:
    schemas = ToolSchemas({"order": ORDER_SCHEMA, "model": Order})
    for tool in ("order", "model"):
        findings = schemas.validate(tool, arguments)
        assert {f.kind for f in findings} <= {"tool-args.invalid", "tool-args.malformed"}
