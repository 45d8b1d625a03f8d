"""ARN formats and policy ARN patterns as token lists, and whether two of them can meet.

A check asks "can ``Resource: arn:aws:s3:::bucket`` ever name something ``s3:GetObject`` acts on?".
Both sides are patterns over ARN strings: the format from the IAM definition
(``arn:${Partition}:s3:::${BucketName}/${ObjectName}``) and the pattern a policy wrote (with ``*``,
``?`` and policy variables). The answer is whether the two languages intersect, which a small
product automaton decides exactly in O(len(format) * len(pattern)) states, with no guessing of
example strings.

Each pattern is a tuple of tokens ``(negated, chars, star)``: a character class (``chars`` when
``negated`` is false, anything but ``chars`` when it is true), taken exactly once or, with
``star``, any number of times. Everything is compared lower-cased: a false "never matches" would
become a false finding, so literal case differences are given the benefit of the doubt. For the
same reason a policy's ``*`` may span ':' (AWS documents that a ``*`` ending an ARN segment can
extend across colons), and the whole ARN is compared as one string rather than segment by segment.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

Token = tuple[bool, frozenset[str], bool]
Tokens = tuple[Token, ...]

_NOTHING: frozenset[str] = frozenset()
_NO_COLON = frozenset(":")
_NO_COLON_SLASH = frozenset(":/")

ANY_RUN: Token = (True, _NOTHING, True)  # '*': any string, '/' and ':' included
ANY_ONE: Token = (True, _NOTHING, False)  # '?': any single character

# Placeholders whose values never hold '/' or ':' wherever they stand: the ARN header fields, and
# S3 bucket names (so that `arn:aws:s3:::bucket/*` is recognised as object-only, the classic
# ListBucket mistake). Every other placeholder is "no ':'", and the last one may be a whole path.
SEGMENT_PLACEHOLDERS = frozenset({"partition", "region", "account", "accountid", "bucketname"})

_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


@cache
def _literal(char: str) -> Token:
    """The token for one literal character; shared, since building frozensets is the slow part."""
    return (False, frozenset(char), False)


def format_tokens(arn_format: str) -> Tokens:
    """Tokens of an ARN format from the IAM definition; see SEGMENT_PLACEHOLDERS for the classes.

    A literal ``*`` in a format (``.../queue/*``) stands for any run of characters.
    """
    text = arn_format.lower()
    spans = [(m.start(), m.end(), m.group(1)) for m in _PLACEHOLDER.finditer(text)]
    last = len(spans) - 1
    tokens: list[Token] = []
    pos = 0
    for index, (start, end, name) in enumerate(spans):
        tokens.extend(_plain_tokens(text[pos:start]))
        if name in SEGMENT_PLACEHOLDERS:
            tokens.append((True, _NO_COLON_SLASH, True))
        elif index == last:
            tokens.append(ANY_RUN)
        else:
            tokens.append((True, _NO_COLON, True))
        pos = end
    tokens.extend(_plain_tokens(text[pos:]))
    return tuple(tokens)


def _plain_tokens(text: str) -> list[Token]:
    return [ANY_RUN if char == "*" else _literal(char) for char in text]


@lru_cache(maxsize=8192)
def pattern_tokens(pattern: str) -> Tokens:
    """Tokens of a policy's ARN pattern: ``*`` any run, ``?`` any one character.

    Policy variables are resolved at request time, so ``${aws:username}`` counts as any run;
    the escapes ``${*}``, ``${?}`` and ``${$}`` are the literal characters.
    """
    text = pattern.lower()
    tokens: list[Token] = []
    pos = 0
    for match in _PLACEHOLDER.finditer(text):
        tokens.extend(_glob_tokens(text[pos : match.start()]))
        inner = match.group(1)
        tokens.append(_literal(inner) if inner in ("*", "?", "$") else ANY_RUN)
        pos = match.end()
    tokens.extend(_glob_tokens(text[pos:]))
    return tuple(tokens)


def _glob_tokens(text: str) -> list[Token]:
    out: list[Token] = []
    for char in text:
        if char == "*":
            out.append(ANY_RUN)
        elif char == "?":
            out.append(ANY_ONE)
        else:
            out.append(_literal(char))
    return out


def _meet(a: Token, b: Token) -> bool:
    """Whether two character classes share a character (the alphabet is unbounded)."""
    a_neg, a_chars, _ = a
    b_neg, b_chars, _ = b
    if a_neg and b_neg:
        return True
    if a_neg:
        return not b_chars <= a_chars
    if b_neg:
        return not a_chars <= b_chars
    return not a_chars.isdisjoint(b_chars)


def _free_tail(tokens: Tokens) -> int:
    """The index from which the rest matches every string (a non-empty run of ``*``), or
    ``len(tokens) + 1`` when there is no such tail (an empty rest matches only "")."""
    index = len(tokens)
    while index and tokens[index - 1] == ANY_RUN:
        index -= 1
    return index if index < len(tokens) else len(tokens) + 1


def intersects(a: Tokens, b: Tokens) -> bool:
    """Whether some string is matched by both token patterns (product automaton, depth-first).

    Every class is non-empty, so any token sequence matches some string: once either side has
    only ``*`` left (at least one), the other side's remainder fits and the answer is yes.
    Where neither side has a starred token the path cannot branch, so it is followed without
    recording states (ARNs are mostly literal text).
    """
    n, m = len(a), len(b)
    free_a, free_b = _free_tail(a), _free_tail(b)
    seen: set[tuple[int, int]] = set()
    stack = [(0, 0)]
    while stack:
        i, j = stack.pop()
        while i < n and j < m and not a[i][2] and not b[j][2]:
            if not _meet(a[i], b[j]):
                break
            i += 1
            j += 1
        else:
            state = (i, j)
            if state in seen:
                continue
            seen.add(state)
            if (i == n and j == m) or i >= free_a or j >= free_b:
                return True
            ta = a[i] if i < n else None
            tb = b[j] if j < m else None
            if ta is not None and ta[2]:
                stack.append((i + 1, j))
            if tb is not None and tb[2]:
                stack.append((i, j + 1))
            if ta is not None and tb is not None and _meet(ta, tb):
                step = (i if ta[2] else i + 1, j if tb[2] else j + 1)
                if step != state:
                    stack.append(step)
    return False


@lru_cache(maxsize=4096)
def tokens_regex(tokens: Tokens) -> re.Pattern[str]:
    """A regex for concrete ARNs equivalent to ``tokens`` (case-insensitive, like the matcher)."""
    parts = []
    for negated, chars, star in tokens:
        if negated:
            body = "[^" + "".join(re.escape(c) for c in sorted(chars)) + "]" if chars else "."
        else:
            body = re.escape(next(iter(chars)))
        parts.append(body + "*" if star else body)
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def is_all_stars(pattern: str) -> bool:
    """``*``, ``**``...: the patterns IAM treats as "every resource"."""
    return bool(pattern) and pattern.count("*") == len(pattern)


def service_field(pattern: str) -> str | None:
    """The literal service field of an ARN pattern (``s3`` in ``arn:aws:s3:::b``), if it has one.

    None when a wildcard or variable before or in that field could shift the fields.
    """
    parts = pattern.split(":", 3)
    if len(parts) < 4:
        return None
    head = ":".join(parts[:3])
    if any(c in head for c in "*?$"):
        return None
    return parts[2].lower()


def format_service_field(arn_format: str) -> str:
    """The literal service field of an ARN format (``s3``), or ``""`` when it is not literal."""
    parts = arn_format.split(":", 3)
    if len(parts) < 4 or "*" in ":".join(parts[:3]) or "$" in parts[2]:
        return ""
    return parts[2].lower()


# -- concrete ARNs without a regex -------------------------------------------------------------

Plan = tuple[tuple[str, str | None], ...]
"""A format as steps: ``(text, None)`` is literal text, ``("", excluded)`` a run of characters
none of which is in ``excluded`` (``""`` excludes nothing)."""


def plan(tokens: Tokens) -> Plan | None:
    """The steps of an ARN format, or None when it has tokens only a regex handles.

    Compiling a regex costs ~0.1 ms and a run asks about a thousand resource types, most only a
    few times; these steps cost nothing to build and give the regex's answer on ASCII text.
    """
    steps: list[tuple[str, str | None]] = []
    literal: list[str] = []
    for negated, chars, star in tokens:
        if not negated and not star:
            literal.append(next(iter(chars)))
            continue
        if not (negated and star):
            return None
        if literal:
            steps.append(("".join(literal), None))
            literal = []
        steps.append(("", "".join(sorted(chars))))
    if literal:
        steps.append(("".join(literal), None))
    if not all(text.isascii() for text, _ in steps):
        return None
    return tuple(steps)


def concrete_matches(steps: Plan | None, tokens: Tokens, text: str) -> bool:
    """Whether a concrete string (no wildcards) is matched by the format, case-insensitively:
    the same answer as ``tokens_regex(tokens).fullmatch(text)``."""
    if steps is None or not text.isascii():  # Unicode case folding: leave it to the regex
        return tokens_regex(tokens).fullmatch(text) is not None
    return _run(steps, 0, text.lower(), 0)


def _run(steps: Plan, index: int, text: str, pos: int) -> bool:
    if index == len(steps):
        return pos == len(text)
    literal, excluded = steps[index]
    if excluded is None:
        return text.startswith(literal, pos) and _run(steps, index + 1, text, pos + len(literal))
    limit = len(text)  # the run may not pass an excluded character
    for char in excluded:
        found = text.find(char, pos, limit)
        if found >= 0:
            limit = found
    if index + 1 == len(steps):
        return limit == len(text)
    following, next_excluded = steps[index + 1]
    if next_excluded is not None:  # two runs in a row: try every split
        return any(_run(steps, index + 1, text, end) for end in range(pos, limit + 1))
    end = text.find(following, pos, limit + len(following))
    while end >= 0:
        if _run(steps, index + 2, text, end + len(following)):
            return True
        end = text.find(following, end + 1, limit + len(following))
    return False
