"""botwarden: declare what a bot may do, generate least privilege, enforce, record and audit.

Everything the command line does is callable from here::

    import botwarden
    manifest = botwarden.load_manifest("botwarden.toml")
    result = botwarden.audit("examples/bibliobot")
"""

from botwarden._version import __version__
from botwarden.audit.result import AuditResult
from botwarden.audit.runner import audit
from botwarden.errors import BaselineError, Error, ManifestError, ReportError, UsageError
from botwarden.findings import Finding, Location, Rule, Severity
from botwarden.manifest import Manifest, load_manifest, parse_manifest

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
