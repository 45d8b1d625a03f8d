"""``botwarden iam``: check, generate, simulate and unused, end to end through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from botwarden import cli
from botwarden.iam.parse import documents_from_file

EXAMPLE = Path(__file__).parent.parent / "examples" / "bibliobot"
POLICY = EXAMPLE / "deploy" / "iam-policy.json"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


@pytest.mark.parametrize("fmt", ["json", "terraform"])
def test_generated_policy_passes_check_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    out_file = tmp_path / ("policy.json" if fmt == "json" else "policy.tf")
    code, _, _ = run(
        capsys, "iam", "generate", "--manifest", str(EXAMPLE), "--format", fmt, "-o", str(out_file)
    )
    assert code == 0
    (document,) = documents_from_file(out_file, out_file.name)
    assert len(document.statements) == 3
    assert not document.problems
    code, out, _ = run(
        capsys, "iam", "check", str(out_file), "--manifest", str(EXAMPLE), "--format", "json"
    )
    assert (code, json.loads(out)["findings"]) == (0, [])


def test_generated_s3_reader_has_prefix_scoped_listing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "iam", "generate", "--manifest", str(EXAMPLE))
    assert code == 0
    statements = json.loads(out)["Statement"]
    listing = next(s for s in statements if s["Action"] == "s3:ListBucket")
    assert listing["Resource"] == "arn:aws:s3:::biblio-data"
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["logs/bibliobot/*"]}}
    assert not any(s["Resource"] == "*" or s["Action"] == "s3:*" for s in statements)


def test_check_example_policy(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "iam", "check", str(POLICY), "--manifest", str(EXAMPLE), "--format", "json"
    )
    found = {f["rule"] for f in json.loads(out)["findings"]}
    assert code == 1
    assert {
        "iam.privilege-escalation",
        "iam.over-privileged",
        "iam.service-wildcard",
        "iam.pass-role-unrestricted",
        "iam.data-exfiltration",
    } <= found


def test_folder_files_are_separate_principals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path / "a.json", policy({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"})
    )
    write(
        tmp_path / "b.json",
        policy({"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}),
    )
    (tmp_path / "notes.txt").write_text("not a policy", encoding="utf-8")
    _, out, _ = run(capsys, "iam", "check", str(tmp_path), "--format", "json")
    assert "iam.privilege-escalation" not in {f["rule"] for f in json.loads(out)["findings"]}
    _, out, _ = run(
        capsys,
        "iam",
        "check",
        str(tmp_path / "a.json"),
        str(tmp_path / "b.json"),
        "--format",
        "json",
    )
    escalations = [
        f for f in json.loads(out)["findings"] if f["rule"] == "iam.privilege-escalation"
    ]
    assert escalations
    assert "across" in escalations[0]["message"]


def test_invalid_policy_file_is_a_finding_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"Version": "2012-10-17",\n "Statement": [\n', encoding="utf-8")
    code, out, err = run(capsys, "iam", "check", str(bad), "--format", "json")
    (finding,) = json.loads(out)["findings"]
    assert (code, finding["rule"]) == (1, "iam.invalid-policy")
    assert finding["location"]["line"] is not None
    assert "Traceback" not in err


def test_missing_policy_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "iam", "check", "/nonexistent/policy.json")
    assert code == 2
    assert err.startswith("botwarden: error: /nonexistent/policy.json: no such file")


SIMULATE = [
    (["--action", "s3:GetObject", "--resource", "arn:aws:s3:::bucket/reports/x"], 0, "allow"),
    (
        ["--action", "s3:GetObject", "--resource", "arn:aws:s3:::bucket/secret/x"],
        1,
        "explicit-deny",
    ),
    (
        ["--action", "s3:PutObject", "--resource", "arn:aws:s3:::bucket/reports/x"],
        1,
        "implicit-deny",
    ),
    (
        [
            "--action",
            "s3:ListBucket",
            "--resource",
            "arn:aws:s3:::bucket",
            "--context",
            "s3:prefix=reports/2026",
        ],
        0,
        "allow",
    ),
    (
        [
            "--action",
            "s3:ListBucket",
            "--resource",
            "arn:aws:s3:::bucket",
            "--context",
            "s3:prefix=secret/",
        ],
        1,
        "implicit-deny",
    ),
]


@pytest.mark.parametrize(("args", "code", "decision"), SIMULATE)
def test_simulate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int, decision: str
) -> None:
    file = write(
        tmp_path / "p.json",
        policy(
            {
                "Sid": "Read",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::bucket/*",
            },
            {
                "Sid": "NoSecrets",
                "Effect": "Deny",
                "Action": "s3:*",
                "Resource": "arn:aws:s3:::bucket/secret/*",
            },
            {
                "Sid": "List",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": "arn:aws:s3:::bucket",
                "Condition": {"StringLike": {"s3:prefix": "reports/*"}},
            },
        ),
    )
    exit_code, out, _ = run(capsys, "iam", "simulate", str(file), *args, "--format", "json")
    answer = json.loads(out)
    assert (exit_code, answer["decision"]) == (code, decision)
    if decision == "explicit-deny":
        assert [s["sid"] for s in answer["statements"]] == ["Read", "NoSecrets"]


def test_simulate_bad_context(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = write(tmp_path / "p.json", policy({"Effect": "Allow", "Action": "*", "Resource": "*"}))
    code, _, err = run(
        capsys, "iam", "simulate", str(file), "--action", "s3:GetObject", "--context", "novalue"
    )
    assert code == 2
    assert "expected KEY=VALUE" in err


def trail(*events: dict[str, Any]) -> dict[str, Any]:
    base = {
        "eventTime": "2026-11-01T10:00:00Z",
        "awsRegion": "eu-west-1",
        "userIdentity": {"arn": "arn:aws:sts::123456789012:assumed-role/bibliobot/i-1"},
    }
    return {"Records": [{**base, **event} for event in events]}


def test_unused_reports_idle_grants_and_what_it_cannot_tell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = write(
        tmp_path / "p.json",
        policy(
            {
                "Sid": "Logs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:DeleteLogGroup"],
                "Resource": "*",
            },
            {
                "Sid": "Read",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::b/*",
            },
        ),
    )
    evidence = write(
        tmp_path / "trail.json",
        trail({"eventSource": "logs.amazonaws.com", "eventName": "CreateLogStream"}),
    )
    code, out, _ = run(
        capsys, "iam", "unused", str(file), "--from-cloudtrail", str(evidence), "--format", "json"
    )
    messages = [f["message"] for f in json.loads(out)["findings"]]
    assert code == 1
    assert any("logs:DeleteLogGroup" in m and "not used" in m for m in messages)
    assert not any("logs:CreateLogStream" in m for m in messages)
    assert any("cannot tell" in m and "s3:GetObject" in m for m in messages)


def test_unused_with_data_events(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = write(
        tmp_path / "p.json",
        policy(
            {
                "Sid": "Read",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": "arn:aws:s3:::b/*",
            }
        ),
    )
    evidence = write(
        tmp_path / "trail.json",
        trail(
            {
                "eventSource": "s3.amazonaws.com",
                "eventName": "GetObject",
                "eventCategory": "Data",
                "resources": [{"ARN": "arn:aws:s3:::b/k"}, {"ARN": "arn:aws:s3:::b"}],
            }
        ),
    )
    _, out, _ = run(
        capsys, "iam", "unused", str(file), "--from-cloudtrail", str(evidence), "--format", "json"
    )
    (finding,) = json.loads(out)["findings"]
    assert "s3:PutObject" in finding["message"]
    assert "s3:GetObject" not in finding["message"]


def test_generate_from_cloudtrail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    evidence = write(
        tmp_path / "trail.json",
        trail(
            {
                "eventSource": "s3.amazonaws.com",
                "eventName": "ListObjectsV2",
                "requestParameters": {"bucketName": "b"},
            },
            {
                "eventSource": "s3.amazonaws.com",
                "eventName": "GetObject",
                "resources": [{"ARN": "arn:aws:s3:::b/k1"}],
            },
            {
                "eventSource": "s3.amazonaws.com",
                "eventName": "GetObject",
                "errorCode": "AccessDenied",
                "resources": [{"ARN": "arn:aws:s3:::b/forbidden"}],
            },
        ),
    )
    code, out, _ = run(capsys, "iam", "generate", "--from-cloudtrail", str(evidence))
    statements = json.loads(out)["Statement"]
    grants = {(s["Action"], s["Resource"]) for s in statements}
    assert code == 0
    assert grants == {("s3:ListBucket", "arn:aws:s3:::b"), ("s3:GetObject", "arn:aws:s3:::b/k1")}


@pytest.mark.parametrize(
    "argv",
    [
        ["iam", "generate", "--from-ledger", "sqlite:///x.db"],
        ["iam", "generate"],
        ["iam", "unused", str(POLICY)],
        ["iam", "generate", "--manifest", str(EXAMPLE), "--format", "yaml"],
    ],
)
def test_iam_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert err.startswith("botwarden: error: ")


def test_bad_cloudtrail_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "trail.json"
    bad.write_text('{"Records": 5}', encoding="utf-8")
    code, _, err = run(capsys, "iam", "unused", str(POLICY), "--from-cloudtrail", str(bad))
    assert code == 2
    assert "not a CloudTrail log" in err


def test_unused_counts_calls_logged_without_resources(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = write(
        tmp_path / "p.json",
        policy(
            {
                "Sid": "Params",
                "Effect": "Allow",
                "Action": ["ssm:GetParameter", "iam:PassRole", "ec2:RunInstances"],
                "Resource": "arn:aws:ssm:eu-west-1:123456789012:parameter/bots/bibliobot/*",
            }
        ),
    )
    evidence = write(
        tmp_path / "trail.json",
        trail(
            {
                "eventSource": "ssm.amazonaws.com",
                "eventName": "GetParameter",
                "recipientAccountId": "123456789012",
                "requestParameters": {"name": "/bots/bibliobot/feeds"},
            }
        ),
    )
    _, out, _ = run(capsys, "iam", "unused", str(file), "--from-cloudtrail", str(evidence),
                    "--format", "json")  # fmt: skip
    by_severity = {f["severity"]: f["message"] for f in json.loads(out)["findings"]}
    assert "ssm:GetParameter" not in " ".join(by_severity.values())
    assert "ec2:RunInstances" in by_severity["medium"]
    assert "iam:PassRole" in by_severity["info"]  # checked inside other calls, never logged


def test_account_export_principals_are_checked_separately(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def role(name: str, action: str) -> dict[str, Any]:
        document = policy({"Effect": "Allow", "Action": action, "Resource": "*"})
        return {
            "RoleName": name,
            "Arn": f"arn:aws:iam::123456789012:role/{name}",
            "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": document}],
            "AttachedManagedPolicies": [],
        }

    export = write(
        tmp_path / "account.json",
        {
            "UserDetailList": [],
            "GroupDetailList": [],
            "RoleDetailList": [role("deployer", "iam:PassRole"), role("bot", "ec2:RunInstances")],
            "Policies": [],
        },
    )
    _, out, _ = run(capsys, "iam", "check", str(export), "--format", "json")
    assert "iam.privilege-escalation" not in {f["rule"] for f in json.loads(out)["findings"]}


def test_check_honours_baselines_and_inline_markers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "stack.yaml").write_text(
        "Resources:\n"
        "  BotPolicy:\n"
        "    Type: AWS::IAM::ManagedPolicy\n"
        "    Properties:\n"
        "      PolicyDocument:\n"
        "        Version: '2012-10-17'\n"
        "        Statement:\n"
        "          - Effect: Allow\n"
        "            Action: 's3:*'  # botwarden:ignore[iam.service-wildcard]\n"
        "            Resource: 'arn:aws:s3:::bucket/*'\n"
        "          - Sid: Pass\n"
        "            Effect: Allow\n"
        "            Action: 'iam:PassRole'\n"
        "            Resource: '*'\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)  # relative paths, as the audit reports them
    _, out, _ = run(capsys, "iam", "check", "stack.yaml", "--format", "json")
    report = json.loads(out)
    found = {f["rule"] for f in report["findings"]}
    assert "iam.service-wildcard" not in found
    assert "iam.pass-role-unrestricted" in found
    assert report["suppressed"]["inline"] == 1
    assert run(capsys, "audit", ".", "--write-baseline", "baseline.json")[0] == 1
    code, out, _ = run(capsys, "iam", "check", "stack.yaml", "--baseline", "baseline.json",
                       "--format", "json")  # fmt: skip
    report = json.loads(out)
    assert (code, report["findings"]) == (0, [])
    assert report["suppressed"]["baseline"] >= 1


def test_generate_refuses_a_manifest_without_aws_capabilities(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "botwarden.toml").write_text(
        'schema_version = 1\n[bot]\nname = "b"\nowner = "o"\n', encoding="utf-8"
    )
    code, out, err = run(capsys, "iam", "generate", "--manifest", str(tmp_path))
    assert (code, out) == (2, "")
    assert "declares no AWS capability" in err


@pytest.mark.parametrize(
    "conditions",
    [
        '{ StringEquals = { "aws:RequestedRegion" = "eu-west-1" } }',
        '{ IpAddress = { "aws:SourceIp" = "10.0.0.0/8" } }',
        '{ IpAddress = { "aws:SourceIp" = "10.1.2.3/32" } }',
        '{ "ForAnyValue:StringEquals" = { "aws:TagKeys" = ["a", "b"] } }',
        '{ "ForAllValues:StringEquals" = { "aws:TagKeys" = ["a"] }, '
        'Null = { "aws:TagKeys" = "false" } }',
        '{ Bool = { "aws:SecureTransport" = true } }',
        '{ StringLike = { "s3:prefix" = ["reports/*"] } }',
    ],
)
def test_generated_policy_round_trips_declared_conditions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], conditions: str
) -> None:
    (tmp_path / "botwarden.toml").write_text(
        'schema_version = 1\n[bot]\nname = "b"\nowner = "o"\n[[capability]]\nname = "put"\n'
        'provider = "aws"\nactions = ["s3:PutObject"]\n'
        'resources = ["arn:aws:s3:::bucket/out/*"]\n'
        f"conditions = {conditions}\n",
        encoding="utf-8",
    )
    policy_file = tmp_path / "policy.json"
    assert (
        run(capsys, "iam", "generate", "--manifest", str(tmp_path), "-o", str(policy_file))[0] == 0
    )
    code, out, _ = run(capsys, "iam", "check", str(policy_file), "--manifest", str(tmp_path),
                       "--format", "json")  # fmt: skip
    assert (code, json.loads(out)["findings"]) == (0, [])


SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bibliobot/feedly"
FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:bibliobot-summarize"


def test_cloudtrail_resources_are_the_named_resource(tmp_path: Path) -> None:
    from botwarden.iam.cloudtrail import read_cloudtrail

    evidence = write(
        tmp_path / "trail.json",
        trail(
            {
                "eventSource": "lambda.amazonaws.com",
                "eventName": "CreateFunction20150331",
                "recipientAccountId": "123456789012",
                "requestParameters": {
                    "functionName": "bibliobot-summarize",
                    "role": "arn:aws:iam::123456789012:role/x",
                },
            },
            {
                "eventSource": "secretsmanager.amazonaws.com",
                "eventName": "GetSecretValue",
                "recipientAccountId": "123456789012",
                "requestParameters": {"secretId": "bibliobot/feedly"},
            },
        ),
    )
    assert list(read_cloudtrail([evidence]).observed()) == [
        ("lambda:CreateFunction", FUNCTION_ARN),
        ("secretsmanager:GetSecretValue", SECRET_ARN + "-??????"),
    ]  # fmt: skip


def test_secret_reads_match_suffixed_grants(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = write(
        tmp_path / "p.json",
        policy(
            {
                "Effect": "Allow",
                "Action": "secretsmanager:GetSecretValue",
                "Resource": SECRET_ARN + "-??????",
            }
        ),
    )
    evidence = write(
        tmp_path / "trail.json",
        trail(
            {
                "eventSource": "secretsmanager.amazonaws.com",
                "eventName": "GetSecretValue",
                "recipientAccountId": "123456789012",
                "requestParameters": {"secretId": "bibliobot/feedly"},
            }
        ),
    )
    code, out, _ = run(capsys, "iam", "unused", str(file), "--from-cloudtrail", str(evidence),
                       "--format", "json")  # fmt: skip
    assert (code, json.loads(out)["findings"]) == (0, [])


def test_audit_checks_exported_identities_apart_from_the_bot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def role(name: str, action: str) -> dict[str, Any]:
        document = policy({"Effect": "Allow", "Action": action, "Resource": "*"})
        return {"RoleName": name, "Arn": f"arn:aws:iam::123456789012:role/{name}",
                "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": document}],
                "AttachedManagedPolicies": []}  # fmt: skip

    (tmp_path / "botwarden.toml").write_text(
        'schema_version = 1\n[bot]\nname = "b"\nowner = "o"\n', encoding="utf-8"
    )
    roles = [role("passer", "iam:PassRole"), role("runner", "ec2:RunInstances")]
    write(tmp_path / "account.json", {"RoleDetailList": roles})
    _, out, _ = run(capsys, "audit", str(tmp_path), "--only", "permissions", "--format", "json")
    found = {f["rule"] for f in json.loads(out)["findings"]}
    assert "iam.privilege-escalation" not in found
    assert "iam.over-privileged" not in found  # the manifest is the bot's, not every role's
    assert "iam.pass-role-unrestricted" in found


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["Version", "Statement", "Effect", "Action", "NotAction", "Resource",
                         "Condition", "Principal", "Sid", "StringLike", "aws:SourceIp", "x"]),
        inner, max_size=4),
    max_leaves=12,
)  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=_json_values.map(json.dumps) | st.text(max_size=200), suffix=st.sampled_from(
    [".json", ".yaml", ".tf", ".tf.json"]))  # fmt: skip
def test_check_never_shows_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, suffix: str
) -> None:
    path = tmp_path / f"policy{suffix}"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "iam", "check", str(path), "--format", "json")
    assert code in (0, 1, 2), err
    assert "Traceback" not in err
    if code != 2:
        json.loads(out)


def test_unused_and_generate_from_the_ledger(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The guard's ledger is evidence: allowed AWS calls are uses, refused ones are not."""
    from botwarden.ledger import open_ledger

    file = write(
        tmp_path / "p.json",
        policy(
            {
                "Sid": "Rw",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                "Resource": "arn:aws:s3:::b/*",
            }
        ),
    )
    url = f"sqlite:///{tmp_path / 'state.db'}"
    ledger = open_ledger(url)
    for bot, action, verdict in (
        ("reader", "s3:GetObject", "allow"),
        ("reader", "s3:DeleteObject", "deny"),  # refused: never reached AWS
        ("other", "s3:PutObject", "allow"),  # another bot's call
    ):
        ledger.append({"bot": bot, "method": "AWS", "verdict": verdict, "action": action,
                       "resource": "arn:aws:s3:::b/k"})  # fmt: skip
    ledger.close()
    code, out, _ = run(capsys, "iam", "unused", str(file), "--from-ledger", url, "--bot",
                       "reader", "--format", "json")  # fmt: skip
    assert code == 1
    unused = {f["evidence"] for f in json.loads(out)["findings"] if f["rule"] == "iam.unused"}
    assert any("s3:PutObject" in e for e in unused)
    assert any("s3:DeleteObject" in e for e in unused)
    assert not any("s3:GetObject" in e for e in unused)
    code, out, _ = run(capsys, "iam", "generate", "--from-ledger", url, "--bot", "reader")
    assert code == 0
    grants = {(s["Action"], s["Resource"]) for s in json.loads(out)["Statement"]}
    assert grants == {("s3:GetObject", "arn:aws:s3:::b/k")}


def test_from_ledger_on_a_missing_store_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'missing.db'}"
    code, _, err = run(capsys, "iam", "unused", str(POLICY), "--from-ledger", url)
    assert code == 2
    assert err.startswith("botwarden: error: ")
    assert not (tmp_path / "missing.db").exists()
