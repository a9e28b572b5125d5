"""``scrapy crawl`` that exits non-zero when the run did not do its job.

Scrapy's own ``crawl`` exits 0 unless the crawler could not even start. This
one (registered through ``COMMANDS_MODULE``) runs the crawl the same way,
then exits with the run's :class:`~newscrawler.verdict.Verdict` (computed by
:class:`newscrawler.extensions.Services` when the spider closes) and logs its
reason as the last line. A missing or invalid spider argument is one line
and exit 2 instead of an asyncio "Task exception was never retrieved" and a
traceback. ``newscrawler reextract`` and ``replay-spool`` run their spiders
through :func:`run_crawler` too, so they exit the same way.
"""

from __future__ import annotations

import asyncio
import logging
import re
import tomllib
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import AsyncCrawlerProcess, CrawlerProcess, CrawlerProcessBase
from scrapy.exceptions import UsageError
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from newscrawler import stats, verdict

if TYPE_CHECKING:
    import argparse

    from scrapy.crawler import Crawler
    from scrapy.settings import Settings

logger = logging.getLogger(__name__)

# What a spider's __init__ raises about its arguments (a missing -a, a bad
# regular expression, an unreadable or malformed sources file).
ARGUMENT_ERRORS = (UsageError, ValueError, OSError, re.error, tomllib.TOMLDecodeError)
SIGNAL_LOGGER = "scrapy.utils.signal"
ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"


@dataclass(slots=True)
class Start:
    """How starting the crawler ended: the exception, if it raised one."""

    error: BaseException | None = None


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) < 1:
            raise UsageError
        if len(args) > 1:
            raise UsageError("running 'scrapy crawl' with more than one spider is not supported")
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        self.exitcode = run_crawler(self.crawler_process, crawler, **opts.spargs)


def crawler_process(settings: Settings) -> CrawlerProcess | AsyncCrawlerProcess:
    """The process class ``scrapy crawl`` would use for these settings."""
    asyncio_reactor = settings.get("TWISTED_REACTOR") == ASYNCIO_REACTOR
    if (asyncio_reactor and not settings.getbool("FORCE_CRAWLER_PROCESS")) or not (
        settings.getbool("TWISTED_REACTOR_ENABLED")
    ):
        return AsyncCrawlerProcess(settings)
    return CrawlerProcess(settings)


def run_crawler(process: CrawlerProcessBase, crawler: Crawler | str, **arguments: Any) -> int:
    """Run one crawl to its end; return its exit code, logged with its reason as the last line."""
    if isinstance(crawler, str):
        crawler = process.create_crawler(crawler)
    start = Start()
    with counting_export_errors(crawler):
        _watch(process.crawl(crawler, **arguments), start)
        process.start()
    result = outcome(crawler, start, process.bootstrap_failed)
    if result.ok:
        logger.info(result.line())
    else:
        logger.error(result.line())
    return result.code


def outcome(crawler: Crawler, start: Start, bootstrap_failed: bool) -> verdict.Verdict:
    """The crawl's verdict, or why it could not start."""
    name = getattr(crawler.spidercls, "name", "?")
    if isinstance(start.error, UsageError):  # a spider argument or a setting
        return verdict.Verdict(verdict.USAGE, f"spider {name}: {start.error}")
    if start.error is not None and crawler.spider is None:
        if isinstance(start.error, ARGUMENT_ERRORS):
            return verdict.Verdict(verdict.USAGE, f"spider {name}: {start.error}")
        logger.error(
            "The %s spider could not start",
            name,
            exc_info=(type(start.error), start.error, start.error.__traceback__),
        )
        return verdict.Verdict(verdict.FAILED, f"spider {name} could not start: {start.error!r}")
    if start.error is not None:
        logger.error(
            "The %s crawl failed",
            name,
            exc_info=(type(start.error), start.error, start.error.__traceback__),
        )
        return verdict.Verdict(verdict.FAILED, f"spider {name}: the crawl failed ({start.error!r})")
    if bootstrap_failed:
        return verdict.Verdict(verdict.FAILED, f"spider {name}: the crawl could not start")
    code = crawler.stats.get_value(stats.EXIT_CODE) if crawler.stats else None
    reason = crawler.stats.get_value(stats.VERDICT) if crawler.stats else None
    if code is None:
        return verdict.Verdict(verdict.FAILED, f"spider {name}: the crawl did not close normally")
    return verdict.Verdict(int(code), str(reason))


def _watch(started: Awaitable[Any], start: Start) -> None:
    """Keep the exception that starting the crawler raised (and mark it as handled)."""
    if isinstance(started, Deferred):

        def keep(failure: Failure) -> None:
            start.error = failure.value

        started.addErrback(keep)
        return

    def done(task: asyncio.Future[Any]) -> None:
        if not task.cancelled():
            start.error = task.exception()

    if isinstance(started, asyncio.Future):
        started.add_done_callback(done)


class ExportErrorCounter(logging.Filter):
    """Counts feed export (``-o``/``-O``) failures, which Scrapy only logs, into the stats."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__()
        self.crawler = crawler

    def filter(self, record: logging.LogRecord) -> bool:
        failed = "signal handler" in str(record.msg) and "FeedExporter" in str(record.args)
        if failed and self.crawler.stats is not None:
            self.crawler.stats.inc_value(stats.EXPORT_FAILED)
        return True


@contextmanager
def counting_export_errors(crawler: Crawler) -> Iterator[None]:
    signal_logger = logging.getLogger(SIGNAL_LOGGER)
    counter = ExportErrorCounter(crawler)
    signal_logger.addFilter(counter)
    try:
        yield
    finally:
        signal_logger.removeFilter(counter)
