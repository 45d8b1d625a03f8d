"""Bearer credentials in standard encodings: JWTs and HTTP ``Authorization`` headers."""

from __future__ import annotations

import re

from botwarden.findings import Severity
from botwarden.secrets.rule import SecretRule
from botwarden.secrets.rules._build import B64, prefixed
from botwarden.secrets.rules.validators import basic_auth, jwt, plausible_password

_T = ("token",)

RULES = (
    prefixed(
        "jwt",
        "JSON Web Token",
        r"eyJ[A-Za-z0-9_-]{10,2000}\.eyJ[A-Za-z0-9_-]{10,8000}\.[A-Za-z0-9_-]{16,1000}",
        keywords=("eyj",),
        tags=_T,
        severity=Severity.MEDIUM,
        validate=jwt,
        entropy=B64,
        reference="https://www.rfc-editor.org/rfc/rfc7519",
    ),
    SecretRule(
        id="http-basic-auth-header",
        name="HTTP Basic credentials in an Authorization header",
        keywords=("basic ",),
        pattern=re.compile(
            r"(?i:authorization)[\"']?\s{0,4}[:=]\s{0,4}[\"']?(?i:basic) "
            r"(?P<secret>[A-Za-z0-9+/]{8,400}={0,2})(?![A-Za-z0-9+/=])"
        ),
        validate=basic_auth,
        reference="https://www.rfc-editor.org/rfc/rfc7617",
        tags=_T,
    ),
    SecretRule(
        id="http-bearer-token",
        name="Bearer token in an Authorization header",
        keywords=("bearer ",),
        pattern=re.compile(
            r"(?i:authorization)[\"']?\s{0,4}[:=]\s{0,4}[\"']?(?i:bearer) "
            r"(?P<secret>[A-Za-z0-9_.~+/-]{20,2000}={0,2})(?![A-Za-z0-9_.~+/=-])"
        ),
        severity=Severity.MEDIUM,
        validate=plausible_password,
        reference="https://www.rfc-editor.org/rfc/rfc6750",
        tags=_T,
    ),
)
