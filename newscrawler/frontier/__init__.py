"""Scale-out: several workers share one request frontier in Redis (scrapy-redis).

Enabled by setting ``REDIS_URL`` (or ``NEWSCRAWLER_REDIS_URL``); nothing
changes otherwise. Every worker runs the same ``scrapy crawl`` command and
points at the same Redis and the same PostgreSQL ``DATABASE_URL``. The
:class:`RedisFrontier` add-on switches to :class:`RedisScheduler`, a
scrapy-redis scheduler extended with what a fleet needs (see its module):

* one **run identity** all workers agree on (``FRONTIER_RUN=auto``: the
  schedule slot), with its own queue and dupefilter, so a re-run starts
  fresh (the database's revisit rules keep it from fetching old articles
  again) and the feeds and sitemaps a run starts from are fetched once;
* **leases** instead of pops, heartbeats, and a join/idle protocol, so
  workers started together all take part and a killed worker loses nothing;
* a **fleet-wide per-site rate** (:mod:`newscrawler.frontier.politeness`);
* **JSON** instead of pickle in Redis (:mod:`newscrawler.frontier.serializer`).

The package layout: ``keys`` (names), ``fleet`` (the Redis scripts),
``scheduler``, ``politeness``, ``serializer``, ``admin`` (the
``newscrawler frontier`` command).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

REDIS_URL_ENV = "NEWSCRAWLER_REDIS_URL"
PRIORITY = "addon"
# Fail fast instead of stalling the reactor for scrapy-redis' 30 s defaults.
REDIS_PARAMS = {"socket_timeout": 5, "socket_connect_timeout": 5, "retry_on_timeout": False}


class RedisFrontier:
    """A Scrapy add-on that swaps in the fleet scheduler and its middlewares."""

    def update_settings(self, settings: BaseSettings) -> None:
        redis_url = settings.get("REDIS_URL") or os.environ.get(REDIS_URL_ENV)
        if not redis_url:
            return
        settings.set("REDIS_URL", redis_url, PRIORITY)
        settings.set("SCHEDULER", "newscrawler.frontier.scheduler.RedisScheduler", PRIORITY)
        settings.set("SCHEDULER_PERSIST", True, PRIORITY)
        settings.set("SCHEDULER_SERIALIZER", "newscrawler.frontier.serializer", PRIORITY)
        params = {**REDIS_PARAMS, **settings.getdict("REDIS_PARAMS")}
        settings.set("REDIS_PARAMS", params, PRIORITY)
        from newscrawler.frontier.politeness import FleetPolitenessMiddleware

        settings.set_in_component_priority_dict("SPIDER_MIDDLEWARES", FleetStartMiddleware, 1)
        settings.set_in_component_priority_dict(
            "DOWNLOADER_MIDDLEWARES", FleetPolitenessMiddleware, 70
        )


class FleetStartMiddleware:
    """Spider middleware: tells the scheduler when this worker's start requests are all queued.

    Until then the worker counts as "starting" and the rest of the fleet does
    not close (its start requests may be about to add work).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FleetStartMiddleware:
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        from newscrawler.frontier.scheduler import START_REQUESTS_DONE

        async for request_or_item in start:
            yield request_or_item
        self.crawler.signals.send_catch_log(START_REQUESTS_DONE)


def __getattr__(name: str) -> Any:
    """``newscrawler.frontier.RedisScheduler`` (the old path) without importing it eagerly."""
    if name == "RedisScheduler":
        from newscrawler.frontier.scheduler import RedisScheduler

        return RedisScheduler
    raise AttributeError(name)
