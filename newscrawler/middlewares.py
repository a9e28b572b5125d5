"""Middlewares added to every spider: journal replay, web-only fetching, politeness, revisits."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest

from newscrawler import stats
from newscrawler.dedup.urls import url_key
from newscrawler.extensions import services
from newscrawler.journal import claim_leftovers, read_segment

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

    from newscrawler.db.store import ArticleStore

logger = logging.getLogger(__name__)

REPLAYED = "newscrawler/journal/replayed"
REVISIT_SKIPPED = "newscrawler/revisit/skipped_fresh"
REVISIT_CONDITIONAL = "newscrawler/revisit/conditional"


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
        middleware = cls(crawler, Path(services(crawler).config.spool_dir))
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


class WebOnlyMiddleware:
    """Downloader middleware: a web crawl never opens ``file://`` (or any non-http(s)) URL.

    Local-file spiders declare ``local_files = True``; for every other
    spider a request whose scheme is not http or https is refused, with a
    log line and a counted drop, whatever link, redirect or feed led to it.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WebOnlyMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        if getattr(spider, "local_files", False):
            return
        if urlsplit(request.url).scheme not in ("http", "https"):
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(stats.dropped_key("not_http"))
            logger.warning("%s: refused, a web crawl only fetches http(s) URLs", request.url)
            raise IgnoreRequest(f"non-http(s) URL {request.url}")


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry middleware, waiting before each retry as a polite client should.

    Before a 429/5xx answer is retried, this request waits what the site asked
    for in ``Retry-After`` or, without one, ``RETRY_BACKOFF_BASE`` seconds
    doubled at every attempt; never longer than ``RETRY_AFTER_MAX``. Only the
    retried request waits; the rest of the crawl goes on.
    """

    def __init__(self, settings: BaseSettings, maximum: float, base: float) -> None:
        super().__init__(settings)
        self.maximum = maximum
        self.base = base

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        config = services(crawler).config
        middleware = cls(crawler.settings, config.retry_after_max, config.retry_backoff_base)
        middleware.crawler = crawler
        return middleware

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        attempt = request.meta.get("retry_times", 0)
        if (
            response.status in self.retry_http_codes
            and not request.meta.get("dont_retry", False)
            and attempt < request.meta.get("max_retry_times", self.max_retry_times)
        ):
            asked = retry_after_seconds(response.headers.get("Retry-After"))
            delay = min(asked if asked is not None else self.base * 2**attempt, self.maximum)
            logger.info("%s answered %d: retrying in %.1f s", request.url, response.status, delay)
            await asyncio.sleep(delay)
        return super().process_response(request, response)


def retry_after_seconds(value: bytes | None) -> float | None:
    """``Retry-After`` as seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isascii() and text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
        if when.tzinfo is None:  # "-0000" or no zone: HTTP dates are GMT
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


class RevisitMiddleware:
    """Downloader middleware for scheduled crawls: don't refetch what is fresh, ask if it changed.

    An article URL stored less than ``REVISIT_INTERVAL`` seconds ago is not
    fetched again; an older one is requested with ``If-None-Match`` /
    ``If-Modified-Since`` from its last fetch, and a 304 answer becomes a
    sighting of the stored article, not a new one.
    """

    def __init__(self, crawler: Crawler, store: ArticleStore, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.store = store

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RevisitMiddleware:
        shared = services(crawler)
        return cls(crawler, shared.store, shared.config.revisit_interval)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("newscrawler_article") or not self.store.available():
            return
        state = self.store.url_state(url_key(request.url))
        if state is None or state.article_id is None:
            return
        age = (datetime.now(UTC) - state.fetched_at).total_seconds()
        assert self.crawler.stats is not None
        if age < self.interval:
            self.crawler.stats.inc_value(REVISIT_SKIPPED)
            raise IgnoreRequest(f"{request.url} was fetched {age:.0f} s ago")
        if state.etag:
            request.headers.setdefault("If-None-Match", state.etag)
        if state.last_modified:
            request.headers.setdefault("If-Modified-Since", state.last_modified)
        self.crawler.stats.inc_value(REVISIT_CONDITIONAL)
