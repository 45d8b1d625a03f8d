"""botwarden: declare what a bot may do, generate least privilege, enforce, record and audit.

Everything the command line does is callable from here::

    import botwarden
    manifest = botwarden.load_manifest("botwarden.toml")
    result = botwarden.audit("examples/bibliobot")

Names are imported on first use (PEP 562), so a command that needs only part of the package does
not pay for the rest at start-up.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from botwarden._version import __version__

if TYPE_CHECKING:
    from botwarden.audit.result import AuditResult
    from botwarden.audit.runner import audit
    from botwarden.errors import BaselineError, Error, ManifestError, ReportError, UsageError
    from botwarden.findings import Finding, Location, Rule, Severity
    from botwarden.manifest import Manifest, load_manifest, parse_manifest
    from botwarden.policy.decision import Decision, Verdict
    from botwarden.runtime.denied import ActionDenied, EgressDenied
    from botwarden.runtime.guard import Guard, guard

_EXPORTS = {
    "AuditResult": "botwarden.audit.result",
    "audit": "botwarden.audit.runner",
    "BaselineError": "botwarden.errors",
    "Error": "botwarden.errors",
    "ManifestError": "botwarden.errors",
    "ReportError": "botwarden.errors",
    "UsageError": "botwarden.errors",
    "Finding": "botwarden.findings",
    "Location": "botwarden.findings",
    "Rule": "botwarden.findings",
    "Severity": "botwarden.findings",
    "Manifest": "botwarden.manifest",
    "load_manifest": "botwarden.manifest",
    "parse_manifest": "botwarden.manifest",
    "Decision": "botwarden.policy.decision",
    "Verdict": "botwarden.policy.decision",
    "ActionDenied": "botwarden.runtime.denied",
    "EgressDenied": "botwarden.runtime.denied",
    "Guard": "botwarden.runtime.guard",
    "guard": "botwarden.runtime.guard",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'botwarden' has no attribute {name!r}")
    return getattr(import_module(module), name)


__all__ = [
    "ActionDenied",
    "AuditResult",
    "BaselineError",
    "Decision",
    "EgressDenied",
    "Error",
    "Finding",
    "Guard",
    "Location",
    "Manifest",
    "ManifestError",
    "ReportError",
    "Rule",
    "Severity",
    "UsageError",
    "Verdict",
    "__version__",
    "audit",
    "guard",
    "load_manifest",
    "parse_manifest",
]
