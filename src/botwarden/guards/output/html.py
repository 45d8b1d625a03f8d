"""HTML in the output, sanitised by ammonia (through ``nh3``), with links under the link policy.

ammonia parses as a browser does (html5ever), so entity-encoded, split, upper-case or
tab-broken ``javascript:`` URLs, unclosed tags and mis-nested markup are judged on what a browser
would build, not on the text. The allow-list is ammonia's default set of formatting tags minus
nothing dangerous it does not already drop (scripts, styles, forms, frames, ``meta``, ``base``,
``object``/``embed``, SVG and MathML are not in it); the content of script-like and foreign
elements is removed with them. Every ``href`` and ``src`` is also put to the link policy in the
same pass (``attribute_filter``); ``cite`` is dropped (a URL nobody needs to see).

In Markdown and plain text, HTML is only where a ``<`` starts a tag (a letter, ``/``, ``!`` or
``?`` after it: the only way CommonMark or a browser opens markup), so only the blocks (runs of
lines between blank lines) holding one go through ammonia. Its escaping of ``>``, of ``<`` before
anything that cannot open a tag, and of ``&`` before anything that cannot form a character
reference is then undone: those characters are inert, and Markdown needs ``>`` for quotes. Not
before ``[``, nor before anything a redacted span may start with, though: redaction, which
comes later, puts a placeholder (``[REDACTED:...]``) where a digit, letter, ``+``, ``(``, ``-``,
``.``, ``%`` or ``/`` stood (``redact.SPAN_STARTS``), and ``&amp;jane@corp.example`` must not
become ``&amp;[REDACTED:email]`` that the next sanitising would unescape, nor ``&lt;4111 1111
1111 1111`` a ``<[REDACTED:card]`` that it would escape (sanitising twice must equal once).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from contextvars import ContextVar

import nh3

from botwarden.guards.finding import GuardFinding
from botwarden.guards.output.redact import SPAN_STARTS, TAG_OPENERS
from botwarden.guards.output.urls import LinkJudge, shown

Sink = list[GuardFinding]

TAG_START = re.compile(f"<[{TAG_OPENERS}]")
_BLOCKS = re.compile(r"(\n[ \t]*\n(?:[ \t]*\n)*)")
_TAG_NAME = re.compile(r"<([A-Za-z][A-Za-z0-9:\-]*)")
_TAG = re.compile(r"<[A-Za-z][^>]*>?")
_ATTRIBUTE = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*[^\s>]*)?")
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
# Kept escaped before what opens markup or a character reference, and before what a redacted
# span may start with (redact.SPAN_STARTS) or its placeholder ("["): the next sanitising must
# meet the same escapes (sanitising twice equals once).
_UNESCAPE = re.compile(rf"&gt;|&lt;(?![{SPAN_STARTS}!?\[])|&amp;(?![{SPAN_STARTS}#\[])")
_INERT = {"&gt;": ">", "&lt;": "<", "&amp;": "&"}
_URL_ATTRIBUTE = re.compile(
    r"""(\s)(href|src|srcset|action|formaction|poster|background|cite|data|xlink:href|ping|"""
    r"""longdesc|lowsrc|dynsrc|manifest|codebase|archive|usemap)(\s*=\s*)"""
    r"""("[^"]*"|'[^']*'|[^\s>"']+)""",
    re.IGNORECASE,
)
_LINK_ATTRIBUTES = frozenset({"href", "src"})
_LINK_REL = "noopener noreferrer nofollow"
_REL = f' rel="{_LINK_REL}"'  # how ammonia writes the rel it adds to links

CONTENT_REMOVED = frozenset({
    "script", "style", "template", "iframe", "frame", "frameset", "object", "embed", "applet",
    "noscript", "noembed", "noframes", "textarea", "title", "xmp", "svg", "math", "select",
})  # fmt: skip
ATTRIBUTES = {
    tag: {a for a in attrs if a != "cite"} for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()
}

_sink: ContextVar[Sink | None] = ContextVar("botwarden_output_html_sink", default=None)


class HtmlSanitizer:
    """One ammonia cleaner per policy, built once; findings go to the caller's sink."""

    def __init__(self, judge: LinkJudge) -> None:
        self.judge = judge
        self._cleaner = nh3.Cleaner(
            tags=set(nh3.ALLOWED_TAGS),
            clean_content_tags=set(CONTENT_REMOVED),
            attributes=ATTRIBUTES,
            attribute_filter=self._attribute,
            url_schemes={"http", "https"},
            strip_comments=True,
            link_rel=_LINK_REL,
        )

    def _attribute(self, element: str, attribute: str, value: str) -> str | None:
        if attribute not in _LINK_ATTRIBUTES or self.judge.keeps(value, markdown=False):
            return value
        sink = _sink.get()
        if sink is not None:
            what = "image" if element == "img" else "link"
            sink.append(
                GuardFinding(
                    f"{what}.removed",
                    f"<{element} {attribute}> to a destination the policy does not allow",
                    evidence=shown(value, markdown=False),
                )
            )
        return None

    def clean(self, text: str, sink: Sink) -> str:
        """An HTML document or fragment, sanitised."""
        token = _sink.set(sink)
        try:
            out: str = self._cleaner.clean(text)
        finally:
            _sink.reset(token)
        # nothing removed, nothing to count; nor when ammonia only added ``rel`` to links: then
        # every tag, attribute and comment of the input is still there
        if out != text and not only_rel_added(text, out):
            sink.extend(_removed_markup(text, out))
        return out

    def clean_embedded(self, text: str, sink: Sink, stable: set[str]) -> str:
        """Markdown or text: each block with a tag in it, sanitised; the rest untouched.
        ``stable`` holds blocks already found to come out unchanged and without findings: the
        passes repeat until nothing changes, and such a block would only be cleaned again."""
        if TAG_START.search(text) is None:
            return text
        parts = _BLOCKS.split(text)
        for index in range(0, len(parts), 2):
            block = parts[index]
            if block in stable or TAG_START.search(block) is None:
                continue
            reported = len(sink)
            parts[index] = _UNESCAPE.sub(lambda m: _INERT[m.group()], self.clean(block, sink))
            if parts[index] == block and len(sink) == reported:
                stable.add(block)
        return "".join(parts)

    def neutralise_urls(self, text: str, sink: Sink) -> str:
        """``html = "off"``: markup stays as written, but URL attributes still obey the policy."""
        if TAG_START.search(text) is None:
            return text

        def attribute(match: re.Match[str]) -> str:
            value = match.group(4).strip("\"'")
            if self.judge.keeps(html.unescape(value), markdown=False):
                return match.group()
            sink.append(
                GuardFinding(
                    "link.removed",
                    f"{match.group(2).lower()}= to a destination the policy does not allow",
                    evidence=shown(html.unescape(value), markdown=False),
                )
            )
            return match.group(1)

        return _TAG.sub(lambda tag: _URL_ATTRIBUTE.sub(attribute, tag.group()), text)


def only_rel_added(before: str, after: str) -> bool:
    """Whether ``after`` is ``before`` with ammonia's ``rel`` written into links and nothing
    else changed (an input that held that ``rel`` itself does not qualify: it is removed from
    both sides of the comparison only in ``after``)."""
    return after != before and after.replace(_REL, "") == before


def escape(text: str, *, whole: bool, sink: Sink) -> str:
    """``html = "escape"``: an HTML document escaped entirely; in Markdown and text, every ``<``
    that opens markup (others are inert, and escaping them would garble comparisons in code)."""
    if whole:
        out = html.escape(text, quote=True)
    else:
        out = TAG_START.sub(lambda m: "&lt;" + m.group()[1], text)
    if out != text:
        sink.append(GuardFinding("html.escaped", "markup escaped: shown as text, never rendered"))
    return out


def _removed_markup(before: str, after: str) -> list[GuardFinding]:
    """What ammonia took away, by tag and attribute name (counts, never content): cheap, and
    enough to tell an operator that the model's output carried markup the policy refuses."""
    findings = []
    lost = Counter(t.lower() for t in _TAG_NAME.findall(before))
    lost.subtract(t.lower() for t in _TAG_NAME.findall(after))
    for tag, count in sorted(lost.items()):
        if count > 0:
            findings.append(GuardFinding("html.removed-tag", f"<{tag}> removed ({count}x)",
                                         evidence=f"<{tag}>"))  # fmt: skip
    gone = _attributes(before)
    gone.subtract(_attributes(after))
    for name, count in sorted(gone.items()):
        if count > 0 and name != "rel":
            findings.append(
                GuardFinding(
                    "html.removed-attribute", f"attribute {name} removed ({count}x)", evidence=name
                )
            )
    if before.count("<!--") > after.count("<!--"):
        findings.append(GuardFinding("html.removed-comment", "HTML comment removed"))
    return findings


def _attributes(text: str) -> Counter[str]:
    names: Counter[str] = Counter()
    for tag in _TAG.findall(text):
        parts = _QUOTED.sub(" ", tag)[1:].split(None, 1)
        if len(parts) == 2:
            names.update(name.lower() for name in _ATTRIBUTE.findall(parts[1]))
    return names
