"""Wildcard matching and pattern set questions, against AWS's examples and brute force."""

from __future__ import annotations

import itertools
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botwarden.iam.matching import (
    Syntax,
    action_matches,
    arn_like,
    arn_matches,
    arn_subsumes,
    arns_intersect,
    common_example,
    glob_subsumes,
    globs_intersect,
    matches,
    string_like,
    uncovered_example,
)

# -- AWS's documented examples and the rules they illustrate ------------------------------------

ACTIONS = [
    ("s3:GetObject", "s3:GetObject", True),
    ("S3:getobject", "s3:GetObject", True),  # actions ignore case
    ("s3:Get*", "s3:GetObjectAcl", True),
    ("s3:*Object", "s3:PutObject", True),
    ("s3:?etObject", "s3:GetObject", True),
    ("s3:?etObject", "s3:GGetObject", False),  # ? is exactly one character
    ("s3:Get", "s3:GetObject", False),  # the whole string must match
    ("GetObject", "s3:GetObject", False),
    ("*", "iam:CreateUser", True),
    ("s3*", "s3:GetObject", True),  # * crosses the colon in actions
    ("iam:*AccessKey*", "iam:CreateAccessKey", True),
]


@pytest.mark.parametrize(("pattern", "action", "expected"), ACTIONS)
def test_action_matches(pattern: str, action: str, expected: bool) -> None:
    assert action_matches(pattern, action) is expected


RESOURCES = [
    ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c", True),
    ("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/a", False),  # ARNs are case-sensitive
    ("arn:aws:s3:::b/????", "arn:aws:s3:::b/abcd", True),
    ("arn:aws:s3:::b/????", "arn:aws:s3:::b/abc", False),
    ("arn:aws:s3:::b?c", "arn:aws:s3:::b:c", False),  # ? stays inside its segment
    ("arn:aws:ec2:*:1:instance/*", "arn:aws:ec2:us-east-1:1:instance/i-1", True),
    # a * in the middle of a segment does not cross a colon ...
    ("arn:aws:logs:r:1:log-group:app*-prod", "arn:aws:logs:r:1:log-group:app:x-prod", False),
    ("arn:aws:logs:r:1:log-group:app*-prod", "arn:aws:logs:r:1:log-group:app-x-prod", True),
    # ... but a * that ends a segment may run past colons
    ("arn:aws:logs:r:1:log-group:app*", "arn:aws:logs:r:1:log-group:app:log-stream:s", True),
    ("arn:aws:iam::*:user/x", "arn:aws:iam::1:2:user/x", True),
    ("arn:aws:s3:::*", "arn:aws:s3:::a:b/c", True),
    ("*", "arn:aws:anything:::x", True),
    ("arn:aws:sqs:us-east-2:1:queue1", "arn:aws:sqs:us-east-2:1:queue1", True),
    ("arn:aws:sqs:us-east-2:1:queue1", "arn:aws:sqs:us-east-2:1:queue10", False),
]


@pytest.mark.parametrize(("pattern", "arn", "expected"), RESOURCES)
def test_arn_matches(pattern: str, arn: str, expected: bool) -> None:
    assert arn_matches(pattern, arn) is expected


def test_arn_like_checks_each_component_aws_example() -> None:
    """The ArnLike example from AWS's condition-operator page: StringLike matches, ArnLike not."""
    pattern = "arn:aws:someservice:*:111122223333:finance/*"
    value = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
    assert string_like(pattern, value)
    assert not arn_like(pattern, value)


@pytest.mark.parametrize(
    ("pattern", "arn", "expected"),
    [
        ("arn:aws:sns:*:123456789012:topic", "arn:aws:sns:eu-west-1:123456789012:topic", True),
        ("arn:aws:sns:*:123456789012:t*", "arn:aws:sns:eu-west-1:123456789012:t:x:y", True),
        ("arn:aws:sns:*", "arn:aws:sns:eu-west-1:123456789012:topic", True),  # short: rest
        ("arn:aws:sns:us-east-1", "arn:aws:sns:us-east-1:1:t", False),
        ("*", "anything at all", True),
        ("arn:aws:s?s:*:*:*", "arn:aws:sns:a:b:c", True),
        ("arn:aws:s?s:*:*:*", "arn:aws:s:s:a:b:c", False),
    ],
)
def test_arn_like(pattern: str, arn: str, expected: bool) -> None:
    assert arn_like(pattern, arn) is expected


def test_literal_pieces_do_not_act_as_wildcards() -> None:
    """Pieces from variables or ${*} are literal even when they contain * or ?."""
    parts = (("arn:aws:s3:::b/", True), ("*", False))
    assert arn_matches(parts, "arn:aws:s3:::b/*")
    assert not arn_matches(parts, "arn:aws:s3:::b/x")
    assert string_like((("a", False), ("?", False), ("*", True)), "a?zz")
    assert not string_like((("a", False), ("?", False)), "ab")


def test_many_stars_stay_fast_and_correct() -> None:
    """Patterns with many stars use the automaton, which does not backtrack."""
    pattern = "a*a*a*a*a*a*a*a*b"
    assert not string_like(pattern, "a" * 3000)
    assert string_like(pattern, "a" * 3000 + "b")
    assert arn_matches("arn:*:*:*:*:x*y*z*w", "arn:a:b:c:d:xyzw")
    assert not arn_matches("arn:*a*b*c*d:e", "arn:" + "abcd" * 500)


# -- an independent reference matcher ----------------------------------------------------------


def reference(pattern: str, text: str, syntax: Syntax) -> bool:
    """Straight from the written rules, by recursion: slow, but obviously right."""
    if syntax == "action":
        return _glob(pattern.lower(), text.lower(), segments=False)
    if syntax == "like":
        return _glob(pattern, text, segments=False)
    if syntax == "arn":
        return _glob(pattern, text, segments=True)
    cut = min(5, pattern.count(":"))
    parts, pieces = pattern.split(":", cut), text.split(":", cut)
    return len(parts) == len(pieces) and all(
        _glob(p, t, segments=False) for p, t in zip(parts, pieces, strict=True)
    )


@cache
def _glob(pattern: str, text: str, *, segments: bool) -> bool:
    if not pattern:
        return not text
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        free = not segments or not rest or rest[0] == ":"
        runs = range(len(text) + 1)
        return any(
            _glob(rest, text[n:], segments=segments) for n in runs if free or ":" not in text[:n]
        )
    if not text:
        return False
    ok = (not segments or text[0] != ":") if head == "?" else head == text[0]
    return ok and _glob(rest, text[1:], segments=segments)


SYNTAX_ALPHABETS: dict[Syntax, tuple[str, str]] = {
    # (pattern characters, text characters): 'c' is a letter no pattern uses
    "like": ("ab*?", "abc"),
    "action": ("aB*?", "aAbc"),
    "arn": ("a:*?", "ab:"),
    "arnlike": ("a:*?", "ab:"),
}


def _texts(alphabet: str, longest: int) -> list[str]:
    return [
        "".join(chars)
        for size in range(longest + 1)
        for chars in itertools.product(alphabet, repeat=size)
    ]


TEXTS = {syntax: _texts(chars, 6) for syntax, (_, chars) in SYNTAX_ALPHABETS.items()}


def patterns(syntax: Syntax, longest: int = 5) -> st.SearchStrategy[str]:
    return st.text(alphabet=SYNTAX_ALPHABETS[syntax][0], max_size=longest)


SYNTAXES: list[Syntax] = ["like", "action", "arn", "arnlike"]


@pytest.mark.parametrize("syntax", SYNTAXES)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_matching_agrees_with_reference(syntax: Syntax, data: st.DataObject) -> None:
    pattern = data.draw(patterns(syntax, longest=9))  # up to 9 stars: both compiled paths
    text = data.draw(st.text(alphabet=SYNTAX_ALPHABETS[syntax][1], max_size=12))
    assert matches(pattern, text, syntax) is reference(pattern, text, syntax)


# -- pattern inclusion and intersection against brute force -----------------------------------


@pytest.mark.parametrize("syntax", SYNTAXES)
@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_uncovered_example_agrees_with_brute_force(syntax: Syntax, data: st.DataObject) -> None:
    general, specific = data.draw(patterns(syntax)), data.draw(patterns(syntax))
    example = uncovered_example(general, specific, syntax)
    if example is None:  # claimed covered: no short string refutes it
        assert not [
            t
            for t in TEXTS[syntax]
            if matches(specific, t, syntax) and not matches(general, t, syntax)
        ]
    else:  # claimed not covered: the example proves it
        assert reference(specific, example, syntax)
        assert not reference(general, example, syntax)


@pytest.mark.parametrize("syntax", SYNTAXES)
@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_common_example_agrees_with_brute_force(syntax: Syntax, data: st.DataObject) -> None:
    a, b = data.draw(patterns(syntax)), data.draw(patterns(syntax))
    example = common_example(a, b, syntax)
    if example is None:
        assert not [t for t in TEXTS[syntax] if matches(a, t, syntax) and matches(b, t, syntax)]
    else:
        assert reference(a, example, syntax)
        assert reference(b, example, syntax)


@settings(max_examples=200, deadline=None)
@given(general=patterns("like"), specific=patterns("like"), sensitive=st.booleans())
def test_glob_subsumes_matches_brute_force(general: str, specific: str, sensitive: bool) -> None:
    syntax: Syntax = "like" if sensitive else "action"
    refuted = any(
        matches(specific, t, syntax) and not matches(general, t, syntax) for t in TEXTS[syntax]
    )
    if glob_subsumes(general, specific, case_sensitive=sensitive):
        assert not refuted
    else:  # a counterexample may be longer than the brute force reaches: check the one given
        example = uncovered_example(general, specific, syntax)
        assert example is not None
        assert reference(specific, example, syntax)
        assert not reference(general, example, syntax)
    shared = any(
        matches(general, t, syntax) and matches(specific, t, syntax) for t in TEXTS[syntax]
    )
    # Short strings can prove an overlap but not its absence ('*aaa' and '???b*' first meet at
    # seven characters), so a claimed overlap is checked by its witness instead.
    if globs_intersect(general, specific, case_sensitive=sensitive):
        witness = common_example(general, specific, syntax)
        assert witness is not None
        assert reference(general, witness, syntax)
        assert reference(specific, witness, syntax)
    else:
        assert not shared


@settings(max_examples=200, deadline=None)
@given(pattern=st.text(alphabet="ab:*?AB", max_size=12), sensitive=st.booleans())
def test_a_pattern_subsumes_and_meets_itself(pattern: str, sensitive: bool) -> None:
    assert glob_subsumes(pattern, pattern, case_sensitive=sensitive)
    assert globs_intersect(pattern, pattern, case_sensitive=sensitive)
    assert arn_subsumes(pattern, pattern)
    assert arns_intersect(pattern, pattern)


@settings(max_examples=300, deadline=None)
@given(pattern=st.text(alphabet="ab:/-*?", max_size=20), letters=st.text("xyz", min_size=40))
def test_arn_pattern_matches_itself_with_wildcards_filled(pattern: str, letters: str) -> None:
    """Replacing each wildcard with a letter gives an ARN the pattern matches."""
    fill = iter(letters)
    arn = "".join(next(fill) if char in "*?" else char for char in pattern)
    assert arn_matches(pattern, arn)
    assert string_like(pattern, arn)


def test_subsumption_examples() -> None:
    assert glob_subsumes("s3:*", "s3:Get*", case_sensitive=False)
    assert glob_subsumes("S3:GET*", "s3:getobject", case_sensitive=False)
    assert not glob_subsumes("S3:GET*", "s3:getobject", case_sensitive=True)
    assert glob_subsumes("*?", "?*", case_sensitive=True)  # both: one character or more
    assert not glob_subsumes("s3:Get*", "s3:*", case_sensitive=False)
    assert uncovered_example("a*", "*") == ""
    assert arn_subsumes("arn:aws:s3:::b/*", "arn:aws:s3:::b/x/*")
    # a plain glob would say yes; with the segment rule 'a*b' cannot reach across the colon
    assert glob_subsumes("arn:aws:s3:::a*b", "arn:aws:s3:::ax:yb", case_sensitive=True)
    assert not arn_subsumes("arn:aws:s3:::a*b", "arn:aws:s3:::ax:yb")
    assert arns_intersect("arn:aws:s3:::a*", "arn:aws:s3:::*b")
    assert not arns_intersect("arn:aws:s3:::a?", "arn:aws:s3:::a:")
