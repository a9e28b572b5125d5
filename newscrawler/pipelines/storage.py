"""Store stage: carry out the Dedup decision in the database.

Writes go through the crawler's shared :class:`~newscrawler.db.store.ArticleStore`
and are committed in batches of ``STORE_BATCH_SIZE``; every article keeps its
raw document so that extraction can be re-run later without fetching.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter

from newscrawler import stats
from newscrawler.db import models
from newscrawler.db.store import ArticleStore
from newscrawler.dedup.decide import Decision, Outcome

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from newscrawler.items import Article


class StoragePipeline:
    def __init__(self, crawler: Crawler, store: ArticleStore) -> None:
        self.crawler = crawler
        self.store = store
        assert crawler.stats is not None
        self.stats: StatsCollector = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        return cls(crawler, ArticleStore.from_crawler(crawler))

    def open_spider(self) -> None:
        assert self.crawler.spider is not None
        self.store.open(self.crawler.spider.name)

    def close_spider(self) -> None:
        self.store.commit()

    def process_item(self, item: Any) -> Any:
        article: Article = item
        decision: Decision = ItemAdapter(item)["dedup"]
        raw_row = self.store.save_raw_document(article.raw)
        if article.raw.replayed and decision.outcome is Outcome.UNCHANGED:
            row = self.store.db.get_one(models.Article, decision.article_id)
            fill_metadata(row, article)
            self.stats.inc_value(stats.REEXTRACTED)
            self.store.written()
            return item
        if decision.outcome.is_duplicate:
            row = self._touch(decision, article)
            self.stats.inc_value(stats.duplicate_key(decision.outcome.value))
        elif decision.outcome is Outcome.UPDATED:
            row = self._update(article, decision, raw_row)
            self.stats.inc_value(stats.ARTICLES_UPDATED)
        else:
            row = self.store.add_article(new_row(article, decision, raw_row), decision.bands)
            key = stats.NEAR_DUPLICATES if decision.outcome is Outcome.NEAR_DUPLICATE else None
            self.stats.inc_value(key or stats.ARTICLES_NEW)
            self.stats.inc_value(stats.language_key(row.language))
        if not article.raw.replayed:
            self.store.add_sighting(
                row.id, article.raw.url, article.raw.spider, article.raw.fetched_at
            )
            self.store.record_url_state(article.raw, article.url_key or article.raw.url, row.id)
        self.store.written()
        return item

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
        url=article.raw.url,
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
    row.tags = article.tags or None
    row.source_credit = article.source_credit
    row.extractor = article.extractor
