"""One run: fetch each feed, crawl its links, summarise its items, store and submit the summaries.

Failures of one feed, page, summary or submission are logged and the run goes on; the CLI turns the
number of feeds processed into the exit code.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bibliobot.cache import Crawler, PageCache
from bibliobot.feeds import FeedError, FeedItem, parse_feed
from bibliobot.fetch import Fetcher, FetchError, Response
from bibliobot.llm import LanguageModelStep
from bibliobot.pages import html_to_text
from bibliobot.settings import Settings
from bibliobot.storage import StorageError, SummaryStore

log = logging.getLogger(__name__)


@dataclass
class RunReport:
    """What one run did; ``feeds_processed`` decides the exit code."""

    feeds_processed: int = 0
    feeds_failed: int = 0
    items: int = 0
    summaries_written: int = 0
    pages_fetched: int = 0


class Bot:
    """Holds what a run shares across feeds: settings, fetcher, crawler and the output store."""

    def __init__(
        self,
        settings: Settings,
        store: SummaryStore,
        *,
        max_fetches: int,
        llm: LanguageModelStep | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.llm = llm or LanguageModelStep()
        self.fetcher = Fetcher(
            timeout=settings.timeout_seconds,
            max_bytes=settings.max_page_bytes,
            user_agent=settings.user_agent,
        )
        self.crawler = Crawler(
            self.fetcher,
            PageCache(settings.cache_dir),
            max_fetches=max_fetches,
            depth=settings.crawl_depth,
        )

    def _auth(self) -> dict[str, str]:
        """The one broad key, sent to every service that asks for authentication (a mistake)."""
        key = self.settings.feedly_api_key
        return {"Authorization": f"Bearer {key}"} if key else {}

    def run(self) -> RunReport:
        report = RunReport()
        for url in self.settings.feeds:
            documents = self.process_feed(url, report)
            if documents is None:
                report.feeds_failed += 1
                continue
            report.feeds_processed += 1
            self.submit(url, documents)
        report.pages_fetched = self.crawler.fetches
        return report

    def process_feed(self, url: str, report: RunReport) -> list[dict[str, Any]] | None:
        """Summaries of the feed's items, or ``None`` when the feed cannot be fetched or parsed."""
        try:
            items = parse_feed(self.fetcher.get(url, self._auth()).body, url)
        except FetchError as exc:  # its message starts with the URL
            log.error("feed skipped: %s", exc)  # noqa: TRY400 - expected; no traceback
            return None
        except FeedError as exc:
            log.error("feed %s skipped: %s", url, exc)  # noqa: TRY400
            return None
        log.info("feed %s: %d items", url, len(items))
        documents = []
        for item in items:
            report.items += 1
            document = self.summarise_item(url, item)
            if self.write(document):
                report.summaries_written += 1
            documents.append(document)
        return documents

    def summarise_item(self, feed_url: str, item: FeedItem) -> dict[str, Any]:
        pages = self.crawler.crawl(item.links)
        text = item.text or _page_text(pages.get(item.link or ""))
        summary, guarded = self.llm.summarize(text)
        document = {
            "feed": feed_url,
            "id": item.id,
            "title": item.title,
            "link": item.link,
            "published": item.published,
            "summary": summary,
            "pages_cached": len(pages),
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        if guarded:
            document["guard"] = guarded
        return document

    def write(self, document: dict[str, Any]) -> bool:
        name = hashlib.sha256(f"{document['feed']}\n{document['id']}".encode()).hexdigest()[:24]
        try:
            where = self.store.put(f"{name}.json", document)
        except StorageError as exc:
            log.error("summary of %r not stored: %s", document["title"], exc)  # noqa: TRY400
            return False
        log.debug("summary of %r stored at %s", document["title"], where)
        return True

    def submit(self, feed_url: str, documents: list[dict[str, Any]]) -> None:
        """POST the feed's summaries to the new service that the manifest never declared."""
        api = self.settings.summaries_api_url
        if not api or not documents:
            return
        payload = {"bot": "bibliobot", "feed": feed_url, "summaries": documents}
        try:
            self.fetcher.post_json(api, payload, self._auth())
        except FetchError as exc:
            log.warning("summaries API refused the batch: %s", exc)


def _page_text(page: Response | None) -> str:
    if page is None or not page.is_html:
        return ""
    return html_to_text(page.body.decode("utf-8", errors="replace"))
