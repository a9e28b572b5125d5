"""The database side of a crawl: one session shared by the Dedup and Store stages.

Dedup reads (does this URL, this text, a near copy already exist?) and Store
writes through the same :class:`ArticleStore`, so an article written earlier
in the same batch is visible to the next lookup before the batch commits.
One store exists per crawler, owned by :class:`newscrawler.extensions.Services`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import time
import zlib
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, insert, or_, select
from sqlalchemy.exc import DBAPIError

from newscrawler.db.engine import make_engine, make_sessionmaker, mask_url
from newscrawler.db.models import (
    Article,
    ArticleVersion,
    CrawlRun,
    MinHashBand,
    RawDocument,
    Sighting,
    UrlState,
)
from newscrawler.db.schema import ensure_schema
from newscrawler.journal import process_alive

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from newscrawler import items

logger = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 1.0
FLEET_RUN_STAT = "newscrawler/frontier/run"  # also set in the stats by the fleet scheduler


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored article that shares at least one LSH band with a new text."""

    id: int
    text: str
    duplicate_of: int | None


class ArticleStore:
    """Lookups and writes for one crawl run, committed in batches."""

    def __init__(self, database_url: str, reconnect_seconds: float = 30.0) -> None:
        self.database_url = database_url
        self.reconnect_seconds = reconnect_seconds
        self.engine: Engine | None = None
        self.session: Session | None = None
        self.run: CrawlRun | None = None
        self.spider_name = ""
        self.fleet_run: str | None = None
        self._offline_since: float | None = None
        self._retry_delay = min(FIRST_RETRY_SECONDS, reconnect_seconds)
        self._sighted: set[str] = set()

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
        self.fleet_run = fleet_run
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
                self.mark_killed_runs()
                self.run = CrawlRun(
                    spider=self.spider_name,
                    started_at=_now(),
                    status="running",
                    stats={
                        "host": socket.gethostname(),
                        "pid": os.getpid(),
                        **({FLEET_RUN_STAT: self.fleet_run} if self.fleet_run else {}),
                    },
                )
                self.session.add(self.run)
            self.session.commit()
        except DBAPIError as error:
            self.went_offline(error)
            return False
        if self._offline_since is not None:
            logger.info("Database %s is reachable again", mask_url(self.database_url))
        self._offline_since = None
        self._retry_delay = FIRST_RETRY_SECONDS
        return True

    def mark_killed_runs(self) -> None:
        """Runs of this host still 'running' whose process is gone were killed: say so."""
        host = socket.gethostname()
        for run in self.db.scalars(select(CrawlRun).where(CrawlRun.status == "running")):
            owner = run.stats or {}
            if owner.get("host") == host and not process_alive(int(owner.get("pid", 0))):
                run.status = "killed"
                logger.warning(
                    "Crawl run %d (%s) was killed before it finished", run.id, run.spider
                )

    def went_offline(self, error: Exception) -> None:
        """Stop using the database for a while; what is not committed stays journaled."""
        if self.session is not None:
            with suppress(DBAPIError):
                self.session.rollback()
        if self._offline_since is None:
            logger.error(
                "Database %s unavailable (%s); documents are kept in the journal and will "
                "be stored when it is back",
                mask_url(self.database_url),
                _first_line(error),
            )
        else:  # a retry failed: back off, up to STORE_RECONNECT_SECONDS
            self._retry_delay = min(self._retry_delay * 2, self.reconnect_seconds)
        self._offline_since = time.monotonic()

    def available(self) -> bool:
        """True when the database can be used now (trying to reconnect when it is time)."""
        if self._offline_since is None:
            return self.session is not None
        if time.monotonic() - self._offline_since < self._retry_delay:
            return False
        return self._connect()

    def close(self, status: str, counts: dict[str, int], stats: dict[str, Any]) -> None:
        """Record how the crawl run ended (when the database can be reached)."""
        if self.session is not None and self.run is not None and self.available():
            try:
                for name, value in counts.items():
                    setattr(self.run, name, value)
                self.run.status = status
                self.run.finished_at = _now()
                self.run.stats = stats
                self.session.commit()
            except DBAPIError as error:
                self.went_offline(error)
        if self.session is not None:
            self.session.close()
        if self.engine is not None:
            self.engine.dispose()
        self.session = None

    @property
    def db(self) -> Session:
        if self.session is None:
            raise RuntimeError("the article store is not open")
        return self.session

    @property
    def run_id(self) -> int:
        assert self.run is not None
        return self.run.id

    def commit(self) -> None:
        self.db.commit()

    def rollback(self) -> None:
        with suppress(DBAPIError):
            self.db.rollback()
        self._sighted.clear()

    # -- lookups ----------------------------------------------------------

    def article_by_url_key(self, url_key: str) -> Article | None:
        return self.db.scalars(
            select(Article).where(Article.url_key == url_key).order_by(Article.id).limit(1)
        ).first()

    def article_by_hash(self, content_hash: str) -> Article | None:
        return self.db.scalars(select(Article).where(Article.content_hash == content_hash)).first()

    def url_state(self, key: str) -> UrlState | None:
        return self.db.get(UrlState, key)

    def article_text(self, article_id: int) -> str:
        return self.db.scalars(select(Article.text).where(Article.id == article_id)).one()

    def near_candidates(self, bands: Sequence[int], exclude: int | None = None) -> list[Candidate]:
        """Articles sharing at least one band hash with ``bands`` (band order matters)."""
        if not bands:
            return []
        # One OR of (band, hash) pairs: both SQLite and PostgreSQL answer it with
        # index lookups on the primary key (a row-value IN makes SQLite scan).
        matches = or_(
            *(and_(MinHashBand.band == band, MinHashBand.hash == value)
              for band, value in enumerate(bands))
        )  # fmt: skip
        ids = set(self.db.scalars(select(MinHashBand.article_id).where(matches).distinct()))
        ids.discard(exclude or -1)
        if not ids:
            return []
        rows = self.db.execute(
            select(Article.id, Article.text, Article.duplicate_of)
            .where(Article.id.in_(ids))
            .order_by(Article.id)
        )
        return [Candidate(row.id, row.text, row.duplicate_of) for row in rows]

    # -- writes -----------------------------------------------------------

    def save_raw_document(self, raw: items.RawDocument) -> RawDocument:
        """Keep the fetched bytes once per (url, content)."""
        digest = hashlib.sha256(raw.body).hexdigest()
        existing = self.db.scalars(
            select(RawDocument).where(RawDocument.url == raw.url, RawDocument.body_sha256 == digest)
        ).first()
        if existing is not None:
            return existing
        row = RawDocument(
            url=raw.url,
            content_type=raw.content_type,
            encoding=raw.encoding,
            http_status=raw.status,
            headers=raw.headers or None,
            body=zlib.compress(raw.body, 6),
            compression="zlib",
            body_sha256=digest,
            size=len(raw.body),
            spider=raw.spider,
            fetched_at=raw.fetched_at,
            crawl_run_id=self.run_id,
        )
        self.db.add(row)
        return row

    def add_article(self, article: Article, bands: Sequence[int]) -> Article:
        self.db.add(article)
        self.db.flush()
        self.insert_bands(article.id, bands)
        return article

    def replace_bands(self, article_id: int, bands: Sequence[int]) -> None:
        self.db.execute(delete(MinHashBand).where(MinHashBand.article_id == article_id))
        self.insert_bands(article_id, bands)

    def insert_bands(self, article_id: int, bands: Sequence[int]) -> None:
        if bands:
            self.db.execute(
                insert(MinHashBand),
                [{"band": b, "hash": v, "article_id": article_id} for b, v in enumerate(bands)],
            )

    def archive_version(self, article: Article) -> None:
        """Keep the article's current text before it is replaced by a newer one."""
        self.db.add(
            ArticleVersion(
                article_id=article.id,
                version=article.version,
                title=article.title,
                text=article.text,
                content_hash=article.content_hash,
                raw_document_id=article.raw_document_id,
                replaced_at=_now(),
            )
        )

    def add_sighting(self, article_id: int, url: str, spider: str, fetched_at: datetime) -> bool:
        """Record that ``url`` yielded the article in this run; once per URL per run."""
        if url in self._sighted:
            return False
        self._sighted.add(url)
        self.db.add(
            Sighting(
                article_id=article_id,
                url=url,
                spider=spider,
                crawl_run_id=self.run_id,
                fetched_at=fetched_at,
            )
        )
        return True

    def record_url_state(self, raw: items.RawDocument, url_key: str, article_id: int) -> None:
        state = self.db.get(UrlState, url_key) or UrlState(url_key=url_key)
        state.url = raw.url
        state.etag = raw.headers.get("ETag")
        state.last_modified = raw.headers.get("Last-Modified")
        state.http_status = raw.status
        state.fetched_at = raw.fetched_at
        state.article_id = article_id
        self.db.add(state)


def _now() -> datetime:
    return datetime.now(UTC)


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
