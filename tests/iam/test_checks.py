"""Each permissions rule fires on the mistake it names and stays quiet on the sound version."""

from __future__ import annotations

from typing import Any

import pytest

from botwarden.findings import Finding, Severity
from botwarden.iam.analyser import Principal, check_principals
from botwarden.iam.parse import policy_from_data
from botwarden.manifest import parse_manifest


def doc(*statements: dict[str, Any], name: str = "policy.json") -> Any:
    return policy_from_data(
        {"Version": "2012-10-17", "Statement": list(statements)}, path=name, name=name
    )


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def findings(*documents: Any, arn: str | None = None, manifest: Any = None) -> list[Finding]:
    return check_principals([Principal("p", tuple(documents), arn)], manifest=manifest)


def rules(*documents: Any, **kwargs: Any) -> set[str]:
    return {f.rule for f in findings(*documents, **kwargs)}


S3_READ = allow(["s3:GetObject"], "arn:aws:s3:::bucket/reports/*")

POSITIVE = [
    ("admin via *", [doc(allow("*"))], "iam.admin"),
    (
        "admin via NotAction",
        [doc({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"})],
        "iam.admin",
    ),
    ("wildcard service prefix is refused by IAM", [doc(allow("*:*"))], "iam.invalid-policy"),
    ("service wildcard", [doc(allow("s3:*", "arn:aws:s3:::bucket/*"))], "iam.service-wildcard"),
    ("write on all", [doc(allow("dynamodb:PutItem"))], "iam.write-on-all-resources"),
    ("permissions management", [doc(allow("iam:PutUserPolicy"))], "iam.permissions-management"),
    ("escalation", [doc(allow(["iam:PassRole", "ec2:RunInstances"]))], "iam.privilege-escalation"),
    (
        "escalation split over policies",
        [doc(allow("iam:PassRole"), name="a.json"), doc(allow("ec2:RunInstances"), name="b.json")],
        "iam.privilege-escalation",
    ),
    (
        "escalation via NotResource",
        [
            doc(
                {
                    "Effect": "Allow",
                    "Action": "iam:CreatePolicyVersion",
                    "NotResource": "arn:aws:iam::*:policy/x",
                }
            )
        ],
        "iam.privilege-escalation",
    ),
    ("data exfiltration", [doc(allow("secretsmanager:GetSecretValue"))], "iam.data-exfiltration"),
    (
        "credentials exposure",
        [doc(allow("redshift:GetClusterCredentials"))],
        "iam.credentials-exposure",
    ),
    ("resource exposure", [doc(allow("s3:PutBucketPolicy"))], "iam.resource-exposure"),
    ("pass role anywhere", [doc(allow("iam:PassRole"))], "iam.pass-role-unrestricted"),
    (
        "pass role to any service",
        [doc(allow("iam:PassRole", "arn:aws:iam::123456789012:role/worker"))],
        "iam.pass-role-unrestricted",
    ),
    ("unknown action", [doc(allow("s3:GetObjcet", "arn:aws:s3:::b/*"))], "iam.unknown-action"),
    (
        "resource mismatch",
        [doc(allow("s3:GetObject", "arn:aws:s3:::bucket"))],
        "iam.resource-mismatch",
    ),
    (
        "prefix leak in ARN",
        [doc(allow("s3:GetObject", "arn:aws:s3:::bucket/folder*"))],
        "iam.prefix-leak",
    ),
    (
        "prefix leak in bucket name",
        [doc(allow("s3:ListBucket", "arn:aws:s3:::prod*"))],
        "iam.prefix-leak",
    ),
    (
        "prefix leak in s3:prefix",
        [
            doc(
                allow(
                    "s3:ListBucket",
                    "arn:aws:s3:::bucket",
                    Condition={"StringLike": {"s3:prefix": ["home/alice*"]}},
                )
            )
        ],
        "iam.prefix-leak",
    ),
    (
        "StringEquals with wildcard",
        [
            doc(
                allow(
                    "s3:GetObject",
                    "arn:aws:s3:::b/*",
                    Condition={"StringEquals": {"aws:PrincipalTag/team": "bots-*"}},
                )
            )
        ],
        "iam.condition-mistake",
    ),
    (
        "ForAllValues without Null guard",
        [
            doc(
                allow(
                    "dynamodb:GetItem",
                    "arn:aws:dynamodb:*:*:table/t",
                    Condition={
                        "ForAllValues:StringEquals": {"dynamodb:Attributes": ["id", "name"]}
                    },
                )
            )
        ],
        "iam.condition-mistake",
    ),
    (
        "MFA deny without IfExists",
        [doc(S3_READ, deny("*", Condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}}))],
        "iam.condition-mistake",
    ),
    (
        "invalid effect",
        [
            policy_from_data(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Permit", "Action": "s3:GetObject", "Resource": "*"}],
                },
                path="p",
                name="p",
            )
        ],
        "iam.invalid-policy",
    ),
    (
        "missing version",
        [policy_from_data({"Statement": [S3_READ]}, path="p", name="p")],
        "iam.invalid-policy",
    ),
]


@pytest.mark.parametrize(("case", "documents", "rule"), POSITIVE, ids=[c[0] for c in POSITIVE])
def test_rule_fires(case: str, documents: list[Any], rule: str) -> None:
    assert rule in rules(*documents)


NEGATIVE = [
    ("scoped reader is clean", [doc(S3_READ)], set()),
    ("deny cancels admin", [doc(allow("*"), deny("*"))], {"iam.admin"}),
    (
        "deny cancels escalation",
        [doc(allow(["iam:PassRole", "ec2:RunInstances"]), deny("iam:PassRole"))],
        {"iam.privilege-escalation", "iam.pass-role-unrestricted"},
    ),
    (
        "star-only actions are not write-on-all",
        [doc(allow(["s3:ListAllMyBuckets", "ec2:DescribeInstances"]))],
        {"iam.write-on-all-resources", "iam.data-exfiltration"},
    ),
    (
        "StringLike with wildcard is fine",
        [
            doc(
                allow(
                    "s3:GetObject",
                    "arn:aws:s3:::b/*",
                    Condition={"StringLike": {"aws:PrincipalTag/team": "bots-*"}},
                )
            )
        ],
        {"iam.condition-mistake"},
    ),
    (
        "ForAllValues with Null guard",
        [
            doc(
                allow(
                    "dynamodb:GetItem",
                    "arn:aws:dynamodb:*:*:table/t",
                    Condition={
                        "ForAllValues:StringEquals": {"dynamodb:Attributes": ["id"]},
                        "Null": {"dynamodb:Attributes": "false"},
                    },
                )
            )
        ],
        {"iam.condition-mistake"},
    ),
    (
        "MFA deny with IfExists",
        [
            doc(
                S3_READ,
                deny("*", Condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}),
            )
        ],
        {"iam.condition-mistake"},
    ),
    (
        "prefix with separator",
        [doc(allow("s3:GetObject", "arn:aws:s3:::bucket/folder/*"))],
        {"iam.prefix-leak"},
    ),
    (
        "pass role scoped and limited",
        [
            doc(
                allow(
                    "iam:PassRole",
                    "arn:aws:iam::123456789012:role/worker",
                    Condition={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
                )
            )
        ],
        {"iam.pass-role-unrestricted"},
    ),
    (
        "case-insensitive action is known",
        [doc(allow("S3:GETOBJECT", "arn:aws:s3:::b/*"))],
        {"iam.unknown-action"},
    ),
    (
        "object action on object ARN",
        [doc(allow("s3:GetObject", "arn:aws:s3:::bucket/*"))],
        {"iam.resource-mismatch"},
    ),
    (
        "credentials only grantable on * are not reported",
        [doc(allow(["ecr:GetAuthorizationToken", "sts:GetSessionToken"]))],
        {"iam.credentials-exposure"},
    ),
    (
        "ArnEquals matches wildcards like ArnLike",
        [
            doc(
                allow(
                    "sns:Publish",
                    "arn:aws:sns:eu-west-1:123456789012:alerts",
                    Condition={"ArnEquals": {"aws:SourceArn": "arn:aws:s3:::bucket-*"}},
                )
            )
        ],
        {"iam.condition-mistake"},
    ),
    (
        "admin subsumes the rest",
        [doc(allow("*"))],
        {"iam.write-on-all-resources", "iam.privilege-escalation", "iam.service-wildcard"},
    ),
]


@pytest.mark.parametrize(("case", "documents", "absent"), NEGATIVE, ids=[c[0] for c in NEGATIVE])
def test_rule_stays_quiet(case: str, documents: list[Any], absent: set[str]) -> None:
    found = rules(*documents)
    if absent:
        assert not (found & absent), found
    else:
        assert found == set(), found


def test_principal_risks_are_judged_on_the_union_of_its_policies() -> None:
    """A Deny in one of the principal's policies takes back what another allows; what is wrong
    with each document itself is still reported per document."""
    allowing = doc(
        allow(["iam:PassRole", "ec2:RunInstances"]),
        allow("s3:GetObjcet", "arn:aws:s3:::b/*"),
        name="a.json",
    )
    denying = doc(deny("iam:PassRole"), name="b.json")
    found = rules(allowing, denying)
    assert "iam.privilege-escalation" not in found
    assert "iam.unknown-action" in found
    assert "iam.privilege-escalation" in rules(allowing)


def test_near_admin_without_iam_is_judged_by_what_it_can_do() -> None:
    power_user = doc(
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}
    )
    found = rules(power_user)
    assert "iam.admin" not in found
    assert {"iam.write-on-all-resources", "iam.privilege-escalation"} <= found


@pytest.mark.parametrize(
    ("action", "resource", "rule"),
    [
        ("iam:PutRolePolicy", "arn:aws:iam::*:role/*", "iam.permissions-management"),
        ("iam:CreateAccessKey", "arn:aws:iam::123456789012:user/*", "iam.credentials-exposure"),
        ("dynamodb:PutItem", "arn:aws:dynamodb:*:*:table/*", "iam.write-on-all-resources"),
        ("s3:GetObject", "arn:aws:s3:::*/*", "iam.data-exfiltration"),
    ],
)
def test_every_resource_of_a_kind_counts_as_every_resource(
    action: str, resource: str, rule: str
) -> None:
    assert rule in rules(doc(allow(action, resource)))


def test_every_resource_of_a_kind_counts_only_actions_that_apply_to_it() -> None:
    objects_only = doc(allow(["s3:PutObject", "s3:PutBucketPolicy"], "arn:aws:s3:::*/*"))
    found = {f.rule: f.message for f in findings(objects_only)}
    assert "s3:PutObject" in found["iam.write-on-all-resources"]
    assert "iam.resource-exposure" not in found  # a bucket policy is set on a bucket, not objects


def test_admin_through_not_action_names_what_it_excludes() -> None:
    policy = doc({"Effect": "Allow", "NotAction": ["s3:*"], "Resource": "*"})
    (admin,) = [f for f in findings(policy) if f.rule == "iam.admin"]
    assert admin.severity is Severity.CRITICAL
    assert "except s3" in admin.message
    assert admin.evidence == "NotAction: s3:*"


def test_self_modification_needs_the_principal_arn() -> None:
    policy = doc(allow("iam:PutRolePolicy", "arn:aws:iam::123456789012:role/bots-*"))
    own = "arn:aws:iam::123456789012:role/bots-bibliobot"
    messages = [
        f.message for f in findings(policy, arn=own) if f.rule == "iam.privilege-escalation"
    ]
    assert any("its own permissions" in m for m in messages)
    other = "arn:aws:iam::123456789012:role/other"
    assert not any("its own" in f.message for f in findings(policy, arn=other))


def test_findings_point_at_lines() -> None:
    from botwarden.iam.jsonlines import parse_json_with_lines

    text = (
        '{\n "Version": "2012-10-17",\n "Statement": [\n  {"Effect": "Allow",\n'
        '   "Action": ["s3:GetObjcet"],\n   "Resource": "arn:aws:s3:::b/*"}\n ]\n}\n'
    )
    data, lines = parse_json_with_lines(text)
    document = policy_from_data(data, path="p.json", name="p.json", lines=lines)
    (unknown,) = [f for f in findings(document) if f.rule == "iam.unknown-action"]
    assert unknown.location.line == 5
    assert "did you mean 's3:GetObject'" in unknown.message


MANIFEST_TEXT = """\
schema_version = 1
[bot]
name = "reader"
owner = "team"
[[capability]]
name = "read-reports"
provider = "aws"
actions = ["s3:GetObject"]
resources = ["arn:aws:s3:::bucket/reports/*"]
"""
MANIFEST = parse_manifest(MANIFEST_TEXT)


def test_exact_policy_matches_the_manifest() -> None:
    listing = allow(
        "s3:ListBucket",
        "arn:aws:s3:::bucket",
        Condition={"StringLike": {"s3:prefix": ["reports/*"]}},
    )
    assert (
        rules(doc(S3_READ, listing), manifest=MANIFEST)
        & {"iam.over-privileged", "iam.under-privileged"}
        == set()
    )


def test_over_privileged_names_the_excess() -> None:
    policy = doc(allow(["s3:GetObject", "s3:DeleteObject"], "arn:aws:s3:::bucket/*"))
    (excess,) = [f for f in findings(policy, manifest=MANIFEST) if f.rule == "iam.over-privileged"]
    assert "s3:DeleteObject" in excess.message
    assert "s3:GetObject on 'arn:aws:s3:::bucket/*'" in excess.message
    assert "Least-privilege policy" in excess.remediation


def test_under_privileged_points_at_the_manifest() -> None:
    policy = doc(allow("s3:GetObject", "arn:aws:s3:::bucket/other/*"))
    (missing,) = [
        f for f in findings(policy, manifest=MANIFEST) if f.rule == "iam.under-privileged"
    ]
    assert missing.location.path == "botwarden.toml"
    assert missing.location.line == 9


def test_unconditional_listing_exceeds_the_conditional_companion() -> None:
    policy = doc(S3_READ, allow("s3:ListBucket", "arn:aws:s3:::bucket"))
    (excess,) = [f for f in findings(policy, manifest=MANIFEST) if f.rule == "iam.over-privileged"]
    assert "s3:ListBucket" in excess.message


def test_declared_conditions_are_part_of_the_request() -> None:
    """A capability with conditions is satisfied by a policy with the same conditions."""
    manifest = parse_manifest(
        MANIFEST_TEXT.replace(
            'resources = ["arn:aws:s3:::bucket/reports/*"]',
            'resources = ["arn:aws:s3:::bucket/reports/*"]\n'
            'conditions = { StringEquals = { "aws:RequestedRegion" = "eu-west-1" } }',
        )
    )
    conditional = allow(
        "s3:GetObject",
        "arn:aws:s3:::bucket/reports/*",
        Condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
    )
    assert "iam.under-privileged" not in rules(doc(conditional), manifest=manifest)
    other_region = allow(
        "s3:GetObject",
        "arn:aws:s3:::bucket/reports/*",
        Condition={"StringEquals": {"aws:RequestedRegion": "us-east-1"}},
    )
    assert "iam.under-privileged" in rules(doc(other_region), manifest=manifest)


def test_scoped_pass_role_escalation_is_medium() -> None:
    scoped = allow(
        "iam:PassRole",
        "arn:aws:iam::123456789012:role/worker",
        Condition={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
    )
    found = findings(doc(scoped, allow("ec2:RunInstances")))
    (escalation,) = [f for f in found if f.rule == "iam.privilege-escalation"]
    assert escalation.severity is Severity.MEDIUM
    assert "review what those roles can do" in escalation.message


@pytest.mark.parametrize(
    ("actions", "path"),
    [
        (["iam:PassRole", "ecs:RunTask"], "passrole-ecs-override"),
        (["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"],
         "cloudformation-changeset"),
        (["ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"],
         "ec2-user-data"),
        (["iam:PassRole", "codebuild:CreateProject", "codebuild:StartBuildBatch"],
         "passrole-codebuild-batch"),
    ],
)  # fmt: skip
def test_published_escalation_paths(actions: list[str], path: str) -> None:
    (escalation,) = [
        f for f in findings(doc(allow(actions))) if f.rule == "iam.privilege-escalation"
    ]
    assert path in escalation.message


def test_passed_to_service_limits_which_paths_a_role_can_complete() -> None:
    to_lambda = allow(
        "iam:PassRole",
        "*",
        Condition={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}},
    )
    assert "iam.privilege-escalation" not in rules(doc(to_lambda, allow("ec2:RunInstances")))
    lambda_path = doc(to_lambda, allow(["lambda:CreateFunction", "lambda:InvokeFunction"]))
    assert "iam.privilege-escalation" in rules(lambda_path)


def test_documented_path_count_matches_the_code() -> None:
    from pathlib import Path

    from botwarden.iam.escalation import PATHS

    rules_doc = (Path(__file__).parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    assert f"The {len(PATHS)} paths" in rules_doc


# -- who may use a resource or trust policy ------------------------------------------------------

GITHUB = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
BUCKET = "arn:aws:s3:::bucket/*"


def grant(principal: Any, action: Any = "s3:GetObject", **extra: Any) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Principal": principal, "Action": action, **extra}
    if not str(action).startswith("sts:"):
        statement["Resource"] = BUCKET
    return statement


def web(condition: dict[str, Any] | None = None, action: str = "sts:AssumeRoleWithWebIdentity"):
    extra = {"Condition": condition} if condition is not None else {}
    return grant({"Federated": GITHUB}, action, **extra)


SUB = "token.actions.githubusercontent.com:sub"
AUD = {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (grant("*"), {"iam.public-principal"}),
        (grant({"AWS": "*"}), {"iam.public-principal"}),
        (grant({"AWS": ["arn:aws:iam::123456789012:root", "*"]}), {"iam.public-principal"}),
        (grant({"AWS": "*"}, "sts:AssumeRole"), {"iam.public-principal"}),
        (grant("*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}), set()),
        (grant("*", Condition={"StringEquals": {"aws:SourceVpce": "vpce-1"}}), set()),
        (grant("*", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}), set()),
        # AWS's own patterns: a KMS key for one account's EBS, S3 access point delegation
        (grant({"AWS": "*"}, "kms:Decrypt", Condition={"StringEquals": {
            "kms:CallerAccount": "123456789012", "kms:ViaService": "ec2.eu-west-1.amazonaws.com"}}),
         set()),
        (grant({"AWS": "*"}, Condition={"StringEquals": {"s3:DataAccessPointAccount": "1234"}}),
         set()),
        (grant("*", Condition={"Bool": {"aws:PrincipalIsAWSService": "true"}}), set()),
        (grant("*", Condition={"Bool": {"aws:PrincipalIsAWSService": "false"}}),
         {"iam.public-principal"}),
        # conditions that do not limit the caller
        (grant("*", Condition={"StringLike": {"aws:PrincipalOrgID": "*"}}),
         {"iam.public-principal"}),
        (grant("*", Condition={"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}),
         {"iam.public-principal"}),
        (grant("*", Condition={"StringNotEquals": {"aws:PrincipalOrgID": "o-abc"}}),
         {"iam.public-principal"}),
        (grant("*", Condition={"StringEquals": {"s3:ExistingObjectTag/x": "y"}}),
         {"iam.public-principal"}),
        (grant({"AWS": "arn:aws:iam::123456789012:root"}), set()),
        (grant({"Service": "lambda.amazonaws.com"}), set()),
        ({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": BUCKET}, set()),
        # shared OIDC providers
        (web(AUD), {"iam.web-identity-unscoped"}),
        (web(), {"iam.web-identity-unscoped"}),
        (web({"StringLike": {SUB: "repo:*"}}), {"iam.web-identity-unscoped"}),
        (web({"StringLike": {SUB: "*"}}), {"iam.web-identity-unscoped"}),
        (web({"StringLike": {SUB: ["repo:acme/bot:*", "repo:*"]}}), {"iam.web-identity-unscoped"}),
        (web({"StringEquals": {**AUD, SUB: "repo:acme/bot:ref:refs/heads/main"}}), set()),
        (web({"StringLike": {SUB: "repo:acme/*"}}), set()),
        (web(AUD, action="sts:*"), {"iam.web-identity-unscoped"}),
        (web(AUD, action="sts:AssumeRole"), set()),
        (grant({"Federated": "arn:aws:iam::1:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/X"},
               "sts:AssumeRoleWithWebIdentity"), set()),  # a cluster's own issuer
    ],
)  # fmt: skip
def test_who_may_use_the_grant(statement: dict[str, Any], expected: set[str]) -> None:
    found = {f.rule for f in findings(doc(statement))} & {
        "iam.public-principal",
        "iam.web-identity-unscoped",
    }
    assert found == expected


def test_not_principal_is_not_read_as_public() -> None:
    statement = {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"},
                 "Action": "s3:GetObject", "Resource": BUCKET}  # fmt: skip
    assert "iam.public-principal" not in rules(doc(statement))


@pytest.mark.parametrize(
    "action",
    ["dynamodb:Scan", "dynamodb:BatchGetItem", "sqs:ReceiveMessage", "kinesis:GetRecords",
     "logs:FilterLogEvents", "dynamodb:*"],
)  # fmt: skip
def test_bulk_reads_of_every_table_queue_stream_or_log_are_exfiltration(action: str) -> None:
    assert "iam.data-exfiltration" in rules(doc(allow(action)))
    scoped = {
        "dynamodb": "arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
        "sqs": "arn:aws:sqs:eu-west-1:123456789012:jobs",
        "kinesis": "arn:aws:kinesis:eu-west-1:123456789012:stream/events",
        "logs": "arn:aws:logs:eu-west-1:123456789012:log-group:/bots/spree:*",
    }[action.partition(":")[0]]
    assert "iam.data-exfiltration" not in rules(doc(allow(action, scoped)))
