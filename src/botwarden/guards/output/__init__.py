"""The output guard: what a model wrote, made safe to show (see docs/output-guard.md)."""

from botwarden.guards.output.policy import LinkPolicy, OutputPolicy, Sanitized
from botwarden.guards.output.sanitize import OutputSanitizer, sanitize_output

__all__ = ["LinkPolicy", "OutputPolicy", "OutputSanitizer", "Sanitized", "sanitize_output"]
