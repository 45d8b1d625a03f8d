"""Prompt-injection detection for prompts, documents and tool arguments.

See docs/injection-detection.md for what it matches, how it was trained and what it scores.
"""

from botwarden.guards.injection.detector import InjectionDetector, InjectionResult, TextKind
from botwarden.guards.injection.model import InjectionModelError

__all__ = ["InjectionDetector", "InjectionModelError", "InjectionResult", "TextKind"]
