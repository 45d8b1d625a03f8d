"""Condition operators, evaluated the way AWS documents them.

One ``Condition`` is one operator applied to one key. Several policy values for the key are ORed
(for a negated operator: the request value must match none of them); several keys and several
operators are ANDed by the caller through ``conditions_state``.

Answers are three-valued: True, False, or None for "cannot be evaluated" (an operator AWS does
not define, or a qualifier it forbids). None never lets an Allow apply and always lets a Deny apply:
a policy that we cannot read must neither grant nor fail to forbid. ``condition_matches`` folds that
rule in, given the statement's effect.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache

from botwarden.iam.matching import Pattern, arn_like, pattern_text, string_like
from botwarden.iam.model import Condition, Effect
from botwarden.iam.variables import resolve

Context = Mapping[str, tuple[str, ...]]
Test = Callable[[str, Pattern], bool]  # one request value against one policy value

FOR_ALL = "ForAllValues"
FOR_ANY = "ForAnyValue"
_SET_OPERATORS = frozenset({None, FOR_ALL, FOR_ANY})


class FoldedContext(dict[str, tuple[str, ...]]):
    """A request context with lower-cased keys and no empty value lists.

    AWS compares condition keys case-insensitively, and treats a key whose values resolve to an
    empty set like an absent key (ForAllValues true, ForAnyValue false): dropping such keys once
    makes every operator agree with that.
    """


def fold_context(context: Context) -> FoldedContext:
    """Fold once per request; folding an already folded context costs nothing."""
    if isinstance(context, FoldedContext):
        return context
    folded = FoldedContext()
    for key, values in context.items():
        listed = (values,) if isinstance(values, str) else tuple(values)
        if listed:
            folded[key.lower()] = folded.get(key.lower(), ()) + listed
    return folded


# -- value tests -------------------------------------------------------------------------------


def _string_equals(value: str, policy: Pattern) -> bool:
    return value == pattern_text(policy)


def _string_equals_ignore_case(value: str, policy: Pattern) -> bool:
    return value.lower() == pattern_text(policy).lower()


def _string_like(value: str, policy: Pattern) -> bool:
    return string_like(policy, value)


def _arn_like(value: str, policy: Pattern) -> bool:
    return arn_like(policy, value)


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


@lru_cache(maxsize=4096)
def parse_number(text: str) -> Decimal | None:
    """An integer or decimal as AWS's Numeric operators take it; None when it is not one."""
    return Decimal(text) if _NUMBER.fullmatch(text) else None


def _numeric(compare: Callable[[Decimal, Decimal], bool]) -> Test:
    def test(value: str, policy: Pattern) -> bool:
        left, right = parse_number(value), parse_number(pattern_text(policy))
        return left is not None and right is not None and compare(left, right)

    return test


_EPOCH = re.compile(r"[+-]?\d+(?:\.\d+)?")
_YEAR_MONTH = re.compile(r"\d{4}-\d{2}")


@lru_cache(maxsize=4096)
def parse_instant(text: str) -> datetime | None:
    """Epoch seconds, or a W3C/ISO 8601 date or date-time (no zone means UTC); else None."""
    try:
        if _EPOCH.fullmatch(text):
            return datetime.fromtimestamp(float(text), UTC)
        moment = datetime.fromisoformat(text + "-01" if _YEAR_MONTH.fullmatch(text) else text)
    except (ValueError, OverflowError, OSError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _date(compare: Callable[[datetime, datetime], bool]) -> Test:
    def test(value: str, policy: Pattern) -> bool:
        left, right = parse_instant(value), parse_instant(pattern_text(policy))
        return left is not None and right is not None and compare(left, right)

    return test


def parse_bool(text: str) -> bool | None:
    lowered = text.lower()
    return True if lowered == "true" else False if lowered == "false" else None


def _bool(value: str, policy: Pattern) -> bool:
    left = parse_bool(value)
    return left is not None and left == parse_bool(pattern_text(policy))


@lru_cache(maxsize=4096)
def parse_base64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _binary(value: str, policy: Pattern) -> bool:
    """The context carries binary values base64-encoded, as the policy does; compare the bytes."""
    left = parse_base64(value)
    return left is not None and left == parse_base64(pattern_text(policy))


@lru_cache(maxsize=4096)
def parse_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def parse_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """A CIDR block; a bare address is its own /32 (or /128), as AWS documents."""
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def _ip(value: str, policy: Pattern) -> bool:
    address, network = parse_address(value), parse_network(pattern_text(policy))
    return address is not None and network is not None and address in network


# -- the operator table ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Operator:
    """How a base operator compares values, whether it is negated, whether values take variables."""

    test: Test
    negated: bool = False
    variables: bool = False


def _family(
    test: Test, positive: Sequence[str], negative: Sequence[str], variables: bool
) -> dict[str, Operator]:
    table = {name: Operator(test, False, variables) for name in positive}
    table.update({name: Operator(test, True, variables) for name in negative})
    return table


def _ordered(prefix: str, make: Callable[[Callable[..., bool]], Test]) -> dict[str, Operator]:
    comparisons = {
        "Equals": operator.eq,
        "LessThan": operator.lt,
        "LessThanEquals": operator.le,
        "GreaterThan": operator.gt,
        "GreaterThanEquals": operator.ge,
    }
    table = {prefix + name: Operator(make(compare)) for name, compare in comparisons.items()}
    table[prefix + "NotEquals"] = Operator(make(operator.eq), negated=True)
    return table


# Variables: AWS allows them with String and ARN operators, and (per the condition-operator page)
# with Bool; not with Numeric, Date, Binary, IP address or Null.
OPERATORS: dict[str, Operator] = {
    **_family(_string_equals, ["StringEquals"], ["StringNotEquals"], True),
    **_family(
        _string_equals_ignore_case, ["StringEqualsIgnoreCase"], ["StringNotEqualsIgnoreCase"], True
    ),
    **_family(_string_like, ["StringLike"], ["StringNotLike"], True),
    **_family(_arn_like, ["ArnEquals", "ArnLike"], ["ArnNotEquals", "ArnNotLike"], True),
    **_ordered("Numeric", _numeric),
    **_ordered("Date", _date),
    **_family(_bool, ["Bool"], [], True),
    **_family(_binary, ["BinaryEquals"], [], False),
    **_family(_ip, ["IpAddress"], ["NotIpAddress"], False),
}
NULL = "Null"
KNOWN_OPERATORS = frozenset(OPERATORS) | {NULL}


# -- evaluation --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Plan:
    """What an operator string means, worked out once per distinct string."""

    spec: Operator | None  # None for Null
    set_operator: str | None
    if_exists: bool
    absent: bool  # the answer when the key is not in the request


@lru_cache(maxsize=4096)
def plan(operator_name: str) -> Plan | None:
    """Parse ``[ForAllValues:|ForAnyValue:]Base[IfExists]``; None when AWS defines no such thing."""
    probe = Condition(operator_name, "", ())
    if probe.set_operator not in _SET_OPERATORS:
        return None
    if probe.base == NULL:
        # AWS allows no IfExists on Null and documents no set qualifier for it.
        plain = not probe.if_exists and probe.set_operator is None
        return Plan(None, None, False, False) if plain else None
    spec = OPERATORS.get(probe.base)
    if spec is None:
        return None
    return Plan(spec, probe.set_operator, probe.if_exists, _absent(probe, spec))


def _absent(probe: Condition, spec: Operator) -> bool:
    """AWS: IfExists and ForAllValues hold, ForAnyValue fails, a negated operator holds."""
    if probe.if_exists or probe.set_operator == FOR_ALL:
        return True
    if probe.set_operator == FOR_ANY:
        return False
    return spec.negated


def condition_state(
    condition: Condition, context: Context, *, variables_enabled: bool
) -> bool | None:
    """True or False as AWS would decide; None when the operator cannot be evaluated."""
    how = plan(condition.operator)
    if how is None:
        return None
    folded = fold_context(context)
    request = folded.get(condition.key.lower())
    if how.spec is None:
        return _null(condition.values, present=request is not None)
    if request is None:
        return how.absent
    policy = _policy_values(condition.values, folded, variables_enabled and how.spec.variables)
    return _compare(how, how.spec, request, policy)


def _policy_values(
    values: tuple[str, ...], folded: FoldedContext, variables: bool
) -> Sequence[Pattern]:
    """Values with variables substituted; a value whose variable has no value drops out, which
    is AWS's "effectively null": positive operators cannot match it, negated ones are satisfied."""
    if not variables or not _mentions_variables(values):
        return values
    resolved = (resolve(value, folded, enabled=True) for value in values)
    return [value for value in resolved if value is not None]


@lru_cache(maxsize=4096)
def _mentions_variables(values: tuple[str, ...]) -> bool:
    return any("${" in value for value in values)


def _compare(
    how: Plan, spec: Operator, request: tuple[str, ...], policy: Sequence[Pattern]
) -> bool:
    """Without a qualifier a negated operator is the negation of its positive twin over all values;
    with one, negation applies to each request value before ForAllValues/ForAnyValue combine them.
    """
    test, negated = spec.test, spec.negated
    if how.set_operator is None:
        return _any_hit(test, request, policy) != negated
    verdicts = (_any_hit(test, (value,), policy) != negated for value in request)
    return all(verdicts) if how.set_operator == FOR_ALL else any(verdicts)


def _any_hit(test: Test, request: tuple[str, ...], policy: Sequence[Pattern]) -> bool:
    for value in request:
        for expected in policy:
            if test(value, expected):
                return True
    return False


def _null(values: tuple[str, ...], *, present: bool) -> bool:
    """Null: "true" means the key is absent, "false" that it is present (values are ORed)."""
    return any(parse_bool(value) is (not present) for value in values)


def conditions_state(
    conditions: Iterable[Condition], context: Context, *, variables_enabled: bool
) -> bool | None:
    """AND over the conditions, three-valued: one False decides, otherwise a None leaves doubt."""
    folded = fold_context(context)
    state: bool | None = True
    for condition in conditions:
        found = condition_state(condition, folded, variables_enabled=variables_enabled)
        if found is False:
            return False
        if found is None:
            state = None
    return state


def applies(state: bool | None, effect: Effect) -> bool:
    """Fail closed both ways: doubt never grants (Allow) and never lets a request past (Deny)."""
    return state is True or (state is None and effect is Effect.DENY)


def condition_matches(
    condition: Condition,
    context: Context,
    *,
    variables_enabled: bool,
    effect: Effect = Effect.ALLOW,
) -> bool:
    """Whether this condition lets a statement with ``effect`` apply."""
    return applies(condition_state(condition, context, variables_enabled=variables_enabled), effect)


def conditions_match(
    conditions: Iterable[Condition],
    context: Context,
    *,
    variables_enabled: bool,
    effect: Effect = Effect.ALLOW,
) -> bool:
    """Whether all these conditions together let a statement with ``effect`` apply."""
    state = conditions_state(conditions, context, variables_enabled=variables_enabled)
    return applies(state, effect)
