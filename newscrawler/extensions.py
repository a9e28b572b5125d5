"""The crawl's shared services and their life cycle.

Several components need the same objects: the Dedup and Store stages share
one database session (an article written earlier in a batch must be visible
to the next lookup), the Extract and Store stages share one write-ahead
journal, and the revisit middleware reads the store's URL states. This
extension owns them: it builds the configuration, the
:class:`~newscrawler.db.store.ArticleStore`, the
:class:`~newscrawler.journal.Journal` and the
:class:`~newscrawler.dedup.decide.Deduplicator` once per crawler, opens the
store when the spider opens and, when it closes, records the crawl run (the
summary in the log and the ``crawl_runs`` row) and then closes the store and
the journal. Other components fetch it with :func:`services`.
"""

from __future__ import annotations

import logging
import os
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from newscrawler.config import NewscrawlerConfig
from newscrawler.db.store import ArticleStore
from newscrawler.dedup.decide import Deduplicator
from newscrawler.journal import Journal
from newscrawler.logformatter import install_log_policy
from newscrawler.stats import EXIT_CODE, VERDICT, CrawlSummary
from newscrawler.usage import check_database_url
from newscrawler.verdict import judge

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

STATUS_BY_REASON = {"finished": "finished", "shutdown": "interrupted"}
JOURNAL_FAILED = "journal_failed"  # close reason and crawl_runs status: the journal was unwritable


def raw_of(item: Any) -> Any:
    """The raw document behind an item at any stage (a RawDocument or an Article)."""
    return getattr(item, "raw", item)


class Services:
    """One configuration, store, journal and deduplicator per crawler."""

    def __init__(self, crawler: Crawler, config: NewscrawlerConfig) -> None:
        self.crawler = crawler
        self.config = config
        self.store = ArticleStore(config.database_url, config.store_reconnect_seconds)
        self.journal = Journal(
            Path(config.spool_dir),
            config.database_url,
            max_failures=config.journal_max_failures,
            max_replays=config.journal_max_replays,
            on_failure=self.journal_failed,
            on_commit=self.checkpoint_counts,
        )
        self.deduplicator = Deduplicator.from_config(self.store, config)
        self._closing: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Services:
        install_log_policy()
        config = NewscrawlerConfig.from_settings(crawler.settings)
        check_database_url(config.database_url)  # one line and exit 2, not a crawl into nothing
        extension = cls(crawler, config)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(extension.item_error, signal=signals.item_error)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        job = f"{spider.name} {self.crawler.settings.get('JOBDIR') or ''}".strip()
        self.journal.open(job)
        if self.journal.owner is not None:
            self.store.owner = self.journal.owner.describe()
        create_private_sqlite_file(self.config.database_url)
        self.store.open(spider.name, self.config.fleet_run(spider.name))

    def item_dropped(self, item: Any) -> None:
        """Dropped as bad input: final, nothing to replay."""
        self.journal.done(getattr(raw_of(item), "journal_entry", None))

    def item_error(self, item: Any, failure: Failure) -> None:
        """A stage raised: the document stays journaled, with one more failure counted."""
        self.journal.failed(
            getattr(raw_of(item), "journal_entry", None),
            f"{failure.type.__name__ if failure.type else 'error'}: {failure.getErrorMessage()}",
        )

    def checkpoint_counts(self) -> None:
        """After a commit, the counts so far go with the next one: a killed run keeps them."""
        if self.crawler.stats is not None:
            self.store.counts = run_counts(CrawlSummary.from_stats(self.crawler.stats.get_stats()))

    def journal_failed(self, error: OSError) -> None:
        """The journal cannot be written: stop fetching and close with a reason that says so."""
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("newscrawler/journal/write_error", str(error))
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            self._closing = deferred_from_coro(engine.close_spider_async(reason=JOURNAL_FAILED))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Pipelines have flushed by now: record the run, then close the store and journal."""
        assert self.crawler.stats is not None
        for key, value in self.journal.stats.items():
            self.crawler.stats.set_value(f"newscrawler/{key}", value)
        raw_stats = self.crawler.stats.get_stats()
        summary = CrawlSummary.from_stats(raw_stats)
        # WARNING, so that a scheduled run at --loglevel=WARNING still reports what it did.
        logger.warning(summary.render(reextract=spider.name == "reextract"))
        verdict = judge(raw_stats, spider.name, reason)
        self.crawler.stats.set_value(EXIT_CODE, verdict.code)
        self.crawler.stats.set_value(VERDICT, verdict.reason)
        raw_stats = self.crawler.stats.get_stats()
        self.store.close(
            status=STATUS_BY_REASON.get(reason, reason),
            counts=run_counts(summary),
            stats=json_safe(raw_stats),
        )
        self.journal.close()


def services(crawler: Crawler) -> Services:
    """The crawler's :class:`Services` (enabled in ``EXTENSIONS`` by the project settings)."""
    extension = crawler.get_extension(Services)
    if extension is None:
        raise RuntimeError("newscrawler.extensions.Services is not enabled in EXTENSIONS")
    return extension


def run_counts(summary: CrawlSummary) -> dict[str, int]:
    """The ``crawl_runs`` counts of a summary."""
    return {
        "fetched": summary.documents,
        "stored": summary.stored,
        "duplicates": summary.total_duplicates,
        "dropped": summary.total_dropped,
        "errors": summary.errors,
    }


def create_private_sqlite_file(database_url: str) -> None:
    """Create a new SQLite database file readable by its owner only (0600; WAL files follow)."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        return
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    path = Path(url.database).expanduser()
    if path.exists():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    except OSError:
        return  # the store reports the unusable database (and goes offline)


def json_safe(values: dict[str, Any]) -> dict[str, Any]:
    """Stats with dates as ISO strings, so they fit a JSON column."""
    return {
        key: value.isoformat() if isinstance(value, date | datetime) else value
        for key, value in values.items()
    }
