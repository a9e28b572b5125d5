"""scrapy-redis' scheduler, made safe for a fleet: leases, a join/idle protocol, outages.

What scrapy-redis' ``Scheduler`` does not do, and this subclass adds:

* **Leases, released at the one moment that guarantees no loss.** A request
  popped from Redis stays in this worker's lease hash until Scrapy's engine
  has finished with it: the engine keeps every request it took from the
  scheduler in its slot's ``inprogress`` set until the response went through
  the spider callback, every request the callback yielded was queued (in
  Redis, by :meth:`enqueue_request`) and every item it yielded went through
  all item pipelines, or until the download failed for good (errback done).
  Items pass the Extract stage, which appends them to the journal, before
  that; so once a request leaves ``inprogress`` its document is journaled (or
  dropped for a counted reason) and its links are queued. A retry or redirect
  is a new request queued before the old one leaves ``inprogress``. The
  ``item_scraped`` signal alone would not do: a sitemap yields requests, not
  items, and a failed download yields neither.
* **Join/idle protocol.** A worker closes only when the run is not busy
  (:class:`~newscrawler.frontier.fleet.RunStatus`): nothing queued, nothing
  leased by any live worker, and no worker still sending its start requests.
  While the run is busy an idle worker polls the queue every
  ``FRONTIER_POLL_SECONDS`` instead of Scrapy's 5 s heartbeat.
* **Heartbeats and reaping.** A worker that stops beating for
  ``FRONTIER_LEASE_TIMEOUT`` is dead and its leases go back to the queue.
* **Redis outages.** Requests that cannot be queued wait in memory (their
  parent's lease is not released meanwhile, so nothing is lost if the worker
  dies); the worker stays open and retries; after
  ``FRONTIER_REDIS_OUTAGE_SECONDS`` without Redis it closes with reason
  ``redis_unavailable``, its leases still in Redis for the others.

The run identity is recorded in the stats (``newscrawler/frontier/run``) and
so in this worker's ``crawl_runs`` row.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections import deque
from contextlib import suppress
from typing import TYPE_CHECKING, Any, Self

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.request import request_from_dict
from scrapy_redis import connection, picklecompat
from scrapy_redis.scheduler import Scheduler

from newscrawler import verdict
from newscrawler.extensions import services
from newscrawler.frontier.fleet import Fleet
from newscrawler.frontier.keys import RunKeys, clean_name

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)
START_REQUESTS_DONE = object()  # signal sent by FleetStartMiddleware
OUTAGE_REASON = verdict.FRONTIER_OUTAGE_REASON

STAT_RUN = "newscrawler/frontier/run"
STAT_WORKER = "newscrawler/frontier/worker"
STAT_LEASED = "newscrawler/frontier/leased"
STAT_RELEASED = "newscrawler/frontier/released"
STAT_ORPHANS = "newscrawler/frontier/requeued_lost_leases"
STAT_REQUEUED = "newscrawler/frontier/requeued_from_dead_workers"
STAT_GIVEN_BACK = "newscrawler/frontier/given_back_on_close"
STAT_WAITED = "newscrawler/frontier/waited_for_fleet"
STAT_OUTAGES = "newscrawler/frontier/redis_outages"
STAT_BAD = "newscrawler/frontier/undecodable_requests"


class RedisScheduler(Scheduler):  # type: ignore[misc]  # scrapy_redis has no type hints
    """Shared queue with leases; closes only when the whole fleet is done."""

    crawler: Crawler
    fleet: Fleet
    serializer: Any
    df: Any
    heartbeat_seconds: float
    poll_seconds: float
    outage_seconds: float
    leased: dict[str, Request]
    unqueued: deque[Request]
    down_since: float | None
    last_beat: float
    reap_after: float
    started: bool
    waiting: bool
    gave_up: bool
    closing: Any  # the Deferred of closing the spider on a long outage
    poller: Any
    heart: Heartbeat

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Built here, not by scrapy-redis' ``from_settings``: that one would also load the
        project's ``DUPEFILTER_CLASS`` (the JOBDIR filter), which a fleet replaces by the
        run's Redis set."""
        settings = crawler.settings
        server = connection.from_settings(settings)
        server.ping()
        instance = cls(
            server=server,
            persist=True,
            serializer=importlib.import_module(settings["SCHEDULER_SERIALIZER"]),
        )
        instance.stats = crawler.stats
        instance.crawler = crawler
        config = services(crawler).config
        assert crawler.spidercls is not None
        frontier = clean_name(config.frontier_name or crawler.spidercls.name)
        instance.fleet = Fleet(
            instance.server,
            RunKeys(frontier, config.frontier_run),
            lease_timeout=config.frontier_lease_timeout,
            keep_seconds=config.frontier_keep_seconds,
        )
        instance.heartbeat_seconds = config.frontier_heartbeat_seconds
        instance.poll_seconds = config.frontier_poll_seconds
        instance.outage_seconds = config.frontier_redis_outage_seconds
        instance.leased = {}
        instance.unqueued = deque()
        instance.down_since = None
        instance.last_beat = 0.0
        instance.reap_after = 0.0
        instance.started = False
        instance.waiting = False
        instance.gave_up = False
        instance.closing = None
        instance.poller = create_looping_call(instance.poll)
        crawler.signals.connect(instance.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(instance.start_requests_done, signal=START_REQUESTS_DONE)
        return instance

    # -- life cycle -----------------------------------------------------------

    def open(self, spider: Spider) -> None:
        """Join the run (scrapy-redis' open, without its deprecated ``spider.log``)."""
        self.spider = spider
        self.serializer = self.serializer or picklecompat
        if not self.df:
            self.df = self.dupefilter_cls_instance()
        keys = self.fleet.keys
        self.fleet.join()
        queued = self.fleet.queued()
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(STAT_RUN, f"{keys.frontier}/{keys.run}")
        self.crawler.stats.set_value(STAT_WORKER, self.fleet.worker)
        logger.info(
            "Worker %s joined fleet run %s/%s (%d requests queued)",
            self.fleet.worker,
            keys.frontier,
            keys.run,
            queued,
        )
        self.poller.start(self.poll_seconds, now=False)
        self.heart = Heartbeat(self.fleet, self.heartbeat_seconds)
        self.heart.start()

    def dupefilter_cls_instance(self) -> Any:
        from scrapy_redis.dupefilter import RFPDupeFilter

        return RFPDupeFilter(self.server, key=self.fleet.keys.dupefilter)

    def close(self, reason: str) -> None:
        """Leave the run; whatever is still leased goes back to the queue for the others."""
        if self.poller.running:
            self.poller.stop()
        self.heart.stop()
        self.flush_unqueued()
        if reason == "finished":
            self.release_finished()
        try:
            given_back = self.fleet.leave()
        except REDIS_DOWN:
            logger.error(
                "Redis unreachable while closing: %d leased request(s) stay leased and go "
                "back to the queue when this worker's heartbeat expires",
                len(self.leased),
            )
            return
        if given_back:
            self.inc(STAT_GIVEN_BACK, given_back)
            logger.info("Gave %d unfinished request(s) back to the shared queue", given_back)

    def start_requests_done(self) -> None:
        self.started = True
        with suppress(*REDIS_DOWN):
            self.fleet.started()  # else retried by poll()

    # -- queue ------------------------------------------------------------------

    def enqueue_request(self, request: Request) -> bool:
        self.unqueued.append(request)
        return self.flush_unqueued()

    def flush_unqueued(self) -> bool:
        """Queue what waits in memory; False if the last request was a duplicate."""
        added = True
        while self.unqueued:
            request = self.unqueued[0]
            try:
                added = self.push(request)
            except REDIS_DOWN as error:
                self.redis_down(error)
                return True
            self.unqueued.popleft()
        return added

    def push(self, request: Request) -> bool:
        fingerprint = None if request.dont_filter else self.df.request_fingerprint(request)
        data = self.serializer.dumps(request.to_dict(spider=self.spider))
        if not self.fleet.enqueue(data, -request.priority, fingerprint):
            self.df.log(request, self.spider)
            return False
        self.inc("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        if self.down_since is not None:
            return None
        self.release_finished()
        try:
            leased = self.fleet.lease()
        except REDIS_DOWN as error:
            self.redis_down(error)
            return None
        if leased is None:
            return None
        lease_id, data = leased
        request = self.decode(lease_id, data)
        if request is None:
            return None
        self.leased[lease_id] = request
        self.inc("scheduler/dequeued/redis")
        self.inc(STAT_LEASED)
        return request

    def decode(self, lease_id: str, data: bytes) -> Request | None:
        """A queued request; one that cannot be built is logged, counted and forgotten."""
        try:
            return request_from_dict(self.serializer.loads(data), spider=self.spider)
        except Exception as error:  # forged or from an incompatible version
            logger.error("Dropping a queued request that cannot be decoded: %s", error)
            self.inc(STAT_BAD)
            self.fleet.release([lease_id])
            return None

    def has_pending_requests(self) -> bool:
        if self.unqueued:
            return True
        if self.down_since is not None:
            return False
        try:
            return self.fleet.queued() > 0
        except REDIS_DOWN as error:
            self.redis_down(error)
            return False

    def __len__(self) -> int:
        return self.fleet.queued()

    # -- leases -------------------------------------------------------------------

    def release_finished(self) -> None:
        """Forget the leases of requests the engine has completely handled."""
        if self.unqueued or not self.leased:
            return  # a request a finished callback yielded is not in Redis yet
        in_progress = engine_in_progress(self.crawler)
        done = [lease for lease, request in self.leased.items() if request not in in_progress]
        if not done:
            return
        try:
            self.fleet.release(done)
        except REDIS_DOWN as error:
            self.redis_down(error)
            return
        for lease in done:
            del self.leased[lease]
        self.inc(STAT_RELEASED, len(done))

    # -- periodic work and the idle protocol ------------------------------------

    def poll(self) -> None:
        """Every FRONTIER_POLL_SECONDS: flush, release, beat, and wake the engine for new work."""
        try:
            self.poll_redis()
        except REDIS_DOWN as error:
            self.redis_down(error)
            self.close_if_down_too_long()
        except Exception:  # the looping call would stop for good: log, and poll again
            logger.exception("Polling the fleet run failed")

    def close_if_down_too_long(self) -> None:
        """Give up on Redis even when the engine never idles (requests wait in memory).

        :meth:`spider_idle` gives up too, but the engine is not idle while requests
        wait in memory to be queued, so without this a worker whose page yielded
        links as Redis went away would wait for ever.
        """
        engine = self.crawler.engine
        if not self.down_too_long() or engine is None or self.closing is not None:
            return
        self.closing = deferred_from_coro(engine.close_spider_async(reason=OUTAGE_REASON))

    def down_too_long(self) -> bool:
        """Redis has been away for ``FRONTIER_REDIS_OUTAGE_SECONDS`` (said once, here)."""
        if self.down_since is None or time.monotonic() - self.down_since < self.outage_seconds:
            return False
        if not self.gave_up:
            self.gave_up = True
            logger.error(
                "Redis unreachable for %.0f s; stopping (leases stay for other workers)",
                self.outage_seconds,
            )
        return True

    def poll_redis(self) -> None:
        if self.down_since is not None:
            self.server.ping()
            self.redis_back()
        self.flush_unqueued()
        self.release_finished()
        if time.monotonic() - self.last_beat >= self.heartbeat_seconds:
            self.beat()
        if self.waiting or self.fleet.queued() > 0:
            self.waiting = False
            wake_engine(self.crawler)  # look again now, not at Scrapy's next 5 s heartbeat

    def beat(self) -> None:
        self.last_beat = time.monotonic()
        if self.started:
            self.fleet.started()
        if time.monotonic() < self.reap_after:
            self.fleet.beat()  # after an outage, the others need time to beat again first
            return
        dead, moved = self.fleet.heartbeat()
        if dead:
            self.inc(STAT_REQUEUED, moved)
            logger.warning(
                "%d worker(s) of run %s stopped beating; %d of their request(s) are queued again",
                dead,
                self.fleet.keys.run,
                moved,
            )

    def spider_idle(self) -> None:
        """Keep this worker open while the fleet still has work (or Redis is away)."""
        if self.down_since is not None:
            with suppress(*REDIS_DOWN):
                self.server.ping()
                self.redis_back()
        if self.down_since is not None:
            if not self.down_too_long():
                raise DontCloseSpider
            raise CloseSpider(OUTAGE_REASON)
        try:
            self.release_finished()
            self.beat()
            status = self.fleet.status()
        except REDIS_DOWN as error:
            self.redis_down(error)
            raise DontCloseSpider from error
        if status.busy:
            self.inc(STAT_WAITED)
            self.waiting = True
            raise DontCloseSpider

    def redis_down(self, error: Exception) -> None:
        if self.down_since is None:
            self.down_since = time.monotonic()
            self.inc(STAT_OUTAGES)
            logger.error(
                "Redis unreachable (%s); waiting up to %.0f s for it to come back",
                error,
                self.outage_seconds,
            )

    def redis_back(self) -> None:
        assert self.down_since is not None
        logger.info("Redis is back after %.1f s", time.monotonic() - self.down_since)
        self.down_since = None
        self.last_beat = 0.0
        self.reap_after = time.monotonic() + self.fleet.lease_timeout
        orphans = self.fleet.requeue_unknown(self.leased)
        if orphans:
            self.inc(STAT_ORPHANS, orphans)
            logger.warning(
                "%d request(s) leased to this worker as Redis went down, never received: "
                "back in the queue",
                orphans,
            )

    def inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, count)


class Heartbeat(threading.Thread):
    """Beats from its own thread, so a reactor busy for a few seconds is not taken for dead.

    The process is what holds the leases: as long as it lives it will finish
    them, however slowly; ``kill -9`` stops this thread with it.
    """

    def __init__(self, fleet: Fleet, interval: float) -> None:
        super().__init__(name="frontier-heartbeat", daemon=True)
        self.fleet = fleet
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            try:
                member = self.fleet.beat()
            except REDIS_DOWN:
                continue  # the reactor side logs the outage
            if not member:
                logger.warning(
                    "Worker %s was taken for dead (no heartbeat for longer than the lease "
                    "timeout); its requests were queued again and may be fetched twice",
                    self.fleet.worker,
                )

    def stop(self) -> None:
        self.stopping.set()
        if self.is_alive():
            self.join(timeout=10)


def engine_in_progress(crawler: Crawler) -> set[Request]:
    """Requests Scrapy's engine took from the scheduler and has not finished with.

    Scrapy keeps them in its private engine slot (``_slot.inprogress``): a
    request enters when the engine starts downloading it and leaves after the
    downloader output (response through the callback and every item through
    the pipelines, or the failure through the errback) is fully handled.
    ``tests/test_fleet.py`` (exactly-once fetches, a killed worker losing nothing)
    fails if a Scrapy upgrade changes this; without the set this raises at once.
    """
    slot = getattr(crawler.engine, "_slot", None)
    in_progress: set[Request] | None = getattr(slot, "inprogress", None)
    if in_progress is None:
        raise RuntimeError("this Scrapy version has no engine slot 'inprogress' set")
    return in_progress


def wake_engine(crawler: Crawler) -> None:
    """Ask the engine to look at the scheduler now, not at its next 5 s heartbeat."""
    slot = getattr(crawler.engine, "_slot", None)
    nextcall = getattr(slot, "nextcall", None)
    if nextcall is not None:
        nextcall.schedule()
