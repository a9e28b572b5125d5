"""Story stage: give every new article the id of the story (event) it reports, in any language.

The story signals are computed beside the extraction, in the worker process
(:mod:`newscrawler.workers`). The decision itself is taken for a whole Store
batch at once, right before its article rows are written and in the same
transaction (:class:`~newscrawler.db.story_filing.StoryFiler`): this stage
hooks the filing into the store. Exact duplicates get no story,
near-duplicates join their original's story, updated articles keep theirs.
Outcomes are counted under ``newscrawler/stories/<how>`` when their batch
commits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newscrawler.db.story_filing import StoryFiler
from newscrawler.extensions import services
from newscrawler.story.match import MatchRule

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class StoryPipeline:
    def __init__(self, filer: StoryFiler) -> None:
        self.filer = filer

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoryPipeline:
        shared = services(crawler)
        pipeline = cls(StoryFiler(MatchRule.from_config(shared.config)))
        shared.store.before_articles.append(pipeline.filer.file)
        return pipeline

    def process_item(self, item: Any) -> Any:
        return item  # filed with its Store batch (see the module's docstring)
