"""Store stage: carry out the Dedup decision in the database.

Writes go through the crawler's shared :class:`~newscrawler.db.store.ArticleStore`
and are committed in batches of ``STORE_BATCH_SIZE``; every article keeps its
raw document so that extraction can be re-run later without fetching.

Nothing handed to this stage is lost: each document is in the write-ahead
journal until the transaction holding its article commits. When the
database is unreachable the stage stops writing for a while and the
documents simply stay journaled, to be replayed by the next crawl.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from newscrawler import stats
from newscrawler.db import models
from newscrawler.dedup.decide import Decision, Outcome
from newscrawler.dedup.urls import clean_url, url_key
from newscrawler.extensions import services
from newscrawler.items import clean_tags

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from newscrawler.db.store import ArticleStore
    from newscrawler.dedup.decide import Deduplicator
    from newscrawler.items import Article, ExportedArticle
    from newscrawler.journal import Journal

CONFLICT_ATTEMPTS = 3
JOURNALED = "journaled"  # the exported outcome of a document kept for a later replay


def _is_conflict(error: DBAPIError) -> bool:
    """A unique-key clash or a deadlock with another writer, not a lost connection."""
    if isinstance(error, IntegrityError):
        return True
    return (
        isinstance(error, OperationalError)
        and not error.connection_invalidated
        and ("deadlock" in str(error).lower() or "could not serialize" in str(error).lower())
    )


@dataclass(slots=True)
class Pending:
    """An article written in the open transaction, and the stats it counts once committed."""

    article: Article
    stat_keys: list[str]


class StoragePipeline:
    def __init__(
        self,
        crawler: Crawler,
        store: ArticleStore,
        journal: Journal,
        deduplicator: Deduplicator,
        batch_size: int,
    ) -> None:
        self.crawler = crawler
        self.store = store
        self.journal = journal
        self.deduplicator = deduplicator
        self.batch_size = batch_size
        self.batch: list[Pending] = []
        assert crawler.stats is not None
        self.stats: StatsCollector = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        shared = services(crawler)
        return cls(
            crawler,
            shared.store,
            shared.journal,
            shared.deduplicator,
            shared.config.store_batch_size,
        )

    def close_spider(self) -> None:
        self.flush()

    def process_item(self, item: Article) -> ExportedArticle:
        article = item
        if not self.store.available():
            self.stats.inc_value(stats.JOURNALED)
            return article.exported(JOURNALED)
        try:
            keys = self.write_resolving_conflicts(article)
        except DBAPIError as error:
            self.lose_transaction(error)
            self.stats.inc_value(stats.JOURNALED)
            return article.exported(JOURNALED)
        self.batch.append(Pending(article, keys))
        if article.journal_id is not None:
            self.journal.done_after_commit(article.journal_id)
        if len(self.batch) >= self.batch_size:
            self.flush()
        # What leaves the pipeline (and -o/-O feed exports write): the clean contract fields.
        assert article.dedup is not None  # decided by write_resolving_conflicts
        return article.exported(article.dedup.outcome.value)

    def flush(self) -> None:
        """Commit the open transaction; on a conflict (deadlock, unique key), write it again."""
        if not self.batch:
            return
        try:
            self.store.commit()
        except DBAPIError as error:
            if not _is_conflict(error) or not self.rewrite_batch_until_committed():
                self.lose_transaction(error)
                return
        for pending in self.batch:
            for key in pending.stat_keys:
                self.stats.inc_value(key)
        self.journal.committed()
        self.batch.clear()

    def rewrite_batch_until_committed(self) -> bool:
        """Retry the batch a few times, after a short random pause (writers clashing)."""
        for attempt in range(CONFLICT_ATTEMPTS):
            time.sleep(random.uniform(0, 0.05 * 2**attempt))
            if self.rewrite_batch():
                return True
        return False

    def rewrite_batch(self) -> bool:
        """After a failed commit: decide and write every article again, then commit."""
        self.store.rollback()
        try:
            for pending in self.batch:
                pending.stat_keys = self.write_resolving_conflicts(pending.article, redecide=True)
            self.store.commit()
        except DBAPIError:
            return False
        return True

    def lose_transaction(self, error: DBAPIError) -> None:
        """The transaction is gone: its documents stay in the journal for a later replay."""
        self.stats.inc_value(stats.JOURNALED, len(self.batch))
        self.batch.clear()
        self.journal.rolled_back()
        self.store.went_offline(error)

    def write_resolving_conflicts(self, article: Article, redecide: bool = False) -> list[str]:
        """Write ``article`` in a savepoint; if another writer got there first, decide again.

        Two crawls storing the same text at once both decide "new"; the
        second insert hits the unique content hash, and deciding again then
        sees the first one's article.
        """
        decision: Decision | None = None if redecide else article.dedup
        for attempt in range(CONFLICT_ATTEMPTS):
            if decision is None:
                decision = self.deduplicator.decide(article.text, article.url_key or "")
                article.content_hash, article.dedup = decision.content_hash, decision
            try:
                with self.store.db.begin_nested():
                    return self.write(article, decision)
            except IntegrityError:
                if attempt == CONFLICT_ATTEMPTS - 1:
                    raise
                decision = None
        raise AssertionError("unreachable")

    def write(self, article: Article, decision: Decision) -> list[str]:
        """Carry out ``decision``; return the stats keys it counts."""
        not_modified = decision.outcome is Outcome.NOT_MODIFIED
        raw_row = None if not_modified else self.store.save_raw_document(article.raw)
        if article.raw.replayed and decision.outcome is Outcome.UNCHANGED:
            row = self.store.db.get_one(models.Article, decision.article_id)
            fill_metadata(row, article)
            article.stored_id = row.id
            return [stats.REEXTRACTED]
        if decision.outcome.is_duplicate:
            row = self._touch(decision, article)
            keys = [stats.duplicate_key(decision.outcome.value)]
        elif decision.outcome is Outcome.UPDATED:
            assert raw_row is not None  # only a 304 has no raw document, and it is a duplicate
            row = self._update(article, decision, raw_row)
            keys = [stats.ARTICLES_UPDATED]
        else:
            assert raw_row is not None
            row = self.store.add_article(new_row(article, decision, raw_row), decision.bands)
            near = decision.outcome is Outcome.NEAR_DUPLICATE
            keys = [stats.NEAR_DUPLICATES if near else stats.ARTICLES_NEW]
            keys.append(stats.language_key(row.language))
        article.stored_id = row.id
        if not article.raw.replayed:
            self.store.add_sighting(
                row.id, article.raw.url, article.raw.spider, article.raw.fetched_at
            )
            requested = article.raw.hints.get("requested_url")
            for fetched in {article.raw.url, requested} if requested else {article.raw.url}:
                self.store.record_url_state(article.raw, url_key(fetched), row.id)
        return keys

    def _touch(self, decision: Decision, article: Article) -> models.Article:
        row = self.store.db.get_one(models.Article, decision.article_id)
        if not article.raw.replayed:
            row.last_seen_at = max(row.last_seen_at, article.raw.fetched_at)
        return row

    def _update(
        self, article: Article, decision: Decision, raw_row: models.RawDocument
    ) -> models.Article:
        row = self.store.db.get_one(models.Article, decision.article_id)
        self.store.archive_version(row)
        fill_row(row, article, decision, raw_row)
        row.version += 1
        row.updated_at = article.raw.fetched_at
        self.store.replace_bands(row.id, decision.bands)
        return row


def new_row(article: Article, decision: Decision, raw_row: models.RawDocument) -> models.Article:
    row = models.Article(
        url=clean_url(article.raw.url),  # the fetched spelling is kept in its sighting
        url_key=article.url_key or article.raw.url,
        first_seen_at=article.raw.fetched_at,
    )
    fill_row(row, article, decision, raw_row)
    return row


def fill_row(
    row: models.Article, article: Article, decision: Decision, raw_row: models.RawDocument
) -> None:
    """Copy the article's text, metadata, language and dedup links onto ``row``."""
    fill_metadata(row, article)
    row.text = article.text
    row.language = article.language or "und"
    row.language_confidence = article.language_confidence or 0.0
    row.languages = article.languages or None
    row.content_hash = decision.content_hash
    row.duplicate_of = decision.duplicate_of
    row.similarity = decision.similarity
    row.story_id = article.story_id or row.story_id
    row.raw_document = raw_row
    if not article.raw.replayed:
        row.last_seen_at = article.raw.fetched_at


def fill_metadata(row: models.Article, article: Article) -> None:
    """Copy what extraction found besides the text (title, authors, dates...)."""
    row.canonical_url = article.canonical_url
    row.title = article.title
    row.declared_language = article.declared_language
    row.published_at = article.published_at
    row.authors = "; ".join(article.authors) or None
    row.site_name = article.site_name
    row.description = article.description
    row.tags = clean_tags(article.tags) or None
    row.source_credit = article.source_credit
    row.image_url = article.image_url
    row.extractor = article.extractor
