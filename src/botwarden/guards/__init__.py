"""The text guards of an LLM bot: what goes into a model, and what comes out of it.

::

    from botwarden.guards import TextGuard
    guard = TextGuard(botwarden.load_manifest("botwarden.toml"))
    verdict = guard.check_input(page_text, kind="document")     # allow | flag | block
    safe = guard.sanitize_output(answer, fmt="markdown").text

Names are imported on first use, so ``import botwarden.guards`` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botwarden.guards.finding import GuardFinding
    from botwarden.guards.injection import InjectionDetector, InjectionResult
    from botwarden.guards.llm import guarded, httpx_async_event_hooks, httpx_event_hooks
    from botwarden.guards.normalize import Normalized, normalize
    from botwarden.guards.output import OutputPolicy, OutputSanitizer, Sanitized
    from botwarden.guards.spotlight import Spotlighter
    from botwarden.guards.textguard import InputBlocked, InputVerdict, TextGuard
    from botwarden.guards.toolargs import ToolSchemas

_EXPORTS = {
    "GuardFinding": "botwarden.guards.finding",
    "InjectionDetector": "botwarden.guards.injection",
    "InjectionResult": "botwarden.guards.injection",
    "guarded": "botwarden.guards.llm",
    "httpx_async_event_hooks": "botwarden.guards.llm",
    "httpx_event_hooks": "botwarden.guards.llm",
    "Normalized": "botwarden.guards.normalize",
    "normalize": "botwarden.guards.normalize",
    "OutputPolicy": "botwarden.guards.output",
    "OutputSanitizer": "botwarden.guards.output",
    "Sanitized": "botwarden.guards.output",
    "Spotlighter": "botwarden.guards.spotlight",
    "InputBlocked": "botwarden.guards.textguard",
    "InputVerdict": "botwarden.guards.textguard",
    "TextGuard": "botwarden.guards.textguard",
    "ToolSchemas": "botwarden.guards.toolargs",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'botwarden.guards' has no attribute {name!r}")
    return getattr(import_module(module), name)


__all__ = [
    "GuardFinding",
    "InjectionDetector",
    "InjectionResult",
    "InputBlocked",
    "InputVerdict",
    "Normalized",
    "OutputPolicy",
    "OutputSanitizer",
    "Sanitized",
    "Spotlighter",
    "TextGuard",
    "ToolSchemas",
    "guarded",
    "httpx_async_event_hooks",
    "httpx_event_hooks",
    "normalize",
]
