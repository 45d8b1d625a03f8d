"""Wildcard matching for IAM actions, ARNs and ``...Like`` values, and set questions about patterns.

Four syntaxes share one tokeniser (see docs/iam-evaluation.md for the AWS rules behind each):

- ``action``: the Action element. Case-insensitive; ``*`` any run, ``?`` one character.
- ``like``: StringLike values. Case-sensitive; ``*`` any run, ``?`` one character.
- ``arn``: the Resource element. Case-sensitive; ``*`` and ``?`` stay inside one colon-separated
  segment, except that a ``*`` which is the last character of a segment may run past colons.
- ``arnlike``: ArnLike / ArnEquals values. Each of the six colon-separated components is matched
  separately; the last component may contain colons.

Matching compiles each pattern once (``lru_cache``) to a regular expression, or, for patterns
with many stars, to a small automaton so that a hostile pattern cannot make matching blow up. The
same automata answer pattern inclusion and intersection exactly, which is how the auditor decides
whether a policy grants more than a manifest declares.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable
from functools import lru_cache, partial
from typing import Literal, TypeAlias

GlobParts: TypeAlias = tuple[tuple[str, bool], ...]
"""A pattern built from pieces ``(text, wild)``. In a piece with ``wild=False`` the characters
``*`` and ``?`` are literal: they came from a policy variable's value or a ``${*}`` escape."""

Pattern: TypeAlias = str | GlobParts
Syntax: TypeAlias = Literal["action", "like", "arn", "arnlike"]

_LIT, _ONE, _ONE_SEG, _STAR, _STAR_SEG = range(5)
_STARS = (_STAR, _STAR_SEG)
Token: TypeAlias = tuple[int, str]
Symbol: TypeAlias = str | None  # None stands for every character that no pattern names

_REGEX = {_ONE: ".", _ONE_SEG: "[^:]", _STAR: ".*", _STAR_SEG: "[^:]*"}
_MAX_REGEX_STARS = 3  # beyond this, backtracking regexes can go polynomial of high degree
_CACHE = 16384  # compiled patterns kept per syntax


# -- public matching ---------------------------------------------------------------------------


def action_matches(pattern: str, action: str) -> bool:
    """Whether an Action pattern covers ``service:Action``; AWS compares actions ignoring case."""
    return pattern == "*" or _action_matcher(pattern)(action.lower())


def arn_matches(pattern: Pattern, arn: str) -> bool:
    """Whether a Resource pattern covers an ARN, with the AWS segment rule for wildcards."""
    return pattern == "*" or _arn_matcher(pattern)(arn)


def string_like(pattern: Pattern, value: str) -> bool:
    """StringLike: case-sensitive glob over the whole value, colons included."""
    return pattern == "*" or _like_matcher(pattern)(value)


def arn_like(pattern: Pattern, arn: str) -> bool:
    """ArnLike / ArnEquals: each colon-separated component of the ARN is matched on its own."""
    return pattern == "*" or _arnlike_matcher(pattern)(arn)


def action_matcher(pattern: str) -> Callable[[str], bool]:
    """``action_matches`` for one pattern, compiled now: for callers that ask it many times."""
    if pattern == "*":
        return _always
    compiled = _action_matcher(pattern)
    return lambda action: compiled(action.lower())


def arn_matcher(pattern: Pattern) -> Callable[[str], bool]:
    """``arn_matches`` for one pattern, compiled now."""
    return _always if pattern == "*" else _arn_matcher(pattern)


def _always(_: str) -> bool:
    return True


def matches(pattern: Pattern, text: str, syntax: Syntax) -> bool:
    """Dispatch on ``syntax``; for callers that hold the syntax as data."""
    return _MATCHERS[syntax](pattern, text)


@lru_cache(maxsize=_CACHE)
def _action_matcher(pattern: str) -> Callable[[str], bool]:
    return _compile(_tokens(pattern, "action"))


@lru_cache(maxsize=_CACHE)
def _arn_matcher(pattern: Pattern) -> Callable[[str], bool]:
    return _compile(_tokens(pattern, "arn"))


@lru_cache(maxsize=_CACHE)
def _like_matcher(pattern: Pattern) -> Callable[[str], bool]:
    return _compile(_tokens(pattern, "like"))


@lru_cache(maxsize=_CACHE)
def _arnlike_matcher(pattern: Pattern) -> Callable[[str], bool]:
    return _compile(_tokens(pattern, "arnlike"))


_MATCHERS: dict[str, Callable[[Pattern, str], bool]] = {
    "action": lambda p, t: action_matches(pattern_text(p), t),
    "like": string_like,
    "arn": arn_matches,
    "arnlike": arn_like,
}


def pattern_text(pattern: Pattern) -> str:
    """The characters of a pattern, wildcards and literal pieces alike."""
    return pattern if isinstance(pattern, str) else "".join(text for text, _ in pattern)


# -- tokens ------------------------------------------------------------------------------------


def _chars(pattern: Pattern, fold: bool) -> list[tuple[str, bool]]:
    """Each character with whether it is a wildcard; folded to lower case for actions."""
    pieces = ((pattern, True),) if isinstance(pattern, str) else pattern
    out: list[tuple[str, bool]] = []
    for text, wild in pieces:
        chars = text.lower() if fold else text
        out.extend((char, wild and char in "*?") for char in chars)
    return out


def _tokens(pattern: Pattern, syntax: Syntax) -> tuple[Token, ...]:
    chars = _chars(pattern, fold=syntax == "action")
    if syntax == "arn":
        return _arn_tokens(chars)
    if syntax == "arnlike":
        return _arnlike_tokens(chars)
    return tuple(_plain_token(char, wild, free=True) for char, wild in chars)


def _plain_token(char: str, wild: bool, *, free: bool) -> Token:
    """A literal, or a wildcard that may (free) or may not cross colons."""
    if not wild:
        return (_LIT, char)
    if char == "*":
        return (_STAR if free else _STAR_SEG, char)
    return (_ONE if free else _ONE_SEG, char)


def _arn_tokens(chars: list[tuple[str, bool]]) -> tuple[Token, ...]:
    """Resource element: ``?`` never crosses a colon; ``*`` does only at the end of a segment."""
    out: list[Token] = []
    for i, (char, wild) in enumerate(chars):
        ends_segment = i + 1 == len(chars) or chars[i + 1] == (":", False)
        out.append(_plain_token(char, wild, free=wild and char == "*" and ends_segment))
    return tuple(out)


def _arnlike_tokens(chars: list[tuple[str, bool]]) -> tuple[Token, ...]:
    """ArnLike: components before the last stay within their colons; the last takes the rest."""
    last = min(5, sum(1 for char, wild in chars if char == ":" and not wild))
    out: list[Token] = []
    colons = 0
    for char, wild in chars:
        out.append(_plain_token(char, wild, free=colons >= last))
        colons += char == ":" and not wild
    return tuple(out)


# -- compiling ---------------------------------------------------------------------------------


def _compile(tokens: tuple[Token, ...]) -> Callable[[str], bool]:
    """A literal compares with ==; few stars use a regex; many stars use the automaton."""
    if all(kind == _LIT for kind, _ in tokens):
        return partial(str.__eq__, "".join(char for _, char in tokens))
    if sum(kind in _STARS for kind, _ in tokens) > _MAX_REGEX_STARS:
        return partial(_automaton_matches, tokens)
    regex = re.compile("".join(_regex_piece(token) for token in tokens), re.DOTALL)
    return partial(_fullmatch, regex)


def _regex_piece(token: Token) -> str:
    kind, char = token
    return re.escape(char) if kind == _LIT else _REGEX[kind]


def _fullmatch(regex: re.Pattern[str], text: str) -> bool:
    return regex.fullmatch(text) is not None


def _automaton_matches(tokens: tuple[Token, ...], text: str) -> bool:
    """Simulate the pattern's automaton: time is linear in the text whatever the stars."""
    states = _closure(tokens, (0,))
    for char in text:
        states = _step(tokens, states, char)
        if not states:
            return False
    return len(tokens) in states


# -- automata ----------------------------------------------------------------------------------
# State i of a pattern means "tokens[:i] matched"; a star state loops on the characters it takes
# and can be skipped (it matches the empty string). Sets of states make the automaton deterministic.


def _closure(tokens: tuple[Token, ...], states: Iterable[int]) -> frozenset[int]:
    out: set[int] = set()
    for first in states:
        state = first
        while state not in out:
            out.add(state)
            if state == len(tokens) or tokens[state][0] not in _STARS:
                break
            state += 1
    return frozenset(out)


def _takes(token: Token, symbol: Symbol) -> bool:
    kind, char = token
    if kind == _LIT:
        return symbol == char
    return kind in (_ONE, _STAR) or symbol != ":"


def _step(tokens: tuple[Token, ...], states: frozenset[int], symbol: Symbol) -> frozenset[int]:
    moved = (
        state if tokens[state][0] in _STARS else state + 1
        for state in states
        if state < len(tokens) and _takes(tokens[state], symbol)
    )
    return _closure(tokens, moved)


def _alphabet(*patterns: tuple[Token, ...]) -> tuple[Symbol, ...]:
    """Every character a pattern names, ':' (segment wildcards refuse it), and 'anything else'."""
    named = {char for tokens in patterns for kind, char in tokens if kind == _LIT}
    return (*sorted(named | {":"}), None)


Pair: TypeAlias = tuple[frozenset[int], frozenset[int]]


def _search(
    a: tuple[Token, ...], b: tuple[Token, ...], goal: Callable[[Pair], bool]
) -> list[Symbol] | None:
    """Breadth-first search of the product automaton for a word reaching ``goal``; its symbols."""
    start = (_closure(a, (0,)), _closure(b, (0,)))
    parents: dict[Pair, tuple[Pair, Symbol] | None] = {start: None}
    queue = deque([start])
    alphabet = _alphabet(a, b)
    while queue:
        pair = queue.popleft()
        if goal(pair):
            return _word(parents, pair)
        for symbol in alphabet:
            nxt = (_step(a, pair[0], symbol), _step(b, pair[1], symbol))
            if nxt[0] and nxt not in parents:
                parents[nxt] = (pair, symbol)
                queue.append(nxt)
    return None


def _word(parents: dict[Pair, tuple[Pair, Symbol] | None], pair: Pair) -> list[Symbol]:
    symbols: list[Symbol] = []
    link = parents[pair]
    while link is not None:
        pair, symbol = link
        symbols.append(symbol)
        link = parents[pair]
    return symbols[::-1]


def _spell(symbols: list[Symbol], *patterns: tuple[Token, ...]) -> str:
    """Turn 'anything else' into a real character that no pattern names (and not ':')."""
    named = {char for tokens in patterns for _, char in tokens} | {":"}
    filler = next(chr(code) for code in range(ord("x"), 0x10FFFF) if chr(code) not in named)
    return "".join(filler if symbol is None else symbol for symbol in symbols)


# -- set questions -----------------------------------------------------------------------------


@lru_cache(maxsize=_CACHE)
def uncovered_example(general: Pattern, specific: Pattern, syntax: Syntax = "like") -> str | None:
    """A string that ``specific`` matches and ``general`` does not; None when general covers it.

    Exact (a search of the product of the two automata), so a finding can quote the example.
    """
    spec, gen = _tokens(specific, syntax), _tokens(general, syntax)
    goal = _uncovered_goal(len(spec), len(gen))
    symbols = _search(spec, gen, goal)
    return None if symbols is None else _spell(symbols, spec, gen)


def _uncovered_goal(spec_end: int, gen_end: int) -> Callable[[Pair], bool]:
    return lambda pair: spec_end in pair[0] and gen_end not in pair[1]


@lru_cache(maxsize=_CACHE)
def common_example(a: Pattern, b: Pattern, syntax: Syntax = "like") -> str | None:
    """A string both patterns match, or None when they are disjoint."""
    ta, tb = _tokens(a, syntax), _tokens(b, syntax)
    symbols = _search(ta, tb, lambda pair: len(ta) in pair[0] and len(tb) in pair[1])
    return None if symbols is None else _spell(symbols, ta, tb)


def glob_subsumes(general: str, specific: str, *, case_sensitive: bool) -> bool:
    """Whether every string ``specific`` matches is matched by ``general`` (``*``/``?`` globs).

    Case-insensitive is the Action syntax; case-sensitive is the StringLike syntax.
    """
    return uncovered_example(general, specific, "like" if case_sensitive else "action") is None


def globs_intersect(a: str, b: str, *, case_sensitive: bool) -> bool:
    """Whether some string matches both globs."""
    return common_example(a, b, "like" if case_sensitive else "action") is not None


def arn_subsumes(general: str, specific: str) -> bool:
    """``glob_subsumes`` for Resource patterns, with the ARN segment rule on both sides."""
    return uncovered_example(general, specific, "arn") is None


def arns_intersect(a: str, b: str) -> bool:
    """Whether some ARN matches both Resource patterns."""
    return common_example(a, b, "arn") is not None
