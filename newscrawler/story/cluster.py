"""Incremental story assignment: each new article joins the best matching story or opens one.

Decisions are taken one article at a time against what the index holds
(earlier runs and other workers included), like the Dedup stage's: the
candidates are the articles of the time window that share a strong key with
the new one (a bounded lookup, see :class:`StoryIndex`), each is compared
with :func:`~newscrawler.story.match.similarity`, and the article joins the
story of the most similar candidate that passes the rule. A near-duplicate
joins its original's story without a comparison, and an updated article
keeps its story.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from newscrawler.story.match import MatchRule, Similarity, similarity
from newscrawler.story.signals import Signals


class How(StrEnum):
    NEW = "new"  # opened a story
    MATCHED = "matched"  # joined a story by its signals
    NEAR_DUPLICATE = "near_duplicate"  # joined its original's story
    UPDATED = "updated"  # an updated article kept its story


@dataclass(frozen=True, slots=True)
class StoryEntry:
    """What the index keeps of one article."""

    signals: Signals
    seen_at: datetime  # publication time, or first seen when unknown
    language: str
    title: str | None


@dataclass(frozen=True, slots=True)
class Candidate:
    story_id: int
    seen_at: datetime
    signals: Signals


@dataclass(frozen=True, slots=True)
class Assignment:
    story_id: int
    how: How
    similarity: Similarity | None = None


class StoryIndex(Protocol):
    def candidates(self, entry: StoryEntry, rule: MatchRule) -> list[Candidate]:
        """Indexed articles of ``rule.window`` around ``entry`` sharing a search key with it."""

    def story_of_article(self, article_id: int) -> int | None: ...

    def new_story(self, entry: StoryEntry) -> int: ...

    def join_story(self, story_id: int, entry: StoryEntry, counts: bool = True) -> None:
        """Index ``entry`` under the story; ``counts``: one more article of it."""


class StoryAssigner:
    def __init__(self, index: StoryIndex, rule: MatchRule | None = None) -> None:
        self.index = index
        self.rule = rule or MatchRule()

    def assign(
        self, entry: StoryEntry, duplicate_of: int | None = None, updated_article: int | None = None
    ) -> Assignment:
        if duplicate_of is not None:
            story = self.index.story_of_article(duplicate_of)
            if story is not None and self._joined(story, entry):
                return Assignment(story, How.NEAR_DUPLICATE)
        if updated_article is not None:
            story = self.index.story_of_article(updated_article)
            if story is not None and self._joined(story, entry, counts=False):
                return Assignment(story, How.UPDATED)
        best = self.best_match(entry)
        if best is None:
            return Assignment(self.index.new_story(entry), How.NEW)
        try:
            self.index.join_story(best[0], entry)
        except LookupError:  # the story's transaction was rolled back meanwhile
            return Assignment(self.index.new_story(entry), How.NEW)
        return Assignment(best[0], How.MATCHED, best[1])

    def _joined(self, story: int, entry: StoryEntry, counts: bool = True) -> bool:
        try:
            self.index.join_story(story, entry, counts=counts)
        except LookupError:  # a dangling id (see newscrawler.db.models.Article.story_id)
            return False
        return True

    def best_match(self, entry: StoryEntry) -> tuple[int, Similarity] | None:
        """The story of the most similar candidate that passes the rule."""
        best: tuple[int, Similarity] | None = None
        for candidate in self.index.candidates(entry, self.rule):
            if not self.rule.in_window(entry.seen_at, candidate.seen_at):
                continue
            found = similarity(entry.signals, candidate.signals)
            if self.rule.same_story(found) and (best is None or found.shared > best[1].shared):
                best = (candidate.story_id, found)
        return best
