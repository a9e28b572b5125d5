"""Progress of long runs: a periodic log line with documents/s, and a bar on a terminal.

:class:`ProgressStats` replaces Scrapy's LogStats (same ``LOGSTATS_INTERVAL``):
besides pages and items per minute it logs documents per second and the
running counts (stored, duplicates, dropped, failed fetches, journaled), so
an operator watching a long crawl sees it moving and what it is doing. With
``PROGRESS_BAR`` on (``newscrawler reextract`` and ``replay-spool`` switch it
on when standard error is a terminal) it also redraws a one-line
:class:`ProgressBar` as documents come in; ``newscrawler export`` draws one
for the rows it writes.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, TextIO

from scrapy import signals
from scrapy.extensions.logstats import LogStats

from newscrawler import stats
from newscrawler.config import NewscrawlerConfig

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)
BAR_WIDTH = 30
REDRAW_SECONDS = 0.2


class ProgressBar:
    """``label [#####.....] 120/400 (35/s)`` redrawn in place, at most every 0.2 s."""

    def __init__(self, stream: TextIO, label: str, total: int | None = None) -> None:
        self.stream = stream
        self.label = label
        self.total = total
        self.started = time.monotonic()
        self.drawn_at = 0.0
        self.count = 0

    def update(self, count: int) -> None:
        self.count = count
        now = time.monotonic()
        if now - self.drawn_at >= REDRAW_SECONDS:
            self.drawn_at = now
            self.draw(now)

    def draw(self, now: float) -> None:
        rate = self.count / max(now - self.started, 1e-6)
        if self.total:
            filled = min(BAR_WIDTH, BAR_WIDTH * self.count // self.total)
            bar = "#" * filled + "." * (BAR_WIDTH - filled)
            text = f"{self.label} [{bar}] {self.count}/{self.total} ({rate:.0f}/s)"
        else:
            text = f"{self.label} {self.count} ({rate:.0f}/s)"
        self.stream.write(f"\r{text}\x1b[K")
        self.stream.flush()

    def finish(self) -> None:
        self.draw(time.monotonic())
        self.stream.write("\n")
        self.stream.flush()


def terminal_bar(stream: TextIO, label: str, total: int | None = None) -> ProgressBar | None:
    """A bar on ``stream`` if it is a terminal, else None (logs and pipes stay clean)."""
    return ProgressBar(stream, label, total) if stream.isatty() else None


class ProgressStats(LogStats):
    """Scrapy's LogStats, plus documents/s and newscrawler's running counts."""

    def __init__(self, stats_collector: StatsCollector, interval: float, bar: ProgressBar | None):
        super().__init__(stats_collector, interval)
        self.bar = bar
        self.documents_before = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressStats:
        import sys

        interval = crawler.settings.getfloat("LOGSTATS_INTERVAL")
        bar = None
        if NewscrawlerConfig.from_settings(crawler.settings).progress_bar:
            bar = terminal_bar(sys.stderr, "documents")
        assert crawler.stats is not None
        extension = cls(crawler.stats, interval or 60.0, bar)
        if interval:
            crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        if bar is not None:
            crawler.signals.connect(extension.document_done, signal=signals.item_scraped)
            crawler.signals.connect(extension.document_done, signal=signals.item_dropped)
        return extension

    def log(self, spider: Spider) -> None:
        super().log(spider)
        values = self.stats.get_stats()
        documents = int(values.get(stats.DOCUMENTS, 0))
        summary = stats.CrawlSummary.from_stats(values)
        rate = (documents - self.documents_before) / self.interval
        self.documents_before = documents
        logger.info(
            "Progress: %d documents (%.1f/s), %d stored, %d updated, %d duplicates, "
            "%d dropped, %d failed fetches, %d journaled",
            documents, rate, summary.stored, summary.updated, summary.total_duplicates,
            summary.total_dropped, summary.total_failed, summary.journaled,
        )  # fmt: skip

    def document_done(self, *args: Any, **kwargs: Any) -> None:
        if self.bar is not None:
            self.bar.update(int(self.stats.get_value(stats.DOCUMENTS, 0)))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.bar is not None:
            self.bar.finish()
        super().spider_closed(spider, reason)
