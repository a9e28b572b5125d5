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
from typing import TYPE_CHECKING

from newscrawler.story.signals import Signals

if TYPE_CHECKING:
    from newscrawler.config import NewscrawlerConfig

QUANTITY_PREFIXES = ("n:", "p:", "d:")
MIN_QUANTITY_WEIGHT = 0.5  # numbers and dates an article must give before they can disagree
DISAGREEMENT_FACTOR = 2.0  # how much stronger the names must match when they do


@dataclass(frozen=True, slots=True)
class Similarity:
    shared: float  # summed weight of the shared keys
    overlap: float  # shared / the smaller article's total weight
    keys: int  # how many keys are shared
    # Both articles give numbers or dates, and not one of them is the same: a sign of
    # two events with the same people (a phone call in November, a visit in February).
    quantities_disagree: bool = False


@dataclass(frozen=True, slots=True)
class MatchRule:
    """Thresholds of :meth:`same_story` (the STORY_* settings; measured in bench/stories.py)."""

    min_shared: float = 4.0
    min_overlap: float = 0.3
    min_keys: int = 3
    window: timedelta = timedelta(days=3)

    @classmethod
    def from_config(cls, config: NewscrawlerConfig) -> MatchRule:
        return cls(
            min_shared=config.story_min_shared,
            min_overlap=config.story_min_overlap,
            min_keys=config.story_min_keys,
            window=timedelta(hours=config.story_window_hours),
        )

    def same_story(self, similarity: Similarity) -> bool:
        factor = DISAGREEMENT_FACTOR if similarity.quantities_disagree else 1.0
        return (
            similarity.shared >= self.min_shared * factor
            and similarity.overlap >= min(1.0, self.min_overlap * factor)
            and similarity.keys >= self.min_keys
        )

    def in_window(self, first: datetime, second: datetime) -> bool:
        return abs(first - second) <= self.window


def similarity(first: Signals, second: Signals) -> Similarity:
    shared_keys = first.keys.keys() & second.keys.keys()
    shared = sum(min(first.keys[key], second.keys[key]) for key in shared_keys)
    smaller = min(first.total, second.total)
    disagree = (
        _quantity_weight(first.keys) >= MIN_QUANTITY_WEIGHT
        and _quantity_weight(second.keys) >= MIN_QUANTITY_WEIGHT
        and not any(key.startswith(QUANTITY_PREFIXES) for key in shared_keys)
    )
    overlap = round(shared / smaller, 4) if smaller else 0.0
    return Similarity(round(shared, 4), overlap, len(shared_keys), disagree)


def _quantity_weight(keys: dict[str, float]) -> float:
    return sum(weight for key, weight in keys.items() if key.startswith(QUANTITY_PREFIXES))
