"""Each manifest rule fires on the mistake it names, and stays quiet on the sound version."""

from __future__ import annotations

from pathlib import Path

import pytest

from botwarden.analysers.manifest_hygiene import RULES, ManifestAnalyser
from botwarden.audit.target import Target
from botwarden.findings import Finding, Severity
from botwarden.manifest import parse_manifest

SOUND = """\
schema_version = 1
[bot]
name = "soundbot"
owner = "team"
llm = true
[egress]
allow = ["api.example.com", "static.example.org:8443"]
[[capability]]
name = "read"
provider = "aws"
actions = ["s3:GetObject"]
resources = ["arn:aws:s3:::bucket/prefix/*"]
[[capability]]
name = "api"
provider = "http"
methods = ["GET"]
urls = ["https://api.example.com/v1/*", "https://static.example.org:8443/*"]
[secret.token]
source = "vault:kv/bots/soundbot#token"
max_age = "30d"
[budget.total]
requests = "1000/hour"
[budget."api.example.com"]
requests = "60/minute"
[budget."static.example.org:8443"]
bytes = "10MB/day"
[breaker]
[guard.input]
prompt_injection = "block"
[guard.output]
"""


def findings_for(text: str) -> list[Finding]:
    target = Target(Path("."), manifest=parse_manifest(text))
    return list(ManifestAnalyser().analyse(target))


def replace(old: str, new: str) -> str:
    assert old in SOUND, old
    return SOUND.replace(old, new, 1)


def test_sound_manifest_has_no_findings() -> None:
    assert findings_for(SOUND) == []


CASES = [
    ("any host", replace('"api.example.com", ', '"*", "api.example.com", '),
     "manifest.egress-any", Severity.CRITICAL, 7),
    ("wildcard over a TLD", replace('"api.example.com", ', '"*.com", "api.example.com", '),
     "manifest.egress-public-suffix-wildcard", Severity.HIGH, 7),
    ("wildcard over a hosting suffix",
     replace('"api.example.com", ', '"*.s3.amazonaws.com", "api.example.com", '),
     "manifest.egress-public-suffix-wildcard", Severity.HIGH, 7),
    ("wildcard covering public suffixes below it",
     replace('"api.example.com", ', '"*.amazonaws.com", "api.example.com", '),
     "manifest.egress-public-suffix-wildcard", Severity.HIGH, 7),
    ("huge network", replace('"api.example.com", ', '"10.0.0.0/8", "api.example.com", '),
     "manifest.egress-broad-network", Severity.HIGH, 7),
    ("v6 huge network", replace('"api.example.com", ', '"2001:db8::/32", "api.example.com", '),
     "manifest.egress-broad-network", Severity.HIGH, 7),
    ("metadata address", replace('"api.example.com", ', '"169.254.169.254:80", '
     '"api.example.com", '), "manifest.egress-metadata-address", Severity.HIGH, 7),
    ("network with metadata", replace('"api.example.com", ', '"169.254.0.0/16", '
     '"api.example.com", '), "manifest.egress-metadata-address", Severity.HIGH, 7),
    ("plain http", replace('"static.example.org:8443"]', '"static.example.org:8443", '
     '"api.example.com:80"]'), "manifest.egress-plaintext-port", Severity.LOW, 7),
    ("no total budget", replace('[budget.total]\nrequests = "1000/hour"\n', ""),
     "manifest.budget-total-missing", Severity.MEDIUM, 21),
    ("host without budget", replace('"static.example.org:8443"]', '"static.example.org:8443", '
     '"cdn.example.net"]'), "manifest.budget-host-missing", Severity.LOW, 7),
    ("no breaker", replace("[breaker]\n", ""), "manifest.breaker-missing", Severity.LOW, 2),
    ("secret without max_age", replace('max_age = "30d"\n', ""), "manifest.secret-no-max-age",
     Severity.MEDIUM, 18),
    ("secret from env", replace('source = "vault:kv/bots/soundbot#token"',
     'source = "env:TOKEN"'), "manifest.secret-env-source", Severity.MEDIUM, 19),
    ("every action", replace('actions = ["s3:GetObject"]', 'actions = ["*"]'),
     "manifest.capability-action-wildcard", Severity.CRITICAL, 11),
    ("service wildcard", replace('actions = ["s3:GetObject"]', 'actions = ["s3:*"]'),
     "manifest.capability-action-wildcard", Severity.HIGH, 11),
    ("verb wildcard", replace('actions = ["s3:GetObject"]', 'actions = ["s3:Put*"]'),
     "manifest.capability-action-wildcard", Severity.MEDIUM, 11),
    ("any account", replace('arn:aws:s3:::bucket/prefix/*', 'arn:aws:dynamodb:eu-west-1:*:table/t'),
     "manifest.capability-resource-wildcard", Severity.HIGH, 12),
    ("account prefix", replace('arn:aws:s3:::bucket/prefix/*',
     'arn:aws:dynamodb:eu-west-1:12*:table/t'), "manifest.capability-resource-wildcard",
     Severity.HIGH, 12),
    ("metadata host name", replace('"api.example.com", ', '"metadata.google.internal", '
     '"api.example.com", '), "manifest.egress-metadata-address", Severity.HIGH, 7),
    ("wildcard over a metadata name", replace('"api.example.com", ', '"*.google.internal", '
     '"api.example.com", '), "manifest.egress-metadata-address", Severity.HIGH, 7),
    ("input guard in report mode", replace('prompt_injection = "block"',
     'prompt_injection = "block"\nmode = "report"'), "manifest.report-mode", Severity.MEDIUM, 30),
    ("every resource", replace('resources = ["arn:aws:s3:::bucket/prefix/*"]',
     'resources = ["*"]'), "manifest.capability-resource-wildcard", Severity.HIGH, 12),
    ("every bucket", replace('arn:aws:s3:::bucket/prefix/*', 'arn:aws:s3:::*'),
     "manifest.capability-resource-wildcard", Severity.HIGH, 12),
    ("any service ARN", replace('arn:aws:s3:::bucket/prefix/*', 'arn:aws:*:::bucket'),
     "manifest.capability-resource-wildcard", Severity.HIGH, 12),
    ("http any host", replace('"https://api.example.com/v1/*", ', '"https://*/x", '),
     "manifest.http-capability-broad", Severity.HIGH, 17),
    ("http wildcard over suffix", replace('"https://api.example.com/v1/*", ',
     '"https://*.herokuapp.com/x", '), "manifest.http-capability-broad", Severity.HIGH, 17),
    ("http host not in egress", replace('"https://api.example.com/v1/*", ',
     '"https://other.example.com/v1/*", '), "manifest.capability-host-not-allowed",
     Severity.MEDIUM, 17),
    ("http port not in egress", replace('"https://api.example.com/v1/*", ',
     '"https://api.example.com:8080/v1/*", '), "manifest.capability-host-not-allowed",
     Severity.MEDIUM, 17),
    ("input guard off", replace('prompt_injection = "block"', 'prompt_injection = "off"'),
     "manifest.guard-input-off", Severity.HIGH, 29),
    ("input guard missing", replace('[guard.input]\nprompt_injection = "block"\n', ""),
     "manifest.guard-input-off", Severity.HIGH, 5),
    ("output guard missing", replace("[guard.output]\n", ""), "manifest.guard-output-off",
     Severity.HIGH, 5),
    ("output guard lets links out", replace("[guard.output]\n", '[guard.output]\nlinks = "any"\n'),
     "manifest.guard-output-off", Severity.HIGH, 30),
    ("bot in report mode", replace('llm = true\n', 'llm = true\nmode = "report"\n'),
     "manifest.report-mode", Severity.MEDIUM, 6),
    ("egress in report mode", replace('[egress]\n', '[egress]\nmode = "report"\n'),
     "manifest.report-mode", Severity.MEDIUM, 7),
]  # fmt: skip


@pytest.mark.parametrize(("case", "text", "rule", "severity", "line"), CASES,
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_rule_fires(case: str, text: str, rule: str, severity: Severity, line: int) -> None:
    found = [f for f in findings_for(text) if f.rule == rule]
    assert len(found) == 1, findings_for(text)
    assert found[0].severity == severity
    assert found[0].location.line == line
    assert found[0].location.path == "botwarden.toml"
    assert found[0].fingerprint.startswith("sha256:")


@pytest.mark.parametrize(
    ("case", "text"),
    [("guards not needed without an LLM",
      replace("llm = true\n", "").replace('[guard.input]\nprompt_injection = "block"\n', "")),
     ("env secrets are fine in development",
      replace('owner = "team"\n', 'owner = "team"\nenvironment = "development"\n').replace(
          'source = "vault:kv/bots/soundbot#token"', 'source = "env:TOKEN"')),
     ("report mode outside production",
      replace('owner = "team"\n', 'owner = "team"\nenvironment = "staging"\nmode = "report"\n')),
     ("wildcard over an owned domain",
      replace('"api.example.com", ', '"*.example.com", "api.example.com", ')
      .replace("[budget.total]", '[budget."*.example.com"]\nrequests = "1/s"\n[budget.total]')),
     ("small private network", replace('"api.example.com", ', '"10.1.2.0/24", "api.example.com", ')
      .replace("[budget.total]", '[budget."10.1.2.0/24"]\nrequests = "1/s"\n[budget.total]')),
     ("a specific action with a prefix", replace("s3:GetObject", "s3:GetObjectVersion")),
     ("budget keys are compared after normalisation",
      replace('[budget."api.example.com"]', '[budget."API.Example.com.:443"]')),
     ("an exact account", replace('arn:aws:s3:::bucket/prefix/*',
                                  'arn:aws:dynamodb:eu-west-1:123456789012:table/t'))],
)  # fmt: skip
def test_no_false_positive(case: str, text: str) -> None:
    assert findings_for(text) == []


def test_missing_manifest_is_reported(tmp_path: Path) -> None:
    (finding,) = ManifestAnalyser().analyse(Target(tmp_path))
    assert finding.rule == "manifest.missing"


def test_rule_ids_are_unique_and_well_formed() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    assert all(rule_id.startswith("manifest.") and rule_id == rule_id.lower() for rule_id in ids)


def test_report_mode_fingerprint_follows_the_capability_name_not_its_position() -> None:
    def fingerprint(text: str) -> str:
        (found,) = [f for f in findings_for(text) if f.rule == "manifest.report-mode"]
        return found.fingerprint

    reported = replace('name = "read"\n', 'name = "read"\nmode = "report"\n')
    first = reported.index("[[capability]]")
    second = reported.index("[[capability]]", first + 1)
    end = reported.index("[secret.token]")
    swapped = reported[:first] + reported[second:end] + reported[first:second] + reported[end:]
    assert parse_manifest(swapped).capability[1].name == "read"
    assert fingerprint(reported) == fingerprint(swapped)


@pytest.mark.parametrize(
    ("schema", "reason"),
    [
        (None, "cannot read"),
        ("{not json", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"type": "no-such-type"}', "invalid JSON Schema"),
        ('{"$ref": "https://elsewhere.example/schema.json"}', "$ref"),
        ('{"type": "object", "required": ["q"]}', None),
    ],
)
def test_tool_schemas_are_read_as_the_guard_reads_them(
    tmp_path: Path, schema: str | None, reason: str | None
) -> None:
    text = replace("[guard.input]\n", '[guard.input.tools]\nsearch = "schemas/search.json"\n'
                   "[guard.input]\n")  # fmt: skip
    manifest_path = tmp_path / "botwarden.toml"
    manifest_path.write_text(text, encoding="utf-8")
    if schema is not None:
        (tmp_path / "schemas").mkdir()
        (tmp_path / "schemas" / "search.json").write_text(schema, encoding="utf-8")
    target = Target(tmp_path, manifest_path=manifest_path, manifest=parse_manifest(text))
    found = [
        f for f in ManifestAnalyser().analyse(target) if f.rule == "manifest.guard-tool-schema"
    ]
    if reason is None:
        assert found == []
    else:
        (finding,) = found
        assert reason in finding.message
        assert str(tmp_path) not in finding.message  # paths as written in the manifest
        assert (
            finding.location.line == text.splitlines().index('search = "schemas/search.json"') + 1
        )


def test_a_range_with_public_addresses_opens_no_metadata_address() -> None:
    """0.0.0.0/0 admits public addresses only (docs/ssrf.md): broad, not a metadata opening."""
    text = replace('"api.example.com", ', '"0.0.0.0/0:80", "api.example.com", ')
    rules = {finding.rule for finding in findings_for(text)}
    assert "manifest.egress-broad-network" in rules
    assert "manifest.egress-metadata-address" not in rules
