"""A manifest's ``[guard.input]`` and ``[guard.output]``, compiled once and applied per text.

The input side runs, in order: the size and script limits (on the text as given), Unicode
normalisation with invisible characters removed and reported, the argument schema of a tool
call, and the prompt-injection detector. The output side is the sanitiser of
:mod:`botwarden.guards.output`, with links judged by the bot's egress allow-list.

**Verdicts.** ``block`` when a limit or a tool's schema is broken (fail closed: such text never
reaches the model), or when the detector flags an injection and ``prompt_injection = "block"``;
``flag`` when it flags one and the setting is ``"flag"``, or when the section (or the bot) is in
``mode = "report"``, which never blocks; ``allow`` otherwise. Text hidden in invisible
characters (the Unicode tag block's ASCII smuggling; zero-width characters as bits, or variation
selectors as bytes, when they decode to text) is an injection by itself: nothing benign spells
letters invisibly. The detector also reads what it says.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from botwarden.errors import Error, UsageError
from botwarden.guards.finding import GuardFinding
from botwarden.guards.injection import InjectionDetector, TextKind
from botwarden.guards.normalize import Normalized, check_limits, normalize
from botwarden.guards.output import LinkPolicy, OutputPolicy, OutputSanitizer, Sanitized
from botwarden.guards.output.policy import Format, check_format
from botwarden.guards.toolargs import Arguments, MalformedArgumentsError, ToolSchemas
from botwarden.manifest.model import InputGuard, Manifest, Mode, OutputGuard
from botwarden.policy.decision import Verdict
from botwarden.policy.engine import Policy
from botwarden.policy.target import TargetError, parse_url

InputVerdictName = Literal["allow", "flag", "block"]
KINDS: tuple[TextKind, ...] = ("prompt", "document", "tool-args")
_HIDDEN_TEXT = frozenset({"invisible.tag-block"})


@dataclass(frozen=True, slots=True)
class InputVerdict:
    """What the input guard decided about one text, and the text to pass on (normalised)."""

    verdict: InputVerdictName
    score: float
    findings: tuple[GuardFinding, ...]
    text: str

    @property
    def blocked(self) -> bool:
        return self.verdict == "block"

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "score": round(self.score, 4),
            "findings": [finding.to_json() for finding in self.findings],
        }


class InputBlocked(Error, PermissionError):  # noqa: N818 -- a refusal, like EgressDenied
    """Raised by the LLM-call wrappers when the input guard blocks a text."""

    def __init__(self, verdict: InputVerdict, what: str = "input") -> None:
        kinds = ", ".join(sorted({finding.kind for finding in verdict.findings})) or "no finding"
        super().__init__(f"botwarden: {what} blocked (score {verdict.score:.2f}; {kinds})")
        self.verdict = verdict


class TextGuard:
    """Input checks and output sanitising for one bot. Thread-safe; build it once."""

    def __init__(
        self,
        manifest: Manifest | None = None,
        *,
        detector: InjectionDetector | None = None,
        tools: ToolSchemas | None = None,
    ) -> None:
        self.manifest = manifest
        guards = manifest.guard if manifest is not None else None
        self.input = (guards.input if guards else None) or InputGuard()
        self.output = (guards.output if guards else None) or OutputGuard()
        bot_report = manifest is not None and manifest.bot.mode is Mode.REPORT
        default = Mode.REPORT if bot_report else Mode.ENFORCE
        self.input_report = (self.input.mode or default) is Mode.REPORT
        self.output_report = (self.output.mode or default) is Mode.REPORT
        # script names were checked when the manifest was read
        self.scripts = frozenset(self.input.scripts) if self.input.scripts is not None else None
        self.detector = detector
        if detector is None and self.input.prompt_injection != "off":
            self.detector = InjectionDetector()
        self.tools = tools if tools is not None else _declared_tools(manifest, self.input)
        self.sanitizer = OutputSanitizer(
            OutputPolicy(
                html=self.output.html,
                links=self.output.links,
                redact=frozenset(self.output.redact),
                link_allowed=_egress_links(manifest),
                # the egress policy decides on scheme, host and port (Policy.destination), so
                # one verdict per origin serves every link to it
                links_by_origin=True,
            )
        )

    # -- input -------------------------------------------------------------------------------

    def check_input(
        self, text: str, *, kind: TextKind = "prompt", tool: str | None = None
    ) -> InputVerdict:
        """Check one text from outside: a prompt, a document or tool result, or (with ``tool``)
        the JSON arguments of a tool call."""
        if kind not in KINDS:
            raise UsageError(f"kind {kind!r}: expected one of {', '.join(KINDS)}")
        if tool is not None:
            return self.check_tool_call(tool, text)
        findings = check_limits(text, max_chars=self.input.max_chars, scripts=self.scripts)
        hard = bool(findings)
        normalised = normalize(text)
        findings.extend(normalised.findings)
        return self._verdict(normalised, kind, findings, hard=hard)

    def check_tool_call(self, tool: str, arguments: Arguments) -> InputVerdict:
        """A tool call's arguments: the tool's declared schema, then every string in them."""
        tools = self.tools or ToolSchemas({})  # nothing declared: every tool is unknown
        try:
            data: Arguments | None = tools.parse(arguments)
        except MalformedArgumentsError:
            data = None  # validate() says why
        findings = tools.validate(tool, arguments if data is None else data)
        hard = bool(findings)
        strings = [] if data is None else [value for _, value in tools.strings(data)]
        joined = "\n".join(strings)
        limits = check_limits(joined, max_chars=self.input.max_chars, scripts=self.scripts)
        hard = hard or bool(limits)
        findings.extend(limits)
        normalised = normalize(joined)
        findings.extend(normalised.findings)
        return self._verdict(normalised, "tool-args", findings, hard=hard)

    def _verdict(
        self, normalised: Normalized, kind: TextKind, findings: list[GuardFinding], *, hard: bool
    ) -> InputVerdict:
        text = normalised.text
        score = 0.0
        injection = bool(normalised.hidden) or any(f.kind in _HIDDEN_TEXT for f in findings)
        # text over max_chars is blocked anyway: the detector (about 1 ms per KB) is not run on
        # it, so an oversized input costs linear, cheap work only
        oversized = any(finding.kind == "limit.max-chars" for finding in findings)
        detector = self.detector if self.input.prompt_injection != "off" else None
        if detector is not None and (text or normalised.hidden) and not oversized:
            result = detector.scan_normalized(normalised, kind=kind)
            score = result.score
            flagged = result.flagged
            if self.input.threshold is not None:
                flagged = score >= self.input.threshold
            if flagged:
                findings.extend(result.findings)
            injection = injection or flagged
        if injection and self.input.prompt_injection == "off":
            injection = False
        verdict: InputVerdictName = "allow"
        if hard or (injection and self.input.prompt_injection == "block"):
            verdict = "block"
        elif injection:
            verdict = "flag"
        if verdict == "block" and self.input_report:
            verdict = "flag"
        return InputVerdict(verdict, score, tuple(findings), text)

    # -- output ------------------------------------------------------------------------------

    def sanitize_output(self, text: str, *, fmt: Format | str = "markdown") -> Sanitized:
        """The text made safe to show; in ``mode = "report"`` the text is returned unchanged
        and the findings say what would have been removed."""
        cleaned = self.sanitizer.sanitize(text, check_format(fmt))
        if self.output_report:
            return Sanitized(text, cleaned.findings)
        return cleaned


def _declared_tools(manifest: Manifest | None, section: InputGuard) -> ToolSchemas | None:
    if manifest is None or not section.tools:
        return None
    base = Path(manifest.path).parent
    return ToolSchemas.from_files(
        {tool: base / path for tool, path in section.tools.items()}, max_chars=section.max_chars
    )


def _egress_links(manifest: Manifest | None) -> LinkPolicy | None:
    """Links stay only when the allow-list names their host and port itself (not in report
    mode: a link is shown to people, whatever the bot's own egress mode)."""
    if manifest is None:
        return None
    policy = Policy.compile(manifest)

    def allowed(url: str) -> bool:
        try:
            target = parse_url(url)
        except TargetError:
            return False
        return policy.destination(target).verdict is Verdict.ALLOW

    return allowed


__all__ = ["InputBlocked", "InputVerdict", "TextGuard"]
