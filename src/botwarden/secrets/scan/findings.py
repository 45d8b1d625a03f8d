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
IN_HISTORY = Rule(
    id="secrets.in-history",
    severity=Severity.HIGH,
    title="A credential removed from the files is still in the git history",
    remediation=(
        "Rotate the credential: deleting it from the files does not remove it from the "
        "repository, and every clone, fork and backup still has the commit that added it."
    ),
    description="A commit reachable from a ref added a credential that is no longer in the files.",
    category="secrets",
)
STALE = Rule(
    id="secrets.stale",
    severity=Severity.HIGH,
    title="A secret is older than its max_age",
    remediation=(
        "Rotate the secret at its issuer, store the new value where its source points "
        "(botwarden secrets rotate NAME for local: sources) and update `created` if declared."
    ),
    description="The current value of a [secret.NAME] was created longer ago than its max_age.",
    category="secrets",
)
DUE = Rule(
    id="secrets.due",
    severity=Severity.LOW,
    title="A secret reaches its max_age within 7 days",
    remediation="Plan the rotation now, before the secret goes stale.",
    description="The current value of a [secret.NAME] reaches its max_age within 7 days.",
    category="secrets",
)
AWS_KEY_OLD = Rule(
    id="secrets.aws-key-old",
    severity=Severity.HIGH,
    title="An active AWS access key is older than the rotation limit",
    remediation=(
        "Create a second access key, move the bot to it, then deactivate and delete the old one; "
        "better, give the bot a role and no long-lived key at all."
    ),
    description="An IAM credential report lists an active access key last rotated too long ago.",
    category="secrets",
)
AWS_KEY_UNUSED = Rule(
    id="secrets.aws-key-unused",
    severity=Severity.MEDIUM,
    title="An active AWS access key has not been used for 90 days",
    remediation="Deactivate the key, and delete it once nothing breaks: nobody needs it.",
    description="An IAM credential report lists an active access key unused for 90 days or never.",
    category="secrets",
)
RULES: tuple[Rule, ...] = (HARDCODED,)
STALENESS_RULES: tuple[Rule, ...] = (STALE, DUE)
HISTORY_RULES: tuple[Rule, ...] = (IN_HISTORY,)
AWS_REPORT_RULES: tuple[Rule, ...] = (AWS_KEY_OLD, AWS_KEY_UNUSED)


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


@dataclass(frozen=True, slots=True)
class Described:
    """What a finding says about a hit: never the value, only its redacted form and digest."""

    line: int
    column: int
    kind: str  # "AWS access key ID", or "X with its Y (a key pair)"
    evidence: str
    key: str  # the fingerprint key: the kind(s) and a SHA-256 of the value(s)
    severity: Severity


def describe(hit: Hit) -> Described:
    """The redacted description shared by ``secrets.hardcoded`` and ``secrets.in-history``."""
    first = hit if hit.partner is None else min(hit, hit.partner, key=lambda h: (h.line, h.column))
    if hit.partner is None:
        kind = hit.rule.name
        evidence = f"{hit.rule.name}: {redact(hit.secret)}"
        key = f"{hit.rule.id}:{secret_digest(hit.secret)}"
        severity = hit.rule.severity
    else:
        shown = hit.partner
        kind = f"{hit.rule.name} with its {shown.rule.name} (a key pair)"
        evidence = f"{shown.rule.name}: {redact(shown.secret)}, {hit.rule.name}: ****"
        key = f"{hit.rule.id}+{shown.rule.id}:{secret_digest(shown.secret, hit.secret)}"
        severity = max(hit.rule.severity, shown.rule.severity)
    return Described(first.line, first.column, kind, evidence, key, severity)


def to_finding(hit: Hit, path: str) -> Finding:
    """A ``secrets.hardcoded`` finding with the hit's severity and redacted evidence."""
    said = describe(hit)
    if hit.partner is None:
        message = f"{said.kind} written in the file"
    else:
        message = (
            f"{hit.rule.name} written in the file with its {hit.partner.rule.name} (a key pair)"
        )
    where = Location(path, said.line, said.column)
    return Finding.of(
        HARDCODED, message, where, key=said.key, evidence=said.evidence, severity=said.severity
    )
