"""Language stage: tag each new or changed article with its language.

The identification itself is CPU work done beside extraction, in the worker
process that extracted the text (:mod:`newscrawler.workers`); this stage
applies it after Dedup (exact duplicates are not tagged again) and
cross-checks what the page declared (``<html lang>``, ``og:locale``,
``Content-Language``): the text wins, disagreements are counted under
``newscrawler/language_mismatch/<declared>/<detected>``.
"""

from __future__ import annotations

import logging
from functools import cached_property
from typing import TYPE_CHECKING

from itemadapter import ItemAdapter

from newscrawler import stats
from newscrawler.extensions import services
from newscrawler.language.identify import LanguageIdentifier
from newscrawler.text.languages import UNDETERMINED, normalise_language

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from newscrawler.config import NewscrawlerConfig
    from newscrawler.items import Article

logger = logging.getLogger(__name__)


class LanguagePipeline:
    """Applies the language the extraction worker identified (or identifies it here)."""

    def __init__(self, stats_collector: StatsCollector, config: NewscrawlerConfig) -> None:
        self.stats = stats_collector
        self.config = config

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LanguagePipeline:
        assert crawler.stats is not None
        return cls(crawler.stats, services(crawler).config)

    @cached_property
    def identifier(self) -> LanguageIdentifier:
        """Loaded only for an article that reached this stage without a worker's result."""
        return LanguageIdentifier(
            self.config.languages,
            min_confidence=self.config.language_min_confidence,
            min_chars=self.config.language_min_chars,
        )

    def process_item(self, item: Article) -> Article:
        adapter = ItemAdapter(item)
        decision = adapter.get("dedup")
        if decision is not None and decision.outcome.is_duplicate:
            return item
        result = adapter.get("identified") or self.identifier.identify(
            adapter["text"], adapter.get("title")
        )
        adapter["language"] = result.code
        adapter["language_confidence"] = result.confidence
        adapter["languages"] = result.shares
        self.check_declared(adapter, result.code)
        return item

    def check_declared(self, adapter: ItemAdapter, detected: str) -> None:
        declared = normalise_language(adapter.get("declared_language"))
        if declared is None or detected == UNDETERMINED or declared == detected:
            return
        self.stats.inc_value(f"{stats.LANGUAGE_MISMATCH}/{declared}/{detected}")
        logger.debug(
            "%s declares language %r, its text reads as %r", adapter["raw"].url, declared, detected
        )
