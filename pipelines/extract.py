"""Extract stage: a raw document in, an :class:`~newscrawler.items.Article` out.

Documents without article text (empty, binary, undecodable, too large, only
boilerplate) are dropped here with a specific reason, counted under
``newscrawler/dropped/<reason>``, and the crawl goes on.
"""

from __future__ import annotations

import asyncio
import dataclasses
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from newscrawler import stats
from newscrawler.extensions import services
from newscrawler.extraction.boilerplate import RecurringLines
from newscrawler.extraction.document import extract_document
from newscrawler.extraction.errors import DocumentTooLarge, ExtractionError
from newscrawler.items import NOT_MODIFIED, Article, RawDocument

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from newscrawler.config import NewscrawlerConfig
    from newscrawler.extraction.result import Extraction
    from newscrawler.journal import Journal

# Extraction fields a feed or sitemap entry can fill (field: hint name).
HINTED_FIELDS = {
    "title": "title",
    "authors": "authors",
    "published_at": "published_at",
    "site_name": "site_name",
    "description": "description",
    "declared_language": "language",
}


class ExtractPipeline:
    def __init__(
        self, stats_collector: StatsCollector, config: NewscrawlerConfig, journal: Journal
    ) -> None:
        self.stats = stats_collector
        self.max_bytes = config.extract_max_bytes
        self.recurring = RecurringLines(min_documents=config.recurring_min_documents)
        self.journal = journal
        # Extraction (tens of milliseconds a page) runs on its own thread so that the
        # reactor keeps downloading meanwhile; one thread, so the cross-document
        # RecurringLines state is only ever touched by one extraction at a time.
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        assert crawler.stats is not None
        shared = services(crawler)
        return cls(crawler.stats, shared.config, shared.journal)

    def close_spider(self) -> None:
        self.executor.shutdown(wait=True)

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            return item
        raw = as_raw_document(item)
        self.stats.inc_value(stats.DOCUMENTS)
        if raw.status == NOT_MODIFIED:
            return Article(raw=raw, text="", extractor="not_modified")  # a sighting, for Dedup
        if self.max_bytes and len(raw.body) > self.max_bytes:  # before journaling megabytes
            self.stats.inc_value(stats.dropped_key(DocumentTooLarge.reason))
            raise DropItem(f"{raw.url}: too_large: {len(raw.body)} bytes, over {self.max_bytes}")
        entry = None if raw.replayed else self.journal.append(raw)
        extract = partial(
            extract_document,
            raw.body,
            url=raw.url,
            content_type=raw.content_type,
            encoding=raw.encoding,
            max_bytes=self.max_bytes,
            recurring=self.recurring,
        )
        try:
            extraction = await asyncio.get_running_loop().run_in_executor(self.executor, extract)
        except ExtractionError as error:
            if entry is not None:
                self.journal.done(entry)
            self.stats.inc_value(stats.dropped_key(error.reason))
            raise DropItem(f"{raw.url}: {error.reason}: {error}") from error
        article = build_article(raw, extraction)
        article.journal_id = entry
        return article


def as_raw_document(item: Any) -> RawDocument:
    """Accept our own :class:`RawDocument` or any item with the same fields."""
    if isinstance(item, RawDocument):
        return item
    return RawDocument(**ItemAdapter(item).asdict())


def build_article(raw: RawDocument, extraction: Extraction) -> Article:
    """The extraction, with what the spider found beside the link where the page said nothing."""
    hints = raw.hints
    fields = {f.name: getattr(extraction, f.name) for f in dataclasses.fields(extraction)}
    for name, hint in HINTED_FIELDS.items():
        if not fields[name] and hints.get(hint):
            fields[name] = hints[hint]
    return Article(raw=raw, **fields)
