"""Policy evaluation: decisions and the statements behind them, as the IAM policy simulator gives.

Each table case names the expected decision and the reason: the Sids of every statement that
applies, in document order.
"""

from __future__ import annotations

import json
import timeit
from collections.abc import Sequence
from dataclasses import dataclass, replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botwarden.iam.evaluate import Evaluation, Request, evaluate, statement_matches
from botwarden.iam.model import (
    Condition,
    Effect,
    Located,
    PolicyDocument,
    PolicyKind,
    Principal,
    Statement,
)

ALLOW, DENY = Effect.ALLOW, Effect.DENY
ACCOUNT = "123456789012"
OTHER = "210987654321"
BOB = f"arn:aws:iam::{ACCOUNT}:user/bob"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
MALLORY = f"arn:aws:iam::{OTHER}:user/mallory"
OBJ = "arn:aws:s3:::bucket/key"


def st_(
    sid: str | None,
    effect: Effect = ALLOW,
    actions: Sequence[str] = ("*",),
    resources: Sequence[str] = ("*",),
    *,
    not_action: bool = False,
    not_resource: bool = False,
    conditions: Sequence[Condition] = (),
    principal: Principal | None = None,
    not_principal: bool = False,
) -> Statement:
    return Statement(
        index=0,
        effect=effect,
        actions=tuple(Located(a) for a in actions),
        resources=tuple(Located(r) for r in resources),
        not_action=not_action,
        not_resource=not_resource,
        conditions=tuple(conditions),
        principal=principal,
        not_principal=not_principal,
        sid=sid,
    )


def doc(
    *statements: Statement,
    name: str = "policy",
    version: str | None = "2012-10-17",
    kind: PolicyKind = PolicyKind.IDENTITY,
) -> PolicyDocument:
    indexed = tuple(replace(s, index=i) for i, s in enumerate(statements))
    return PolicyDocument(f"{name}.json", name, indexed, version=version, kind=kind)


def res(*statements: Statement, name: str = "bucket-policy") -> PolicyDocument:
    return doc(*statements, name=name, kind=PolicyKind.RESOURCE)


def cond(operator: str, key: str, *values: str) -> Condition:
    return Condition(operator, key, values)


def aws(*ids: str) -> Principal:
    return Principal(entries=tuple(("AWS", i) for i in ids))


EVERYONE = Principal(any=True)
SERVICE = Principal(entries=(("Service", "sns.amazonaws.com"),))


def req(
    action: str = "s3:GetObject",
    resource: str = OBJ,
    principal: str | None = None,
    **context: str | tuple[str, ...],
) -> Request:
    """Context keyword arguments: ``aws__username="bob"`` is ``aws:username``."""
    values = {k.replace("__", ":"): (v,) if isinstance(v, str) else v for k, v in context.items()}
    return Request(action, resource, values, principal)


@dataclass(frozen=True)
class Case:
    name: str
    documents: tuple[PolicyDocument, ...]
    request: Request
    decision: str
    reason: tuple[str, ...]  # the Sids of the statements that apply, in order


def case(name: str, documents: Sequence[PolicyDocument] | PolicyDocument, request: Request,
         decision: str, *reason: str) -> Case:  # fmt: skip
    docs = (documents,) if isinstance(documents, PolicyDocument) else tuple(documents)
    return Case(name, docs, request, decision, reason)


def allow(*conditions: Condition, sid: str = "A") -> PolicyDocument:
    """One Allow on everything, guarded by ``conditions``."""
    return doc(st_(sid, conditions=conditions))


def deny_with(*conditions: Condition) -> PolicyDocument:
    """Allow everything, and Deny everything under ``conditions``."""
    return doc(st_("A"), st_("D", DENY, conditions=conditions))


S3_GET = doc(st_("A", actions=["s3:GetObject"], resources=[OBJ]))
HOME = "arn:aws:s3:::home/${aws:username}/*"
HOME_OR_ANON = "arn:aws:s3:::home/${aws:username, 'anon'}/*"

# fmt: off
CASES = [
    # -- actions ----------------------------------------------------------------------------
    case("exact allow", S3_GET, req(), "allow", "A"),
    case("no documents", [], req(), "implicit-deny"),
    case("other action", S3_GET, req("s3:PutObject"), "implicit-deny"),
    case("action case ignored", doc(st_("A", actions=["S3:getobject"])), req(), "allow", "A"),
    case("action star", doc(st_("A", actions=["s3:Get*"])), req(), "allow", "A"),
    case("action question", doc(st_("A", actions=["s3:?etObject"])), req(), "allow", "A"),
    case("question is one char", doc(st_("A", actions=["s3:?GetObject"])), req(), "implicit-deny"),
    case("action whole string", doc(st_("A", actions=["GetObject"])), req(), "implicit-deny"),
    case("any of the actions", doc(st_("A", actions=["ec2:*", "s3:Get*"])), req(), "allow", "A"),
    # -- resources and the ARN segment rule ---------------------------------------------------
    case("ARN case matters", doc(st_("A", resources=["arn:aws:s3:::Bucket/key"])), req(),
         "implicit-deny"),
    case("ARN question", doc(st_("A", resources=["arn:aws:s3:::bucket/k?y"])), req(), "allow", "A"),
    case("ARN question not colon", doc(st_("A", resources=["arn:aws:s3:::bucket?key"])),
         req(resource="arn:aws:s3:::bucket:key"), "implicit-deny"),
    case("segment star mid-segment", doc(st_("A", resources=["arn:aws:logs:r:1:log-group:a*z"])),
         req(resource="arn:aws:logs:r:1:log-group:a:z"), "implicit-deny"),
    case("segment star at end crosses", doc(st_("A", resources=["arn:aws:logs:r:1:log-group:a*"])),
         req(resource="arn:aws:logs:r:1:log-group:a:log-stream:s"), "allow", "A"),
    case("region star", doc(st_("A", resources=["arn:aws:ec2:*:1:instance/*"])),
         req("ec2:StartInstances", "arn:aws:ec2:eu-west-1:1:instance/i-1"), "allow", "A"),
    case("resource star", doc(st_("A", resources=["*"])), req(), "allow", "A"),
    # -- NotAction / NotResource -------------------------------------------------------------
    case("Allow NotAction other", doc(st_("A", actions=["iam:*"], not_action=True)), req(),
         "allow", "A"),
    case("Allow NotAction listed", doc(st_("A", actions=["iam:*"], not_action=True)),
         req("iam:CreateUser"), "implicit-deny"),
    case("Allow NotAction ignores case", doc(st_("A", actions=["IAM:*"], not_action=True)),
         req("iam:CreateUser"), "implicit-deny"),
    case("Deny NotAction other", doc(st_("A"), st_("D", DENY, ["s3:*"], not_action=True)),
         req("ec2:RunInstances"), "explicit-deny", "A", "D"),
    case("Deny NotAction listed", doc(st_("A"), st_("D", DENY, ["s3:*"], not_action=True)), req(),
         "allow", "A"),
    case("Allow NotResource other", doc(st_("A", resources=["arn:aws:s3:::secret/*"],
         not_resource=True)), req(), "allow", "A"),
    case("Allow NotResource listed", doc(st_("A", resources=["arn:aws:s3:::bucket/*"],
         not_resource=True)), req(), "implicit-deny"),
    case("Deny NotResource other", doc(st_("A"), st_("D", DENY, resources=["arn:aws:s3:::mine/*"],
         not_resource=True)), req(), "explicit-deny", "A", "D"),
    case("Deny NotResource listed", doc(st_("A"), st_("D", DENY, resources=["arn:aws:s3:::b*"],
         not_resource=True)), req(), "allow", "A"),
    # -- Deny overrides Allow ------------------------------------------------------------------
    case("deny in another document", [S3_GET, doc(st_("D", DENY, ["s3:*"]), name="guard")], req(),
         "explicit-deny", "A", "D"),
    case("deny listed first", doc(st_("D", DENY), st_("A")), req(), "explicit-deny", "D", "A"),
    case("deny alone", doc(st_("D", DENY)), req(), "explicit-deny", "D"),
    case("two allows", [doc(st_("A1")), doc(st_("A2"), name="p2")], req(), "allow", "A1", "A2"),
    case("deny for other action", doc(st_("A"), st_("D", DENY, ["s3:Put*"])), req(), "allow", "A"),
    # -- conditions --------------------------------------------------------------------------
    case("StringEquals met", allow(cond("StringEquals", "aws:PrincipalTag/team", "blue")),
         req(**{"aws__PrincipalTag/team": "blue"}), "allow", "A"),
    case("StringEquals absent", allow(cond("StringEquals", "aws:PrincipalTag/team", "blue")),
         req(), "implicit-deny"),
    case("StringNotEquals absent", allow(cond("StringNotEquals", "s3:prefix", "x")), req(),
         "allow", "A"),
    case("StringNotEquals listed", allow(cond("StringNotEquals", "s3:prefix", "x", "y")),
         req(s3__prefix="y"), "implicit-deny"),
    case("StringLike", allow(cond("StringLike", "s3:prefix", "home/*")), req(s3__prefix="home/a"),
         "allow", "A"),
    case("StringNotLike absent deny", deny_with(cond("StringNotLike", "s3:prefix", "home/*")),
         req(), "explicit-deny", "A", "D"),
    case("StringEqualsIgnoreCase", allow(cond("StringEqualsIgnoreCase", "k:x", "BLUE")),
         req(k__x="blue"), "allow", "A"),
    case("keys ignore case", allow(cond("StringEquals", "AWS:SourceVpc", "vpc-1")),
         req(aws__sourcevpc="vpc-1"), "allow", "A"),
    case("NumericLessThanEquals", allow(cond("NumericLessThanEquals", "s3:max-keys", "10")),
         req(**{"s3__max-keys": "10"}), "allow", "A"),
    case("Numeric unparsable", allow(cond("NumericLessThan", "s3:max-keys", "10")),
         req(**{"s3__max-keys": "ten"}), "implicit-deny"),
    case("DateGreaterThan epoch", allow(cond("DateGreaterThan", "aws:TokenIssueTime",
         "2020-01-01T00:00:01Z")), req(aws__TokenIssueTime="1600000000"), "allow", "A"),
    case("DateLessThan absent", allow(cond("DateLessThan", "aws:TokenIssueTime", "2020-01-01")),
         req(), "implicit-deny"),
    case("Bool deny insecure", deny_with(cond("Bool", "aws:SecureTransport", "false")),
         req(aws__SecureTransport="FALSE"), "explicit-deny", "A", "D"),
    case("Bool secure passes", deny_with(cond("Bool", "aws:SecureTransport", "false")),
         req(aws__SecureTransport="true"), "allow", "A"),
    case("BinaryEquals", allow(cond("BinaryEquals", "k:b", "QUJD")), req(k__b="QUJD"), "allow",
         "A" ),
    case("IpAddress v4", allow(cond("IpAddress", "aws:SourceIp", "203.0.113.0/24")),
         req(aws__SourceIp="203.0.113.9"), "allow", "A"),
    case("IpAddress v6", allow(cond("IpAddress", "aws:SourceIp", "2001:DB8:1234:5678::/64")),
         req(aws__SourceIp="2001:db8:1234:5678::9"), "allow", "A"),
    case("NotIpAddress absent", deny_with(cond("NotIpAddress", "aws:SourceIp", "10.0.0.0/8")),
         req(), "explicit-deny", "A", "D"),
    case("NotIpAddress inside", deny_with(cond("NotIpAddress", "aws:SourceIp", "10.0.0.0/8")),
         req(aws__SourceIp="10.2.3.4"), "allow", "A"),
    case("ArnLike per component", allow(cond("ArnLike", "aws:SourceArn", "arn:aws:sns:*:1:*")),
         req(aws__SourceArn="arn:aws:sns:a:b:1:t"), "implicit-deny"),
    case("ArnEquals wildcard", allow(cond("ArnEquals", "aws:SourceArn", "arn:aws:sns:*:1:*")),
         req(aws__SourceArn="arn:aws:sns:r:1:t"), "allow", "A"),
    case("ArnNotLike absent", allow(cond("ArnNotLike", "aws:SourceArn", "arn:aws:sns:*")), req(),
         "allow", "A"),
    case("Null true absent", allow(cond("Null", "aws:TokenIssueTime", "true")), req(), "allow",
         "A" ),
    case("Null true present", allow(cond("Null", "aws:TokenIssueTime", "true")),
         req(aws__TokenIssueTime="2020-01-01"), "implicit-deny"),
    case("Null false empty set", allow(cond("Null", "aws:TagKeys", "false")), req(aws__TagKeys=()),
         "implicit-deny"),
    case("IfExists absent", allow(cond("StringLikeIfExists", "ec2:InstanceType", "t2.*")),
         req("ec2:RunInstances"), "allow", "A"),
    case("IfExists present", allow(cond("StringLikeIfExists", "ec2:InstanceType", "t2.*")),
         req("ec2:RunInstances", ec2__InstanceType="m5.large"), "implicit-deny"),
    case("Deny NotEqualsIfExists absent", deny_with(cond("StringNotEqualsIfExists",
         "aws:ResourceTag/env", "dev")), req(), "explicit-deny", "A", "D"),
    case("ForAllValues absent", allow(cond("ForAllValues:StringEquals", "aws:TagKeys", "a")),
         req(), "allow", "A"),
    case("ForAllValues empty", allow(cond("ForAllValues:StringEquals", "aws:TagKeys", "a")),
         req(aws__TagKeys=()), "allow", "A"),
    case("ForAllValues outside", allow(cond("ForAllValues:StringEquals", "aws:TagKeys", "a")),
         req(aws__TagKeys=("a", "b")), "implicit-deny"),
    case("ForAnyValue absent", deny_with(cond("ForAnyValue:StringEquals", "aws:TagKeys", "a")),
         req(), "allow", "A"),
    case("ForAnyValue overlap", deny_with(cond("ForAnyValue:StringEquals", "aws:TagKeys", "a")),
         req(aws__TagKeys=("b", "a")), "explicit-deny", "A", "D"),
    case("ForAnyValue empty", allow(cond("ForAnyValue:StringEquals", "aws:TagKeys", "a")),
         req(aws__TagKeys=()), "implicit-deny"),
    case("two keys AND", allow(cond("StringEquals", "k:a", "1"), cond("StringEquals", "k:b", "2")),
         req(k__a="1", k__b="3"), "implicit-deny"),
    case("two operators AND", allow(cond("StringEquals", "k:a", "1"), cond("Bool", "k:b", "true")),
         req(k__a="1", k__b="true"), "allow", "A"),
    case("unknown operator Allow", allow(cond("StringEqualz", "k:a", "1")), req(k__a="1"),
         "implicit-deny"),
    case("unknown operator Deny", deny_with(cond("StringEqualz", "k:a", "1")), req(k__a="2"),
         "explicit-deny", "A", "D"),
    case("unknown operator Deny, other false", deny_with(cond("StringEqualz", "k:a", "1"),
         cond("StringEquals", "k:b", "x")), req(k__b="y"), "allow", "A"),
    # -- policy variables ----------------------------------------------------------------------
    case("variable in resource", doc(st_("A", resources=[HOME])),
         req(resource="arn:aws:s3:::home/bob/f", aws__username="bob"), "allow", "A"),
    case("variable other user", doc(st_("A", resources=[HOME])),
         req(resource="arn:aws:s3:::home/bob/f", aws__username="eve"), "implicit-deny"),
    case("variable missing", doc(st_("A", resources=[HOME])),
         req(resource="arn:aws:s3:::home/bob/f"), "implicit-deny"),
    case("variable missing in Deny NotResource", doc(st_("A"), st_("D", DENY, resources=[HOME],
         not_resource=True)), req(resource="arn:aws:s3:::home/bob/f"), "explicit-deny", "A", "D"),
    case("variable default", doc(st_("A", resources=[HOME_OR_ANON])),
         req(resource="arn:aws:s3:::home/anon/f"), "allow", "A"),
    case("variable key ignores case", doc(st_("A",
         resources=["arn:aws:s3:::t/${aws:PrincipalTag/Team}"])),
         req(resource="arn:aws:s3:::t/blue", **{"aws__principaltag/team": "blue"}), "allow", "A"),
    case("version 2008 literal", doc(st_("A", resources=[HOME]), version="2008-10-17"),
         req(resource="arn:aws:s3:::home/bob/f", aws__username="bob"), "implicit-deny"),
    case("version 2008 matches text", doc(st_("A", resources=[HOME]), version="2008-10-17"),
         req(resource="arn:aws:s3:::home/${aws:username}/f"), "allow", "A"),
    case("no version literal", doc(st_("A", resources=[HOME]), version=None),
         req(resource="arn:aws:s3:::home/bob/f", aws__username="bob"), "implicit-deny"),
    case("escape star literal", doc(st_("A", resources=["arn:aws:s3:::b/${*}"])),
         req(resource="arn:aws:s3:::b/x"), "implicit-deny"),
    case("escape star itself", doc(st_("A", resources=["arn:aws:s3:::b/${*}"])),
         req(resource="arn:aws:s3:::b/*"), "allow", "A"),
    case("escape question and dollar", doc(st_("A", resources=["arn:aws:s3:::b/${?}${$}"])),
         req(resource="arn:aws:s3:::b/?$"), "allow", "A"),
    case("variable value is literal", doc(st_("A", resources=HOME.rsplit("/", 1)[:1])),
         req(resource="arn:aws:s3:::home/anyone", aws__username="*"), "implicit-deny"),
    case("multivalued variable", doc(st_("A", resources=["arn:aws:s3:::t/${aws:TagKeys}"])),
         req(resource="arn:aws:s3:::t/a", aws__TagKeys=("a", "b")), "implicit-deny"),
    case("variable in condition", allow(cond("StringLike", "s3:prefix", "${aws:username}/*")),
         req(s3__prefix="bob/x", aws__username="bob"), "allow", "A"),
    case("missing variable negated", allow(cond("StringNotEquals", "s3:prefix",
         "${aws:username}")), req(s3__prefix="bob"), "allow", "A"),
    # -- resource-based policies -------------------------------------------------------------
    case("principal star anonymous", res(st_("R", principal=EVERYONE)), req(), "allow", "R"),
    case("account id", res(st_("R", principal=aws(ACCOUNT))), req(principal=BOB), "allow", "R"),
    case("account root", res(st_("R", principal=aws(f"arn:aws:iam::{ACCOUNT}:root"))),
         req(principal=BOB), "allow", "R"),
    case("other account", res(st_("R", principal=aws(ACCOUNT))), req(principal=MALLORY),
         "implicit-deny"),
    case("exact user", res(st_("R", principal=aws(ALICE))), req(principal=BOB), "implicit-deny"),
    case("role covers sessions", res(st_("R",
         principal=aws(f"arn:aws:iam::{ACCOUNT}:role/p/Bot"))),
         req(principal=f"arn:aws:sts::{ACCOUNT}:assumed-role/Bot/s1"), "allow", "R"),
    case("service principal", res(st_("R", principal=SERVICE)), req(principal="sns.amazonaws.com"),
         "allow", "R"),
    case("specific principal anonymous", res(st_("R", principal=aws(ACCOUNT))), req(),
         "implicit-deny"),
    case("NotPrincipal deny others", [S3_GET, res(st_("D", DENY, principal=aws(ALICE),
         not_principal=True))], req(principal=BOB), "explicit-deny", "A", "D"),
    case("NotPrincipal spares listed", [S3_GET, res(st_("D", DENY, principal=aws(ALICE),
         not_principal=True))], req(principal=ALICE), "allow", "A"),
    case("resource policy alone allows", [doc(), res(st_("R", principal=aws(BOB)))],
         req(principal=BOB), "allow", "R"),
    case("resource policy denies", [doc(st_("A")), res(st_("D", DENY, principal=EVERYONE))],
         req(principal=BOB), "explicit-deny", "A", "D"),
    case("no Resource in resource policy", res(st_("R", resources=(), principal=EVERYONE)), req(),
         "allow", "R"),
    case("identity ignores principal", doc(st_("A", principal=aws(ALICE))), req(principal=BOB),
         "allow", "A"),
    # -- statements that cannot be evaluated ---------------------------------------------------
    case("Allow without principal", res(st_("R")), req(principal=BOB), "implicit-deny"),
    case("Deny without principal", [S3_GET, res(st_("D", DENY))], req(principal=BOB),
         "explicit-deny", "A", "D"),
    case("Allow without actions", doc(st_("A", actions=())), req(), "implicit-deny"),
    case("Deny without actions", doc(st_("A"), st_("D", DENY, actions=())), req(), "explicit-deny",
         "A", "D"),
    case("Allow without resources", doc(st_("A", resources=())), req(), "implicit-deny"),
    case("Deny without actions, other resource", doc(st_("A"), st_("D", DENY, actions=(),
         resources=["arn:aws:s3:::elsewhere"])), req(), "allow", "A"),
]
# fmt: on


@pytest.mark.parametrize("example", CASES, ids=[c.name for c in CASES])
def test_evaluation(example: Case) -> None:
    result = evaluate(example.documents, example.request)
    assert result.decision == example.decision
    assert tuple(m.sid for m in result.statements) == example.reason


def test_there_are_enough_cases_with_unique_names() -> None:
    assert len(CASES) >= 60
    assert len({c.name for c in CASES}) == len(CASES)


def test_to_json() -> None:
    documents = [doc(st_("A"), name="one"), doc(st_("D", DENY, ["s3:*"]), st_(""), name="two")]
    data = evaluate(documents, req()).to_json()
    assert data == {
        "decision": "explicit-deny",
        "statements": [
            {"policy": "one", "path": "one.json", "index": 0, "sid": "A", "effect": "Allow"},
            {"policy": "two", "path": "two.json", "index": 0, "sid": "D", "effect": "Deny"},
            {"policy": "two", "path": "two.json", "index": 1, "sid": "", "effect": "Allow"},
        ],
    }
    json.dumps(data)


def test_statement_matches_is_exposed() -> None:
    document = doc(st_("A", actions=["s3:Get*"]))
    assert statement_matches(document, document.statements[0], req())
    assert not statement_matches(document, document.statements[0], req("s3:PutObject"))


def test_request_context_is_folded_once() -> None:
    request = Request("s3:GetObject", OBJ, {"AWS:UserName": ("bob",), "k:empty": ()})
    assert request.folded == {"aws:username": ("bob",)}
    assert Request("a:b", "*").context == {}


def test_evaluation_is_fast() -> None:
    """A few microseconds per statement once patterns are compiled (generous bound for CI)."""
    statements = [
        st_(f"S{i}", ALLOW if i % 3 else DENY, [f"s3:Get{i}*", "s3:List*"],
            [f"arn:aws:s3:::bucket{i}/*", HOME],
            conditions=[cond("StringEquals", "aws:PrincipalTag/team", "a", "b"),
                        cond("IpAddress", "aws:SourceIp", "10.0.0.0/8")])
        for i in range(10)
    ]  # fmt: skip
    document = doc(*statements)
    request = req("s3:ListBucket", "arn:aws:s3:::home/bob/x", aws__username="bob",
                  aws__SourceIp="10.1.2.3", **{"aws__PrincipalTag/team": "a"})  # fmt: skip
    assert len(evaluate([document], request).statements) == 10
    runs = 2000
    seconds = timeit.timeit(lambda: evaluate([document], request), number=runs)
    assert seconds / runs / 10 < 50e-6


# -- properties ---------------------------------------------------------------------------------

ACTION_POOL = ["s3:GetObject", "s3:Get*", "s3:*", "*", "iam:*", "s3:?etObject", "S3:PUTOBJECT"]
RESOURCE_POOL = ["*", OBJ, "arn:aws:s3:::bucket/*", "arn:aws:s3:::other/*", HOME, "arn:aws:s3:::b*"]
CONDITION_POOL = [
    cond("StringEquals", "k:a", "1"),
    cond("StringNotEquals", "k:a", "1"),
    cond("StringLikeIfExists", "k:b", "x*"),
    cond("ForAllValues:StringEquals", "k:set", "p", "q"),
    cond("ForAnyValue:StringEquals", "k:set", "p"),
    cond("Null", "k:a", "true"),
    cond("Bogus", "k:a", "1"),
    cond("NumericLessThan", "k:n", "5"),
]
CONTEXT_POOL: list[dict[str, tuple[str, ...]]] = [
    {},
    {"k:a": ("1",), "aws:username": ("bob",)},
    {"k:a": ("2",), "k:b": ("xy",), "k:n": ("3",)},
    {"k:set": ("p", "r"), "k:b": ("z",)},
    {"k:set": (), "k:n": ("9",)},
]


@st.composite
def statements(draw: st.DrawFn) -> Statement:
    return st_(
        draw(st.sampled_from(["S1", "S2", "S3", None])),
        draw(st.sampled_from([ALLOW, DENY])),
        draw(st.lists(st.sampled_from(ACTION_POOL), max_size=3)),
        draw(st.lists(st.sampled_from(RESOURCE_POOL), max_size=3)),
        not_action=draw(st.booleans()),
        not_resource=draw(st.booleans()),
        conditions=draw(st.lists(st.sampled_from(CONDITION_POOL), max_size=2)),
    )


@st.composite
def requests(draw: st.DrawFn) -> Request:
    return Request(
        draw(st.sampled_from(["s3:GetObject", "s3:PutObject", "iam:CreateUser"])),
        draw(st.sampled_from([OBJ, "arn:aws:s3:::home/bob/x", "arn:aws:s3:::other/y"])),
        draw(st.sampled_from(CONTEXT_POOL)),
    )


documents = st.lists(st.lists(statements(), max_size=4), min_size=1, max_size=3).map(
    lambda groups: tuple(doc(*group, name=f"d{i}") for i, group in enumerate(groups))
)


def _keys(result: Evaluation) -> set[tuple[str, int]]:
    return {(m.document.name, m.index) for m in result.statements}


@settings(max_examples=300, deadline=None)
@given(docs=documents, extra=statements(), request=requests())
def test_adding_a_deny_never_grants(docs: tuple[PolicyDocument, ...], extra: Statement,
                                    request: Request) -> None:  # fmt: skip
    before = evaluate(docs, request).decision
    after = evaluate((*docs, doc(replace(extra, effect=DENY), name="extra")), request).decision
    if before != "allow":
        assert after != "allow"
    if before == "explicit-deny":
        assert after == "explicit-deny"


@settings(max_examples=300, deadline=None)
@given(docs=documents, extra=statements(), request=requests())
def test_adding_an_allow_never_removes_an_allow(docs: tuple[PolicyDocument, ...], extra: Statement,
                                                request: Request) -> None:  # fmt: skip
    before = evaluate(docs, request).decision
    after = evaluate((*docs, doc(replace(extra, effect=ALLOW), name="extra")), request).decision
    if before == "allow":
        assert after == "allow"
    assert (after == "explicit-deny") is (before == "explicit-deny")


@settings(max_examples=300, deadline=None)
@given(docs=documents, request=requests(), data=st.data())
def test_order_does_not_matter(docs: tuple[PolicyDocument, ...], request: Request,
                               data: st.DataObject) -> None:  # fmt: skip
    result = evaluate(docs, request)
    shuffled_docs = data.draw(st.permutations(docs))
    shuffled = tuple(
        replace(d, statements=tuple(data.draw(st.permutations(d.statements))))
        for d in shuffled_docs
    )
    again = evaluate(shuffled, request)
    assert again.decision == result.decision
    assert _keys(again) == _keys(result)


@settings(max_examples=200, deadline=None)
@given(docs=documents, request=requests())
def test_decision_follows_from_matched_statements(docs: tuple[PolicyDocument, ...],
                                                  request: Request) -> None:  # fmt: skip
    result = evaluate(docs, request)
    effects = {m.effect for m in result.statements}
    expected = (
        "explicit-deny" if DENY in effects else "allow" if ALLOW in effects else "implicit-deny"
    )
    assert result.decision == expected
    for m in result.statements:
        assert statement_matches(m.document, m.document.statements[m.index], request)
