"""The secrets scanner the redactor uses tries most rules only where their keywords start
(``engine._starts_with_keyword``); on the real catalogue that must find exactly what trying
every position of the keyword windows finds."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from botwarden.secrets.scan import SecretScanner, load_rules

RULES = load_rules()
ANCHORED = SecretScanner(RULES, line_markers=False)
WINDOWED = SecretScanner(RULES, line_markers=False)
WINDOWED._anchored = [False] * len(RULES)  # the reference: every position of every window

_RNG = random.Random(11)
_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
VALUES = [
    "".join(_RNG.choice(_ALPHABET) for _ in range(size)) for size in (8, 16, 20, 24, 32, 40)
] + [
    "AKIAZ3MXQ2Y4N5P6R7TW",
    "ghp_" + "a1B2" * 9,
    "xoxb-1234567890-abcdefghij",
    "sk_live_" + "x9" * 12,
]
FRAGMENTS = [
    "token", "TOKEN", "Token", "api_key", "apiKey", "password", "passwd", "pwd", "secret",
    "PGPASSWORD", "db_token_prod", "x", "_", "=", ": ", " = ", ":=", "=>", '"', "'", "`", "\\",
    " ", "\n", "https://", "user:", "@host.example", "st.", "key", "AKIA", "ghp_", "xoxb-",
    "export ", "ENV ", "tokenizer", "passwordless", "é",
]  # fmt: skip
TEXTS = st.lists(st.sampled_from(FRAGMENTS + VALUES), max_size=40).map("".join)


def _found(scanner: SecretScanner, text: str) -> list[tuple[str, str, int, int]]:
    return [(h.rule.id, h.secret, h.line, h.column) for h in scanner.scan_text(text)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_anchored_rules_find_what_windows_find(text: str) -> None:
    assert _found(ANCHORED, text) == _found(WINDOWED, text)


def test_the_comparison_can_fail() -> None:
    """Generic rules are anchored (the speed-up applies) and the texts hold real findings."""
    anchored = {rule.id for rule, on in zip(RULES, ANCHORED._anchored, strict=True) if on}
    assert {"generic-token", "generic-password", "basic-auth-url"} <= anchored
    text = f"TOKEN = {VALUES[4]}\nuser pwd: {VALUES[5]}\n"
    assert [f[0] for f in _found(ANCHORED, text)] == ["generic-token", "generic-password"]


def test_an_optional_opening_is_not_anchored() -> None:
    """``(?i:secret_?access_?key|...)``: the keyword list cannot cover every opening."""
    rule = next(r for r in RULES if r.id == "aws-secret-access-key")
    assert not ANCHORED._anchored[RULES.index(rule)]


@pytest.mark.parametrize("scanner", [ANCHORED, WINDOWED], ids=["anchored", "windowed"])
def test_a_rejected_match_does_not_hide_one_inside_it(scanner: SecretScanner) -> None:
    """The first value runs on to the next space and is refused (it holds an address); the
    password after it must still be tried."""
    text = "password: x@y.invalid:password: Xk9mQ2vL7pR4nTw8"
    found = [(h.rule.id, h.secret) for h in scanner.scan_text(text)]
    assert found == [("generic-password", "Xk9mQ2vL7pR4nTw8")]
