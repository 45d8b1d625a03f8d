"""Inline suppression: ``botwarden:ignore`` or ``botwarden:ignore[rule.id, category.*]``.

The marker counts on the finding's own line or on a comment-only line directly above it, in any
comment syntax (``#``, ``//``, ``--``, ``<!-- -->``), since the analysers read many file types.
"""

from __future__ import annotations

import re

from botwarden.audit.target import Target
from botwarden.findings import Finding

_MARKER = re.compile(r"botwarden:ignore(?:\[([^\]]*)\])?")
_COMMENT_ONLY = re.compile(r"^\s*(#|//|--|;|<!--|/\*|\*)")


def _marker_covers(line: str, rule: str) -> bool:
    for match in _MARKER.finditer(line):
        if match.group(1) is None:
            return True
        for item in (part.strip() for part in match.group(1).split(",")):
            if item == rule or (item.endswith(".*") and rule.startswith(item[:-1])):
                return True
            if item == rule.split(".", 1)[0]:
                return True
    return False


def is_suppressed(finding: Finding, target: Target) -> bool:
    line = finding.location.line
    if line is None:
        return False
    here = target.line(finding.location.path, line)
    if _marker_covers(here, finding.rule):
        return True
    above = target.line(finding.location.path, line - 1) if line > 1 else ""
    return bool(_COMMENT_ONLY.match(above)) and _marker_covers(above, finding.rule)
