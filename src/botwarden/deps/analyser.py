"""The ``dependencies`` check of ``botwarden audit``: the bot's dependency files against OSV."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from botwarden.audit.target import Target
from botwarden.deps.readers import discover
from botwarden.deps.scan import RULES, findings, read_all
from botwarden.deps.vulndb import VulnDBError, locate, open_source
from botwarden.findings import Finding, Rule


class DependenciesAnalyser:
    """Reads every dependency file under the target and matches pins against the database.

    The database is ``db`` when given, else the one :func:`botwarden.deps.vulndb.locate` finds
    (``$BOTWARDEN_VULNDB``, the user's imported one, an ``osv.zip`` / ``osv/`` mirror in the
    target). Without one the check says so in a finding rather than passing silently.
    """

    name = "dependencies"
    rules: tuple[Rule, ...] = RULES

    def __init__(self, db: Path | None = None) -> None:
        self._db = db

    def analyse(self, target: Target) -> Iterator[Finding]:
        requirements, problems = read_all(discover(target.root), target.root)
        source = self._db or locate(target.root)
        if source is None:
            yield from findings(requirements, problems, None)
            return
        try:
            db = open_source(source)
        except VulnDBError as exc:
            yield from findings(requirements, problems, None, why_no_db=exc.message)
            return
        with db:
            yield from findings(requirements, problems, db)
