"""The HTML report: one self-contained file that works offline and trusts nothing it shows.

Everything is inline (no fonts, images or CDNs), so the file can be attached to a ticket or opened
from an air-gapped machine. Every piece of finding text is passed through :func:`html.escape`, and a
Content-Security-Policy allows only the exact inline style and script shipped here (by sha256), so
even a missed escape could not run injected script or load anything from the network.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from html import escape

from botwarden.audit.result import AuditResult
from botwarden.findings import SEVERITIES_DESCENDING, Finding
from botwarden.report._assets import SCRIPT, STYLE
from botwarden.report._text import printable


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src {_csp_hash(STYLE)}; script-src {_csp_hash(SCRIPT)}; "
    "base-uri 'none'; form-action 'none'"
)


def render(result: AuditResult) -> str:
    """The complete HTML5 document."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            _head(result),
            "<body>",
            _header(result),
            _summary(result),
            _body(result),
            f"<script>{SCRIPT}</script>",
            "</body>",
            "</html>",
            "",
        ]
    )


def _text(value: str) -> str:
    """Escape for element content and quoted attributes alike."""
    return escape(printable(value), quote=True)


def _head(result: AuditResult) -> str:
    return "\n".join(
        [
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">',
            '<meta name="referrer" content="no-referrer">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>botwarden report: {_text(result.target)}</title>",
            f"<style>{STYLE}</style>",
            "</head>",
        ]
    )


def _header(result: AuditResult) -> str:
    analysers = ", ".join(result.analysers) or "none recorded"
    return (
        "<header><h1>botwarden audit report</h1>"
        f'<p>Target <code class="target">{_text(result.target)}</code>'
        f" &middot; botwarden {_text(result.tool_version)}"
        f" &middot; analysers: {_text(analysers)}</p></header>"
    )


def _summary(result: AuditResult) -> str:
    items = "".join(
        f'<li class="badge sev-{severity}"><span class="count">{count}</span> {severity}</li>'
        for severity, count in result.summary().items()
    )
    suppressed = result.suppressed
    return (
        f'<section class="summary" aria-label="Summary"><ul>{items}</ul>'
        f"<p>Suppressed: {suppressed.baseline} by baseline, {suppressed.inline} inline.</p>"
        "</section>"
    )


def _body(result: AuditResult) -> str:
    if not result.findings:
        return '<p class="empty">No findings.</p>'
    return _filters(result.findings) + _table(result.findings)


def _filters(findings: tuple[Finding, ...]) -> str:
    severities = Counter(finding.severity.value for finding in findings)
    categories = Counter(finding.category for finding in findings)
    ordered = {s.value: severities[s.value] for s in SEVERITIES_DESCENDING if s.value in severities}
    return (
        '<section class="filters" aria-label="Filters">'
        + _checkboxes("severity", "Severity", ordered)
        + _checkboxes("category", "Category", dict(sorted(categories.items())))
        + '<label class="search">Search <input type="search" id="filter-text" '
        'placeholder="rule, path, message..." autocomplete="off"></label>'
        '<p id="shown" aria-live="polite"></p>'
        "<noscript><p>Filters need JavaScript; all findings are shown.</p></noscript>"
        "</section>"
    )


def _checkboxes(kind: str, legend: str, counts: dict[str, int]) -> str:
    boxes = "".join(
        f'<label><input type="checkbox" data-filter="{kind}" value="{_text(value)}" checked>'
        f" {_text(value)} ({count})</label>"
        for value, count in counts.items()
    )
    return f"<fieldset><legend>{legend}</legend>{boxes}</fieldset>"


def _table(findings: tuple[Finding, ...]) -> str:
    rows = "\n".join(_row(finding) for finding in findings)
    return (
        '<table id="findings"><thead><tr><th>Severity</th><th>Rule</th><th>Category</th>'
        "<th>Location</th><th>Finding</th><th>Remediation</th></tr></thead>"
        f"<tbody>\n{rows}\n</tbody></table>"
    )


def _row(finding: Finding) -> str:
    severity = finding.severity.value
    evidence = (
        f'<div class="evidence">Evidence: <code>{_text(finding.evidence)}</code></div>'
        if finding.evidence
        else ""
    )
    return (
        f'<tr data-severity="{severity}" data-category="{_text(finding.category)}"'
        f' data-fingerprint="{_text(finding.fingerprint)}">'
        f'<td><span class="badge sev-{severity}">{severity}</span></td>'
        f'<td class="id"><code>{_text(finding.rule)}</code></td>'
        f"<td>{_text(finding.category)}</td>"
        f'<td class="id"><code>{_text(str(finding.location))}</code></td>'
        f'<td><div class="message">{_text(finding.message)}</div>{evidence}</td>'
        f"<td>{_text(finding.remediation)}</td></tr>"
    )
