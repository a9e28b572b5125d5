"""A request filter whose ``JOBDIR`` memory holds only requests whose documents are safe.

Scrapy's filter writes a fingerprint to ``requests.seen`` the moment a
request is queued, but saves the queue itself only on a clean close: after a
SIGKILL, requests that were queued but never fetched are refused as "seen"
on resume, and their documents are never fetched. This filter writes a
fingerprint only once the request's document has been journaled and has
passed the pipeline (stored, dropped as bad input, or left journaled by a
failing stage), so a resumed crawl fetches everything else again. Feeds and
sitemaps are never remembered: on resume they are read again and re-derive
every article request not yet done, and the database (the revisit check)
knows which articles are stored already.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.dupefilters import RFPDupeFilter

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class JournaledDupeFilter(RFPDupeFilter):
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        dupefilter = super().from_crawler(crawler)
        crawler.signals.connect(dupefilter.item_passed, signal=signals.item_scraped)
        crawler.signals.connect(dupefilter.item_passed, signal=signals.item_error)
        crawler.signals.connect(dupefilter.item_dropped, signal=signals.item_dropped)
        return dupefilter

    def request_seen(self, request: Request) -> bool:
        fingerprint = self._fingerprint(request)
        if fingerprint in self._fingerprints:
            return True
        self._fingerprints.add(fingerprint)  # in memory for this run; on disk once settled
        return False

    def item_passed(self, item: Any, response: Response | None = None) -> None:
        """Stored, or failed in a stage: remembered only if the journal holds the document."""
        raw = getattr(item, "raw", item)
        if getattr(raw, "journal_entry", None) is not None or getattr(raw, "status", 0) == 304:
            self.remember(response)

    def item_dropped(self, item: Any, response: Response | None = None) -> None:
        """Dropped as bad input: final."""
        self.remember(response)

    def remember(self, response: Response | None) -> None:
        if response is None or response.request is None or self.file is None:
            return  # a replayed document (no response), or no JOBDIR
        fingerprint = self._fingerprint(response.request)
        self.file.write(len(fingerprint).to_bytes(2, "big") + fingerprint)
        self.file.flush()
