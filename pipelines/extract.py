"""Extract stage: a raw document in, an :class:`~newscrawler.items.Article` out.

Documents without article text (empty, binary, undecodable, too large, only
boilerplate) are dropped here with a specific reason, counted under
``newscrawler/dropped/<reason>``, and the crawl goes on.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from newscrawler import stats
from newscrawler.extensions import services
from newscrawler.extraction.errors import DocumentTooLarge, ExtractionError
from newscrawler.heap import map_large_blocks
from newscrawler.items import NOT_MODIFIED, Article, RawDocument
from newscrawler.workers import Document, TextWorkers, WorkerSettings

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from newscrawler.config import NewscrawlerConfig
    from newscrawler.dedup.decide import FingerprintSettings
    from newscrawler.journal import Journal
    from newscrawler.workers import Analysis

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
        self,
        stats_collector: StatsCollector,
        config: NewscrawlerConfig,
        journal: Journal,
        fingerprints: FingerprintSettings,
    ) -> None:
        self.stats = stats_collector
        self.config = config
        self.max_bytes = config.extract_max_bytes
        self.journal = journal
        self.fingerprints = fingerprints
        self.workers: TextWorkers | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        assert crawler.stats is not None
        shared = services(crawler)
        return cls(crawler.stats, shared.config, shared.journal, shared.deduplicator.fingerprints)

    def open_spider(self) -> None:
        # Extraction and language identification (tens of milliseconds a page) run in
        # worker processes, so that the reactor keeps downloading and storing meanwhile,
        # on every core. Pages pass through this process too: their memory goes back
        # to the system when they are freed, here as in the workers.
        map_large_blocks()
        self.workers = TextWorkers(
            self.config.extract_processes, worker_settings(self.config, self.fingerprints)
        )
        self.workers.start()

    def close_spider(self) -> None:
        if self.workers is not None:
            self.workers.shutdown()

    async def process_item(self, item: Any) -> Article:
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
        assert self.workers is not None
        document = Document(
            raw.body,
            raw.url,
            raw.content_type,
            raw.encoding,
            self.max_bytes,
            raw.hints.get("title"),
        )
        try:
            analysis = await asyncio.wrap_future(self.workers.analyse(document))
        except ExtractionError as error:
            if entry is not None:
                self.journal.done(entry)
            self.stats.inc_value(stats.dropped_key(error.reason))
            raise DropItem(f"{raw.url}: {error.reason}: {error}") from error
        article = build_article(raw, analysis)
        article.journal_id = entry
        return article


def worker_settings(config: NewscrawlerConfig, fingerprints: FingerprintSettings) -> WorkerSettings:
    return WorkerSettings(
        recurring_min_documents=config.recurring_min_documents,
        recurring_capacity=config.recurring_capacity,
        languages=config.languages,
        language_min_confidence=config.language_min_confidence,
        language_min_chars=config.language_min_chars,
        fingerprints=fingerprints,
    )


def as_raw_document(item: Any) -> RawDocument:
    """Accept our own :class:`RawDocument` or any item with the same fields."""
    if isinstance(item, RawDocument):
        return item
    return RawDocument(**ItemAdapter(item).asdict())


def build_article(raw: RawDocument, analysis: Analysis) -> Article:
    """The extraction, with what the spider found beside the link where the page said nothing."""
    extraction, hints = analysis.extraction, raw.hints
    fields = {f.name: getattr(extraction, f.name) for f in dataclasses.fields(extraction)}
    for name, hint in HINTED_FIELDS.items():
        if not fields[name] and hints.get(hint):
            fields[name] = hints[hint]
    return Article(
        raw=raw,
        identified=analysis.language,
        fingerprint=analysis.fingerprint,
        story_signals=analysis.signals,
        **fields,
    )
