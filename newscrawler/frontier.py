"""Scale-out: several workers share one request frontier in Redis (scrapy-redis).

Enabled by setting ``REDIS_URL`` (or ``NEWSCRAWLER_REDIS_URL``); nothing
changes otherwise. Every worker runs the same ``scrapy crawl`` command and
points at the same Redis and the same PostgreSQL ``DATABASE_URL``: the
scheduler queue and the request fingerprints live in Redis, so a URL queued
by one worker is fetched by exactly one of them, and the database (with its
LSH band table) is the shared deduplication index. ``FRONTIER_NAME`` names
the shared crawl (default: the spider name) so that separate scheduled runs
can use separate queues; the fingerprints persist after the run so that a
late-starting worker cannot re-queue what others already fetched, and
``newscrawler frontier-reset`` style clean-up is a Redis ``DEL`` of the keys
documented in the README.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from scrapy_redis.scheduler import Scheduler

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.settings import BaseSettings

REDIS_URL_ENV = "NEWSCRAWLER_REDIS_URL"
PRIORITY = "addon"


class RedisFrontier:
    """A Scrapy add-on that swaps in scrapy-redis' scheduler and duplicate filter."""

    def update_settings(self, settings: BaseSettings) -> None:
        redis_url = settings.get("REDIS_URL") or os.environ.get(REDIS_URL_ENV)
        if not redis_url:
            return
        name = settings.get("FRONTIER_NAME") or "%(spider)s"
        prefix = f"newscrawler:{name}"
        settings.set("REDIS_URL", redis_url, PRIORITY)
        settings.set("SCHEDULER", "newscrawler.frontier.RedisScheduler", PRIORITY)
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", PRIORITY)
        settings.set("SCHEDULER_PERSIST", True, PRIORITY)
        settings.set("SCHEDULER_QUEUE_KEY", f"{prefix}:requests", PRIORITY)
        settings.set("SCHEDULER_DUPEFILTER_KEY", f"{prefix}:dupefilter", PRIORITY)
        settings.set("SCHEDULER_QUEUE_CLASS", "scrapy_redis.queue.PriorityQueue", PRIORITY)


class RedisScheduler(Scheduler):  # type: ignore[misc]  # scrapy-redis is untyped
    """scrapy-redis' scheduler, counting stats the way current Scrapy expects (no spider arg)."""

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Request | None:
        request: Request | None = self.queue.pop(self.idle_before_close)
        if request and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request
