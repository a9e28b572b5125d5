"""Log lines that stay one line per event, whatever the size of the document.

Scrapy's default formatter prints the whole item after "Dropped:"; a raw
document carries its body bytes, so that would put megabytes into the log.
Our drop reasons already name the URL and the cause.

A fetch that fails for good (connection refused, DNS, timeout, after the
retries) is one line naming the URL and the error, counted under
``newscrawler/fetch_failed/<error type>`` for the end-of-run summary and the
run's verdict; the traceback Scrapy attaches to it says nothing an operator
can act on, so :class:`QuietDownloadErrors` removes it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.logformatter import LogFormatter, LogFormatterResult

from newscrawler import stats

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.http import Request, Response
    from twisted.python.failure import Failure

DOWNLOAD_ERROR = "Fetch failed: %(request)s: %(errmsg)s"
# Where Scrapy logs a fetch that failed for good: a page, or a site's robots.txt.
QUIET_TRACEBACK_LOGGERS = ("scrapy.core.scraper", "scrapy.downloadermiddlewares.robotstxt")


class NewsLogFormatter(LogFormatter):
    def dropped(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        return {**result, "msg": "Dropped: %(exception)s"}

    def download_error(
        self,
        failure: Failure,
        request: Request,
        spider: Spider,
        errmsg: str | None = None,
    ) -> LogFormatterResult:
        error = type(failure.value).__name__
        crawler = getattr(spider, "crawler", None)
        if crawler is not None and crawler.stats is not None:
            crawler.stats.inc_value(stats.fetch_failed_key(error))
        message = errmsg or failure.getErrorMessage() or error
        return {
            "level": logging.ERROR,
            "msg": DOWNLOAD_ERROR,
            "args": {"request": request, "errmsg": f"{error}: {message}"},
        }


class QuietDownloadErrors(logging.Filter):
    """Drops the traceback from our one-line fetch failures."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == DOWNLOAD_ERROR or str(record.msg).startswith("Error downloading"):
            record.exc_info = None
            record.exc_text = None
        return True


def install_quiet_download_errors() -> None:
    """Attach :class:`QuietDownloadErrors` to the loggers of fetch failures (idempotent)."""
    for name in QUIET_TRACEBACK_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, QuietDownloadErrors) for f in logger.filters):
            logger.addFilter(QuietDownloadErrors())


# Libraries whose own log lines are not for the operator: Alembic announces its
# context on every schema check; trafilatura and its helpers warn about every odd
# link or date in a page (our extraction already counts what matters).
QUIET_LOGGERS = {
    "alembic": logging.WARNING,
    "trafilatura": logging.ERROR,
    "htmldate": logging.ERROR,
    "courlan": logging.ERROR,
    "justext": logging.ERROR,
    "charset_normalizer": logging.WARNING,
}


def install_log_policy() -> None:
    """Keep the crawl log to what an operator needs (idempotent)."""
    for name, level in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(level)
    install_quiet_download_errors()
