"""The seam every check plugs into: an analyser takes a target and yields findings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from botwarden.audit.target import Target
from botwarden.findings import Finding, Rule


class Analyser(Protocol):
    """A check run by ``botwarden audit``. ``name`` is what ``--only`` selects."""

    name: str
    rules: tuple[Rule, ...]

    def analyse(self, target: Target) -> Iterator[Finding]: ...
