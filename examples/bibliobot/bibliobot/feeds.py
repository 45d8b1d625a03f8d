"""RSS 2.0, RSS 1.0 (RDF) and Atom parsing, defensive about what real feeds contain.

Elements are matched by local name so that a feed with an unexpected namespace prefix still parses;
missing titles, links and dates become defaults instead of errors. Only a document that is not XML,
or is XML but not a feed, raises ``FeedError``. ``xml.etree`` never fetches external entities and
the bundled expat limits entity expansion, which is enough for this example.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass

from bibliobot.pages import absolute_url, extract_links


class FeedError(Exception):
    """The document is not a feed this bot understands."""


@dataclass(frozen=True)
class FeedItem:
    """One entry: ``text`` is the raw description or content (often HTML, always untrusted)."""

    id: str
    title: str
    link: str | None
    published: str | None
    text: str
    links: tuple[str, ...]  # item link, enclosures, related links, links in the text; absolute


def parse_feed(data: bytes, base_url: str) -> list[FeedItem]:
    """Parse ``data`` fetched from ``base_url``; relative links are resolved against it."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise FeedError(f"not XML: {exc}") from exc
    kind = _local(root.tag)
    if kind == "feed":
        return [_atom_entry(entry, base_url) for entry in _children(root, "entry")]
    if kind in ("rss", "RDF"):
        return [_rss_item(item, base_url) for item in root.iter() if _local(item.tag) == "item"]
    raise FeedError(f"root element <{kind}> is neither <rss>, <rdf:RDF> nor <feed>")


def _rss_item(item: ET.Element, base_url: str) -> FeedItem:
    link = _resolve(_text(item, "link"), base_url)
    enclosures = [el.get("url", "") for el in _children(item, "enclosure")]
    text = _text(item, "encoded") or _text(item, "description") or ""
    return _item(
        base_url,
        guid=_text(item, "guid") or item.get(_RDF_ABOUT),
        title=_text(item, "title"),
        link=link,
        published=_text(item, "pubDate") or _text(item, "date"),
        text=text,
        links=[link, *(_resolve(url, base_url) for url in enclosures)],
    )


def _atom_entry(entry: ET.Element, base_url: str) -> FeedItem:
    hrefs = [
        (el.get("rel", "alternate"), _resolve(el.get("href"), base_url))
        for el in _children(entry, "link")
    ]
    alternate = next((href for rel, href in hrefs if rel == "alternate" and href), None)
    return _item(
        base_url,
        guid=_text(entry, "id"),
        title=_text(entry, "title"),
        link=alternate,
        published=_text(entry, "published") or _text(entry, "updated"),
        text=_text(entry, "content") or _text(entry, "summary") or "",
        links=[alternate, *(href for _rel, href in hrefs)],
    )


def _item(
    base_url: str,
    *,
    guid: str | None,
    title: str | None,
    link: str | None,
    published: str | None,
    text: str,
    links: list[str | None],
) -> FeedItem:
    title = " ".join((title or "").split()) or "(untitled)"
    ident = guid or link or hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
    in_text = extract_links(text, base_url) if "<" in text else []
    unique = tuple(dict.fromkeys(url for url in [*links, *in_text] if url))
    return FeedItem(ident, title, link, published, text, unique)


_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"


def _local(tag: object) -> str:
    """``{namespace}name`` -> ``name``; comments and processing instructions have no str tag."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(parent: ET.Element, name: str) -> Iterator[ET.Element]:
    return (child for child in parent if _local(child.tag) == name)


def _text(parent: ET.Element, name: str) -> str | None:
    """Text of the first child called ``name``, including text inside nested markup."""
    child = next(_children(parent, name), None)
    if child is None:
        return None
    text = "".join(child.itertext()).strip()
    return text or None


def _resolve(value: str | None, base_url: str) -> str | None:
    return absolute_url(value, base_url) if value else None
