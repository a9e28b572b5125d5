"""The database side of a crawl: one session shared by the Dedup and Store stages.

:class:`ArticleStore` connects (bringing the schema up to date), keeps the
crawl run's row, and goes offline when the database cannot be reached,
reconnecting later (:mod:`newscrawler.db.availability`). What is read and
written for articles goes through its :class:`~newscrawler.db.repository.Repository`,
on the same session, so that Dedup sees what the Store stage staged.
One store exists per crawler, owned by :class:`newscrawler.extensions.Services`.

During a crawl the session is used on one thread of its own (:meth:`ArticleStore.call`):
the stages await their queries and commits there, so the reactor goes on fetching and
handing documents to the workers while SQLite syncs or PostgreSQL answers. One thread
keeps the session's use serial, in the order the stages asked.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from typing import TYPE_CHECKING, Any, TypeVar

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
    from newscrawler.db.repository import Entry

logger = logging.getLogger(__name__)

FLEET_RUN_STAT = "newscrawler/frontier/run"  # also set in the stats by the fleet scheduler
DATABASE_THREAD = "newscrawler-db"  # the name of the thread a crawl's session is used on

T = TypeVar("T")


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
        self.counts: dict[str, int] = {}  # the run's counts so far, written with the next commit
        self._thread: ThreadPoolExecutor | None = None

    # -- the database thread ------------------------------------------------

    async def call(self, work: Callable[[], T]) -> T:
        """Run ``work`` on the database thread and await its result (or its exception)."""
        return await asyncio.wrap_future(self._database_thread().submit(work))

    def call_and_wait(self, work: Callable[[], T]) -> T:
        """Run ``work`` on the database thread and block until it is done (start and end)."""
        return self._database_thread().submit(work).result()

    def _database_thread(self) -> ThreadPoolExecutor:
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix=DATABASE_THREAD)
        return self._thread

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
        self.call_and_wait(self._connect)

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
        self._tell_lost(self._forget_transaction())
        self._report_offline(error)

    def _forget_transaction(self) -> int:
        """Roll back and forget what was staged; return how many entries were lost."""
        if self.session is not None:
            with suppress(DBAPIError):
                self.session.rollback()
        if self._repository is None or not self._repository.entries:
            return 0
        lost = len(self._repository.entries)
        self._repository.discard()
        return lost

    def _tell_lost(self, lost: int) -> None:
        if lost:
            for listener in self.on_lost:
                listener(lost)

    def _report_offline(self, error: Exception) -> None:
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

    async def usable(self) -> bool:
        """:meth:`available`, reconnecting (when it is time) on the database thread."""
        if not self.availability.offline:
            return self.session is not None
        if not self.availability.retry_due():
            return False
        return await self.call(self._connect)

    async def lose_transaction(self, error: Exception) -> None:
        """:meth:`went_offline` for an error met on the database thread.

        The rollback runs there; the listeners (the journal, the stats) are told here,
        on the reactor's thread.
        """
        lost = await self.call(self._forget_transaction)
        self._tell_lost(lost)
        self._report_offline(error)

    def commit(self) -> list[Entry]:
        """Commit the open batch with the run's latest counts; return the committed entries."""
        if self.run is not None:
            for name, value in self.counts.items():
                setattr(self.run, name, value)
        return self.repository.commit()

    def close(self, status: str, counts: dict[str, int], stats: dict[str, Any]) -> None:
        """Record how the crawl run ended (when the database can be reached), then disconnect."""
        self.call_and_wait(lambda: self._finish(status, counts, stats))
        if self._thread is not None:
            self._thread.shutdown(wait=True)
            self._thread = None

    def _finish(self, status: str, counts: dict[str, int], stats: dict[str, Any]) -> None:
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
