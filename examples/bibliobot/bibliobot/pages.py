"""HTML helpers: the links a page points to and its readable text.

``html.parser`` is forgiving, which is what a bot reading arbitrary web pages needs: broken markup
yields fewer links, never an exception.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

_LINK_ATTRIBUTES = {"a": "href", "link": "href", "img": "src", "script": "src", "iframe": "src"}
_SKIPPED_TEXT = {"script", "style", "noscript", "template"}


class _PageParser(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.links: list[str] = []
        self.chunks: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TEXT:
            self._skip_depth += 1
        wanted = _LINK_ATTRIBUTES.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self._add_link(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TEXT and self._skip_depth:
            self._skip_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.chunks.append(data)

    def _add_link(self, value: str) -> None:
        url = absolute_url(value, self.base_url)
        if url and url not in self.links:
            self.links.append(url)


def absolute_url(value: str, base_url: str) -> str | None:
    """Resolve ``value`` against ``base_url``; ``None`` unless the result is http(s)."""
    url, _fragment = urldefrag(urljoin(base_url, value.strip()))
    return url if urlsplit(url).scheme in ("http", "https") else None


def parse_page(html: str, base_url: str) -> tuple[list[str], str]:
    """Return the page's absolute http(s) links, in order and without duplicates, and its text."""
    parser = _PageParser(base_url)
    parser.feed(html)
    parser.close()
    return parser.links, " ".join(" ".join(parser.chunks).split())


def extract_links(html: str, base_url: str) -> list[str]:
    return parse_page(html, base_url)[0]


def html_to_text(html: str) -> str:
    return parse_page(html, "")[1]
