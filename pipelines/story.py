"""Story stage: give every new article the id of the story (event) it reports, in any language.

Runs after Language (the signals' word weights depend on the language) and
before Store, which writes the id onto the row. The decision is taken
against the story index in the database (:mod:`newscrawler.db.stories`), in
the same session and transaction as the Store's writes; exact duplicates
skip it, near-duplicates join their original's story, updated articles
keep theirs. Outcomes are counted under ``newscrawler/stories/<how>``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from sqlalchemy.exc import DBAPIError

from newscrawler import stats
from newscrawler.db.stories import SqlStoryIndex, story_time
from newscrawler.dedup.decide import Outcome
from newscrawler.extensions import services
from newscrawler.story.cluster import StoryAssigner, StoryEntry
from newscrawler.story.match import MatchRule
from newscrawler.story.signals import SignalExtractor

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from newscrawler.db.store import ArticleStore

logger = logging.getLogger(__name__)
STORIES = f"{stats.PREFIX}/stories"


class StoryPipeline:
    def __init__(
        self, stats_collector: StatsCollector, store: ArticleStore, rule: MatchRule
    ) -> None:
        self.stats = stats_collector
        self.store = store
        self.extractor = SignalExtractor()
        self.assigner = StoryAssigner(SqlStoryIndex(lambda: store.db), rule)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoryPipeline:
        shared = services(crawler)
        assert crawler.stats is not None
        return cls(crawler.stats, shared.store, MatchRule.from_config(shared.config))

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        decision = adapter.get("dedup")
        if decision is None or decision.outcome.is_duplicate or not self.store.available():
            return item  # nothing new to file (or the Store leaves it in the journal)
        raw = adapter["raw"]
        entry = StoryEntry(
            signals=adapter.get("story_signals")
            or self.extractor.extract(
                adapter["text"], adapter.get("title"), adapter.get("language")
            ),
            seen_at=story_time(adapter.get("published_at"), raw.fetched_at),
            language=adapter.get("language") or "und",
            title=adapter.get("title"),
        )
        updated = decision.article_id if decision.outcome is Outcome.UPDATED else None
        try:
            with self.store.db.begin_nested():
                assignment = self.assigner.assign(entry, decision.duplicate_of, updated)
        except DBAPIError as error:
            if error.connection_invalidated:
                self.store.went_offline(error)
                return item
            # A clash with another writer (deadlock on a story row): store the article
            # without a story rather than lose the batch; --rebuild assigns it later.
            logger.warning("%s: no story assigned (%s)", raw.url, str(error).splitlines()[0])
            self.stats.inc_value(f"{STORIES}/failed")
            return item
        adapter["story_id"] = assignment.story_id
        self.stats.inc_value(f"{STORIES}/{assignment.how.value}")
        logger.debug("%s: story %d (%s)", raw.url, assignment.story_id, assignment.how.value)
        return item
