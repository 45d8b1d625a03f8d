"""Condition operators: each operator, qualifiers, absent keys, empty sets, three-valued answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botwarden.iam.conditions import (
    KNOWN_OPERATORS,
    OPERATORS,
    condition_matches,
    condition_state,
    conditions_match,
    conditions_state,
    fold_context,
    parse_instant,
    parse_number,
    plan,
)
from botwarden.iam.model import Condition, Effect
from botwarden.iam.variables import Literal, Variable, parse_template, resolve

Ctx = dict[str, tuple[str, ...]]
K = "test:key"


def state(
    operator: str, values: tuple[str, ...], context: Ctx, *, variables: bool = True
) -> bool | None:
    return condition_state(Condition(operator, K, values), context, variables_enabled=variables)


def ctx(*values: str) -> Ctx:
    return {K: values}


ABSENT: Ctx = {}

# (operator, policy values, request context, expected)
CASES: list[tuple[str, tuple[str, ...], Ctx, bool | None]] = [
    # String
    ("StringEquals", ("a", "b"), ctx("b"), True),  # values ORed
    ("StringEquals", ("a",), ctx("A"), False),  # case-sensitive
    ("StringEquals", ("a",), ABSENT, False),
    ("StringEquals", ("a*",), ctx("ab"), False),  # no wildcards in Equals
    ("StringNotEquals", ("a", "b"), ctx("c"), True),  # matches none of them
    ("StringNotEquals", ("a", "b"), ctx("b"), False),
    ("StringNotEquals", ("a",), ABSENT, True),  # negated + absent key: true
    ("StringEqualsIgnoreCase", ("HeLLo",), ctx("hello"), True),
    ("StringEqualsIgnoreCase", ("hello",), ABSENT, False),
    ("StringNotEqualsIgnoreCase", ("HELLO",), ctx("hello"), False),
    ("StringNotEqualsIgnoreCase", ("HELLO",), ABSENT, True),
    ("StringLike", ("home/*",), ctx("home/a/b"), True),
    ("StringLike", ("home/?",), ctx("home/ab"), False),
    ("StringLike", ("Home/*",), ctx("home/a"), False),  # case-sensitive
    ("StringLike", ("a:*",), ctx("a:b:c"), True),  # * crosses colons in StringLike
    ("StringNotLike", ("home/*",), ctx("tmp/x"), True),
    ("StringNotLike", ("home/*",), ctx("home/x"), False),
    ("StringNotLike", ("home/*",), ABSENT, True),
    # Numeric
    ("NumericEquals", ("1.0",), ctx("1"), True),
    ("NumericEquals", ("10",), ctx("1e1"), True),
    ("NumericNotEquals", ("10",), ctx("11"), True),
    ("NumericNotEquals", ("10",), ABSENT, True),
    ("NumericLessThan", ("10",), ctx("9.5"), True),
    ("NumericLessThan", ("10",), ctx("10"), False),
    ("NumericLessThanEquals", ("10",), ctx("10"), True),
    ("NumericGreaterThan", ("10",), ctx("-11"), False),
    ("NumericGreaterThanEquals", ("10",), ctx("10"), True),
    ("NumericLessThan", ("10",), ctx("abc"), False),  # unparsable: no match
    ("NumericLessThan", ("ten",), ctx("1"), False),
    ("NumericLessThan", ("10",), ABSENT, False),
    # Date
    ("DateLessThan", ("2020-01-01T00:00:00Z",), ctx("2019-12-31T23:59:59Z"), True),
    ("DateLessThan", ("2020-01-01T00:00:00Z",), ctx("1577836799"), True),  # epoch seconds
    ("DateLessThan", ("2020-01-01T00:00:00Z",), ctx("1577836800"), False),
    ("DateEquals", ("2020-01-01",), ctx("2020-01-01T00:00:00Z"), True),  # a date is midnight UTC
    ("DateEquals", ("2020-01-01T01:00:00+01:00",), ctx("2020-01-01T00:00:00Z"), True),
    ("DateNotEquals", ("2020-01-01",), ABSENT, True),
    ("DateGreaterThan", ("2020-01",), ctx("2020-01-01T00:00:01Z"), True),
    ("DateGreaterThanEquals", ("2020-01-01",), ctx("not a date"), False),
    ("DateLessThanEquals", ("2020-01-01",), ctx("2020-01-01"), True),
    # Bool
    ("Bool", ("true",), ctx("TRUE"), True),
    ("Bool", ("false",), ctx("true"), False),
    ("Bool", ("false",), ABSENT, False),
    ("Bool", ("yes",), ctx("yes"), False),  # not a boolean
    # Binary
    ("BinaryEquals", ("QmluYXJ5VmFsdWVJbkJhc2U2NA==",), ctx("QmluYXJ5VmFsdWVJbkJhc2U2NA=="), True),
    ("BinaryEquals", ("QUJD",), ctx("QUJE"), False),
    ("BinaryEquals", ("QUJD",), ctx("not base64!"), False),
    # IP address
    ("IpAddress", ("203.0.113.0/24",), ctx("203.0.113.7"), True),
    ("IpAddress", ("203.0.113.0/24",), ctx("203.0.114.7"), False),
    ("IpAddress", ("203.0.113.7",), ctx("203.0.113.7"), True),  # bare address: /32
    ("IpAddress", ("203.0.113.7",), ctx("203.0.113.8"), False),
    ("IpAddress", ("2001:DB8:1234:5678::/64",), ctx("2001:db8:1234:5678::1"), True),
    ("IpAddress", ("2001:DB8::/32",), ctx("203.0.113.7"), False),  # other family
    ("IpAddress", ("203.0.113.0/24",), ctx("garbage"), False),
    ("NotIpAddress", ("203.0.113.0/24",), ctx("198.51.100.1"), True),
    ("NotIpAddress", ("203.0.113.0/24",), ctx("203.0.113.1"), False),
    ("NotIpAddress", ("203.0.113.0/24",), ABSENT, True),
    # ARN
    (
        "ArnLike",
        ("arn:aws:sns:*:111122223333:*",),
        ctx("arn:aws:sns:us-east-1:111122223333:t"),
        True,
    ),
    (
        "ArnEquals",
        ("arn:aws:sns:*:111122223333:*",),
        ctx("arn:aws:sns:us-east-1:111122223333:t"),
        True,
    ),
    ("ArnLike", ("arn:aws:sns:*:111122223333:*",), ctx("arn:aws:sns:a:b:111122223333:t"), False),
    ("ArnNotLike", ("arn:aws:sns:*:1:*",), ctx("arn:aws:sqs:r:1:q"), True),
    ("ArnNotEquals", ("arn:aws:sns:*:1:*",), ctx("arn:aws:sns:r:1:q"), False),
    ("ArnNotLike", ("arn:aws:sns:*:1:*",), ABSENT, True),
    # Null
    ("Null", ("true",), ABSENT, True),
    ("Null", ("true",), ctx("x"), False),
    ("Null", ("false",), ctx("x"), True),
    ("Null", ("false",), ABSENT, False),
    ("Null", ("TRUE",), ABSENT, True),
    ("Null", ("true",), ctx(), True),  # an empty value set counts as absent
    ("Null", ("maybe",), ABSENT, False),
    # IfExists
    ("StringEqualsIfExists", ("a",), ABSENT, True),
    ("StringEqualsIfExists", ("a",), ctx("b"), False),
    ("StringEqualsIfExists", ("a",), ctx("a"), True),
    ("StringNotEqualsIfExists", ("a",), ABSENT, True),
    ("NumericLessThanIfExists", ("5",), ctx("7"), False),
    # set qualifiers
    ("ForAllValues:StringEquals", ("a", "b"), ABSENT, True),  # vacuously true
    ("ForAllValues:StringEquals", ("a", "b"), ctx(), True),  # empty set: true
    ("ForAllValues:StringEquals", ("a", "b"), ctx("a", "b"), True),
    ("ForAllValues:StringEquals", ("a", "b"), ctx("a", "c"), False),
    ("ForAllValues:StringLike", ("Created*",), ctx("CreatedBy", "CreatedAt"), True),
    ("ForAnyValue:StringEquals", ("a", "b"), ABSENT, False),
    ("ForAnyValue:StringEquals", ("a", "b"), ctx(), False),
    ("ForAnyValue:StringEquals", ("a", "b"), ctx("c", "b"), True),
    ("ForAnyValue:StringEquals", ("a", "b"), ctx("c", "d"), False),
    ("ForAllValues:StringNotEquals", ("a", "b"), ctx("c", "d"), True),  # each value: none of them
    ("ForAllValues:StringNotEquals", ("a", "b"), ctx("c", "a"), False),
    ("ForAnyValue:StringNotEquals", ("a", "b"), ctx("a", "c"), True),
    ("ForAnyValue:StringNotEquals", ("a", "b"), ctx("a", "b"), False),
    ("ForAnyValue:StringNotLike", ("a*",), ABSENT, False),
    ("ForAllValues:StringNotLike", ("a*",), ABSENT, True),
    ("ForAnyValue:StringEqualsIfExists", ("a",), ABSENT, True),  # IfExists wins when absent
    ("ForAllValues:StringEquals", (), ctx("a"), False),  # no policy value to match
    # multiple request values without a qualifier: any value matching counts
    ("StringEquals", ("a",), ctx("b", "a"), True),
    ("StringNotEquals", ("a",), ctx("b", "a"), False),  # the negation of StringEquals
    # what cannot be evaluated: None
    ("StringEqualz", ("a",), ctx("a"), None),
    ("NullIfExists", ("true",), ABSENT, None),
    ("ForAnyValue:Null", ("true",), ABSENT, None),
    ("ForSomeValues:StringEquals", ("a",), ctx("a"), None),
    ("BinaryNotEquals", ("QUJD",), ctx("QUJD"), None),
    ("IfExists", ("a",), ctx("a"), None),
    ("stringequals", ("a",), ctx("a"), None),  # operator names are written as AWS spells them
]


@pytest.mark.parametrize(
    ("operator", "values", "context", "expected"),
    CASES,
    ids=[f"{i}-{case[0]}" for i, case in enumerate(CASES)],
)
def test_operator(
    operator: str, values: tuple[str, ...], context: Ctx, expected: bool | None
) -> None:
    assert state(operator, values, context) is expected


def test_every_documented_operator_is_known() -> None:
    documented = {
        *(f"String{x}" for x in ("Equals", "NotEquals", "EqualsIgnoreCase", "NotEqualsIgnoreCase")),
        "StringLike",
        "StringNotLike",
        *(f"{family}{x}" for family in ("Numeric", "Date") for x in _ORDERED),
        "Bool",
        "BinaryEquals",
        "IpAddress",
        "NotIpAddress",
        "ArnEquals",
        "ArnLike",
        "ArnNotEquals",
        "ArnNotLike",
        "Null",
    }
    assert documented == KNOWN_OPERATORS


_ORDERED = ("Equals", "NotEquals", "LessThan", "LessThanEquals", "GreaterThan", "GreaterThanEquals")


def test_condition_keys_ignore_case_values_do_not() -> None:
    condition = Condition("StringEquals", "AWS:PrincipalTag/Team", ("Blue",))
    assert condition_state(condition, {"aws:principaltag/team": ("Blue",)}, variables_enabled=True)
    assert not condition_state(
        condition, {"aws:principaltag/team": ("blue",)}, variables_enabled=True
    )


def test_fold_context_merges_keys_and_drops_empty_sets() -> None:
    folded = fold_context({"A:b": ("1",), "a:B": ("2",), "c:d": (), "e:f": "single"})  # type: ignore[dict-item]
    assert folded == {"a:b": ("1", "2"), "e:f": ("single",)}
    assert fold_context(folded) is folded


def test_unknown_operator_fails_closed_both_ways() -> None:
    condition = Condition("StringEqualz", K, ("a",))
    assert not condition_matches(condition, ctx("a"), variables_enabled=True, effect=Effect.ALLOW)
    assert condition_matches(condition, ctx("a"), variables_enabled=True, effect=Effect.DENY)


def test_conditions_are_anded_three_valued() -> None:
    yes = Condition("StringEquals", K, ("a",))
    no = Condition("StringEquals", K, ("b",))
    unknown = Condition("Bogus", K, ("a",))
    context = ctx("a")
    assert conditions_state([], context, variables_enabled=True) is True
    assert conditions_state([yes, yes], context, variables_enabled=True) is True
    assert conditions_state([yes, no], context, variables_enabled=True) is False
    assert (
        conditions_state([unknown, no], context, variables_enabled=True) is False
    )  # False decides
    assert conditions_state([yes, unknown], context, variables_enabled=True) is None
    assert conditions_match([yes, unknown], context, variables_enabled=True, effect=Effect.DENY)
    assert not conditions_match([yes, unknown], context, variables_enabled=True)


# -- policy variables in condition values ------------------------------------------------------


def test_variables_in_string_and_arn_values() -> None:
    context = {"aws:username": ("bob",), K: ("home/bob/x",)}
    assert state("StringLike", ("home/${aws:username}/*",), context)
    assert not state("StringLike", ("home/${aws:username}/*",), context, variables=False)
    assert state(
        "StringLike", ("home/${aws:username}/*",), {K: ("home/${aws:username}/x",)}, variables=False
    )
    arn_context = {"aws:username": ("bob",), K: ("arn:aws:iam::1:user/bob",)}
    assert state("ArnLike", ("arn:aws:iam::*:user/${aws:username}",), arn_context)


def test_missing_variable_is_effectively_null() -> None:
    """AWS: positive operators do not match a null variable, negated ones do."""
    assert not state("StringEquals", ("${aws:username}",), ctx("bob"))
    assert state("StringNotEquals", ("${aws:username}",), ctx("bob"))
    assert state("StringEquals", ("${aws:username}", "bob"), ctx("bob"))  # other values still count
    assert state("StringEquals", ("${aws:username, 'bob'}",), ctx("bob"))  # a default fills in


def test_multivalued_variable_resolves_to_nothing() -> None:
    context = {"aws:tagkeys": ("a", "b"), K: ("a",)}
    assert not state("StringEquals", ("${aws:TagKeys}",), context)


def test_variables_not_substituted_for_numeric_date_ip() -> None:
    context = {"aws:n": ("5",), K: ("5",)}
    assert not state("NumericEquals", ("${aws:n}",), context)
    assert not state("IpAddress", ("${aws:n}",), {**context, K: ("10.0.0.1",)})


def test_variable_values_are_literal_in_like() -> None:
    context = {"aws:username": ("*",), K: ("anything",)}
    assert not state("StringLike", ("${aws:username}",), context)
    assert state("StringLike", ("${aws:username}",), {**context, K: ("*",)})
    assert state("StringLike", ("${*}",), ctx("*"))
    assert not state("StringLike", ("${*}",), ctx("x"))


def test_parse_template() -> None:
    assert parse_template("a/${AWS:UserName}/${*}${?}${$}") == (
        "a/",
        Variable("aws:username"),
        "/",
        Literal("*"),
        Literal("?"),
        Literal("$"),
    )
    assert parse_template("${ aws:username , 'anon ymous' }") == (
        Variable("aws:username", "anon ymous"),
    )
    for malformed in ("${}", "${a b}", "${k, x}", "${k, 'a'b'}", "${unclosed"):
        assert parse_template(malformed) == (malformed,)


def test_resolve() -> None:
    context = {"aws:username": ("bob",), "aws:tagkeys": ("a", "b")}
    assert resolve("h/${aws:username}/*", context, enabled=True) == "h/bob/*"
    assert resolve("h/${aws:username}/*", context, enabled=False) == "h/${aws:username}/*"
    assert resolve("${aws:userid}", context, enabled=True) is None
    assert resolve("${aws:userid, 'x'}", context, enabled=True) == "x"
    assert resolve("${aws:TagKeys, 'x'}", context, enabled=True) is None  # multivalued
    assert resolve("${$}{aws:username}", context, enabled=True) == "${aws:username}"  # one pass
    assert resolve("a${*}", context, enabled=True) == (("a", True), ("*", False))


# -- parsing helpers ---------------------------------------------------------------------------


def test_parse_number_and_instant() -> None:
    assert parse_number("-1.5e2") == -150
    assert parse_number("nan") is None
    assert parse_number("1_000") is None
    assert parse_instant("2020-01-01") == datetime(2020, 1, 1, tzinfo=UTC)
    assert parse_instant("0") == datetime(1970, 1, 1, tzinfo=UTC)
    assert parse_instant("99999999999999999999") is None  # out of range: no match, no crash
    assert parse_instant("2020-13-01") is None


def test_plan_is_parsed_once_per_operator() -> None:
    first = plan("ForAnyValue:StringLikeIfExists")
    assert first is plan("ForAnyValue:StringLikeIfExists")
    assert first is not None
    assert (first.set_operator, first.if_exists, first.absent) == ("ForAnyValue", True, True)


# -- properties --------------------------------------------------------------------------------

POSITIVE_TWINS = {
    name: name.replace("Not", "", 1) if name != "NotIpAddress" else "IpAddress"
    for name, spec in OPERATORS.items()
    if spec.negated
}
SAMPLE_VALUES = [
    "a",
    "b",
    "A",
    "a*",
    "1",
    "2.0",
    "true",
    "10.0.0.0/8",
    "10.1.1.1",
    "QUJD",
    "2020-01-01",
    "",
]
values_strategy = st.lists(st.sampled_from(SAMPLE_VALUES), max_size=3).map(tuple)


@given(
    negated=st.sampled_from(sorted(POSITIVE_TWINS)),
    policy=values_strategy,
    request=st.none() | values_strategy,
)
def test_negated_operator_is_negation_of_its_twin(
    negated: str, policy: tuple[str, ...], request: tuple[str, ...] | None
) -> None:
    context = {} if request is None else ctx(*request)
    assert state(negated, policy, context) is (not state(POSITIVE_TWINS[negated], policy, context))


@given(base=st.sampled_from(sorted(OPERATORS)), policy=values_strategy, request=values_strategy)
def test_if_exists_is_the_base_operator_when_the_key_is_present(
    base: str, policy: tuple[str, ...], request: tuple[str, ...]
) -> None:
    context = ctx(*request)
    if request:
        assert state(base + "IfExists", policy, context) is state(base, policy, context)
    else:
        assert state(base + "IfExists", policy, context) is True


@given(
    base=st.sampled_from(sorted(OPERATORS)),
    policy=values_strategy,
    value=st.sampled_from(SAMPLE_VALUES),
)
def test_qualifiers_agree_with_plain_operator_on_one_value(
    base: str, policy: tuple[str, ...], value: str
) -> None:
    context = ctx(value)
    plain = state(base, policy, context)
    assert state(f"ForAllValues:{base}", policy, context) is plain
    assert state(f"ForAnyValue:{base}", policy, context) is plain
