"""A closing spider must not wait forever for items that ``start()`` yielded.

The WARC spider yields its documents from ``start()``. Scrapy 2.19 counts
such an item as in the pipelines until it is done, and a closing spider
(``CLOSESPIDER_ITEMCOUNT``, ``CLOSESPIDER_TIMEOUT``, an error) waits until the
count is zero, but only checks the count again when a *response* finishes
(scrapy/scrapy#7029; the re-check proposed in scrapy/scrapy#7718 was not
merged). A WARC replay closed with documents in its pipelines therefore hung
after they were all stored. This extension makes the check Scrapy misses,
every ``CLOSE_CHECK_SECONDS`` while the crawl runs; it does nothing when
Scrapy's own check has already fired.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals
from twisted.internet.task import LoopingCall

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class CloseWhenItemsDone:
    """Lets the spider close once the last item from ``start()`` has left the pipelines."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.checker = LoopingCall(self.check)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CloseWhenItemsDone:
        extension = cls(crawler, crawler.settings.getfloat("CLOSE_CHECK_SECONDS"))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.checker.start(self.interval, now=False)

    def spider_closed(self) -> None:
        if self.checker.running:
            self.checker.stop()

    def check(self) -> None:
        """Fire the scraper's closing when it waits and nothing is left in the pipelines."""
        engine = self.crawler.engine
        slot = engine.scraper.slot if engine is not None else None
        if slot is None or slot.closing is None or slot.closing.called or not slot.is_idle():
            return
        logger.debug("the pipelines are empty: letting the spider close")
        engine.scraper._check_if_closing()  # what Scrapy calls after a response, not an item
