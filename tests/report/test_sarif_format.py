"""SARIF output: valid against the official 2.1.0 schema and shaped for GitHub code scanning."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonschema
import pytest

from botwarden.findings import Location, Severity
from botwarden.report import sarif_format

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def _run(result) -> dict:
    return json.loads(sarif_format.render(result))["runs"][0]


def test_output_is_valid_sarif(validator, any_result) -> None:
    document = json.loads(sarif_format.render(any_result))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []


def test_log_header(any_result) -> None:
    document = json.loads(sarif_format.render(any_result))
    assert document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert document["version"] == "2.1.0"
    run = document["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    assert "%SRCROOT%" in run["originalUriBaseIds"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("botwarden", "0.1.0")
    assert driver["informationUri"] == "https://github.com/botwarden/botwarden"


def test_every_registered_rule_is_described_even_without_findings(any_result) -> None:
    rules = _run(any_result)["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules][: len(any_result.rules)] == [
        r.id for r in any_result.rules
    ]


def test_rule_index_points_at_the_rule(result) -> None:
    run = _run(result)
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == len(result.findings)
    for item in run["results"]:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]


def test_unregistered_rule_gets_a_minimal_descriptor(result) -> None:
    rules = _run(result)["tool"]["driver"]["rules"]
    assert rules[-1] == {
        "id": "network.open-port",
        "name": "OpenPort",
        "shortDescription": {"text": "network.open-port"},
        "fullDescription": {"text": "network.open-port"},
        "help": {"text": "network.open-port", "markdown": "network.open-port"},
        "defaultConfiguration": {"level": "note"},
        "properties": {
            "tags": ["security", "network"],
            "security-severity": "0.0",
            "problem.severity": "recommendation",
        },
    }


def test_registered_rule_descriptor(result) -> None:
    rule = _run(result)["tool"]["driver"]["rules"][0]
    assert rule == {
        "id": "iam.privilege-escalation",
        "name": "PrivilegeEscalation",
        "shortDescription": {"text": "Privilege escalation path"},
        "fullDescription": {
            "text": "iam:PassRole with a compute action lets the bot act as another role."
        },
        "help": {
            "text": "Remove iam:PassRole or scope it to one role.",
            "markdown": "Remove iam:PassRole or scope it to one role.",
        },
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "tags": ["security", "iam"],
            "security-severity": "9.5",
            "problem.severity": "error",
        },
    }


def test_full_description_falls_back_to_title(result) -> None:
    rules = {rule["id"]: rule for rule in _run(result)["tool"]["driver"]["rules"]}
    assert rules["iam.wildcard-action"]["fullDescription"] == {"text": "Wildcard action"}


@pytest.mark.parametrize(
    ("severity", "level", "security_severity", "problem_severity"),
    [
        (Severity.CRITICAL, "error", "9.5", "error"),
        (Severity.HIGH, "error", "8.0", "error"),
        (Severity.MEDIUM, "warning", "5.5", "warning"),
        (Severity.LOW, "note", "3.0", "recommendation"),
        (Severity.INFO, "note", "0.0", "recommendation"),
    ],
)
def test_severity_mapping(severity, level, security_severity, problem_severity, result) -> None:
    run = _run(result)
    rules = run["tool"]["driver"]["rules"]
    item = next(r for r in run["results"] if r["properties"]["severity"] == severity.value)
    assert item["level"] == level
    rule = rules[item["ruleIndex"]]
    assert rule["defaultConfiguration"]["level"] == level
    assert rule["properties"]["security-severity"] == security_severity
    assert rule["properties"]["problem.severity"] == problem_severity


def test_fingerprints_and_properties(result) -> None:
    for finding, item in zip(result.findings, _run(result)["results"], strict=True):
        assert item["partialFingerprints"] == {"botwarden/v1": finding.fingerprint}
        assert item["properties"] == {
            "severity": finding.severity.value,
            "category": finding.category,
        }


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        ("", "found it"),
        ("AKIA****", "found it (evidence: AKIA****)"),
    ],
)
def test_message_includes_evidence(evidence, expected, result) -> None:
    finding = dataclasses.replace(result.findings[0], message="found it", evidence=evidence)
    assert sarif_format._message(finding) == expected


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        (
            Location("a/b.py", 7, 3),
            {
                "artifactLocation": {"uri": "a/b.py", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 7, "startColumn": 3},
            },
        ),
        (
            Location("a/b.py", 7),
            {
                "artifactLocation": {"uri": "a/b.py", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 7},
            },
        ),
        (Location("a/b.py"), {"artifactLocation": {"uri": "a/b.py", "uriBaseId": "%SRCROOT%"}}),
        (
            Location("a/b.py", None, 5),
            {"artifactLocation": {"uri": "a/b.py", "uriBaseId": "%SRCROOT%"}},
        ),
        (Location("a/b.py", 0), {"artifactLocation": {"uri": "a/b.py", "uriBaseId": "%SRCROOT%"}}),
        (
            Location("a/b.py", 2, 0),
            {
                "artifactLocation": {"uri": "a/b.py", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 2},
            },
        ),
        (
            Location("dir with space/ü#1.toml", 1),
            {
                "artifactLocation": {
                    "uri": "dir%20with%20space/%C3%BC%231.toml",
                    "uriBaseId": "%SRCROOT%",
                },
                "region": {"startLine": 1},
            },
        ),
        (Location("/etc/bot.toml"), {"artifactLocation": {"uri": "file:///etc/bot.toml"}}),
    ],
)
def test_physical_location(location, expected) -> None:
    assert sarif_format.physical_location(location) == expected


def test_no_region_when_line_unknown(result) -> None:
    for finding, item in zip(result.findings, _run(result)["results"], strict=True):
        physical = item["locations"][0]["physicalLocation"]
        assert ("region" in physical) == (finding.location.line is not None)


@pytest.mark.parametrize(
    ("rule_id", "name"),
    [
        ("iam.privilege-escalation", "PrivilegeEscalation"),
        ("secrets.aws_access_key", "AwsAccessKey"),
        ("deps.vulnerable", "Vulnerable"),
        ("egress.allow-all.v2", "AllowAllV2"),
        ("nocategory", "Nocategory"),
        ("x.--", "Rule"),
    ],
)
def test_rule_name_is_camel_case(rule_id, name) -> None:
    assert sarif_format.rule_name(rule_id) == name


def test_duplicate_rules_are_described_once(result) -> None:
    doubled = dataclasses.replace(result, rules=result.rules + result.rules)
    ids = [rule["id"] for rule in _run(doubled)["tool"]["driver"]["rules"]]
    assert len(ids) == len(set(ids))


def test_security_severity_is_a_numeric_string(result) -> None:
    for rule in _run(result)["tool"]["driver"]["rules"]:
        assert 0.0 <= float(rule["properties"]["security-severity"]) <= 10.0
        assert "security" in rule["properties"]["tags"]
