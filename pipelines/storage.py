"""Store stage: stage each article with its Dedup decision; commit in batches.

Rows are built and written by :class:`~newscrawler.db.repository.Repository`.
A document stays in the journal until its transaction commits (offline: it
stays there for the next crawl): the entries a commit returns are the ones
marked done. A batch that clashes with another writer is decided and written
again after an awaited random pause. Staging and commits run on the store's
database thread; the journal and the stats are only touched here, on the
reactor's.
"""

from __future__ import annotations

import asyncio
import random
from functools import partial
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError

from newscrawler import stats
from newscrawler.db.repository import is_conflict
from newscrawler.dedup.decide import Outcome
from newscrawler.extensions import services

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from newscrawler.db.repository import Entry
    from newscrawler.dedup.decide import Decision
    from newscrawler.items import Article, ExportedArticle

CONFLICT_ATTEMPTS = 4
JOURNALED = "journaled"  # the exported outcome of a document kept for a later replay


class StoragePipeline:
    def __init__(self, crawler: Crawler, batch_size: int) -> None:
        shared = services(crawler)
        self.store, self.journal = shared.store, shared.journal
        self.deduplicator = shared.deduplicator
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

    async def process_item(self, item: Article) -> ExportedArticle:
        if not await self.store.usable():
            self.stats.inc_value(stats.JOURNALED)
            return item.exported(JOURNALED)
        try:
            decision, staged = await self.store.call(partial(self.stage, item))
        except DBAPIError as error:  # deciding (no database when Dedup ran) failed
            await self.store.lose_transaction(error)
            self.stats.inc_value(stats.JOURNALED)
            return item.exported(JOURNALED)
        if staged >= self.batch_size:
            await self.flush()
        # What leaves the pipeline (and -o/-O feed exports write): the clean contract fields.
        item.stored_id = decision.article_id  # known for what was stored before this batch
        return item.exported(decision.outcome.value)

    def stage(self, item: Article) -> tuple[Decision, int]:
        """On the database thread: stage the item; return its decision and the batch's size."""
        decision = item.dedup or self.decide(item)  # None: no database when Dedup ran
        self.store.repository.stage(item, decision)
        return decision, len(self.store.repository.entries)

    def decide(self, article: Article) -> Decision:
        decision = self.deduplicator.decide(
            article.text, article.url_key or "", article.fingerprint
        )
        article.content_hash, article.dedup = decision.content_hash, decision
        return decision

    async def flush(self) -> None:
        """Commit the batch; on a clash with another writer, decide it again and retry."""
        async with self.flushing:
            for attempt in range(CONFLICT_ATTEMPTS):
                if not await self.store.usable() or not self.store.repository.entries:
                    return
                redecide = attempt > 0 or self.store.repository.stale
                try:
                    committed = await self.store.call(partial(self.commit, redecide))
                except DBAPIError as error:
                    if not is_conflict(error) or attempt == CONFLICT_ATTEMPTS - 1:
                        return await self.store.lose_transaction(error)
                    await asyncio.sleep(random.uniform(0, 0.05 * 2**attempt))
                else:
                    return self.committed(committed)

    def commit(self, redecide: bool) -> list[Entry]:
        """On the database thread: (decide again and) commit the staged batch.

        A clash is rolled back here, in the same turn of the thread: work the other
        stages queued meanwhile must not run on the failed transaction (PostgreSQL
        refuses every statement of it, which would take the store offline).
        """
        try:
            if redecide:
                self.redecide()
            return self.store.commit()
        except DBAPIError as error:
            if is_conflict(error):
                self.store.repository.rollback()
            raise

    def committed(self, entries: list[Entry]) -> None:
        """Count what the batch stored and mark exactly its documents done in the journal."""
        for entry in entries:
            for key in entry.stat_keys:
                self.stats.inc_value(key)
            if entry.story_how is not None:
                self.stats.inc_value(stats.story_key(entry.story_how))
            self.journal.done_after_commit(entry.article.journal_id)
        self.journal.committed()

    def redecide(self) -> None:
        """Decide every staged article again (it sees what the other writer committed)."""
        repository = self.store.repository
        for entry in repository.take_entries():
            decision = entry.decision
            if decision.outcome is not Outcome.NOT_MODIFIED:
                decision = self.decide(entry.article)
            repository.restage(entry, decision)

    def transaction_lost(self, count: int) -> None:
        """The transaction is gone: its documents stay in the journal for a later replay."""
        self.stats.inc_value(stats.JOURNALED, count)
        self.journal.rolled_back()
