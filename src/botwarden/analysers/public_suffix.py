"""Public-suffix questions for egress wildcards, answered from the list ``publicsuffixlist`` ships.

A wildcard over a public suffix (``*.com``, ``*.s3.amazonaws.com``, ``*.herokuapp.com``) admits
hosts that anyone can register, so an attacker can stand up an endpoint the bot is allowed to
reach. The list is read from the installed package, offline.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from publicsuffixlist import PublicSuffixList


@cache
def _psl() -> PublicSuffixList:
    return PublicSuffixList()


@cache
def _suffix_rules() -> frozenset[str]:
    data = resources.files("publicsuffixlist").joinpath("public_suffix_list.dat")
    rules = set()
    for raw in data.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("//"):
            rule = line.lstrip("!").removeprefix("*.")
            rules.add(rule.encode("idna").decode("ascii") if not rule.isascii() else rule)
    return frozenset(rules)


def is_public_suffix(host: str) -> bool:
    """True for names under which anyone may register: ``com``, ``co.uk``, ``github.io``."""
    return bool(_psl().is_public(host))


def covers_public_suffix(host: str) -> str | None:
    """A public suffix at or below ``host`` (``amazonaws.com`` -> ``s3.amazonaws.com``), if any."""
    if is_public_suffix(host):
        return host
    tail = "." + host
    below = [rule for rule in _suffix_rules() if rule.endswith(tail)]
    return min(below, key=lambda rule: (rule.count("."), len(rule), rule)) if below else None
