"""Two shapes that most issuers' formats fall into, so that each rule is one short call.

``prefixed``: the credential announces itself (``ghp_``, ``sk-ant-api03-``, ``AKIA``): the pattern
is the documented prefix, alphabet and length between word boundaries, so that the same
alphabet inside a longer run (a hash, a base64 image, an integrity string) is not taken.

``contextual``: the credential is a bare hex or base62 string (a Datadog key, a Twilio auth
token) that only means something next to its issuer's name, as in ``DATADOG_API_KEY=...``,
``"twilio_auth_token": "..."`` or ``export HEROKU_API_KEY ...``: the pattern is the name, a short
run of identifier characters, an assignment, then the exact shape.

Every quantifier is bounded and no group repeats another quantified group unbounded, so that
matching stays linear in the input (the tests check this on the parsed patterns).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from botwarden.findings import Severity
from botwarden.secrets.rule import SecretRule

# Minimum Shannon entropy (bits per character) by alphabet, for values of 16 characters or
# more: a random hex string scores about 3.7-4.0, base62 and base64 about 4.3-5.5; a
# placeholder (``xxxx``, ``0000``, ``your-key-here``) scores well below.
HEX = 3.0
ALNUM = 3.3
B64 = 3.5

LEFT = r"(?<![A-Za-z0-9_])"
RIGHT = r"(?![A-Za-z0-9_])"
RIGHT_DASH = r"(?![A-Za-z0-9_-])"
RIGHT_B64 = r"(?![A-Za-z0-9_+/=-])"

# a name such as TWILIO_AUTH_TOKEN or "twilio.authToken", an optional closing quote, then
# `=`, `:`, `:=`, `=>` or (Dockerfile ENV, shell, prose-like configs) one space
ASSIGN = r"[A-Za-z0-9_.-]{0,32}[\"'`]?\s{0,4}(?:=>|:=|[:=]|\s)\s{0,4}[\"'`]?"

Validator = Callable[[str], bool]


def prefixed(
    id: str,
    name: str,
    body: str,
    *,
    keywords: tuple[str, ...],
    reference: str,
    tags: tuple[str, ...],
    severity: Severity = Severity.HIGH,
    validate: Validator | None = None,
    entropy: float | None = ALNUM,
    examples: tuple[str, ...] = (),
    left: str = LEFT,
    right: str = RIGHT_DASH,
    pair: str | None = None,
) -> SecretRule:
    """A rule whose secret is ``body`` (prefix included) between word boundaries."""
    return SecretRule(
        id=id,
        name=name,
        keywords=keywords,
        pattern=re.compile(f"{left}(?P<secret>{body}){right}"),
        severity=severity,
        validate=validate,
        entropy=entropy,
        pair=pair,
        examples=examples,
        reference=reference,
        tags=tags,
    )


def contextual(
    id: str,
    name: str,
    context: str,
    body: str,
    *,
    keywords: tuple[str, ...],
    reference: str,
    tags: tuple[str, ...],
    severity: Severity = Severity.HIGH,
    validate: Validator | None = None,
    entropy: float | None = ALNUM,
    examples: tuple[str, ...] = (),
    right: str = RIGHT_DASH,
    pair: str | None = None,
) -> SecretRule:
    """A rule whose secret is ``body`` assigned to a name that contains ``context``."""
    pattern = f"(?i:{context}){ASSIGN}(?P<secret>{body}){right}"
    return SecretRule(
        id=id,
        name=name,
        keywords=keywords,
        pattern=re.compile(pattern),
        severity=severity,
        validate=validate,
        entropy=entropy,
        pair=pair,
        examples=examples,
        reference=reference,
        tags=tags,
    )


__all__ = ["ALNUM", "B64", "HEX", "contextual", "prefixed"]
