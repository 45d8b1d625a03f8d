"""Generic assignments: ``password = "..."``, ``api_key: ...``, ``ENV TOKEN ...`` in any format.

One pattern per kind of name covers code (``x = "v"``, ``x := "v"``, ``"x" => "v"``), JSON and
notebooks (``"x": "v"``, also with escaped quotes), YAML, TOML, INI, ``.env`` and shell
(``export X=v``); a second shape covers Dockerfile ``ENV X v``. The name may carry a prefix or a
suffix (``DB_PASSWORD``, ``dbPassword``, ``password_prod``) but not run on into another word
(``passwordless``, ``tokenizer``). What decides is the value (:func:`assigned_value`): a
placeholder, a reference (``${X}``, ``os.environ[...]``, ``vault:...``), a path, a URL or a
dictionary word is not a secret; a value with the entropy of a generated one is.
"""

from __future__ import annotations

import re

from botwarden.findings import Severity
from botwarden.secrets.rule import SecretRule
from botwarden.secrets.rules.validators import plausible_password

_T = ("generic",)
_REF = "https://cwe.mitre.org/data/definitions/798.html"
# start of a word, a camelCase hump (dbPassword), or libpq's PGPASSWORD
_LEFT = r"(?:(?<![A-Za-z])|(?<=[a-z])(?=[A-Z])|(?<=PG))"
# DB_PASSWORD_PROD, passwordHash, password.value: a separator or a capital starts each part
_SUFFIX = r"(?:[_.-][A-Za-z0-9]{1,16}|[A-Z0-9][a-z0-9]{0,15}){0,2}(?![a-z])"
_VALUE = r"\\?(?P<q>[\"'`]?)(?P<secret>[^\s\"'`\\]{6,200})\\?(?P=q)"
_ASSIGN = r"\\?[\"'`]?\s{0,4}(?:=>|:=|[:=])\s{0,4}"


# settings.aws_access_key_id, self.config.token, os.environ: an attribute path in code
_REFERENCE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+(?:\(\))?\)?")


def assigned_value(value: str) -> bool:
    """A value that is a credential, not a reference to one, a path, a URL or a word."""
    value = value.rstrip(",;")
    if "://" in value or value.startswith(("/", "./", "~/", "../")):
        return False
    if _REFERENCE.fullmatch(value):
        return False
    return plausible_password(value)


def assigned_key(value: str) -> bool:
    """Like :func:`assigned_value`, for API keys and tokens, which are generated: 16+ chars."""
    return len(value.rstrip(",;")) >= 16 and assigned_value(value)


def _assignment(
    rid: str, name: str, names: str, keywords: tuple[str, ...], *, generated: bool = False
) -> SecretRule:
    return SecretRule(
        id=rid,
        name=name,
        keywords=keywords,
        pattern=re.compile(f"{_LEFT}(?i:{names}){_SUFFIX}{_ASSIGN}{_VALUE}"),
        severity=Severity.MEDIUM,
        validate=assigned_key if generated else assigned_value,
        reference=_REF,
        tags=_T,
    )


_PASSWORD_NAMES = r"pass(?:word|wd|phrase)?|pwd"  # noqa: S105 - a name pattern, not a password
_SECRET_NAMES = r"secret"  # noqa: S105 - a name pattern
_API_KEY_NAMES = r"api[_.-]?key"
_TOKEN_NAMES = r"token"  # noqa: S105 - a name pattern
_KEY_NAMES = r"(?:signing|encryption|master|private|access|auth)[_.-]?key"

RULES = (
    _assignment(
        "generic-password",
        "Password assigned in code or configuration",
        _PASSWORD_NAMES,
        ("pass", "pwd"),
    ),
    _assignment(
        "generic-secret", "Secret assigned in code or configuration", _SECRET_NAMES, ("secret",)
    ),
    _assignment(
        "generic-api-key",
        "API key assigned in code or configuration",
        _API_KEY_NAMES,
        ("apikey", "api_key", "api-key", "api.key"),
        generated=True,
    ),
    _assignment(
        "generic-token",
        "Token assigned in code or configuration",
        _TOKEN_NAMES,
        ("token",),
        generated=True,
    ),
    _assignment(
        "generic-key",
        "Signing, encryption or access key assigned in code",
        _KEY_NAMES,
        (
            "signingkey",
            "signing_key",
            "signing-key",
            "signing.key",
            "encryptionkey",
            "encryption_key",
            "encryption-key",
            "encryption.key",
            "masterkey",
            "master_key",
            "master-key",
            "master.key",
            "privatekey",
            "private_key",
            "private-key",
            "private.key",
            "accesskey",
            "access_key",
            "access-key",
            "access.key",
            "authkey",
            "auth_key",
            "auth-key",
            "auth.key",
        ),
        generated=True,
    ),
    SecretRule(
        id="kubernetes-env-secret",
        name="Secret as a plain env value in a Kubernetes manifest",
        keywords=("value:",),
        pattern=re.compile(
            r"(?m)^[ \t-]{0,40}name:[ \t]{0,4}[\"']?[A-Za-z0-9_]{0,40}"
            rf"(?i:{_PASSWORD_NAMES}|{_SECRET_NAMES}|{_API_KEY_NAMES}|{_TOKEN_NAMES})"
            r"[A-Za-z0-9_]{0,40}[\"']?[ \t]{0,8}\r?\n[ \t]{0,40}value:[ \t]{0,4}"
            r"(?P<q>[\"']?)(?P<secret>[^\s\"'\\]{6,200})(?P=q)"
        ),
        severity=Severity.MEDIUM,
        validate=assigned_key,
        reference="https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables",
        tags=(*_T, "kubernetes"),
    ),
    SecretRule(
        id="dockerfile-env-secret",
        name="Secret in a Dockerfile ENV instruction",
        keywords=("env ",),
        pattern=re.compile(
            r"(?m)^[ \t]{0,8}ENV[ \t]{1,4}[A-Za-z0-9_]{0,40}"
            rf"(?i:{_PASSWORD_NAMES}|{_SECRET_NAMES}|{_API_KEY_NAMES}|{_TOKEN_NAMES})"
            r"[A-Za-z0-9_]{0,40}[ \t]{1,4}"
            r"(?P<q>[\"']?)(?P<secret>[^\s\"'\\]{6,200})(?P=q)"
        ),
        severity=Severity.MEDIUM,
        validate=assigned_value,
        reference="https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/",
        tags=(*_T, "docker"),
    ),
)
