"""Syntax checks for the patterns a manifest declares: IAM actions, ARNs, URLs, secret sources.

These only decide whether a value is well formed; matching lives in the policy engine.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from botwarden.manifest.egress import normalise_host

_ACTION = re.compile(r"^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$")
_PARTITION = re.compile(r"^(aws|aws-cn|aws-us-gov|aws-iso(-[a-z])?|\*)$")
ARN_HELP = "'arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE' or '*'"
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "*"})


def check_action(value: str) -> str:
    if not _ACTION.match(value):
        raise ValueError(
            f"{value!r} is not an IAM action: expected 'service:Action' such as 's3:GetObject' "
            "(wildcards * and ? allowed in the action name, not in the service)"
        )
    return value


def check_arn(value: str) -> str:
    if value == "*":
        return value
    parts = value.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        raise ValueError(f"{value!r} is not an ARN: expected {ARN_HELP}")
    _, partition, service, _region, _account, resource = parts
    if not _PARTITION.match(partition):
        raise ValueError(f"{value!r}: unknown partition {partition!r} (expected aws, aws-cn, ...)")
    if not service or not resource:
        raise ValueError(f"{value!r}: the service and resource parts must not be empty")
    return value


def check_method(value: str) -> str:
    method = value.upper()
    if method not in HTTP_METHODS:
        allowed = ", ".join(sorted(HTTP_METHODS))
        raise ValueError(f"{value!r} is not an HTTP method: expected one of {allowed}")
    return method


def check_url_pattern(value: str) -> str:
    """An http(s) URL whose host may start with '*.' and whose path may hold '*' wildcards."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{value!r}: expected an http:// or https:// URL pattern")
    if "@" in parts.netloc:
        raise ValueError(f"{value!r}: URL patterns must not contain user information")
    host = parts.hostname or ""
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"{value!r}: the port must be a number from 1 to 65535") from None
    if port == 0:
        raise ValueError(f"{value!r}: the port must be a number from 1 to 65535")
    bare = host[2:] if host.startswith("*.") else host
    if host != "*" and not _is_ip(host):
        normalise_host(bare)
    return value


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


SECRET_SCHEMES = ("local", "env", "file", "vault", "aws-sm")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class SecretSource:
    """Where a secret comes from: ``scheme:locator[#field]``."""

    scheme: str
    locator: str
    field: str | None
    text: str

    def __str__(self) -> str:
        return self.text


def parse_secret_source(value: object) -> SecretSource:
    if isinstance(value, SecretSource):
        return value
    if not isinstance(value, str):
        raise ValueError("expected a string such as 'vault:kv/bots/NAME#field'")
    scheme, sep, rest = value.partition(":")
    if not sep or scheme not in SECRET_SCHEMES:
        schemes = ", ".join(f"'{s}:'" for s in SECRET_SCHEMES)
        raise ValueError(f"{value!r}: the source must start with one of {schemes}")
    locator, _, field = rest.partition("#")
    if not locator:
        raise ValueError(f"{value!r}: nothing after '{scheme}:'")
    if scheme == "env" and not _ENV_NAME.match(locator):
        raise ValueError(f"{value!r}: {locator!r} is not an environment variable name")
    if scheme == "vault" and ("/" not in locator.strip("/") or not field):
        raise ValueError(f"{value!r}: expected 'vault:MOUNT/PATH#field' (KV secrets are maps)")
    return SecretSource(scheme, locator, field or None, value)
