"""Did a run do its job? The exit code a scheduler sees, and the reason for it.

Scrapy exits 0 whenever the crawl machinery itself worked, even when the
database was down and nothing was stored, or every fetch failed. A run from
cron must say when it did not do its job, so at the end of every crawl
:func:`judge` turns the crawl's statistics into a :class:`Verdict`: an exit
code (documented in the README) and a one-line reason, which
``scrapy crawl`` and ``newscrawler`` print as their last log line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from newscrawler import stats

OK = 0
FAILED = 1  # an unexpected error: the crawl could not start or crashed
USAGE = 2  # a bad command line, spider argument or sources file
DATABASE = 3  # the database was unavailable: documents were left in the journal
NOTHING_FETCHED = 4  # no document came in: every fetch failed, or nothing matched
OUTPUT = 5  # the -o/-O feed export failed
INTERRUPTED = 6  # stopped before the end (Ctrl-C, SIGTERM)
FRONTIER = 7  # the shared Redis frontier stayed unreachable: this worker gave up its share

# The close reason of a worker that waited FRONTIER_REDIS_OUTAGE_SECONDS for Redis in vain.
FRONTIER_OUTAGE_REASON = "redis_unavailable"

# Spiders for which having nothing to do is normal (an empty journal, an empty database).
MAY_BE_EMPTY = frozenset({"replay", "reextract"})
# Close reasons that end a crawl on purpose (CLOSESPIDER_* limits) rather than cut it short.
INTERRUPTED_REASONS = frozenset({"shutdown", "cancelled"})


@dataclass(frozen=True, slots=True)
class Verdict:
    code: int
    reason: str

    @property
    def ok(self) -> bool:
        return self.code == OK

    def line(self) -> str:
        """The last log line of a run."""
        if self.ok:
            return f"newscrawler: done: {self.reason}"
        return f"newscrawler: FAILED (exit {self.code}): {self.reason}"


def judge(values: Mapping[str, Any], spider: str, close_reason: str) -> Verdict:
    """The verdict on a finished crawl, from its stats and Scrapy's close reason."""
    documents = int(values.get(stats.DOCUMENTS, 0))
    journaled = int(values.get(stats.JOURNALED, 0))
    failed = stats.failed_fetches(values)
    if close_reason in INTERRUPTED_REASONS:
        return Verdict(INTERRUPTED, f"interrupted ({close_reason}) after {documents} documents")
    if close_reason == FRONTIER_OUTAGE_REASON:
        return Verdict(
            FRONTIER,
            f"the Redis frontier stayed unreachable; stopped after {documents} documents, "
            "the requests it held left in Redis for the other workers or the next run",
        )
    if journaled:
        return Verdict(
            DATABASE,
            f"database unavailable: {journaled} of {documents} documents not stored, "
            "kept in the journal for the next run",
        )
    export_failures = int(values.get(stats.EXPORT_FAILED, 0)) + _total(
        values, "feedexport/failed_count"
    )
    if export_failures:
        return Verdict(OUTPUT, f"feed export failed ({export_failures} errors)")
    if documents == 0 and spider not in MAY_BE_EMPTY:
        empty = _why_empty(values, failed)
        if empty is not None:
            return Verdict(NOTHING_FETCHED, empty)
    return Verdict(OK, _success(values, documents, failed))


def _why_empty(values: Mapping[str, Any], failed: Mapping[str, int]) -> str | None:
    """Why a crawl without documents failed, or None when there was simply nothing new.

    A scheduled run that finds every article still fresh (fetched less than
    ``REVISIT_INTERVAL`` ago) did its job; one whose fetches all failed, whose
    documents were all dropped, or that had nothing to fetch did not.
    """
    if values.get(stats.REVISIT_SKIPPED):
        return None
    if failed:
        return f"every fetch failed ({stats.inline(failed)})"
    dropped = stats.by_prefix(values, stats.DROPPED)
    if dropped:
        return f"no documents: all dropped ({stats.inline(dropped)})"
    fetched_ok = any(
        key.startswith("downloader/response_status_count/") and key.endswith(("/200", "/304"))
        for key in values
    )
    if not fetched_ok:
        return "no documents: nothing to fetch (check the spider arguments or sources file)"
    return None


def _success(values: Mapping[str, Any], documents: int, failed: Mapping[str, int]) -> str:
    summary = stats.CrawlSummary.from_stats(values)
    text = f"{documents} documents, {summary.stored} stored, {summary.updated} updated"
    if failed:
        text += f", {sum(failed.values())} fetches failed ({stats.inline(failed)})"
    return text


def _total(values: Mapping[str, Any], prefix: str) -> int:
    return sum(stats.by_prefix(values, prefix).values())
