"""Is a ``NAME=value`` pair (a Dockerfile ENV/ARG, a Kubernetes env entry) a written secret?

Two ways: the name says so (``API_KEY``, ``DB_PASSWORD``) and the value is a literal, not a
reference or placeholder; or botwarden's secret scanner recognises the value's format (it scans
``NAME=value``, so its name-aware generic rules apply too). Evidence is always redacted with
:func:`botwarden.secrets.value.redact`; the fingerprint key uses a SHA-256 of the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from botwarden.findings import Severity
from botwarden.secrets.scan.context import ScanConfig
from botwarden.secrets.scan.engine import SecretScanner, load_rules
from botwarden.secrets.scan.findings import secret_digest
from botwarden.secrets.value import redact

# A secret's name: the word alone or between _ . - boundaries (not 'monkey', 'tokenizer').
_SECRET_NAME = re.compile(
    r"(?:^|[_.-])(?:api[_-]?key|access[_-]?key|secret(?:[_-]?key)?|client[_-]?secret|"
    r"token|auth[_-]?token|password|passwd|pwd|passphrase|private[_-]?key|credentials?|"
    r"webhook[_-]?url|dsn)(?:$|[_.-])",
    re.IGNORECASE,
)
# Names that hold where a secret is, or something about it, not the secret.
_REFERENCE_NAME = re.compile(
    r"[_.-](?:file|path|dir|name|id|arn|ref|url|uri|endpoint|host|length|ttl|type|env)$",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(
    r"^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\{\{.*\}\}|<[^>]*>|\$\(.*\)|"
    r"(?:changeme|change-me|placeholder|example|dummy|none|null|nil|todo|xxx+|\*+|true|false)"
    r"|[0-9]{1,6})$",
    re.IGNORECASE,
)
MIN_LITERAL = 4  # shorter values are flags or lengths, not credentials


@dataclass(frozen=True, slots=True)
class SecretSighting:
    """A secret-looking value: why, how bad, its redacted form and a stable key."""

    reason: str
    severity: Severity
    evidence: str
    key: str


def looks_like_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME.search(name)) and not _REFERENCE_NAME.search(name)


def is_placeholder(value: str) -> bool:
    stripped = value.strip().strip("'\"")
    return len(stripped) < MIN_LITERAL or bool(_PLACEHOLDER.match(stripped))


@cache
def _scanner(root: Path) -> SecretScanner:
    return SecretScanner(load_rules(), ScanConfig.at(root))


def sighting(name: str, value: str, *, root: Path, path: str) -> SecretSighting | None:
    """A secret written as ``name``'s value, or None. The scanner result wins over the name."""
    value = value.strip()
    if not value:
        return None
    hits = _scanner(root).scan_text(f"{name}={value}", path)
    if hits:
        hit = hits[0]
        kind = hit.rule.name
        return SecretSighting(
            f"the value matches the secret scanner's rule {kind!r}",
            max(hit.rule.severity, Severity.HIGH),
            f"{name}={redact(hit.secret)}",
            f"{name}:{secret_digest(hit.secret)}",
        )
    if looks_like_secret_name(name) and not is_placeholder(value):
        return SecretSighting(
            f"'{name}' names a secret and is given a literal value",
            Severity.MEDIUM,
            f"{name}={redact(value)}",
            f"{name}:{secret_digest(value)}",
        )
    return None
