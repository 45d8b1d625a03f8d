"""What is still live in sanitised output: render it as a browser gets it (Markdown through a
CommonMark renderer with raw HTML on) and list markup, handlers and links to hosts outside the
allow-list. Shared by the tests and ``benchmarks/guards_output``."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

from markdown_it import MarkdownIt

ALLOWED = "allowed.invalid"


def allowed(url: str) -> bool:
    return urlsplit(url).hostname == ALLOWED


LIVE_TAGS = frozenset({
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form",
    "input", "button", "textarea", "select", "svg", "math", "meta", "base", "link", "template",
    "noscript", "xmp", "plaintext", "isindex", "video", "audio", "source", "marquee",
})  # fmt: skip
URL_ATTRIBUTES = frozenset({"href", "src", "srcset", "action", "formaction", "poster",
                            "background", "xlink:href", "data", "ping", "cite", "dynsrc",
                            "lowsrc"})  # fmt: skip


class _Live(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in LIVE_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and not _allowed_attr(value or ""):
                self.problems.append(f"{tag}[{name}={value}]")

    handle_startendtag = handle_starttag


def _allowed_attr(value: str) -> bool:
    value = value.strip()
    return value.lower().startswith(("http://", "https://")) and allowed(value)


_RENDERER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def live(text: str, fmt: str) -> list[str]:
    """What is still dangerous once ``text`` is shown: markup, handlers and foreign URLs."""
    rendered = _RENDERER.render(text) if fmt == "markdown" else text
    parser = _Live()
    parser.feed(rendered)
    parser.close()
    return parser.problems
