"""The output guard: markup and links first, to a fixed point; redaction last.

Order, and why:

1. **Links and HTML**, repeated until a round changes nothing. Each removal can join text into a
   new construct: taking a link out of ``<[x](u)script>`` leaves ``<xscript>``, and stripping a
   tag out of ``[a]<font></font>(url)`` leaves a link. Every round only removes, so this ends;
   after :data:`MAX_ROUNDS` the text is escaped wholesale instead (fail closed). Links go before
   HTML inside a round because ammonia would read an autolink ``<https://...>`` as a tag.

   A round is a head (definitions, inline links and images, autolinks) and a tail (bare URLs,
   then markup). The round after one whose markup step changed nothing stops after its head
   when the head changes nothing, without running the tail again, because the tail is then
   idempotent: the previous round's output ``T`` is ``bare(H)``, and markup left ``T`` as it
   was (or only wrote ammonia's ``rel="noopener noreferrer nofollow"`` into links, giving
   ``T'``: that inserts no ``://`` or ``www.`` and begins with a space, after the ``href``
   value's closing quote, so the bare-URL pass finds the same URLs in ``T'`` as in ``T``, and
   ammonia returns its own output unchanged); the bare-URL pass is idempotent
   (``bare(bare(H)) == bare(H)``: a removed URL becomes ``[link removed]`` and its trailing
   punctuation, which hold no ``://`` or ``www.``, next to
   characters that ended or preceded a URL, so every URL found again is a kept one, unchanged,
   and no new one appears; a property test checks it), so the tail would meet ``T`` again and
   return it. Most outputs with a removed link thus cost one round and a head, not two rounds.
2. **Redaction** last, on what will be shown. A secret in a removed link's URL is already gone
   with the URL; one in a kept URL, in link text or in image alt text is still there to be
   found; text joined by the removals (``a@<font></font>b.com``) is seen joined. Placeholders
   contain no ``<``, and in Markdown are escaped so they cannot start a link (see :mod:`.redact`).
   A replacement can still change what step 1 sees: a secret's value may hold a bracket or an
   ``&``, and a URL glued to a datum (``...7654 32https://...``) stands alone, linkable, once the
   datum is a placeholder. Where a replaced span held markup
   or was followed by a URL, step 1 runs again and then redaction, until neither changes
   anything: sanitising twice equals once.
"""

from __future__ import annotations

import html as html_lib
import re

from botwarden.guards.finding import GuardFinding
from botwarden.guards.output import markdown as md
from botwarden.guards.output.html import HtmlSanitizer, escape, only_rel_added
from botwarden.guards.output.policy import Format, OutputPolicy, Sanitized, check_format
from botwarden.guards.output.redact import Redactor
from botwarden.guards.output.urls import LinkJudge

MAX_ROUNDS = 6
_UNSTABLE = GuardFinding(
    "sanitize.unstable",
    "markup kept changing under sanitising: everything escaped and unlinked instead",
)
_BARE_SCHEME = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]{1,31}):(?=//)")


class OutputSanitizer:
    """A policy compiled once (link judge, ammonia cleaner, secret rules); ``sanitize`` is
    thread-safe."""

    def __init__(self, policy: OutputPolicy) -> None:
        self.policy = policy
        self._judge = LinkJudge(policy)
        self._html = HtmlSanitizer(self._judge)
        self._redactor = Redactor(policy.redact) if policy.redact else None

    def sanitize(self, text: str, fmt: Format = "markdown") -> Sanitized:
        fmt = check_format(fmt)
        if not isinstance(text, str):
            raise TypeError(f"output to sanitise must be str, not {type(text).__name__}")
        findings: list[GuardFinding] = []
        with self._judge.remembering():
            out = self._structure(text, fmt, findings)
        if self._redactor is not None:
            out = self._redact(out, fmt, findings, placed=out == text)
        return Sanitized(out, tuple(findings))

    def _redact(self, text: str, fmt: Format, findings: list[GuardFinding], *, placed: bool) -> str:
        """Redaction, and the markup and link passes again where a replacement may have changed
        what they see (see :meth:`Redactor.redact`), until neither changes anything."""
        assert self._redactor is not None
        for _ in range(MAX_ROUNDS):
            # offsets are into the text redaction saw: they mean nothing once that has moved
            out, redactions, reshaped = self._redactor.redact(
                text, markdown=fmt == "markdown", placed=placed
            )
            findings.extend(redactions)
            if not reshaped:
                return out
            with self._judge.remembering():
                again = self._structure(out, fmt, findings)
            if again == out:
                return out
            text, placed = again, False
        findings.append(_UNSTABLE)
        out, redactions, _ = self._redactor.redact(
            _inert(text), markdown=fmt == "markdown", placed=False
        )
        findings.extend(redactions)
        return out

    def _structure(self, text: str, fmt: Format, findings: list[GuardFinding]) -> str:
        current = text
        stable: set[str] = set()  # HTML blocks that ammonia already left as they were
        markup_idle = False  # the last round's markup step changed nothing
        for _ in range(MAX_ROUNDS):
            found: list[GuardFinding] = []
            head = self._head(current, fmt, found)
            if head == current and markup_idle:
                return current  # the tail is idempotent here: see the module docstring
            after, markup_idle = self._tail(head, fmt, found, stable)
            findings.extend(found)
            if after == current:
                return after
            current = after
        findings.append(_UNSTABLE)
        return _inert(current)

    def _head(self, text: str, fmt: Format, found: list[GuardFinding]) -> str:
        """The link syntaxes other than bare URLs (HTML documents have none)."""
        if fmt == "markdown":
            return md.rewrite_links(text, self._judge, found)
        if fmt == "text" and "<" in text:
            return md.rewrite_autolinks(text, self._judge, found, keep=md.plain_url)
        return text

    def _tail(
        self, text: str, fmt: Format, found: list[GuardFinding], stable: set[str]
    ) -> tuple[str, bool]:
        """Bare URLs, then markup; and whether the markup step left its input as it was, or
        only wrote ``rel`` into kept links (see the module docstring)."""
        if fmt != "html":
            text = md.rewrite_bare_urls(text, self._judge, found)
        out = self._markup(text, fmt, found, stable)
        return out, out == text or only_rel_added(text, out)

    def _markup(self, text: str, fmt: Format, found: list[GuardFinding], stable: set[str]) -> str:
        mode = self.policy.html
        if fmt == "html":
            if mode == "sanitize":
                return self._html.clean(text, found)
            if mode == "escape":
                return escape(text, whole=True, sink=found)
            return self._html.neutralise_urls(text, found)
        if mode == "sanitize":
            return self._html.clean_embedded(text, found, stable)
        if mode == "escape":
            return escape(text, whole=False, sink=found)
        return self._html.neutralise_urls(text, found)


def sanitize_output(text: str, policy: OutputPolicy, fmt: Format = "markdown") -> Sanitized:
    """One-off convenience; build an :class:`OutputSanitizer` once to sanitise many outputs."""
    return OutputSanitizer(policy).sanitize(text, fmt)


def _inert(text: str) -> str:
    """The last resort: no markup, no link syntax, no URL a client could link."""
    text = html_lib.escape(text, quote=False).replace("[", "\\[").replace("]", "\\]")
    return _BARE_SCHEME.sub(r"\1[:]", text.replace("www.", "www[.]"))
