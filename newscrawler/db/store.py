"""The database side of a crawl: one session shared by the Dedup and Store stages.

:class:`ArticleStore` connects (bringing the schema up to date), keeps the
crawl run's row, and goes offline when the database cannot be reached,
reconnecting later (:mod:`newscrawler.db.availability`). What is read and
written for articles goes through its :class:`~newscrawler.db.repository.Repository`,
on the same session, so that Dedup sees what the Store stage staged.
One store exists per crawler, owned by :class:`newscrawler.extensions.Services`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import DBAPIError

from newscrawler.db.availability import Availability
from newscrawler.db.engine import make_engine, make_sessionmaker, mask_url
from newscrawler.db.repository import BatchHook, Repository
from newscrawler.db.runs import finish_run, start_run
from newscrawler.db.schema import ensure_schema

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from newscrawler.db.models import CrawlRun, UrlState

logger = logging.getLogger(__name__)

FLEET_RUN_STAT = "newscrawler/frontier/run"  # also set in the stats by the fleet scheduler


class ArticleStore:
    """One session, one crawl run, and whether the database is usable right now."""

    def __init__(self, database_url: str, reconnect_seconds: float = 30.0) -> None:
        self.database_url = database_url
        self.availability = Availability(reconnect_seconds)
        self.engine: Engine | None = None
        self.session: Session | None = None
        self.run: CrawlRun | None = None
        self.spider_name = ""
        self._repository: Repository | None = None
        # Called when the open transaction is lost (its documents stay journaled).
        self.on_lost: list[Callable[[int], None]] = []
        # Called with each batch before its article rows are written (the Story stage's filing).
        self.before_articles: list[BatchHook] = []
        self.owner: dict[str, Any] = {}  # how a later run tells whether this one still runs
        self.labels: dict[str, Any] = {}  # more for the run's stats (the fleet run)

    # -- life cycle -----------------------------------------------------

    def open(self, spider_name: str, fleet_run: str | None = None) -> None:
        """Connect, bring the schema up to date and record the start of a crawl run.

        An unreachable database does not stop the crawl: the store goes
        offline (documents stay in the journal) and tries again later.
        ``fleet_run`` (``frontier/run``) ties the runs of a fleet's workers together.
        """
        if self.engine is not None:
            return
        self.spider_name = spider_name
        self.labels = {FLEET_RUN_STAT: fleet_run} if fleet_run else {}
        logger.info("Storing into %s", mask_url(self.database_url))
        self.engine = make_engine(self.database_url, writer=True)
        self._connect()

    def _connect(self) -> bool:
        assert self.engine is not None
        try:
            ensure_schema(self.engine)
            if self.session is None:
                self.session = make_sessionmaker(self.engine)()
            if self.run is None:
                self.run = start_run(self.session, self.spider_name, {**self.owner, **self.labels})
            self.session.commit()
        except DBAPIError as error:
            self.went_offline(error)
            return False
        if self._repository is None:
            self._repository = Repository(self.session, self.run.id, self.before_articles)
        if self.availability.back_online():
            logger.info("Database %s is reachable again", mask_url(self.database_url))
        return True

    def went_offline(self, error: Exception) -> None:
        """Stop using the database for a while; what is not committed stays journaled."""
        if self.session is not None:
            with suppress(DBAPIError):
                self.session.rollback()
        if self._repository is not None and self._repository.entries:
            lost = len(self._repository.entries)
            self._repository.discard()
            for listener in self.on_lost:
                listener(lost)
        if self.availability.went_offline():
            logger.error(
                "Database %s unavailable (%s); documents are kept in the journal and will "
                "be stored when it is back",
                mask_url(self.database_url),
                _first_line(error),
            )

    def available(self) -> bool:
        """True when the database can be used now (trying to reconnect when it is time)."""
        if not self.availability.offline:
            return self.session is not None
        if not self.availability.retry_due():
            return False
        return self._connect()

    def close(self, status: str, counts: dict[str, int], stats: dict[str, Any]) -> None:
        """Record how the crawl run ended (when the database can be reached)."""
        if self.session is not None and self.run is not None and self.available():
            try:
                finish_run(self.run, status, counts, stats)
                self.session.commit()
            except DBAPIError as error:
                self.went_offline(error)
        if self.session is not None:
            self.session.close()
        if self.engine is not None:
            self.engine.dispose()
        self.session = None

    # -- the session and its repository --------------------------------------

    @property
    def db(self) -> Session:
        if self.session is None:
            raise RuntimeError("the article store is not open")
        return self.session

    @property
    def repository(self) -> Repository:
        if self._repository is None:
            raise RuntimeError("the article store has not connected yet")
        return self._repository

    @property
    def run_id(self) -> int:
        assert self.run is not None
        return self.run.id

    def url_state(self, key: str) -> UrlState | None:
        return self.repository.url_state(key)


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
