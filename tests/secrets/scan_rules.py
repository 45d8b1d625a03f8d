"""A small stand-in rule set for the scanner's tests, independent of the packaged catalogue.

The keys in these tests are random strings with the shapes below: they grant nothing.
"""

from __future__ import annotations

import re
import secrets
import string

from botwarden.findings import Severity
from botwarden.secrets.rule import SecretRule

AWS_ID = SecretRule(
    id="aws-access-key-id",
    name="AWS access key ID",
    keywords=("akia", "asia"),
    pattern=re.compile(r"\b(?P<secret>(?:AKIA|ASIA)[A-Z2-7]{16})\b"),
    severity=Severity.HIGH,
    examples=("AKIAIOSFODNN7EXAMPLE",),
    tags=("cloud",),
)
AWS_SECRET = SecretRule(
    id="aws-secret-access-key",
    name="AWS secret access key",
    keywords=("aws",),
    pattern=re.compile(
        r"(?i)aws\w{0,20}?(?:secret|key)\w*[\"']?\s*[=:]\s*[\"']?"
        r"(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])"
    ),
    severity=Severity.CRITICAL,
    entropy=4.0,
    pair="aws-access-key-id",
    tags=("cloud",),
)
GITHUB = SecretRule(
    id="github-pat",
    name="GitHub personal access token",
    keywords=("ghp_",),
    pattern=re.compile(r"\b(?P<secret>ghp_[A-Za-z0-9]{36})\b"),
    severity=Severity.HIGH,
    tags=("vcs",),
)
GENERIC = SecretRule(
    id="generic-api-key",
    name="API key or token",
    keywords=("key", "token", "secret", "password"),
    pattern=re.compile(
        r"(?i)(?:api[_-]?key|token|secret|password)\w*[\"']?\s*[=:]\s*[\"']?"
        r"(?P<secret>[A-Za-z0-9_\-+/=.]{16,})"
    ),
    severity=Severity.MEDIUM,
    entropy=3.5,
    tags=("generic",),
)
RULES = (AWS_ID, AWS_SECRET, GITHUB, GENERIC)

_ALNUM = string.ascii_letters + string.digits


def aws_id() -> str:
    return "AKIA" + "".join(secrets.choice(string.ascii_uppercase + "234567") for _ in range(16))


def aws_secret() -> str:
    return "".join(secrets.choice(_ALNUM + "/+") for _ in range(40))


def github_pat() -> str:
    return "ghp_" + "".join(secrets.choice(_ALNUM) for _ in range(36))


def token(length: int = 32) -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(length))
