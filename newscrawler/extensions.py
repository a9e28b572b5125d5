"""Crawl-run bookkeeping: the summary in the log and the ``crawl_runs`` row.

When the spider closes, the counts gathered in the stats collector become
one summary block in the log and the finishing state of this run in the
database, whatever the reason the crawl ended.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from scrapy import signals

from newscrawler.db.store import ArticleStore
from newscrawler.stats import CrawlSummary

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

STATUS_BY_REASON = {"finished": "finished", "shutdown": "interrupted"}


class CrawlRunRecorder:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.store = ArticleStore.from_crawler(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRunRecorder:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Spider, reason: str) -> None:
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


def json_safe(values: dict[str, Any]) -> dict[str, Any]:
    """Stats with dates as ISO strings, so they fit a JSON column."""
    return {
        key: value.isoformat() if isinstance(value, date | datetime) else value
        for key, value in values.items()
    }
