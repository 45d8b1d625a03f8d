"""Each source format yields the same model, with names that tell documents apart and real lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from botwarden.iam.jsonlines import PolicyParseError, parse_json_with_lines
from botwarden.iam.model import Effect, Located, PolicyDocument, PolicyKind, Principal
from botwarden.iam.parse import documents_from_file
from botwarden.iam.sources import PrincipalPolicies
from botwarden.iam.sources.authorization_details import (
    documents_from_authorization_details,
    is_authorization_details,
    principals_from_authorization_details,
)
from botwarden.iam.sources.cloudformation import (
    documents_from_template,
    is_template,
    load_yaml_with_lines,
    principals_from_template,
)
from botwarden.iam.sources.plain_json import documents_from_plain
from botwarden.iam.sources.terraform import documents_from_hcl, documents_from_plan, is_plan

DATA = Path(__file__).parent / "data"


def line_of(name: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line of fixture ``name`` containing ``needle``."""
    found = [
        number
        for number, line in enumerate((DATA / name).read_text().splitlines(), start=1)
        if needle in line
    ]
    return found[occurrence - 1]


def load(name: str) -> list[PolicyDocument]:
    return documents_from_file(DATA / name, name)


def by_name(documents: list[PolicyDocument]) -> dict[str, PolicyDocument]:
    return {document.name: document for document in documents}


# -- plain documents and CLI outputs ---------------------------------------------------------------


def test_get_role_policy_output() -> None:
    (document,) = load("get-role-policy.json")
    assert document.name == "role/bibliobot-role inline policy read-logs"
    assert document.problems == ()
    assert document.line == line_of("get-role-policy.json", '"PolicyDocument"')
    (statement,) = document.statements
    assert statement.line == line_of("get-role-policy.json", '"Statement"')
    assert statement.actions == (
        Located("logs:GetLogEvents", line_of("get-role-policy.json", "logs:GetLogEvents")),
    )


def plain(data: Any, name: str = "out.json") -> PolicyDocument:
    text = json.dumps(data, indent=2)
    parsed, lines = parse_json_with_lines(text)
    (document,) = documents_from_plain(parsed, lines, path=name, name=name)
    return document


DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}


@pytest.mark.parametrize(
    ("output", "name", "kind"),
    [
        (DOCUMENT, "out.json", PolicyKind.IDENTITY),
        ({"PolicyVersion": {"Document": DOCUMENT, "VersionId": "v3"}}, "out.json (v3)",
         PolicyKind.IDENTITY),
        ({"Policy": {"PolicyVersion": {"Document": DOCUMENT}}}, "out.json", PolicyKind.IDENTITY),
        ({"PolicyName": "p", "PolicyDocument": DOCUMENT}, "p", PolicyKind.IDENTITY),
        ({"UserName": "bob", "PolicyName": "p", "PolicyDocument": DOCUMENT},
         "user/bob inline policy p", PolicyKind.IDENTITY),
        ({"Role": {"RoleName": "r", "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                           "Action": "sts:AssumeRole"}]}}},
         "role/r trust policy", PolicyKind.TRUST),
    ],
)  # fmt: skip
def test_cli_output_wrappers(output: Any, name: str, kind: PolicyKind) -> None:
    document = plain(output)
    assert (document.name, document.kind, document.problems) == (name, kind, ())
    assert len(document.statements) == 1


def test_wrapped_document_lines_point_into_the_wrapper() -> None:
    document = plain({"PolicyVersion": {"Document": DOCUMENT, "VersionId": "v1"}})
    # {, "PolicyVersion": {, "Document": {, "Version", "Statement": [, {, "Effect", "Action"
    assert document.line == 3
    assert document.statements[0].line == 6
    assert document.statements[0].actions[0].line == 8


def test_bucket_policy_output_holds_json_text() -> None:
    text = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*",
                                                 "Action": "s3:*", "Resource": "*"}]}
    )  # fmt: skip
    document = plain({"Policy": text})
    assert document.kind is PolicyKind.RESOURCE
    assert document.statements[0].principal == Principal(any=True)
    assert document.statements[0].actions == (Located("s3:*", 2),)


# -- account authorization details -----------------------------------------------------------------

DETAILS = "authorization-details.json"


def details() -> tuple[Any, dict[Any, int]]:
    return parse_json_with_lines((DATA / DETAILS).read_text())


def test_authorization_details_documents() -> None:
    documents = load(DETAILS)
    assert [document.name for document in documents] == [
        "policy/BotReadLogs",
        "policy/BotBoundary",
        "group/bot-operators inline policy restart-bots",
        "user/alice inline policy own-secrets",
        "role/bibliobot-role inline policy read-logs",
        "role/bibliobot-role trust policy",
    ]
    assert all(document.problems == () for document in documents)
    found = by_name(documents)
    managed = found["policy/BotReadLogs"]
    assert managed.statements[0].action_values == ("logs:*",)  # the default version, not v1
    assert managed.line == line_of(DETAILS, '"Document"')
    assert managed.statements[0].actions[0].line == line_of(DETAILS, '"logs:*"')
    trust = found["role/bibliobot-role trust policy"]
    assert trust.kind is PolicyKind.TRUST
    assert trust.statements[0].actions == (
        Located("sts:AssumeRole", line_of(DETAILS, "sts:AssumeRole")),
    )
    inline = found["role/bibliobot-role inline policy read-logs"]
    assert inline.statements[0].sid == "ReadBotLogs"
    assert [item.line for item in inline.statements[0].actions] == [
        line_of(DETAILS, '"s3:GetObject"'),
        line_of(DETAILS, '"s3:ListBucket"'),
    ]


def test_url_encoded_documents_are_placed_on_their_line() -> None:
    group = by_name(load(DETAILS))["group/bot-operators inline policy restart-bots"]
    line = line_of(DETAILS, '"PolicyDocument": "%7B')
    assert group.line == line
    assert group.statements[0].actions == (Located("ecs:UpdateService", line),)


def test_principals_see_the_union_of_their_policies() -> None:
    data, lines = details()
    principals = {p.name: p for p in principals_from_authorization_details(data, lines, path="d")}
    assert [(p.kind, p.arn) for p in principals.values()] == [
        ("group", "arn:aws:iam::123456789012:group/bot-operators"),
        ("user", "arn:aws:iam::123456789012:user/alice"),
        ("role", "arn:aws:iam::123456789012:role/bibliobot-role"),
    ]
    alice = principals["alice"]
    assert [document.name for document in alice.documents] == [
        "user/alice inline policy own-secrets",
        "group/bot-operators inline policy restart-bots",
        "policy/BotReadLogs",
    ]
    assert alice.unresolved == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    assert alice.trust is None
    role = principals["bibliobot-role"]
    assert [document.name for document in role.documents] == [
        "role/bibliobot-role inline policy read-logs",
        "policy/BotReadLogs",
    ]
    assert role.trust is not None and role.trust.kind is PolicyKind.TRUST
    assert role.boundary is not None and role.boundary.name == "policy/BotBoundary"
    assert role.documents[1] is alice.documents[2]  # a managed policy is read once, and shared


def test_authorization_details_detection_and_odd_shapes() -> None:
    assert is_authorization_details({"RoleDetailList": []})
    assert not is_authorization_details({"Policies": []})
    assert not is_authorization_details([])
    odd = {
        "UserDetailList": ["alice", {"UserName": 5, "UserPolicyList": [{"PolicyDocument": 3}]}],
        "Policies": [{"Arn": "a", "PolicyVersionList": []}, "x"],
    }
    documents = documents_from_authorization_details(odd, path="d")
    assert [(d.name, d.problems[0].message) for d in documents] == [
        ("user/? inline policy ?", "policy document must be a JSON object, not a number"),
    ]
    principals = principals_from_authorization_details(odd, path="d")
    assert principals == [PrincipalPolicies("?", "?", "user", documents)]


# -- CloudFormation --------------------------------------------------------------------------------

STACK_YAML = "bibliobot-stack.yaml"
STACK_JSON = "bibliobot-stack.json"


def test_yaml_template_documents() -> None:
    documents = load(STACK_YAML)
    assert [(d.name, d.kind, len(d.statements)) for d in documents] == [
        ("BotRole.AssumeRolePolicyDocument", PolicyKind.TRUST, 1),
        ("BotRole.Policies[0] (read-logs)", PolicyKind.IDENTITY, 2),
        ("BotReadLogs", PolicyKind.IDENTITY, 1),
        ("DataBucketPolicy", PolicyKind.RESOURCE, 1),
    ]
    assert all(document.problems == () for document in documents)
    assert all(document.version == "2012-10-17" for document in documents)  # dates stay text


def test_yaml_short_tags_become_patterns() -> None:
    read_logs = by_name(load(STACK_YAML))["BotRole.Policies[0] (read-logs)"]
    first, conditional = read_logs.statements
    assert first.resources == (
        Located("${DataBucket.Arn}", line_of(STACK_YAML, "!GetAtt DataBucket.Arn")),
        Located("arn:aws:s3:::${BucketName}/logs/bibliobot/*", line_of(STACK_YAML, "/logs/bib")),
        Located("arn:aws:s3:::${BucketName}/shared/*", line_of(STACK_YAML, "!Join")),
    )
    assert first.actions[1] == Located("s3:ListBucket", line_of(STACK_YAML, "- s3:ListBucket"))
    assert read_logs.line == line_of(STACK_YAML, " PolicyDocument:")
    # Fn::If keeps the branch that is not AWS::NoValue, with that branch's lines
    assert conditional.sid == "ProdOnly"
    assert conditional.line == line_of(STACK_YAML, "- Sid: ProdOnly")
    (condition,) = conditional.conditions
    assert (condition.key, condition.values) == ("cloudwatch:namespace", ("${AWS::StackName}",))
    assert condition.line == line_of(STACK_YAML, "cloudwatch:namespace")


def test_yaml_resource_policy() -> None:
    bucket = by_name(load(STACK_YAML))["DataBucketPolicy"]
    (statement,) = bucket.statements
    assert statement.effect is Effect.DENY
    assert statement.principal == Principal(any=True)
    assert statement.resources == (
        Located("${DataBucket.Arn}/*", line_of(STACK_YAML, '"${DataBucket.Arn}/*"')),
    )
    assert statement.conditions[0].values == ("false",)


def test_json_template_documents() -> None:
    documents = by_name(load(STACK_JSON))
    assert list(documents) == ["BotPolicy (${AWS::StackName}-bot)", "QueuePolicy", "Key.KeyPolicy"]
    policy = documents["BotPolicy (${AWS::StackName}-bot)"]
    queue, parameter = policy.statements
    assert queue.resources == (Located("${Queue.Arn}", line_of(STACK_JSON, '"Fn::GetAtt": [')),)
    assert parameter.resources == (
        Located(
            "arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/bots/*",
            line_of(STACK_JSON, '"Resource": {', 2),
        ),
    )
    assert documents["QueuePolicy"].kind is PolicyKind.RESOURCE
    assert documents["QueuePolicy"].statements[0].resources[0].value == "${Queue.Arn}"
    key = documents["Key.KeyPolicy"]
    key_line = line_of(STACK_JSON, '"KeyPolicy"')
    assert (key.kind, key.line) == (PolicyKind.RESOURCE, key_line)
    assert key.statements[0].actions == (Located("kms:*", key_line),)


def template(statements: list[Any], type_name: str = "AWS::IAM::ManagedPolicy") -> dict[str, Any]:
    return {
        "Resources": {
            "P": {
                "Type": type_name,
                "Properties": {
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}
                },
            }
        }
    }


def test_intrinsic_functions_in_json_form() -> None:
    statement = {
        "Effect": "Allow",
        "Action": [
            "s3:GetObject",
            {"Fn::If": ["C", "s3:PutObject", {"Ref": "AWS::NoValue"}]},
            {"Fn::If": ["C", {"Ref": "AWS::NoValue"}, "s3:DeleteObject"]},
            {"Ref": "AWS::NoValue"},
            {"Fn::Select": [1, ["sqs:SendMessage", "sqs:ReceiveMessage"]]},
        ],
        "Resource": [
            {"Fn::Sub": ["arn:aws:s3:::${B}/*", {"B": "biblio-data"}]},
            {"Fn::Sub": ["arn:aws:s3:::${B}/x", {"B": {"Ref": "Bucket"}}]},
            {"Fn::ImportValue": "shared-bucket-arn"},
            {"Fn::Join": ["", {"Ref": "Parts"}]},
            {"Fn::Sub": 5},
        ],
    }
    (document,) = documents_from_template(template([statement]), path="t")
    assert document.problems == ()
    assert document.statements[0].action_values == (
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
        "sqs:ReceiveMessage",
    )
    assert document.statements[0].resource_values == (
        "arn:aws:s3:::biblio-data/*",
        "arn:aws:s3:::${B}/x",
        "${Fn::ImportValue}",
        "${Fn::Join}",
        "${Fn::Sub}",
    )


def test_template_detection_and_odd_shapes() -> None:
    assert is_template({"AWSTemplateFormatVersion": "2010-09-09"})
    assert is_template({"Resources": {"R": {"Type": "AWS::SQS::Queue"}}})
    assert not is_template({"Resources": {"R": {"Type": "Custom::Thing"}}})
    assert not is_template({"Statement": []})
    odd = {
        "Resources": {
            "A": "x",
            "B": {"Type": ["AWS::IAM::Role"], "Properties": {}},
            "C": {"Type": "AWS::IAM::Role", "Properties": {"Policies": "x"}},
        }
    }
    assert documents_from_template(odd, path="t") == []
    assert documents_from_template([], path="t") == []  # fmt: skip


def test_yaml_template_principals() -> None:
    data, lines = load_yaml_with_lines((DATA / STACK_YAML).read_text(), path=STACK_YAML)
    (role,) = principals_from_template(data, lines, path=STACK_YAML)
    assert (role.arn, role.name, role.kind) == ("${BotRole.Arn}", "bibliobot-role", "role")
    assert [d.name for d in role.documents] == ["BotRole.Policies[0] (read-logs)", "BotReadLogs"]
    assert role.trust is not None and role.trust.name == "BotRole.AssumeRolePolicyDocument"
    assert (role.boundary, role.unresolved) == (None, [])


ALLOW_ALL = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*",
                                                    "Resource": "*"}}  # fmt: skip


def test_template_principals_follow_attachments() -> None:
    data = {
        "Resources": {
            "Bot": {"Type": "AWS::IAM::Role", "Properties": {
                "RoleName": "bot",
                "AssumeRolePolicyDocument": ALLOW_ALL,
                "ManagedPolicyArns": [{"Ref": "Shared"}, "arn:aws:iam::aws:policy/ReadOnlyAccess"],
                "PermissionsBoundary": {"Ref": "Boundary"},
            }},
            "Shared": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {
                "PolicyDocument": ALLOW_ALL, "Groups": ["operators"]}},
            "Boundary": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {
                "PolicyDocument": ALLOW_ALL}},
            "ByRef": {"Type": "AWS::IAM::Policy", "Properties": {
                "PolicyName": "by-ref", "PolicyDocument": ALLOW_ALL,
                "Roles": [{"Ref": "Bot"}]}},
            "ByName": {"Type": "AWS::IAM::RolePolicy", "Properties": {
                "PolicyName": "by-name", "PolicyDocument": ALLOW_ALL, "RoleName": "bot"}},
            "Other": {"Type": "AWS::IAM::Policy", "Properties": {
                "PolicyName": "other", "PolicyDocument": ALLOW_ALL, "Roles": ["someone"]}},
            "Operators": {"Type": "AWS::IAM::Group", "Properties": {"GroupName": "operators"}},
            "Alice": {"Type": "AWS::IAM::User", "Properties": {
                "Groups": [{"Ref": "Operators"}],
                "Policies": [{"PolicyName": "own", "PolicyDocument": ALLOW_ALL}]}},
        }
    }  # fmt: skip
    principals = {p.name: p for p in principals_from_template(data, path="t")}
    assert [(p.kind, p.name) for p in principals.values()] == [
        ("group", "operators"),
        ("user", "Alice"),
        ("role", "bot"),
    ]
    bot = principals["bot"]
    assert [d.name for d in bot.documents] == ["Shared", "ByRef (by-ref)", "ByName (by-name)"]
    assert bot.unresolved == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    assert bot.boundary is not None and bot.boundary.name == "Boundary"
    assert bot.trust is not None and bot.trust.kind is PolicyKind.TRUST
    assert [d.name for d in principals["Alice"].documents] == ["Alice.Policies[0] (own)", "Shared"]
    assert principals["Alice"].trust is None


def test_yaml_lines_follow_tags_and_survive_alias_cycles() -> None:
    data, lines = load_yaml_with_lines(
        "a: !Sub\n  - x-${y}\n  - y: !Ref Z\nb: &anchor\n  - c\n  - *anchor\n", path="t.yaml"
    )
    assert data["a"] == {"Fn::Sub": ["x-${y}", {"y": {"Ref": "Z"}}]}
    assert lines[("a", "Fn::Sub", 0)] == 2
    assert lines[("a", "Fn::Sub", 1, "y")] == 3
    assert data["b"][1] is data["b"]
    assert ("b", 1) in lines


# -- Terraform -------------------------------------------------------------------------------------

TF = "bibliobot.tf"


def test_tf_documents_in_file_order() -> None:
    documents = load(TF)
    assert [(d.name, d.kind, len(d.statements)) for d in documents] == [
        ("data.aws_iam_policy_document.assume", PolicyKind.TRUST, 1),
        ("aws_iam_role.bibliobot inline_policy metrics", PolicyKind.IDENTITY, 1),
        ("aws_iam_policy.bibliobot", PolicyKind.IDENTITY, 1),
        ("aws_iam_role_policy.queue", PolicyKind.IDENTITY, 1),
        ("data.aws_iam_policy_document.bucket", PolicyKind.RESOURCE, 1),
    ]  # aws_iam_user_policy.computed holds var.ci_policy, which only Terraform knows
    assert all(document.problems == () for document in documents)


def test_tf_policy_document_data_source() -> None:
    assume = by_name(load(TF))["data.aws_iam_policy_document.assume"]
    (statement,) = assume.statements
    assert assume.line == line_of(TF, 'data "aws_iam_policy_document" "assume"')
    assert statement.line == line_of(TF, "statement {")
    assert statement.effect is Effect.ALLOW  # Terraform's default
    assert statement.actions == (Located("sts:AssumeRole", line_of(TF, '["sts:AssumeRole"]')),)
    assert statement.principal == Principal(entries=(("Service", "ecs-tasks.amazonaws.com"),))
    (condition,) = statement.conditions
    assert (condition.operator, condition.key, condition.values) == (
        "StringEquals",
        "aws:SourceAccount",
        ("${var.account_id}",),
    )
    assert condition.line == line_of(TF, "condition {")


def test_tf_data_source_principals_star_and_multiline_lists() -> None:
    bucket = by_name(load(TF))["data.aws_iam_policy_document.bucket"]
    (statement,) = bucket.statements
    assert (statement.sid, statement.effect) == ("DenyInsecure", Effect.DENY)
    assert statement.principal == Principal(any=True)
    assert statement.resources == (
        Located("${aws_s3_bucket.data.arn}", line_of(TF, "aws_s3_bucket.data.arn,", 2)),
        Located("${aws_s3_bucket.data.arn}/*", line_of(TF, '"${aws_s3_bucket.data.arn}/*"')),
    )
    assert statement.conditions[0].values == ("false",)


def test_tf_jsonencode() -> None:
    policy = by_name(load(TF))["aws_iam_policy.bibliobot"]
    (statement,) = policy.statements
    assert policy.line == line_of(TF, "policy = jsonencode({", 2)
    assert statement.line == line_of(TF, 'Sid    = "ReadLogs"') - 1
    assert statement.actions == (
        Located("s3:GetObject", line_of(TF, '"s3:GetObject",')),
        Located("s3:ListBucket", line_of(TF, '"s3:ListBucket",')),
    )
    assert statement.resource_values == (
        "${aws_s3_bucket.data.arn}",
        "${aws_s3_bucket.data.arn}/logs/bibliobot/*",
    )
    (condition,) = statement.conditions
    assert (condition.key, condition.values) == ("aws:SecureTransport", ("true",))
    assert condition.line == line_of(TF, "aws:SecureTransport")


def test_tf_heredoc_lines() -> None:
    queue = by_name(load(TF))["aws_iam_role_policy.queue"]
    (statement,) = queue.statements
    assert queue.line == line_of(TF, "policy = <<-EOF") + 1
    assert statement.actions == (Located("sqs:*", line_of(TF, '"sqs:*"')),)
    assert statement.resources == (
        Located("${aws_sqs_queue.work.arn}", line_of(TF, "aws_sqs_queue.work.arn")),
    )


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # merged from other documents only: nothing to read here
        ('data "aws_iam_policy_document" "d" {\n  source_policy_documents = [local.a]\n}\n', []),
        # a template whose interpolation breaks the JSON: only Terraform can render it
        ('resource "aws_iam_policy" "p" {\n  policy = <<EOF\n{"Statement": ${local.s}}\nEOF\n}\n',
         []),
        ('resource "aws_iam_policy" "p" {\n  policy = file("p.json")\n}\n', []),
        ('resource "aws_iam_policy" "p" {\n  policy = jsonencode(local.p)\n}\n', []),
        ('resource "aws_kms_key" "k" {\n  policy = "{\\"Statement\\": []}"\n}\n',
         ["aws_kms_key.k"]),
        ('resource "aws_iam_role" "r" {\n  assume_role_policy = jsonencode({})\n}\n',
         ["aws_iam_role.r assume_role_policy"]),
        ('module "m" {\n  source = "./m"\n}\nlocals {\n  a = 1\n}\n', []),
    ],
)  # fmt: skip
def test_tf_values_only_terraform_knows_are_skipped(text: str, names: list[str]) -> None:
    assert [document.name for document in documents_from_hcl(text, path="t.tf")] == names


def test_tf_invalid_json_string_is_a_problem() -> None:
    text = 'resource "aws_iam_policy" "p" {\n  policy = <<EOF\n{"Statement": [}\nEOF\n}\n'
    (document,) = documents_from_hcl(text, path="t.tf")
    assert [(p.message, p.line) for p in document.problems] == [
        ("policy is not valid JSON: Expecting value", 2)
    ]


def test_tf_expressions_stay_as_text() -> None:
    text = """\
resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = var.allow ? "Allow" : "Deny"
      Action   = concat(["s3:GetObject"], var.extra)
      Resource = [for b in var.buckets : "arn:aws:s3:::${b}/*"]
    }]
  })
}
"""
    (document,) = documents_from_hcl(text, path="t.tf")
    assert [p.message for p in document.problems] == [
        "Statement[0]: Effect '${var.allow ? \"Allow\" : \"Deny\"}' must be exactly 'Allow' or "
        "'Deny'"
    ]
    assert document.statements == ()


# -- Terraform plans -------------------------------------------------------------------------------

PLAN = "bibliobot-plan.json"


def test_plan_documents() -> None:
    documents = load(PLAN)
    assert [(d.name, d.kind) for d in documents] == [
        ("aws_iam_policy.bibliobot", PolicyKind.IDENTITY),
        ("aws_iam_role.bibliobot assume_role_policy", PolicyKind.TRUST),
        ("aws_iam_role.bibliobot inline_policy metrics", PolicyKind.IDENTITY),
        ("module.queue.aws_sqs_queue_policy.this", PolicyKind.RESOURCE),
    ]
    assert all(document.problems == () for document in documents)
    policy = documents[0]
    line = line_of(PLAN, '"policy": "{')
    assert policy.line == line
    assert policy.statements[0].actions == (
        Located("s3:GetObject", line),
        Located("s3:ListBucket", line),
    )
    assert documents[3].line == line_of(PLAN, '"policy": "{', 3)


def test_plan_falls_back_to_resource_changes_and_reads_state() -> None:
    policy = json.dumps(DOCUMENT)
    changes = {
        "resource_changes": [
            {"address": "aws_iam_policy.p", "type": "aws_iam_policy", "mode": "managed",
             "change": {"after": {"policy": policy}}},
            {"address": "data.x.y", "type": "aws_iam_policy", "mode": "data",
             "change": {"after": {"policy": policy}}},
            {"address": "aws_iam_policy.gone", "type": "aws_iam_policy",
             "change": {"after": None}},
        ]
    }  # fmt: skip
    assert is_plan(changes)
    assert [d.name for d in documents_from_plan(changes, path="p")] == ["aws_iam_policy.p"]
    state = {
        "terraform_version": "1.9.0",
        "values": {"root_module": {"resources": [
            {"address": "aws_sns_topic.t", "type": "aws_sns_topic", "values": {"policy": policy}},
        ]}},
    }  # fmt: skip
    assert is_plan(state)
    assert [d.name for d in documents_from_plan(state, path="s")] == ["aws_sns_topic.t"]
    assert not is_plan({"values": {}})


# -- never raise -----------------------------------------------------------------------------------

VOCABULARY = st.sampled_from([
    "Resources", "Type", "Properties", "PolicyDocument", "Policies", "PolicyName", "Roles",
    "RoleName", "Groups", "Users", "ManagedPolicyArns", "PermissionsBoundary", "Ref", "Fn::If",
    "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::GetAtt", "AWS::NoValue", "AWS::IAM::Role",
    "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::IAM::User", "AWS::IAM::Group",
    "AWS::KMS::Key", "KeyPolicy", "AssumeRolePolicyDocument", "UserDetailList", "RoleDetailList",
    "GroupDetailList", "UserPolicyList", "RolePolicyList", "GroupPolicyList", "GroupList",
    "AttachedManagedPolicies", "PolicyArn", "Arn", "UserName", "GroupName", "PolicyVersionList",
    "Document", "IsDefaultVersion", "DefaultVersionId", "VersionId", "PolicyVersion", "Policy",
    "Role", "planned_values", "values", "root_module", "child_modules", "resources", "type",
    "aws_iam_policy", "aws_iam_role", "policy", "inline_policy", "resource_changes", "change",
    "after", "terraform_version", "Statement", "Effect", "Allow", "Action", "0", "1",
])  # fmt: skip
SOURCE_LIKE = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 3) | VOCABULARY | st.text(max_size=3),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(VOCABULARY, children, max_size=5)
    ),
    max_leaves=40,
)
READERS = [
    lambda data: documents_from_plain(data, path="p", name="p"),
    lambda data: documents_from_authorization_details(data, path="p"),
    lambda data: principals_from_authorization_details(data, path="p"),
    lambda data: documents_from_template(data, path="p"),
    lambda data: principals_from_template(data, path="p"),
    lambda data: documents_from_plan(data, path="p"),
]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=SOURCE_LIKE, reader=st.sampled_from(READERS))
def test_source_readers_never_raise(data: Any, reader: Any) -> None:
    reader(data)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=60) | st.text(alphabet="!&*-:[]{}?|> \n\"'abc0123#", max_size=60))
def test_yaml_raises_only_policy_parse_errors(text: str) -> None:
    try:
        load_yaml_with_lines(text, path="t.yaml")
    except PolicyParseError:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(max_size=60)
    | st.text(alphabet='resouc"aws_imply{}=[]()<>-\n $.,:#/*', max_size=80)
    | st.builds(
        lambda inner: f'resource "aws_iam_policy" "p" {{\n  policy = {inner}\n}}\n',
        st.text(alphabet='jsonecd({})[]"=,\n ${}<EOF-', max_size=40),
    )
)
def test_hcl_raises_only_policy_parse_errors(text: str) -> None:
    try:
        documents_from_hcl(text, path="t.tf")
    except PolicyParseError:
        pass


def test_terraform_json_syntax() -> None:
    from botwarden.iam.model import Effect, PolicyKind
    from botwarden.iam.parse import documents_from_file, looks_like_policy_file

    path = DATA / "bibliobot.tf.json"
    assert looks_like_policy_file(path, path.read_text(encoding="utf-8"))
    documents = {d.name: d for d in documents_from_file(path, "bibliobot.tf.json")}
    assert set(documents) == {
        "aws_iam_role.bot inline_policy wide",
        "data.aws_iam_policy_document.assume",
        "data.aws_iam_policy_document.read",
    }  # the jsonencode(local.policy) value is Terraform's to compute
    assert documents["data.aws_iam_policy_document.assume"].kind is PolicyKind.TRUST
    read = documents["data.aws_iam_policy_document.read"]
    assert read.kind is PolicyKind.IDENTITY
    assert [s.sid for s in read.statements] == ["ReadLogs", "List"]
    assert read.statements[0].effect is Effect.ALLOW
    assert read.statements[1].conditions[0].values == ("logs/bibliobot/*",)
    assert read.statements[0].line == 14
    assert read.statements[0].actions[0].line == 16
    assert documents["aws_iam_role.bot inline_policy wide"].statements[0].action_values == ("s3:*",)
