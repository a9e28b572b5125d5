"""Names of the crawl statistics newscrawler records, and the end-of-crawl summary.

Stages count through the crawler's stats collector under these keys; the
summary logged when a spider closes and the ``crawl_runs`` counts are both
derived from them, so the log and the database always agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PREFIX = "newscrawler"
DOCUMENTS = f"{PREFIX}/documents"
DROPPED = f"{PREFIX}/dropped"
ARTICLES_NEW = f"{PREFIX}/articles/new"
ARTICLES_UPDATED = f"{PREFIX}/articles/updated"
NEAR_DUPLICATES = f"{PREFIX}/articles/near_duplicate"
REEXTRACTED = f"{PREFIX}/articles/reextracted_unchanged"
DUPLICATES = f"{PREFIX}/duplicates"
LANGUAGE = f"{PREFIX}/language"
LANGUAGE_MISMATCH = f"{PREFIX}/language_mismatch"
ERRORS = f"{PREFIX}/errors"
JOURNALED = f"{PREFIX}/journaled_for_replay"
QUARANTINED = f"{PREFIX}/quarantined"


def dropped_key(reason: str) -> str:
    return f"{DROPPED}/{reason}"


def duplicate_key(kind: str) -> str:
    return f"{DUPLICATES}/{kind}"


def language_key(code: str) -> str:
    return f"{LANGUAGE}/{code}"


def _by_prefix(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    start = prefix + "/"
    return {key[len(start) :]: int(value) for key, value in stats.items() if key.startswith(start)}


@dataclass(frozen=True, slots=True)
class CrawlSummary:
    documents: int
    stored: int
    near_duplicates: int
    updated: int
    duplicates: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    journaled: int = 0  # left in the journal for a later replay (database offline, failures)
    quarantined: int = 0

    @classmethod
    def from_stats(cls, stats: Mapping[str, Any]) -> CrawlSummary:
        return cls(
            documents=int(stats.get(DOCUMENTS, 0)),
            stored=int(stats.get(ARTICLES_NEW, 0)) + int(stats.get(NEAR_DUPLICATES, 0)),
            near_duplicates=int(stats.get(NEAR_DUPLICATES, 0)),
            updated=int(stats.get(ARTICLES_UPDATED, 0)),
            duplicates=_by_prefix(stats, DUPLICATES),
            dropped=_by_prefix(stats, DROPPED),
            languages=_by_prefix(stats, LANGUAGE),
            errors=int(stats.get("log_count/ERROR", 0)) + int(stats.get(ERRORS, 0)),
            journaled=int(stats.get(JOURNALED, 0)),
            quarantined=sum(_by_prefix(stats, QUARANTINED).values()),
        )

    @property
    def total_duplicates(self) -> int:
        return sum(self.duplicates.values())

    @property
    def total_dropped(self) -> int:
        return sum(self.dropped.values())

    def render(self) -> str:
        """One compact, human-readable block for the crawl log."""
        lines = [
            f"documents seen: {self.documents}",
            f"articles stored: {self.stored} (of which near-duplicates: {self.near_duplicates}),"
            f" updated: {self.updated}",
            f"duplicates: {self.total_duplicates} {_inline(self.duplicates)}",
            f"dropped: {self.total_dropped} {_inline(self.dropped)}",
            f"languages: {_inline(self.languages) or '-'}",
            f"errors: {self.errors}",
            f"left in the journal for replay: {self.journaled}, quarantined: {self.quarantined}",
        ]
        return "\n  ".join(["newscrawler summary:", *lines])


def _inline(counts: Mapping[str, int]) -> str:
    if not counts:
        return ""
    return "(" + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())) + ")"
