"""Fleet-wide politeness: N workers together start requests to a site no faster than one.

Scrapy's ``DOWNLOAD_DELAY`` is kept per process, so four polite workers sent
four times a site's rate. This downloader middleware keeps, per host, the
next time any worker may start a request in Redis; each request reserves
the next free time slot (one script: read, move on by ``DOWNLOAD_DELAY``,
write) and waits for it without blocking the reactor. Time is Redis'
server clock, so the workers' clocks need not agree. When Redis cannot be
reached the request waits ``DOWNLOAD_DELAY`` locally and goes on (one log
line): politeness degrades to per process, the crawl does not stop.

Concurrency per site (``CONCURRENT_REQUESTS_PER_DOMAIN``) stays per
worker; the rate of request starts is what the fleet shares.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from scrapy.utils.httpobj import urlparse_cached
from scrapy_redis.connection import get_redis_from_settings

from newscrawler.extensions import services
from newscrawler.frontier.keys import politeness_key

if TYPE_CHECKING:
    from redis import Redis
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

WAITED = "newscrawler/frontier/politeness_waits"
DEGRADED = "newscrawler/frontier/politeness_local"

# KEYS: the host's key. ARGV: delay (s). Returns the wait (s) before this request may start.
RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local delay = tonumber(ARGV[1])
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(now, free)
redis.call('SET', KEYS[1], tostring(at + delay), 'PX', math.ceil((at + delay - now) * 1000) + 60000)
return tostring(at - now)
"""


class FleetPolitenessMiddleware:
    """Downloader middleware: reserve a start time for the request's host in Redis."""

    def __init__(self, crawler: Crawler, server: Redis, delay: float, enabled: bool) -> None:
        self.crawler = crawler
        self.server = server
        self.delay = delay
        self.enabled = enabled and delay > 0
        self.reserve = server.register_script(RESERVE)
        self.degraded = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FleetPolitenessMiddleware:
        config = services(crawler).config
        server = get_redis_from_settings(crawler.settings)
        delay = crawler.settings.getfloat("DOWNLOAD_DELAY")
        return cls(crawler, server, delay, config.frontier_politeness)

    async def process_request(self, request: Request) -> None:
        if not self.enabled:
            return
        host = urlparse_cached(request).hostname or ""
        wait = self.reserve_wait(host)
        if wait > 0:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(WAITED)
            await asyncio.sleep(wait)

    def reserve_wait(self, host: str) -> float:
        try:
            wait = float(self.reserve(keys=[politeness_key(host)], args=[self.delay]))
        except (RedisConnectionError, RedisTimeoutError) as error:
            if not self.degraded:
                logger.error("Redis unreachable (%s): politeness is per worker for now", error)
            self.degraded = True
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(DEGRADED)
            return self.delay
        if self.degraded:
            logger.info("Redis is back: politeness is fleet-wide again")
            self.degraded = False
        return wait
