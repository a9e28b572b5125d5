"""Dedup stage: decide, against the whole database, whether an article is new.

The decision (see :mod:`newscrawler.dedup.decide`) travels with the item to
the Store stage, which carries it out; exact duplicates skip the stages in
between. Its query runs on the store's database thread.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from sqlalchemy.exc import DBAPIError

from newscrawler.dedup.decide import Decision, Outcome
from newscrawler.dedup.urls import article_url_key, url_key, url_problem
from newscrawler.extensions import services
from newscrawler.items import NOT_MODIFIED

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from newscrawler.db.store import ArticleStore
    from newscrawler.dedup.decide import Deduplicator
    from newscrawler.items import Article

logger = logging.getLogger(__name__)
BAD_CANONICAL = "newscrawler/ignored/bad_canonical_url"


class DedupPipeline:
    def __init__(self, store: ArticleStore, deduplicator: Deduplicator, crawler: Crawler) -> None:
        self.store = store
        self.deduplicator = deduplicator
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        shared = services(crawler)
        return cls(shared.store, shared.deduplicator, crawler)

    async def process_item(self, item: Article) -> Article:
        adapter = ItemAdapter(item)
        canonical = adapter["canonical_url"]
        problem = url_problem(canonical) if canonical else None
        if problem:  # the article is fine: only its canonical link is ignored
            logger.warning(
                "%s: canonical URL %r ignored: %s", adapter["raw"].url, canonical, problem
            )
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(BAD_CANONICAL)
            adapter["canonical_url"] = None
        key = article_url_key(adapter["raw"].url, adapter["canonical_url"])
        adapter["url_key"] = key
        if not await self.store.usable():
            return item  # the Store stage leaves it in the journal
        try:
            decision = await self.store.call(partial(self.decide, adapter, key))
        except DBAPIError as error:
            await self.store.lose_transaction(error)
            return item
        adapter["content_hash"] = decision.content_hash
        adapter["dedup"] = decision
        return item

    def decide(self, adapter: ItemAdapter, key: str) -> Decision:
        """On the database thread: the decision, or a 304's stored article.

        A failed query's transaction is rolled back at once, in the same turn of the
        thread, so that no other queued work runs on it.
        """
        try:
            return self._decide(adapter, key)
        except DBAPIError:
            self.store.repository.rollback()  # staged entries become unwritten again
            raise

    def _decide(self, adapter: ItemAdapter, key: str) -> Decision:
        raw = adapter["raw"]
        if raw.status != NOT_MODIFIED:
            return self.deduplicator.decide(adapter["text"], key, adapter.get("fingerprint"))
        state = self.store.url_state(url_key(raw.hints.get("requested_url") or raw.url))
        if state is None or state.article_id is None:
            raise DropItem(f"{raw.url}: 304 Not Modified for a URL with no stored article")
        return Decision(Outcome.NOT_MODIFIED, "", article_id=state.article_id)
