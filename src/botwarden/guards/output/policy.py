"""What the output guard is told to do, and what it hands back.

The policy mirrors the manifest's ``[guard.output]`` table. Its values are checked when it is
built, so a typo (``links = "egress"``) is a clear error at start-up rather than a guard that
silently does something else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from botwarden.errors import UsageError
from botwarden.guards.finding import GuardFinding

LinkPolicy = Callable[[str], bool]
"""An absolute, normalised http(s) URL -> whether a link or image to it may stay."""

HtmlMode = Literal["sanitize", "escape", "off"]
LinkMode = Literal["egress-only", "any", "none"]
Format = Literal["markdown", "html", "text"]

HTML_MODES: tuple[HtmlMode, ...] = ("sanitize", "escape", "off")
LINK_MODES: tuple[LinkMode, ...] = ("egress-only", "any", "none")
FORMATS: tuple[Format, ...] = ("markdown", "html", "text")
REDACTIONS = frozenset({"secrets", "pii"})
_Option = TypeVar("_Option", bound=str)


@dataclass(frozen=True, slots=True)
class OutputPolicy:
    """``link_allowed`` decides each link under ``egress-only``; without one, every link goes
    (fail closed: a guard that cannot ask the egress allow-list keeps nothing).

    ``links_by_origin`` says that ``link_allowed`` decides on a URL's scheme, host and port
    alone, as the egress allow-list does: it is then asked once per origin, and its verdict
    remembered for as long as the sanitiser lives (build a new one when the allow-list changes).
    Otherwise it is asked once per URL in each output, and nothing is remembered longer."""

    html: HtmlMode = "sanitize"
    links: LinkMode = "egress-only"
    redact: frozenset[str] = frozenset({"secrets", "pii"})
    link_allowed: LinkPolicy | None = None
    links_by_origin: bool = False

    def __post_init__(self) -> None:
        _check("html", self.html, HTML_MODES)
        _check("links", self.links, LINK_MODES)
        if isinstance(self.redact, str) or not isinstance(self.redact, frozenset | set):
            raise UsageError(f"redact: expected a set of {sorted(REDACTIONS)}, got {self.redact!r}")
        if unknown := sorted(set(self.redact) - REDACTIONS):
            raise UsageError(f"redact: unknown kind {unknown[0]!r}: expected {sorted(REDACTIONS)}")


@dataclass(frozen=True, slots=True)
class Sanitized:
    """The text to show, and what was removed or replaced to make it safe."""

    text: str
    findings: tuple[GuardFinding, ...]


def check_format(fmt: str) -> Format:
    return _check("format", fmt, FORMATS)


def _check(name: str, value: str, valid: tuple[_Option, ...]) -> _Option:
    for option in valid:
        if value == option:
            return option
    raise UsageError(f"{name}: {value!r} is not one of {', '.join(valid)}")
