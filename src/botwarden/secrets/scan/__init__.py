"""The secrets scanner: find credentials written in files (``botwarden secrets scan``, and the
``secrets`` check of ``botwarden audit``). See docs/secrets-scan.md."""

from botwarden.secrets.scan.context import ScanConfig
from botwarden.secrets.scan.engine import ScanError, ScanOutcome, SecretScanner, load_rules
from botwarden.secrets.scan.findings import HARDCODED, Hit
from botwarden.secrets.scan.run import scan_paths

__all__ = [
    "HARDCODED",
    "Hit",
    "ScanConfig",
    "ScanError",
    "ScanOutcome",
    "SecretScanner",
    "load_rules",
    "scan_paths",
]
