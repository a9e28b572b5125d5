"""The crawl's shared services and their life cycle.

Several components need the same objects: the Dedup and Store stages share
one database session (an article written earlier in a batch must be visible
to the next lookup), the Extract and Store stages share one write-ahead
journal, and the revisit middleware reads the store's URL states. This
extension owns them: it builds the configuration, the
:class:`~newscrawler.db.store.ArticleStore`, the
:class:`~newscrawler.journal.Journal` and the
:class:`~newscrawler.dedup.decide.Deduplicator` once per crawler, opens the
store when the spider opens and, when it closes, records the crawl run (the
summary in the log and the ``crawl_runs`` row) and then closes the store and
the journal. Other components fetch it with :func:`services`.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals

from newscrawler.config import NewscrawlerConfig
from newscrawler.db.store import ArticleStore
from newscrawler.dedup.decide import Deduplicator
from newscrawler.journal import Journal
from newscrawler.stats import CrawlSummary

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

STATUS_BY_REASON = {"finished": "finished", "shutdown": "interrupted"}


class Services:
    """One configuration, store, journal and deduplicator per crawler."""

    def __init__(self, crawler: Crawler, config: NewscrawlerConfig) -> None:
        self.crawler = crawler
        self.config = config
        self.store = ArticleStore(config.database_url, config.store_reconnect_seconds)
        self.journal = Journal(Path(config.spool_dir))
        self.deduplicator = Deduplicator.from_config(self.store, config)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Services:
        extension = cls(crawler, NewscrawlerConfig.from_settings(crawler.settings))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.store.open(spider.name, self.config.fleet_run(spider.name))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Pipelines have flushed by now: record the run, then close the store and journal."""
        assert self.crawler.stats is not None
        raw_stats = self.crawler.stats.get_stats()
        summary = CrawlSummary.from_stats(raw_stats)
        logger.info(summary.render())
        self.store.close(
            status=STATUS_BY_REASON.get(reason, reason),
            counts={
                "fetched": summary.documents,
                "stored": summary.stored,
                "duplicates": summary.total_duplicates,
                "dropped": summary.total_dropped,
                "errors": summary.errors,
            },
            stats=json_safe(raw_stats),
        )
        self.journal.close()


def services(crawler: Crawler) -> Services:
    """The crawler's :class:`Services` (enabled in ``EXTENSIONS`` by the project settings)."""
    extension = crawler.get_extension(Services)
    if extension is None:
        raise RuntimeError("newscrawler.extensions.Services is not enabled in EXTENSIONS")
    return extension


def json_safe(values: dict[str, Any]) -> dict[str, Any]:
    """Stats with dates as ISO strings, so they fit a JSON column."""
    return {
        key: value.isoformat() if isinstance(value, date | datetime) else value
        for key, value in values.items()
    }
