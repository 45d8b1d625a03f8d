"""The rule catalogue: every kind of credential the scanner knows, one module per family.

``RULES`` is the catalogue in a stable order (family, then the order in each module);
``RULES_BY_ID`` finds one by its id. ``docs/secret-rules.md`` is generated from it
(``python -m botwarden.secrets.rules``) and a test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from botwarden.secrets.rule import SecretRule
from botwarden.secrets.rules import (
    chat,
    cloud,
    databases,
    generic,
    keys,
    llm,
    payments,
    registries,
    saas,
    tokens,
    vcs_ci,
)

FAMILIES: Mapping[str, tuple[SecretRule, ...]] = MappingProxyType(
    {
        "cloud": cloud.RULES,
        "vcs_ci": vcs_ci.RULES,
        "registries": registries.RULES,
        "chat": chat.RULES,
        "payments": payments.RULES,
        "llm": llm.RULES,
        "saas": saas.RULES,
        "keys": keys.RULES,
        "tokens": tokens.RULES,
        "databases": databases.RULES,
        "generic": generic.RULES,
    }
)
RULES: tuple[SecretRule, ...] = tuple(rule for family in FAMILIES.values() for rule in family)
RULES_BY_ID: Mapping[str, SecretRule] = MappingProxyType({rule.id: rule for rule in RULES})

if len(RULES_BY_ID) != len(RULES):  # pragma: no cover - a catalogue bug, caught at import
    raise RuntimeError("secret rules: duplicate rule ids")


def markdown_table() -> str:
    """The catalogue as the Markdown table in ``docs/secret-rules.md``."""
    lines = [
        "| id | name | family | severity | keywords | reference |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for family, rules in FAMILIES.items():
        for rule in rules:
            words = ", ".join(f"`{word.strip()}`" for word in rule.keywords)
            lines.append(
                f"| `{rule.id}` | {rule.name} | {family} | {rule.severity.value} | {words} "
                f"| {rule.reference} |"
            )
    return "\n".join(lines) + "\n"


__all__ = ["FAMILIES", "RULES", "RULES_BY_ID", "markdown_table"]
