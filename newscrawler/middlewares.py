"""Middlewares added to every spider: journal replay, web-only fetching, politeness, revisits,
ports and deadlines."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest

from newscrawler import stats
from newscrawler.dedup.urls import DEFAULT_PORTS, url_key
from newscrawler.extensions import services

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

    from newscrawler.db.store import ArticleStore

logger = logging.getLogger(__name__)

REPLAYED = "newscrawler/journal/replayed"
REPLAY_IN_FLIGHT = 16
OFFSITE_PORT = "newscrawler/dropped/offsite_port"
DEADLINE = "newscrawler/dropped/deadline"
REVISIT_SKIPPED = "newscrawler/revisit/skipped_fresh"
REVISIT_CONDITIONAL = "newscrawler/revisit/conditional"


class JournalReplayMiddleware:
    """Before a crawl's own requests, replay what earlier crawls of this database left journaled.

    Segments whose owner is gone (a killed crawl, a database outage) are
    claimed and their open documents yielded first, a few at a time: at most
    ``REPLAY_IN_FLIGHT`` are in the pipeline at once, so that a graceful stop
    (SIGTERM) waits for a handful of documents, not for the whole journal.
    On a stop the generator stops yielding; what it did not yield stays in
    the claimed segments for the next crawl.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.in_flight: set[tuple[str, datetime]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JournalReplayMiddleware:
        middleware = cls(crawler)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(middleware.item_left, signal=signal)
        return middleware

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        journal = services(self.crawler).journal
        claimed = journal.claim_leftovers()
        if claimed:
            logger.info("Replaying %d journal segment(s) left by earlier crawls", len(claimed))
        for path in claimed:
            for raw in journal.adopt(path):
                if not await self.room_for_one_more():
                    logger.info("Stopping the journal replay: the crawl is closing")
                    return
                self.in_flight.add(replay_key(raw))
                assert self.crawler.stats is not None
                self.crawler.stats.inc_value(REPLAYED)
                yield raw
        async for request_or_item in start:
            yield request_or_item

    async def room_for_one_more(self) -> bool:
        """Wait until fewer than REPLAY_IN_FLIGHT replayed documents are in the pipeline."""
        while not self.closing():
            if len(self.in_flight) < REPLAY_IN_FLIGHT:
                return True
            await asyncio.sleep(0.02)
        return False

    def closing(self) -> bool:
        engine = self.crawler.engine
        if engine is None or not engine.running or engine.spider is None:
            return True
        slot = getattr(engine, "_slot", None)  # no public "closing" flag in Scrapy
        return slot is None or slot.closing is not None

    def item_left(self, item: Any) -> None:
        """A document left the pipeline (stored, dropped or failed)."""
        key = replay_key(item)
        if key in self.in_flight:
            self.in_flight.discard(key)
            asyncio.get_running_loop().call_soon(self.let_the_scraper_close)

    def let_the_scraper_close(self) -> None:
        """Finish a pending close once the last replayed item is through the pipeline.

        Scrapy (2.19) checks whether a closing scraper is idle only after a
        response, never after an item that came from ``start()``: a graceful
        stop during a replay would wait forever for a check that never comes.
        """
        engine = self.crawler.engine
        slot = engine.scraper.slot if engine is not None else None
        if engine is None or slot is None or slot.closing is None or slot.closing.called:
            return
        if slot.is_idle():
            engine.scraper._check_if_closing()
        else:  # the item's own count is released just after its signal: look again shortly
            asyncio.get_running_loop().call_later(0.05, self.let_the_scraper_close)


def replay_key(item: Any) -> tuple[str, datetime]:
    """Which fetch an item carries, at any stage: the raw document, an article, or the
    exported article that leaves the Store (which keeps the fetch's URL and time)."""
    raw = getattr(item, "raw", item)
    url = str(getattr(raw, "fetched_url", None) or getattr(raw, "url", ""))
    fetched_at: datetime = getattr(raw, "fetched_at", None) or datetime.min
    return url, fetched_at


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

    async def process_request(self, request: Request) -> None:
        if not request.meta.get("newscrawler_article") or not await self.store.usable():
            return
        state = await self.store.call(partial(self.store.url_state, url_key(request.url)))
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


class AllowedOriginsMiddleware:
    """Downloader middleware: a web crawl stays on its hosts *and ports*.

    Scrapy's offsite filter compares host names only, so a feed entry or a
    redirect to another port of an allowed host would be fetched. A spider
    that lists ``allowed_ports`` (host: ports, from the URLs it was given)
    gets every request to another port of those hosts refused, counted as
    ``offsite_port``. Hosts added with ``-a domains=`` keep the default ports.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AllowedOriginsMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        allowed: dict[str, set[int]] | None = getattr(self.crawler.spider, "allowed_ports", None)
        if not allowed:
            return
        parts = urlsplit(request.url)
        host = (parts.hostname or "").lower()
        port = parts.port or DEFAULT_PORTS.get(parts.scheme, 0)
        if port in allowed.get(host, set(DEFAULT_PORTS.values())):
            return
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(OFFSITE_PORT)
        logger.warning("%s: refused, not a port this crawl was given for %s", request.url, host)
        raise IgnoreRequest(f"offsite port {request.url}")


class DeadlineMiddleware:
    """Downloader middleware: one deadline for all attempts of a request (``REQUEST_DEADLINE``).

    ``DOWNLOAD_TIMEOUT`` bounds one attempt; a server that trickles a byte
    every few seconds would otherwise hold a URL for the timeout times every
    retry. Each attempt gets at most the time left, and a request whose
    deadline has passed is given up (counted as ``deadline``).
    """

    def __init__(self, crawler: Crawler, deadline: float, timeout: float) -> None:
        self.crawler = crawler
        self.deadline = deadline
        self.timeout = timeout

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DeadlineMiddleware:
        deadline = services(crawler).config.request_deadline
        return cls(crawler, deadline, crawler.settings.getfloat("DOWNLOAD_TIMEOUT"))

    def process_request(self, request: Request) -> None:
        if self.deadline <= 0:
            return
        started = request.meta.setdefault("newscrawler_first_attempt", time.time())
        left = self.deadline - (time.time() - float(started))
        if left <= 0:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(DEADLINE)
            logger.warning("%s: given up, no answer within %.0f s", request.url, self.deadline)
            raise IgnoreRequest(f"deadline passed for {request.url}")
        current = float(request.meta.get("download_timeout", self.timeout) or self.timeout)
        request.meta["download_timeout"] = max(0.1, min(current, left))
