"""Reading policy documents: every oddity becomes a located problem, nothing ever raises."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from botwarden.errors import Error
from botwarden.iam.jsonlines import (
    DuplicateKey,
    Key,
    PolicyParseError,
    line_at,
    parse_json_with_lines,
)
from botwarden.iam.model import Effect, Located, PolicyDocument, PolicyKind, Principal
from botwarden.iam.parse import (
    documents_from_file,
    infer_kind,
    is_condition_operator,
    looks_like_policy_file,
    policy_from_data,
    policy_from_json_text,
)

DATA = Path(__file__).parent / "data"


def read(text: str, kind: PolicyKind | None = None) -> PolicyDocument:
    duplicates: list[DuplicateKey] = []
    data, lines = parse_json_with_lines(text, path="p.json", duplicates=duplicates)
    return policy_from_data(
        data, path="p.json", name="p", lines=lines, kind=kind, duplicates=duplicates
    )


def problems(document: PolicyDocument) -> list[tuple[str, int | None]]:
    return [(problem.message, problem.line) for problem in document.problems]


def statement(body: str) -> str:
    """One statement whose body starts on line 5 (its opening brace is on line 4)."""
    return (
        '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n'
        + body.strip("\n")
        + "\n    }\n  ]\n}\n"
    )


# -- problems in one statement -----------------------------------------------------------------

STATEMENT_CASES: list[tuple[str, str, PolicyKind | None, tuple[str, int]]] = [
    (
        "effect-case",
        '"Effect": "allow",\n"Action": "s3:GetObject",\n"Resource": "*"',
        None,
        ("Statement[0]: Effect 'allow' must be exactly 'Allow' or 'Deny'", 5),
    ),
    (
        "effect-missing",
        '"Action": "s3:GetObject",\n"Resource": "*"',
        None,
        ("Statement[0]: Effect is missing", 4),
    ),
    (
        "action-and-notaction",
        '"Effect": "Allow",\n"Action": "s3:GetObject",\n"NotAction": "s3:Put*",\n"Resource": "*"',
        None,
        ("Statement[0]: has both Action and NotAction", 7),
    ),
    (
        "no-action",
        '"Effect": "Allow",\n"Resource": "*"',
        None,
        ("Statement[0]: has neither Action nor NotAction", 4),
    ),
    (
        "resource-and-notresource",
        '"Effect": "Allow",\n"Action": "s3:*",\n"Resource": "*",\n"NotResource": "arn:aws:s3:::x"',
        None,
        ("Statement[0]: has both Resource and NotResource", 8),
    ),
    (
        "no-resource",
        '"Effect": "Allow",\n"Action": "s3:*"',
        None,
        ("Statement[0]: has neither Resource nor NotResource", 4),
    ),
    (
        "action-number",
        '"Effect": "Allow",\n"Action": 5,\n"Resource": "*"',
        None,
        ("Statement[0].Action must be a string or a list of strings, not a number", 6),
    ),
    (
        "action-empty-list",
        '"Effect": "Allow",\n"Action": [],\n"Resource": "*"',
        None,
        ("Statement[0].Action is an empty list", 6),
    ),
    (
        "action-item-null",
        '"Effect": "Allow",\n"Action": [\n  "s3:GetObject",\n  null\n],\n"Resource": "*"',
        None,
        ("Statement[0].Action[1] must be a string, not null", 8),
    ),
    (
        "action-form",
        '"Effect": "Allow",\n"Action": [\n  "s3:GetObject",\n  "s3GetObject"\n],\n"Resource": "*"',
        None,
        ("Statement[0].Action 's3GetObject' is not '*' or 'service:action'", 8),
    ),
    (
        "notaction-form",
        '"Effect": "Deny",\n"NotAction": "iam",\n"Resource": "*"',
        None,
        ("Statement[0].NotAction 'iam' is not '*' or 'service:action'", 6),
    ),
    (
        "resource-object",
        '"Effect": "Allow",\n"Action": "s3:*",\n"Resource": {"Ref": "Bucket"}',
        None,
        ("Statement[0].Resource must be a string or a list of strings, not an object", 7),
    ),
    (
        "unknown-element",
        '"Effect": "Allow",\n"Actions": "s3:*",\n"Action": "s3:*",\n"Resource": "*"',
        None,
        ("Statement[0]: unknown element 'Actions'", 6),
    ),
    (
        "sid-number",
        '"Sid": 1,\n"Effect": "Allow",\n"Action": "s3:*",\n"Resource": "*"',
        None,
        ("Statement[0].Sid must be a string, not a number", 5),
    ),
    (
        "principal-in-identity",
        '"Effect": "Allow",\n"Principal": "*",\n"Action": "s3:*",\n"Resource": "*"',
        PolicyKind.IDENTITY,
        ("Statement[0]: Principal is not allowed in an identity policy", 6),
    ),
    (
        "principal-missing",
        '"Effect": "Allow",\n"Action": "s3:*",\n"Resource": "*"',
        PolicyKind.RESOURCE,
        ("Statement[0]: Principal is missing: a resource policy must name who it covers", 4),
    ),
    (
        "principal-and-notprincipal",
        '"Effect": "Deny",\n"Principal": "*",\n"NotPrincipal": {"AWS": "arn:aws:iam::1:root"},\n'
        '"Action": "s3:*",\n"Resource": "*"',
        None,
        ("Statement[0]: has both Principal and NotPrincipal", 7),
    ),
    (
        "principal-type",
        '"Effect": "Allow",\n"Principal": {\n  "Services": "ec2.amazonaws.com"\n},\n'
        '"Action": "s3:*",\n"Resource": "*"',
        None,
        (
            "Statement[0].Principal: 'Services' is an unknown principal type "
            "(valid: AWS, Service, Federated, CanonicalUser)",
            7,
        ),
    ),
    (
        "principal-string",
        '"Effect": "Allow",\n"Principal": "arn:aws:iam::1:root",\n"Action": "s3:*",\n'
        '"Resource": "*"',
        PolicyKind.RESOURCE,
        ("Statement[0].Principal must be '*' or an object such as {\"AWS\": ...}", 6),
    ),
    (
        "principal-empty",
        '"Effect": "Allow",\n"Principal": {},\n"Action": "s3:*",\n"Resource": "*"',
        PolicyKind.RESOURCE,
        ("Statement[0].Principal must be '*' or a non-empty object, not an object", 6),
    ),
    (
        "trust-resource",
        '"Effect": "Allow",\n"Principal": {"Service": "ecs.amazonaws.com"},\n'
        '"Action": "sts:AssumeRole",\n"Resource": "*"',
        None,
        ("Statement[0]: Resource is not allowed in a trust policy", 8),
    ),
    (
        "condition-list",
        '"Effect": "Allow",\n"Action": "s3:*",\n"Resource": "*",\n"Condition": []',
        None,
        ("Statement[0].Condition must be an object of operators, not a list", 8),
    ),
    (
        "condition-block-string",
        '"Effect": "Allow",\n"Action": "s3:*",\n"Resource": "*",\n"Condition": {\n'
        '  "StringEquals": "aws:username"\n}',
        None,
        (
            "Statement[0].Condition.StringEquals must be an object of condition keys, not a string",
            9,
        ),
    ),
    (
        "condition-operator",
        '"Effect": "Allow",\n"Action": "s3:*",\n"Resource": "*",\n"Condition": {\n'
        '  "StringEqual": {"aws:username": "bot"}\n}',
        None,
        ("Statement[0].Condition: unknown condition operator 'StringEqual'", 9),
    ),
    (
        "condition-null-ifexists",
        '"Effect": "Allow",\n"Action": "s3:*",\n"Resource": "*",\n"Condition": {\n'
        '  "NullIfExists": {"aws:TokenIssueTime": "true"}\n}',
        None,
        ("Statement[0].Condition: unknown condition operator 'NullIfExists'", 9),
    ),
    (
        "condition-value-null",
        '"Effect": "Allow",\n"Action": "s3:*",\n"Resource": "*",\n"Condition": {\n'
        '  "StringEquals": {\n    "aws:username": null\n  }\n}',
        None,
        (
            "Statement[0].Condition.StringEquals.aws:username must be a string, number or "
            "boolean, not null",
            10,
        ),
    ),
    (
        "condition-value-nested",
        '"Effect": "Allow",\n"Action": "s3:*",\n"Resource": "*",\n"Condition": {\n'
        '  "StringEquals": {\n    "aws:username": [\n      "a",\n      ["b"]\n    ]\n  }\n}',
        None,
        (
            "Statement[0].Condition.StringEquals.aws:username[1] must be a string, number or "
            "boolean, not a list",
            12,
        ),
    ),
    (
        "condition-value-empty",
        '"Effect": "Allow",\n"Action": "s3:*",\n"Resource": "*",\n"Condition": {\n'
        '  "StringEquals": {"aws:username": []}\n}',
        None,
        ("Statement[0].Condition.StringEquals.aws:username is an empty list", 9),
    ),
    (
        "duplicate-key",
        '"Effect": "Allow",\n"Action": "s3:GetObject",\n"Resource": "*",\n"Action": "s3:*"',
        None,
        ("Statement[0]: duplicate key 'Action'; only the last one is read", 8),
    ),
]


@pytest.mark.parametrize(
    ("body", "kind", "expected"),
    [case[1:] for case in STATEMENT_CASES],
    ids=[case[0] for case in STATEMENT_CASES],
)
def test_statement_problems(body: str, kind: PolicyKind | None, expected: tuple[str, int]) -> None:
    assert problems(read(statement(body), kind)) == [expected]


DOCUMENT_CASES: list[tuple[str, str, list[tuple[str, int | None]]]] = [
    ("not-an-object", "[\n  {}\n]", [("policy document must be a JSON object, not a list", 1)]),
    (
        "version-missing",
        '{\n  "Statement": []\n}',
        [
            (
                "Version is missing: IAM then reads the policy as 2008-10-17, where policy "
                "variables such as ${aws:username} are not substituted",
                1,
            ),
            ("Statement is an empty list", 2),
        ],
    ),
    (
        "version-unknown",
        '{\n  "Version": "2012-10-18",\n  "Statement": {"Effect": "Deny", "Action": "*", '
        '"Resource": "*"}\n}',
        [("Version '2012-10-18' is not 2012-10-17 or 2008-10-17", 2)],
    ),
    ("statement-missing", '{\n  "Version": "2012-10-17"\n}', [("Statement is missing", 1)]),
    (
        "statement-string",
        '{\n  "Version": "2012-10-17",\n  "Statement": "Allow all"\n}',
        [("Statement must be a list of objects, not a string", 3)],
    ),
    (
        "statement-item",
        '{\n  "Version": "2012-10-17",\n  "Statement": [\n    "Allow"\n  ]\n}',
        [("Statement[0] must be an object, not a string", 4)],
    ),
    (
        "unknown-top-level",
        '{\n  "Version": "2012-10-17",\n  "Statements": [],\n  "Statement": []\n}',
        [
            ("unknown top-level element 'Statements' (valid: Version, Id, Statement)", 3),
            ("Statement is an empty list", 4),
        ],
    ),
    (
        "duplicate-version",
        '{\n  "Version": "2008-10-17",\n  "Version": "2012-10-17",\n  "Statement": []\n}',
        [
            ("policy document: duplicate key 'Version'; only the last one is read", 3),
            ("Statement is an empty list", 4),
        ],
    ),
    (
        "duplicate-sid",
        '{\n  "Version": "2012-10-17",\n  "Statement": [\n'
        '    {"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},\n'
        '    {"Sid": "A", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}\n  ]\n}',
        [("Statement[1]: Sid 'A' is used by more than one statement", 5)],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [case[1:] for case in DOCUMENT_CASES],
    ids=[case[0] for case in DOCUMENT_CASES],
)
def test_document_problems(text: str, expected: list[tuple[str, int | None]]) -> None:
    assert problems(read(text)) == expected


def test_statements_without_a_usable_effect_are_dropped_others_kept() -> None:
    document = read(statement('"Effect": "Maybe",\n"Action": "s3:*",\n"Resource": "*"'))
    assert document.statements == ()
    miscased_deny = read(statement('"Effect": "deny",\n"Action": "s3:*",\n"Resource": "*"'))
    assert miscased_deny.statements == ()  # IAM refuses the policy: it denies nothing
    assert miscased_deny.problems
    miscased_allow = read(statement('"Effect": "allow",\n"Action": "s3:*",\n"Resource": "*"'))
    assert miscased_allow.statements[0].effect is Effect.ALLOW  # reported, and its grants too


def test_a_clean_document_has_no_problems() -> None:
    document = read((DATA / "bibliobot-policy.json").read_text())
    assert document.problems == ()
    assert document.version == "2012-10-17"
    assert document.supports_variables


def test_missing_version_disables_variables() -> None:
    document = read('{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}')
    assert document.version is None
    assert not document.supports_variables


# -- values and lines ----------------------------------------------------------------------------


def test_lines_of_actions_resources_and_conditions() -> None:
    document = read((DATA / "bibliobot-policy.json").read_text())
    first, second = document.statements
    assert document.line == 1
    assert (first.line, first.sid) == (5, "ReadLogs")
    assert first.actions == (Located("s3:GetObject", 9), Located("s3:ListBucket", 10))
    assert [item.line for item in first.resources] == [13, 14]
    assert [(c.operator, c.key, c.values, c.line) for c in first.conditions] == [
        ("Bool", "aws:SecureTransport", ("true",), 17),
        ("NumericLessThanEquals", "s3:max-keys", ("50",), 19),
        ("ForAnyValue:StringLike", "aws:TagKeys", ("team-*", "bot-*"), 22),
    ]
    assert (second.line, second.not_action, second.not_resource) == (26, True, True)
    assert second.actions == (Located("s3:Get*", 29),)
    assert second.resources == (Located("arn:aws:s3:::biblio-data/logs/*", 30),)


def test_single_statement_object_is_accepted_and_located_without_an_index() -> None:
    text = (
        '{\n  "Version": "2012-10-17",\n  "Statement": {\n    "Effect": "Allow",\n'
        '    "Action": "sqs:SendMessage",\n    "Resource": "*"\n  }\n}'
    )
    document = read(text)
    assert document.problems == ()
    (only,) = document.statements
    assert (only.index, only.line) == (0, 3)
    assert only.actions == (Located("sqs:SendMessage", 5),)


def test_strings_and_lists_read_alike() -> None:
    one = policy_from_data(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                 "Resource": "*"}]},
        path="p", name="p",
    )  # fmt: skip
    many = policy_from_data(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"],
                                                 "Resource": ["*"]}]},
        path="p", name="p",
    )  # fmt: skip
    assert one.statements == many.statements
    assert one.statements[0].action_values == ("s3:GetObject",)
    assert one.statements[0].actions[0].line is None  # no lines given: no positions


def test_condition_values_are_read_as_text() -> None:
    document = policy_from_data(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {
                    "Bool": {"aws:SecureTransport": False, "aws:MultiFactorAuthPresent": True},
                    "NumericLessThan": {"s3:max-keys": [5, 1.5]},
                    "Null": {"aws:TokenIssueTime": "true"},
                },
            },
        },
        path="p",
        name="p",
    )
    assert document.problems == ()
    values = {c.key: c.values for c in document.statements[0].conditions}
    assert values == {
        "aws:SecureTransport": ("false",),
        "aws:MultiFactorAuthPresent": ("true",),
        "s3:max-keys": ("5", "1.5"),
        "aws:TokenIssueTime": ("true",),
    }


def test_principals() -> None:
    text = statement(
        '"Effect": "Allow",\n"Principal": {\n  "AWS": ["arn:aws:iam::1:root", "*"],\n'
        '  "Service": "ecs-tasks.amazonaws.com"\n},\n"Action": "s3:GetObject",\n"Resource": "*"'
    )
    document = read(text)
    assert document.kind is PolicyKind.RESOURCE
    assert document.statements[0].principal == Principal(
        any=True,
        entries=(
            ("AWS", "arn:aws:iam::1:root"),
            ("AWS", "*"),
            ("Service", "ecs-tasks.amazonaws.com"),
        ),
    )
    star = read(statement('"Effect": "Deny",\n"NotPrincipal": "*",\n"Action": "s3:*",\n'
                          '"Resource": "*"'))  # fmt: skip
    assert star.statements[0].principal == Principal(any=True)
    assert star.statements[0].not_principal


def test_placeholders_skip_the_action_form_check() -> None:
    document = read(statement('"Effect": "Allow",\n"Action": "${var.action}",\n"Resource": "*"'))
    assert document.problems == ()


@pytest.mark.parametrize(
    ("actions", "principal", "kind"),
    [
        (["s3:GetObject"], False, PolicyKind.IDENTITY),
        (["s3:GetObject"], True, PolicyKind.RESOURCE),
        (["sts:AssumeRole"], True, PolicyKind.TRUST),
        (["sts:AssumeRoleWithWebIdentity", "sts:TagSession"], True, PolicyKind.TRUST),
        (["STS:AssumeRole"], True, PolicyKind.TRUST),
        (["sts:TagSession"], True, PolicyKind.RESOURCE),
        (["sts:AssumeRole", "s3:GetObject"], True, PolicyKind.RESOURCE),
        (["sts:AssumeRole"], False, PolicyKind.IDENTITY),
    ],
)
def test_kind_inference(actions: list[str], principal: bool, kind: PolicyKind) -> None:
    raw: dict[str, Any] = {"Effect": "Allow", "Action": actions}
    if principal:
        raw["Principal"] = {"AWS": "arn:aws:iam::123456789012:root"}
    data = {"Version": "2012-10-17", "Statement": [raw]}
    assert infer_kind(data) is kind
    assert policy_from_data(data, path="p", name="p").kind is kind


def test_a_given_kind_wins_over_inference() -> None:
    data = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*",
                                                   "Resource": "*"}}  # fmt: skip
    document = policy_from_data(data, path="p", name="p", kind=PolicyKind.RESOURCE)
    assert document.kind is PolicyKind.RESOURCE


def test_base_locates_a_document_inside_a_larger_file() -> None:
    text = (DATA / "get-role-policy.json").read_text()
    data, lines = parse_json_with_lines(text)
    document = policy_from_data(
        data["PolicyDocument"], path="p", name="p", lines=lines, base=("PolicyDocument",)
    )
    assert document.line == 4
    assert document.statements[0].line == 6
    assert document.statements[0].actions == (Located("logs:GetLogEvents", 8),)


@pytest.mark.parametrize(
    ("operator", "known"),
    [
        ("StringEquals", True),
        ("StringLikeIfExists", True),
        ("ForAllValues:StringEquals", True),
        ("ForAnyValue:ArnLikeIfExists", True),
        ("Null", True),
        ("NullIfExists", False),
        ("ForAnyValues:StringLike", False),
        ("stringequals", False),
        ("IfExists", False),
        ("ForAllValues:ForAnyValue:StringLike", False),
        ("ForAllValues:", False),
    ],
)
def test_condition_operators(operator: str, known: bool) -> None:
    assert is_condition_operator(operator) is known


# -- embedded JSON text --------------------------------------------------------------------------


def test_url_encoded_text_is_decoded() -> None:
    text = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%7D"  # noqa: E501
    document = policy_from_json_text(text, path="p", name="p", line=7)
    assert document.problems == ()
    assert document.statements[0].actions == (Located("s3:*", 7),)


def test_invalid_embedded_json_is_a_problem_not_an_error() -> None:
    document = policy_from_json_text('{"Version": ', path="p", name="p", line=3)
    assert document.statements == ()
    assert problems(document) == [("policy is not valid JSON: Expecting value", 3)]


def test_first_line_shifts_embedded_lines() -> None:
    text = (
        '{\n"Version": "2012-10-17",\n"Statement": {"Effect": "Allow",\n'
        '"Action": "s3:*", "Resource": "*"}}'
    )
    document = policy_from_json_text(text, path="p", name="p", first_line=10)
    assert document.line == 10
    assert document.statements[0].line == 12
    assert document.statements[0].actions[0].line == 13


# -- JSON with lines -----------------------------------------------------------------------------


def test_json_lines_of_keys_and_items() -> None:
    text = (
        '{\n  "a": [\n    1,\n    {"b": "x\\"y"},\n    [\n      true\n    ]\n  ],\n'
        '  "c\\u0041": {}\n}'
    )
    data, lines = parse_json_with_lines(text)
    assert data["cA"] == {}
    expected: dict[Key, int] = {
        (): 1, ("a",): 2, ("a", 0): 3, ("a", 1): 4, ("a", 1, "b"): 4, ("a", 2): 5,
        ("a", 2, 0): 6, ("cA",): 9,
    }  # fmt: skip
    assert lines == expected
    assert line_at(lines, ("a", 1, "b", "missing")) == 4
    assert line_at({}, ("a",)) is None


def test_json_duplicates_are_collected() -> None:
    duplicates: list[DuplicateKey] = []
    data, _ = parse_json_with_lines('{"a": {"b": 1,\n"b": 2}, "a2": [{"c": 1, "c": 2}]}',
                                    duplicates=duplicates)  # fmt: skip
    assert data["a"]["b"] == 2
    assert duplicates == [DuplicateKey(("a", "b"), 2), DuplicateKey(("a2", 0, "c"), 2)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{\n  "a": 1,\n}',
         "f.json:3: not valid JSON: Expecting property name enclosed in double quotes"),
        ("", "f.json:1: not valid JSON: Expecting value"),
        ("[" * 100_000, "f.json: not valid JSON: nested too deeply"),
    ],
)  # fmt: skip
def test_invalid_json(text: str, message: str) -> None:
    with pytest.raises(PolicyParseError) as caught:
        parse_json_with_lines(text, path="f.json")
    assert caught.value.message == message
    assert isinstance(caught.value, Error)


def test_json_with_a_byte_order_mark() -> None:
    data, lines = parse_json_with_lines('\ufeff{\n"a": 1}')
    assert data == {"a": 1}
    assert lines[("a",)] == 2


# -- files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "likely"),
    [
        ("policy.json", '{"Version": "2012-10-17", "Statement": []}', True),
        ("package.json", '{"name": "bot", "version": "1.0.0"}', False),
        ("stack.yaml", "AWSTemplateFormatVersion: 2010-09-09\nResources: {}\n", True),
        ("stack.template", '{"Resources": {"R": {"Type": "AWS::IAM::Role"}}}', True),
        ("compose.yaml", "services:\n  bot:\n    image: bot\n", False),
        ("policy.yml", "Version: 2012-10-17\nStatement:\n  - Effect: Allow\n", True),
        ("iam.tf", 'resource "aws_iam_policy" "p" {}\n', True),
        ("network.tf", 'resource "aws_vpc" "v" {}\n', False),
        ("plan.json", '{"planned_values": {"root_module": {"resources": [{"type": "aws_vpc"}]}}}',
         False),
        ("plan.json", '{"planned_values": {"root_module": {"resources": '
         '[{"type": "aws_iam_role"}]}}}',
         True),
        ("details.json", '{"UserDetailList": [], "RoleDetailList": []}', True),
        ("policies.json", '{"Policies": [{"PolicyVersionList": []}]}', True),
        ("policy.txt", '{"Statement": []}', False),
    ],
)  # fmt: skip
def test_looks_like_policy_file(name: str, text: str, likely: bool) -> None:
    assert looks_like_policy_file(Path(name), text) is likely


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.json", b'{"Version": }', "bad.json:1: not valid JSON: Expecting value"),
        ("bad.yaml", b"a: [1\nb: 2\n",
         "bad.yaml:2: not valid YAML: expected ',' or ']', but got ':'"),
        ("bad.tf", b'resource "aws_iam_policy" "p" {\n  policy = \n}\n',
         "bad.tf:2: not valid HCL: unexpected '}'"),
        ("bad2.tf", b'resource "aws_iam_policy" "p" {\n  policy = jsonencode({)\n}\n',
         "bad2.tf:2: not valid HCL: unexpected ')'"),
        ("bad3.tf", b'resource "aws_iam_policy" "p" {\n  policy = ~\n}\n',
         "bad3.tf:2: not valid HCL: unexpected '~'"),
        ("latin.json", b'{"Sid": "caf\xe9"}', "latin.json: not UTF-8 text"),
    ],
)  # fmt: skip
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(PolicyParseError) as caught:
        documents_from_file(path, name)
    assert caught.value.message == message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyParseError, match=r"^gone\.json: cannot read: "):
        documents_from_file(tmp_path / "gone.json", "gone.json")


def test_plain_file_is_named_after_the_file(tmp_path: Path) -> None:
    path = tmp_path / "deploy-policy.json"
    path.write_text('{"Version": "2012-10-17", "Statement": []}')
    (document,) = documents_from_file(path, "deploy/deploy-policy.json")
    assert (document.path, document.name) == ("deploy/deploy-policy.json", "deploy-policy.json")


def test_yaml_policy_document(tmp_path: Path) -> None:
    path = tmp_path / "policy.yml"
    path.write_text("Version: 2012-10-17\nStatement:\n  - Effect: Allow\n    Action: s3:*\n"
                    "    Resource: '*'\n")  # fmt: skip
    (document,) = documents_from_file(path, "policy.yml")
    assert document.problems == ()
    assert document.version == "2012-10-17"
    assert document.statements[0].actions == (Located("s3:*", 4),)


# -- never raise -----------------------------------------------------------------------------------

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
JSON_LIKE = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
IAM_KEYS = st.sampled_from([
    "Version", "Statement", "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource",
    "Principal", "NotPrincipal", "Condition", "AWS", "Service", "StringEquals", "Bool",
    "ForAnyValue:StringLike", "NullIfExists", "aws:SourceIp",
])  # fmt: skip
IAM_VALUES = st.sampled_from(
    ["2012-10-17", "2008-10-17", "Allow", "Deny", "*", "s3:GetObject", "sts:AssumeRole", "x"]
)
IAM_LIKE = st.recursive(
    SCALARS | IAM_VALUES,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(IAM_KEYS | st.text(max_size=4), children, max_size=6)
    ),
    max_leaves=30,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=JSON_LIKE | IAM_LIKE, kind=st.none() | st.sampled_from(PolicyKind))
def test_policy_from_data_never_raises(data: Any, kind: PolicyKind | None) -> None:
    document = policy_from_data(data, path="p", name="p", kind=kind)
    assert isinstance(document, PolicyDocument)
    for problem in document.problems:
        assert problem.message


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(data=IAM_LIKE)
def test_policy_from_data_with_lines_never_raises(data: Any) -> None:
    text = json.dumps(data, indent=1)
    document = read(text)
    assert all(problem.line is not None for problem in document.problems)


@settings(max_examples=300)
@given(
    text=st.text(max_size=60) | st.text(alphabet='{}[],:"\\ \n0123456789aeflnrstu-.', max_size=60)
)
def test_parse_json_with_lines_raises_only_policy_parse_errors(text: str) -> None:
    try:
        parse_json_with_lines(text)
    except PolicyParseError:
        pass


def _paths(value: Any, path: Key = ()) -> list[Key]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


@settings(max_examples=200)
@given(data=JSON_LIKE, indent=st.sampled_from([None, 0, 2]))
def test_every_json_path_gets_a_line(data: Any, indent: int | None) -> None:
    text = json.dumps(data, indent=indent)
    parsed, lines = parse_json_with_lines(text)
    assert set(_paths(parsed)) <= set(lines)
    assert all(1 <= line <= text.count("\n") + 1 for line in lines.values())
