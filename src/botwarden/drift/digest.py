"""What the lock records about a file: its digest, a digest per config key, an IAM policy's grants.

Per-key digests let drift say *which* keys of a TOML, JSON or YAML file changed without ever
storing or printing a value: a key's digest covers its dotted path and its value,
domain-separated, so two keys holding the same value do not share a digest. YAML with aliases
keeps its whole-file digest only (aliases can make values exponentially large once written
out). A lock stores no salt (it must be deterministic), so a digest of a short, guessable value
could be guessed back; the whole file's digest has the same property, and both are no worse than
the file the repository already holds.
Values are never shown, only key names.

Grants are normalised to one line per (effect, action, resource, conditions), lowercase actions,
sorted, so a reordered or reformatted policy is the same set of grants and a diff names exactly
what was added or removed.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from botwarden.iam.generate import GeneratedPolicy
from botwarden.iam.model import PolicyDocument, Statement
from botwarden.manifest.loader import field_name

_KEY_DOMAIN = b"botwarden-lock-key-v1\0"
KEY_DIGEST_CHARS = 16
MAX_GRANTS = 5000  # per file: beyond this a policy is summarised by its digest alone
MAX_KEYS = 5000


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def key_digests(name: str, raw: bytes) -> dict[str, str] | None:
    """Dotted key path -> digest of its value, for TOML, JSON and YAML files; None for other
    files or files that do not parse (their whole-file digest still tracks them)."""
    lower = name.lower()
    if not lower.endswith((".toml", ".json", ".yaml", ".yml")):
        return None
    try:
        text = raw.decode("utf-8-sig")
        if lower.endswith(".toml"):
            data = tomllib.loads(text)
        elif lower.endswith(".json"):
            data = json.loads(text)
        else:
            data = _yaml(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None
    if data is _UNREAD:
        return None
    found: dict[str, str] = {}
    for path, value in _leaves(data, ()):
        if len(found) >= MAX_KEYS:
            return None
        key = field_name(path) or "(top level)"
        found[key] = _value_digest(key, value)
    return dict(sorted(found.items()))


_UNREAD = object()


def _yaml(text: str) -> Any:
    """The YAML document (a list of them when there are several), or ``_UNREAD``: for text that
    does not parse, and for text with aliases, whose values a few lines can make exponentially
    large once written out (the "billion laughs"); its whole-file digest still tracks it."""
    import yaml

    try:
        if any(isinstance(token, yaml.AliasToken) for token in yaml.scan(text)):
            return _UNREAD
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return _UNREAD
    return documents[0] if len(documents) == 1 else documents


def _leaves(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Tables (objects) and arrays of tables are walked; anything else is one leaf, so a changed
    list of hosts is one changed key, and a changed field of one table in an array is its own."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _leaves(item, (*path, str(key)))
    elif isinstance(value, list) and value and all(isinstance(i, dict) for i in value):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value


def _value_digest(key: str, value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    payload = _KEY_DOMAIN + key.encode("utf-8", "surrogatepass") + b"\0" + canonical.encode()
    # "sha256:" says what the value is, to readers and to secret scanners alike (a hex value under
    # a key such as api_token would otherwise look like the token itself)
    return "sha256:" + sha256_hex(payload)[:KEY_DIGEST_CHARS]


def document_grants(documents: Iterable[PolicyDocument]) -> list[str] | None:
    """Normalised grant lines of the documents of one file; None when there are too many."""
    docs = list(documents)
    named = len({d.name for d in docs}) > 1
    found: set[str] = set()
    for document in docs:
        prefix = f"{document.name}: " if named else ""
        for statement in document.statements:
            found.update(prefix + line for line in _statement_grants(statement))
            if len(found) > MAX_GRANTS:
                return None
    return sorted(found)


def _statement_grants(statement: Statement) -> Iterator[str]:
    actions = sorted({a.lower() for a in statement.action_values})
    resources = sorted(set(statement.resource_values))
    action_word = "NotAction " if statement.not_action else ""
    resource_word = "NotResource " if statement.not_resource else ""
    condition = _conditions((c.operator, c.key, c.values) for c in statement.conditions)
    who = _principal(statement)
    for action in actions or ["(no action)"]:
        for resource in resources or [""]:
            where = f" on {resource_word}{resource}" if resource else ""
            yield f"{statement.effect.value}{who} {action_word}{action}{where}{condition}"


def _principal(statement: Statement) -> str:
    """`` to KIND:ID,...`` for resource and trust policies; empty for identity policies."""
    principal = statement.principal
    if principal is None:
        return ""
    word = " NotPrincipal" if statement.not_principal else ""
    names = "*" if principal.any else ",".join(sorted(f"{k}:{v}" for k, v in principal.entries))
    return f"{word} to {names}"


def _conditions(conditions: Iterable[tuple[str, str, Iterable[str]]]) -> str:
    parts = sorted(f"{op} {key}={','.join(sorted(values))}" for op, key, values in conditions)
    return f" if {'; '.join(parts)}" if parts else ""


def generated_grants(policy: GeneratedPolicy) -> list[str]:
    """The generated policy as normalised grant lines, comparable with a deployed policy's."""
    found: set[str] = set()
    for grant in policy.grants:
        condition = _conditions(grant.conditions)
        for action in grant.actions:
            for resource in grant.resources:
                found.add(f"Allow {action.lower()} on {resource}{condition}")
    return sorted(found)


def policy_grants(path: Path, raw_text: str | None, shown: str) -> list[str] | None:
    """The grants of a file that holds IAM policies; None when it holds none or cannot be read
    (the permissions check reports unreadable policies as ``iam.invalid-policy``)."""
    from botwarden.iam.parse import PolicyParseError, looks_like_policy_file, read_policy_file

    if raw_text is None or not looks_like_policy_file(path, raw_text):
        return None
    try:
        documents = read_policy_file(path, shown).documents
    except PolicyParseError:
        return None
    return document_grants(documents) if documents else None
