"""The loader refuses malformed manifests with one located line each, and never crashes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.helpers import MINIMAL

from botwarden.errors import ManifestError
from botwarden.manifest import load_manifest, parse_manifest

# (what is wrong, manifest text, the exact first diagnostic)
MALFORMED = [
    ("URL instead of host", MINIMAL + '[egress]\nallow = ["https://x.com/a"]\n',
     "botwarden.toml:6: egress.allow[0]: 'https://x.com/a' is a URL, not a host: write only "
     "the host, e.g. 'host:port'"),
    ("host with a path", MINIMAL + '[egress]\nallow = [\n  "ok.com",\n  "x.com/a",\n]\n',
     "botwarden.toml:8: egress.allow[1]: 'x.com/a': hosts cannot have paths; expected 'host', "
     "'host:port', '*.suffix', an IP address or a CIDR range such as '10.0.0.0/8'"),
    ("port out of range", MINIMAL + '[egress]\nallow = ["x.com:70000"]\n',
     "botwarden.toml:6: egress.allow[0]: 'x.com:70000': the port must be a number from 1 to "
     "65535"),
    ("misspelt key", MINIMAL + '[egress]\nalow = ["x.com"]\n',
     "botwarden.toml:6: egress.alow: unknown field 'alow': did you mean 'allow'? (valid here: "
     "allow, mode)"),
    ("bad duration", MINIMAL + '[breaker]\ncool_down = "30 dayz"\n',
     "botwarden.toml:6: breaker.cool_down: '30 dayz' is not a duration: expected a number and "
     "a unit (s, m, h, d, w), e.g. '90s', '15m', '30d' or '1h30m'"),
    ("number as string", MINIMAL + '[breaker]\nthreshold = "5"\n',
     "botwarden.toml:6: breaker.threshold: expected an integer, got a string ('5')"),
    ("zero threshold", MINIMAL + "[breaker]\nthreshold = 0\n",
     "botwarden.toml:6: breaker.threshold: must be at least 1 (got 0)"),
    ("negative budget", MINIMAL + '[budget."x.com"]\nbytes = "-5MB/day"\n',
     "botwarden.toml:6: budget.\"x.com\".bytes: '-5MB' is not a size: expected a number and a "
     "unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB), e.g. '50MB'"),
    ("zero requests", MINIMAL + '[budget.total]\nrequests = "0/minute"\n',
     "botwarden.toml:6: budget.total.requests: '0/minute': the amount must be greater than zero"),
    ("unknown window", MINIMAL + '[budget.total]\nrequests = "100/fortnight"\n',
     "botwarden.toml:6: budget.total.requests: window 'fortnight' is not valid: expected "
     "second, minute, hour, day, week, or a duration such as 10s or 15m"),
    ("empty budget", MINIMAL + '[budget."x.com"]\n',
     "botwarden.toml:5: budget.\"x.com\": a budget needs at least one of 'requests', 'bytes' or "
     "'cost'"),
    ("cost without unit cost", MINIMAL + '[budget.total]\ncost = "5/day"\n',
     "botwarden.toml:5: budget.total: 'cost' needs 'cost_per_request' or 'cost_per_mb' to count "
     "against"),
    ("malformed ARN", MINIMAL + '[[capability]]\nprovider = "aws"\nactions = ["s3:GetObject"]\n'
     'resources = ["arn:aws:s3"]\n',
     "botwarden.toml:8: capability[0].resources[0]: 'arn:aws:s3' is not an ARN: expected "
     "'arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE' or '*'"),
    ("action without service", MINIMAL + '[[capability]]\nprovider = "aws"\n'
     'actions = ["GetObject"]\nresources = ["*"]\n',
     "botwarden.toml:7: capability[0].actions[0]: 'GetObject' is not an IAM action: expected "
     "'service:Action' such as 's3:GetObject' (wildcards * and ? allowed in the action name, "
     "not in the service)"),
    ("wildcard in the service", MINIMAL + '[[capability]]\nprovider = "aws"\n'
     'actions = ["*:*"]\nresources = ["*"]\n',
     "botwarden.toml:7: capability[0].actions[0]: '*:*' is not an IAM action: expected "
     "'service:Action' such as 's3:GetObject' (wildcards * and ? allowed in the action name, "
     "not in the service)"),
    ("unknown provider", MINIMAL + '[[capability]]\nprovider = "gcp"\n',
     "botwarden.toml:5: capability[0]: provider must be 'aws' or 'http' (got 'gcp')"),
    ("bad HTTP method", MINIMAL + '[[capability]]\nprovider = "http"\nmethods = ["FETCH"]\n'
     'urls = ["https://x.com/*"]\n',
     "botwarden.toml:7: capability[0].methods[0]: 'FETCH' is not an HTTP method: expected one "
     "of *, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"),
    ("non-http URL", MINIMAL + '[[capability]]\nprovider = "http"\nmethods = ["GET"]\n'
     'urls = ["ftp://x.com/"]\n',
     "botwarden.toml:8: capability[0].urls[0]: 'ftp://x.com/': expected an http:// or https:// "
     "URL pattern"),
    ("unknown secret scheme", MINIMAL + '[secret.tok]\nsource = "keychain:x"\n',
     "botwarden.toml:6: secret.tok.source: 'keychain:x': the source must start with one of "
     "'local:', 'env:', 'file:', 'vault:', 'aws-sm:'"),
    ("max_age as number", MINIMAL + '[secret.tok]\nsource = "local:tok"\nmax_age = 30\n',
     "botwarden.toml:7: secret.tok.max_age: expected a string with a number and a unit (s, m, "
     "h, d, w), e.g. '90s', '15m', '30d' or '1h30m'"),
    ("vault source without a field", MINIMAL + '[secret.tok]\nsource = "vault:kv/bots/x"\n',
     "botwarden.toml:6: secret.tok.source: 'vault:kv/bots/x': expected 'vault:MOUNT/PATH#field' "
     "(KV secrets are maps)"),
    ("non-ASCII secret name", MINIMAL + '[secret."tökén"]\nsource = "local:t"\n',
     "botwarden.toml:5: secret.\"tökén\": 'tökén' is not a secret name: use ASCII letters, digits, "
     "'_' and '-', starting with a letter or '_'"),
    ("bad enum value", MINIMAL + '[guard.input]\nprompt_injection = "blok"\n',
     "botwarden.toml:6: guard.input.prompt_injection: must be 'block', 'flag' or 'off' (got "
     "'blok')"),
    ("wrong schema version", 'schema_version = 2\n[bot]\nname = "b"\nowner = "o"\n',
     "botwarden.toml:1: schema_version: must be 1 (got 2)"),
    ("missing schema version", '[bot]\nname = "b"\nowner = "o"\n',
     "botwarden.toml:1: schema_version: this required field is missing: add "
     "'schema_version = 1' at the top"),
    ("bad bot name", 'schema_version = 1\n[bot]\nname = "Bad Name!"\nowner = "o"\n',
     "botwarden.toml:3: bot.name: 'Bad Name!' is not a valid name: use lowercase letters, "
     "digits, '-' and '_', starting with a letter or digit (at most 63 characters)"),
    ("missing field", 'schema_version = 1\n[bot]\nname = "b"\n',
     "botwarden.toml:2: bot.owner: this required field is missing"),
    ("TOML syntax", 'schema_version = 1\n[bot\nname = "x"\n',
     "botwarden.toml:2: invalid TOML: Expected ']' at the end of a table declaration (column 5)"),
    ("duplicate capability names", MINIMAL + '[[capability]]\nname = "a"\nprovider = "http"\n'
     'methods = ["GET"]\nurls = ["https://x.com/"]\n[[capability]]\nname = "a"\n'
     'provider = "http"\nmethods = ["GET"]\nurls = ["https://y.com/"]\n',
     "botwarden.toml:11: capability[1].name: 'a' is already the name of capability[0]"),
    ("budget for unknown capability", MINIMAL + '[budget."capability:nope"]\n'
     'requests = "1/s"\n',
     "botwarden.toml:5: budget.\"capability:nope\": names no capability (known: none has a "
     "name)"),
    ("wildcard inside a label", MINIMAL + '[egress]\nallow = ["api*.x.com"]\n',
     "botwarden.toml:6: egress.allow[0]: 'api*.x.com': a wildcard is only allowed as a whole "
     "first label, '*.suffix'"),
    ("CIDR with host bits", MINIMAL + '[egress]\nallow = ["10.0.0.1/8"]\n',
     "botwarden.toml:6: egress.allow[0]: '10.0.0.1/8' is not a valid CIDR range: the address "
     "must have no bits set beyond the prefix length"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "text", "expected"), MALFORMED, ids=[c[0] for c in MALFORMED])
def test_malformed_manifest_gets_one_located_line(case: str, text: str, expected: str) -> None:
    with pytest.raises(ManifestError) as caught:
        parse_manifest(text)
    assert caught.value.diagnostics()[0] == expected
    assert "\n" not in expected


def test_every_problem_is_reported_in_line_order() -> None:
    text = MINIMAL + '[breaker]\nthreshold = 0\ncool_down = "soon"\n[egress]\nallow = ["a/b"]\n'
    with pytest.raises(ManifestError) as caught:
        parse_manifest(text)
    lines = [issue.line for issue in caught.value.issues]
    assert lines == [6, 7, 9]


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda p: None, "no such file"),
        (lambda p: p.mkdir(), "not a regular file"),
        (lambda p: p.write_bytes(b'schema_version = 1\n[bot]\nname = "\xff"\n'), "is not UTF-8"),
        (lambda p: p.write_bytes(b"#" * (1 << 21)), "larger than"),
    ],
    ids=["missing", "directory", "not-utf8", "too-big"],
)
def test_unreadable_files_are_input_errors(tmp_path: Path, setup: object, expected: str) -> None:
    path = tmp_path / "botwarden.toml"
    setup(path)  # type: ignore[operator]
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    assert expected in caught.value.message
    assert caught.value.message.startswith(str(path))


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "botwarden.toml"
    path.write_bytes(b'schema_version = 1\n[bot]\nname = "\xff"\n')
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    assert caught.value.issues[0].line == 3


def test_valid_manifest_round_trips_values() -> None:
    manifest = parse_manifest(
        MINIMAL
        + '[egress]\nallow = ["API.Example.com.", "*.cdn.example.org:8443"]\n'
        + '[budget.total]\nrequests = "100/minute"\nbytes = "1GB/day"\n'
        + '[breaker]\ncool_down = "1h30m"\n'
        + '[secret.tok]\nsource = "vault:kv/bots/x#token"\nmax_age = "30d"\ncreated = 2025-01-10\n'
    )
    first, second = manifest.egress_entries
    assert (first.host, first.port) == ("api.example.com", 443)
    assert (second.host, second.port) == ("cdn.example.org", 8443)
    total = manifest.budget["total"]
    assert total.requests is not None and total.requests.window_seconds == 60
    assert total.bytes is not None and total.bytes.amount == 10**9
    assert manifest.breaker is not None and manifest.breaker.cool_down.seconds == 5400
    assert manifest.secret["tok"].source.field == "token"
    dumped = manifest.model_dump(mode="json")
    assert dumped["budget"]["total"]["bytes"] == "1GB/day"
    assert dumped["egress"]["allow"][0] == "API.Example.com."


def test_findings_locate_fields() -> None:
    manifest = parse_manifest(MINIMAL + '[egress]\nallow = [\n  "a.com",\n  "b.com",\n]\n')
    assert manifest.locate("egress", "allow", 1).line == 8
    assert manifest.locate("secret", "nope").line is None


# -- fuzzing: whatever the input, the loader answers with a Manifest or a ManifestError -------

VALID = (Path(__file__).parent / "data" / "full.toml").read_text(encoding="utf-8")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_text_never_crashes(text: str) -> None:
    try:
        parse_manifest(text)
    except ManifestError as exc:
        assert exc.diagnostics()


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_valid_manifest_never_crashes(data: st.DataObject) -> None:
    lines = VALID.splitlines()
    index = data.draw(st.integers(0, len(lines) - 1))
    replacement = data.draw(
        st.sampled_from(
            [
                "",
                "x = 1",
                'allow = ["*"]',
                "threshold = -1",
                "[bot]",
                "[[capability]]",
                'max_age = "0s"',
                'requests = "1/0s"',
                "mode = 'report'",
                "created = 2025-13-01",
                "{",
                '"',
            ]
        )
        | st.text(max_size=30)
    )
    lines[index] = replacement
    try:
        parse_manifest("\n".join(lines))
    except ManifestError as exc:
        for issue in exc.issues:
            assert issue.line is None or 1 <= issue.line <= len(lines) + 1


def test_reference_manifest_with_every_field_is_valid() -> None:
    manifest = parse_manifest(VALID)
    assert manifest.egress.mode is not None and manifest.egress.mode.value == "report"
    assert len(manifest.capability) == 2
    assert set(manifest.budget) == {"total", "api.example.com", "capability:api"}


def test_bad_mode_names_the_choices() -> None:
    with pytest.raises(ManifestError) as caught:
        parse_manifest(MINIMAL + 'mode = "reprt"\n')
    assert caught.value.diagnostics() == [
        "botwarden.toml:5: bot.mode: must be 'enforce' or 'report' (got 'reprt')"
    ]


@pytest.mark.parametrize(
    "extra",
    [
        '[[capability]]\nprovider = "http"\nmethods = ["GET"]\nurls = ["https://[::1]:8443/x"]\n',
        '[[capability]]\nprovider = "http"\nmethods = ["GET"]\nurls = ["http://10.0.0.1/x"]\n',
        '[[capability]]\nprovider = "aws"\nactions = ["s3:Get*", "*"]\nresources = ["*"]\n',
        '[egress]\nallow = ["*:8080"]\n',
    ],
)
def test_valid_edge_values(extra: str) -> None:
    parse_manifest(MINIMAL + extra)
