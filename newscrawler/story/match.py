"""Whether two articles report the same event, from their signals and times.

Two articles match when the keys they share weigh enough in absolute terms
(``min_shared``: a few rare names, or a name and a number and a date) *and*
as a share of the sparser article's signals (``min_overlap``: an article in
German, whose nouns are all capitalised, has many more keys than its English
counterpart, so the smaller side is the yardstick). A shared key counts with
the smaller of its two weights. Both conditions together keep apart
different events with the same people: they share the people's names but
neither the numbers, the dates nor the other names of the event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from newscrawler.story.signals import Signals


@dataclass(frozen=True, slots=True)
class Similarity:
    shared: float  # summed weight of the shared keys
    overlap: float  # shared / the smaller article's total weight
    keys: int  # how many keys are shared


@dataclass(frozen=True, slots=True)
class MatchRule:
    """Thresholds of :meth:`same_story` (the STORY_* settings; measured in bench/stories.py)."""

    min_shared: float = 4.0
    min_overlap: float = 0.3
    min_keys: int = 3
    window: timedelta = timedelta(days=3)

    def same_story(self, similarity: Similarity) -> bool:
        return (
            similarity.shared >= self.min_shared
            and similarity.overlap >= self.min_overlap
            and similarity.keys >= self.min_keys
        )

    def in_window(self, first: datetime, second: datetime) -> bool:
        return abs(first - second) <= self.window


def similarity(first: Signals, second: Signals) -> Similarity:
    shared_keys = first.keys.keys() & second.keys.keys()
    shared = sum(min(first.keys[key], second.keys[key]) for key in shared_keys)
    smaller = min(first.total, second.total)
    return Similarity(
        round(shared, 4), round(shared / smaller, 4) if smaller else 0.0, len(shared_keys)
    )
