"""Turning matches into findings: the kind of key, where it is, and never the key itself.

Evidence shows at most the first 4 and last 2 characters of a value (nothing of a short one), and
for a key pair only the identifying half: the secret half is never shown, even in part, so the
two redacted halves together never give away more than either alone. The fingerprint key is the
kind plus a SHA-256 of the value, so baselines keep matching without storing the value.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from botwarden.findings import Finding, Location, Rule, Severity
from botwarden.secrets.rule import SecretRule
from botwarden.secrets.value import redact

HARDCODED = Rule(
    id="secrets.hardcoded",
    severity=Severity.HIGH,
    title="A credential is written in a file",
    remediation=(
        "Rotate the credential (anyone who read the file has it), remove it from the file, and "
        "have the bot fetch it at run time: declare it under [secret.NAME] with a vault:, aws-sm: "
        "or local: source."
    ),
    description="A file holds a value in the documented format of a credential.",
    category="secrets",
)
RULES: tuple[Rule, ...] = (HARDCODED,)


@dataclass(frozen=True, slots=True)
class Hit:
    """One credential found: a single value, or a pair (``partner`` is the identifying half)."""

    rule: SecretRule
    secret: str = field(repr=False)  # the raw value: never printed, logged or reported
    line: int
    column: int  # 1-based
    partner: Hit | None = None


def secret_digest(*values: str) -> str:
    return hashlib.sha256("\0".join(values).encode("utf-8", "surrogatepass")).hexdigest()


def to_finding(hit: Hit, path: str) -> Finding:
    """A ``secrets.hardcoded`` finding with the hit's severity and redacted evidence."""
    first = hit if hit.partner is None else min(hit, hit.partner, key=lambda h: (h.line, h.column))
    where = Location(path, first.line, first.column)
    if hit.partner is None:
        message = f"{hit.rule.name} written in the file"
        evidence = f"{hit.rule.name}: {redact(hit.secret)}"
        key = f"{hit.rule.id}:{secret_digest(hit.secret)}"
        severity = hit.rule.severity
    else:
        shown = hit.partner
        message = f"{hit.rule.name} written in the file with its {shown.rule.name} (a key pair)"
        evidence = f"{shown.rule.name}: {redact(shown.secret)}, {hit.rule.name}: ****"
        key = f"{hit.rule.id}+{shown.rule.id}:{secret_digest(shown.secret, hit.secret)}"
        severity = max(hit.rule.severity, shown.rule.severity)
    return Finding.of(HARDCODED, message, where, key=key, evidence=evidence, severity=severity)
