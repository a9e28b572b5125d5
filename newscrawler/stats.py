"""Names of the crawl statistics newscrawler records, and the end-of-crawl summary.

Stages count through the crawler's stats collector under these keys; the
summary logged when a spider closes and the ``crawl_runs`` counts are both
derived from them, so the log and the database always agree. The summary
accounts for every document: what came in, what was stored, updated or
recognised as a duplicate, what was dropped and why, which fetches failed
(by HTTP status or error) and what is left in the journal.
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
STORIES = f"{PREFIX}/stories"
LANGUAGE_MISMATCH = f"{PREFIX}/language_mismatch"
ERRORS = f"{PREFIX}/errors"
JOURNALED = f"{PREFIX}/journaled_for_replay"
QUARANTINED = f"{PREFIX}/quarantined"
# Fetches that gave up with a download error (after retries), by error type.
FETCH_FAILED = f"{PREFIX}/fetch_failed"
# Items the -o/-O feed export could not write.
EXPORT_FAILED = f"{PREFIX}/export_failed"
# Written by newscrawler.middlewares.RevisitMiddleware: article URLs still fresh, not fetched.
REVISIT_SKIPPED = f"{PREFIX}/revisit/skipped_fresh"
# The run's verdict (newscrawler.verdict), kept with the other stats in crawl_runs.
EXIT_CODE = f"{PREFIX}/exit_code"
VERDICT = f"{PREFIX}/verdict"
# Final HTTP answers the spider did not handle (Scrapy's HttpErrorMiddleware), by status.
HTTP_IGNORED = "httperror/response_ignored_status_count"


def dropped_key(reason: str) -> str:
    return f"{DROPPED}/{reason}"


def duplicate_key(kind: str) -> str:
    return f"{DUPLICATES}/{kind}"


def story_key(how: str) -> str:
    return f"{STORIES}/{how}"


def language_key(code: str) -> str:
    return f"{LANGUAGE}/{code}"


def fetch_failed_key(error: str) -> str:
    return f"{FETCH_FAILED}/{error}"


def by_prefix(values: Mapping[str, Any], prefix: str) -> dict[str, int]:
    """The counters under ``prefix/``, keyed by the rest of their name."""
    start = prefix + "/"
    return {key[len(start) :]: int(value) for key, value in values.items() if key.startswith(start)}


def failed_fetches(values: Mapping[str, Any]) -> dict[str, int]:
    """Fetches that failed for good: HTTP statuses (``404``) and download errors by type."""
    failed = {f"HTTP {status}": count for status, count in by_prefix(values, HTTP_IGNORED).items()}
    failed.update(by_prefix(values, FETCH_FAILED))
    return failed


def inline(counts: Mapping[str, int]) -> str:
    """``a=1, b=2`` in key order; empty for no counts."""
    return ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))


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
    failed: dict[str, int] = field(default_factory=dict)
    journaled: int = 0
    unchanged: int = 0  # re-extraction: same text as stored
    not_fetched_fresh: int = 0
    quarantined: int = 0

    @classmethod
    def from_stats(cls, values: Mapping[str, Any]) -> CrawlSummary:
        return cls(
            documents=int(values.get(DOCUMENTS, 0)),
            stored=int(values.get(ARTICLES_NEW, 0)) + int(values.get(NEAR_DUPLICATES, 0)),
            near_duplicates=int(values.get(NEAR_DUPLICATES, 0)),
            updated=int(values.get(ARTICLES_UPDATED, 0)),
            duplicates=by_prefix(values, DUPLICATES),
            dropped=by_prefix(values, DROPPED),
            languages=by_prefix(values, LANGUAGE),
            errors=int(values.get("log_count/ERROR", 0)) + int(values.get(ERRORS, 0)),
            failed=failed_fetches(values),
            journaled=int(values.get(JOURNALED, 0)),
            unchanged=int(values.get(REEXTRACTED, 0)),
            not_fetched_fresh=int(values.get(REVISIT_SKIPPED, 0)),
            quarantined=sum(by_prefix(values, QUARANTINED).values()),
        )

    @property
    def total_duplicates(self) -> int:
        return sum(self.duplicates.values())

    @property
    def total_dropped(self) -> int:
        return sum(self.dropped.values())

    @property
    def total_failed(self) -> int:
        return sum(self.failed.values())

    def render(self, reextract: bool = False) -> str:
        """One compact, human-readable block for the crawl log."""
        if reextract:
            lines = [
                f"documents re-extracted: {self.documents}",
                f"changed (updated): {self.updated}, unchanged: {self.unchanged}",
            ]
        else:
            lines = [
                f"documents fetched: {self.documents}",
                f"articles stored: {self.stored} (of which near-duplicates: "
                f"{self.near_duplicates}), updated: {self.updated}",
                f"duplicates: {self.total_duplicates}{_braced(self.duplicates)}",
            ]
        lines += [
            f"dropped: {self.total_dropped}{_braced(self.dropped)}",
            f"failed fetches: {self.total_failed}{_braced(self.failed)}",
            f"left in the journal for replay: {self.journaled}, quarantined: {self.quarantined}",
            f"languages: {inline(self.languages) or '-'}",
            f"errors: {self.errors}",
        ]
        if self.not_fetched_fresh:
            lines.insert(1, f"not fetched (stored recently): {self.not_fetched_fresh}")
        return "\n  ".join(["newscrawler summary:", *lines])


def _braced(counts: Mapping[str, int]) -> str:
    return f" ({inline(counts)})" if counts else ""
