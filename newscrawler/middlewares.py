"""Spider middlewares newscrawler adds to every spider."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals

from newscrawler.config import NewscrawlerConfig
from newscrawler.journal import claim_leftovers, read_segment

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

REPLAYED = "newscrawler/journal/replayed"


class JournalReplayMiddleware:
    """Before a crawl's own requests, replay what earlier crawls fetched but did not store.

    Leftover journal segments (a killed crawl, a database outage) are claimed
    and their documents yielded first; the claimed files are deleted when the
    spider closes, by which time every one of their documents has been
    journaled again by this crawl or stored.
    """

    def __init__(self, crawler: Crawler, folder: Path) -> None:
        self.crawler = crawler
        self.folder = folder
        self.claimed: list[Path] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JournalReplayMiddleware:
        config = NewscrawlerConfig.from_settings(crawler.settings)
        middleware = cls(crawler, Path(config.spool_dir))
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        self.claimed = claim_leftovers(self.folder)
        if self.claimed:
            logger.info("Replaying %d journal file(s) left by earlier crawls", len(self.claimed))
        for path in self.claimed:
            for raw in read_segment(path):
                assert self.crawler.stats is not None
                self.crawler.stats.inc_value(REPLAYED)
                yield raw
        async for request_or_item in start:
            yield request_or_item

    def spider_closed(self) -> None:
        for path in self.claimed:
            path.unlink(missing_ok=True)
