"""Store stage: stage each article with its Dedup decision; commit in batches.

Rows are built and written by :class:`~newscrawler.db.repository.Repository`
(one statement per table per batch). A document stays in the write-ahead
journal until the transaction holding its article commits; when the
database is unreachable its documents simply stay journaled, to be replayed
by the next crawl. A batch that clashes with another writer is decided and
written again after a short random pause, awaited, never slept on the reactor.
"""

from __future__ import annotations

import asyncio
import random
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError

from newscrawler import stats
from newscrawler.db.repository import is_conflict
from newscrawler.dedup.decide import Outcome
from newscrawler.extensions import services

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from newscrawler.db.store import ArticleStore
    from newscrawler.dedup.decide import Deduplicator
    from newscrawler.items import Article
    from newscrawler.journal import Journal

CONFLICT_ATTEMPTS = 4


class StoragePipeline:
    def __init__(self, crawler: Crawler, batch_size: int) -> None:
        shared = services(crawler)
        self.store: ArticleStore = shared.store
        self.journal: Journal = shared.journal
        self.deduplicator: Deduplicator = shared.deduplicator
        self.batch_size = batch_size
        self.flushing = asyncio.Lock()
        assert crawler.stats is not None
        self.stats: StatsCollector = crawler.stats
        self.store.on_lost.append(self.transaction_lost)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        return cls(crawler, services(crawler).config.store_batch_size)

    async def close_spider(self) -> None:
        await self.flush()

    async def process_item(self, item: Article) -> Article:
        article = item
        if not self.store.available():
            self.stats.inc_value(stats.JOURNALED)
            return item
        if article.dedup is None:  # the database was away when Dedup saw it
            self.decide(article)
        self.store.repository.stage(article, article.dedup)
        if article.journal_id is not None:
            self.journal.done_after_commit(article.journal_id)
        if len(self.store.repository.entries) >= self.batch_size:
            await self.flush()
        return item

    def decide(self, article: Article) -> None:
        decision = self.deduplicator.decide(article.text, article.url_key or "")
        article.content_hash, article.dedup = decision.content_hash, decision

    async def flush(self) -> None:
        """Commit the batch; on a clash with another writer, decide it again and retry."""
        async with self.flushing:
            repository = self.store.repository if self.store.available() else None
            for attempt in range(CONFLICT_ATTEMPTS):
                if repository is None or not repository.entries:
                    return
                try:
                    if repository.stale or attempt:
                        self.redecide()
                    committed = repository.commit()
                except DBAPIError as error:
                    if not is_conflict(error) or attempt == CONFLICT_ATTEMPTS - 1:
                        self.store.went_offline(error)
                        return
                    repository.rollback()
                    await asyncio.sleep(random.uniform(0, 0.05 * 2**attempt))
                    continue
                for entry in committed:
                    for key in entry.stat_keys:
                        self.stats.inc_value(key)
                self.journal.committed()
                return

    def redecide(self) -> None:
        """Decide every staged article again (it sees what the other writer committed)."""
        repository = self.store.repository
        for entry in repository.take_entries():
            if entry.decision.outcome is not Outcome.NOT_MODIFIED:
                self.decide(entry.article)
            repository.stage(entry.article, entry.article.dedup)

    def transaction_lost(self, count: int) -> None:
        """The transaction is gone: its documents stay in the journal for a later replay."""
        self.stats.inc_value(stats.JOURNALED, count)
        self.journal.rolled_back()
