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
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'botwarden' has no attribute {name!r}")
    return getattr(import_module(module), name)


__all__ = [
    "AuditResult",
    "BaselineError",
    "Error",
    "Finding",
    "Location",
    "Manifest",
    "ManifestError",
    "ReportError",
    "Rule",
    "Severity",
    "UsageError",
    "__version__",
    "audit",
    "load_manifest",
    "parse_manifest",
]
