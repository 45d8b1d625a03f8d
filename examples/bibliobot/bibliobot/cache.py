"""The over-eager page cache: everything it ever fetched, kept forever.

Mistakes on purpose: entries never expire and are never revalidated, the cache has no size limit,
and it is filled by a crawler that follows every link of every item to any host at all. This is
how the bot "pulled everything it could reach" and drew complaints about egress.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import deque
from collections.abc import Iterable
from pathlib import Path

from bibliobot.fetch import Fetcher, FetchError, Response
from bibliobot.pages import extract_links

log = logging.getLogger(__name__)


class PageCache:
    """Bodies stored as ``<sha256(url)>.body`` with a ``.json`` sidecar describing the response."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, url: str) -> Path:
        return self.root / hashlib.sha256(url.encode("utf-8")).hexdigest()

    def get(self, url: str) -> Response | None:
        stem = self._path(url)
        try:
            meta = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
            body = stem.with_suffix(".body").read_bytes()
        except (OSError, ValueError):
            return None
        return Response(
            url, int(meta["status"]), str(meta["content_type"]), body, bool(meta["truncated"])
        )

    def put(self, url: str, response: Response) -> None:
        stem = self._path(url)
        self.root.mkdir(parents=True, exist_ok=True)
        stem.with_suffix(".body").write_bytes(response.body)
        meta = {
            "url": url,
            "status": response.status,
            "content_type": response.content_type,
            "truncated": response.truncated,
        }
        stem.with_suffix(".json").write_text(json.dumps(meta), encoding="utf-8")


class Crawler:
    """Breadth-first from each item's links, ``depth`` hops deep, any host, every link.

    ``max_fetches`` bounds the network downloads of one run (pages already cached cost nothing).
    It exists so that the example and its tests stay safe; the original bot had no such bound.
    """

    def __init__(self, fetcher: Fetcher, cache: PageCache, *, max_fetches: int, depth: int) -> None:
        self._fetcher = fetcher
        self._cache = cache
        self._max_fetches = max_fetches
        self._depth = depth
        self._seen: set[str] = set()
        self._told_exhausted = False
        self.fetches = 0

    @property
    def exhausted(self) -> bool:
        return self.fetches >= self._max_fetches

    def crawl(self, start: Iterable[str]) -> dict[str, Response]:
        """Fetch or load every page reachable from ``start``; return those obtained, by URL."""
        pages: dict[str, Response] = {}
        queue = deque((url, 1) for url in start)
        while queue:
            url, hops = queue.popleft()
            if url in self._seen:
                continue
            response = self._load(url)
            if response is None:
                continue
            pages[url] = response
            if hops < self._depth and response.is_html:
                html = response.body.decode("utf-8", errors="replace")
                queue.extend((link, hops + 1) for link in extract_links(html, response.url))
        return pages

    def _load(self, url: str) -> Response | None:
        cached = self._cache.get(url)
        if cached is not None:
            self._seen.add(url)
            return cached
        if self.exhausted:
            if not self._told_exhausted:
                log.warning(
                    "crawl: reached --max-fetches=%d; following no more links", self.fetches
                )
                self._told_exhausted = True
            return None  # not marked seen: a later run may still fetch it
        self._seen.add(url)
        self.fetches += 1
        try:
            response = self._fetcher.get(url)
        except FetchError as exc:
            log.warning("crawl: %s", exc)
            return None
        if response.truncated:
            log.warning("crawl: %s is larger than the page limit; kept the first bytes", url)
        try:
            self._cache.put(url, response)
        except OSError as exc:
            log.warning("cache: cannot store %s: %s", url, exc)
        return response
