"""``scrapy crawl warc -a path=FILE_OR_GLOB_OR_DIR``: replay WARC archives, fetching nothing.

Every HTTP 200 HTML or plain-text ``response`` record (and every revisit of
one read earlier) becomes one raw document with the record's target URI,
``WARC-Date`` as its fetch time and the archived HTTP headers; the pipeline
then treats it exactly like a page we fetched ourselves (an article in an
archive and in our own crawl is one article with two sightings). Other
records are counted under ``newscrawler/warc/skipped/<reason>``; broken or
refused ones (truncated, cut short, bad gzip, a ``file://`` target…) get one
log line and a ``newscrawler/dropped/<reason>`` count, and the rest of the
file goes on.

Documents are yielded from :meth:`WarcSpider.start` as items, never as
requests, so no downloader middleware (robots.txt, revisit intervals,
conditional GETs, the web-only guard) ever sees them and nothing is fetched.
Reading pauses whenever the pipelines have enough documents in hand, so a
multi-gigabyte archive streams through in constant memory.
"""

from __future__ import annotations

import asyncio
import glob
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import scrapy
from scrapy.exceptions import UsageError

from newscrawler import stats
from newscrawler.archive.read import ArchiveReader, Page, Selection, Skip, is_arc, is_archive
from newscrawler.extensions import services
from newscrawler.items import RawDocument
from newscrawler.spiders.reextract import parse_since
from newscrawler.spiders.web import split_list

SKIPPED = f"{stats.PREFIX}/warc/skipped"
RECORDS = f"{stats.PREFIX}/warc/records"
FILES = f"{stats.PREFIX}/warc/files"
PAGES = f"{stats.PREFIX}/warc/pages"
# Documents in the pipelines at once before reading pauses (Extract works one at a time).
MAX_IN_PIPELINES = 64
PAUSE_SECONDS = 0.01
RECORDS_PER_PAUSE = 200


def archive_files(pattern: str) -> list[Path]:
    """The files a ``path`` names: one file, every file under a folder, or a glob's matches."""
    path = Path(pattern).expanduser()
    if path.is_dir():
        return sorted(p.resolve() for p in path.rglob("*") if p.is_file())
    if path.is_file():
        return [path.resolve()]
    matches = (Path(p) for p in glob.glob(str(path), recursive=True))  # noqa: PTH207 (absolute patterns)
    return sorted(p.resolve() for p in matches if p.is_file())


def parse_limit(limit: str | None) -> int | None:
    if limit is None or limit == "":
        return None
    if not limit.isdigit() or int(limit) == 0:
        raise UsageError(
            f"the warc spider's limit must be a positive number of records: {limit!r}",
            print_help=False,
        )
    return int(limit)


def selection(
    allow: str | None, deny: str | None, domains: str | None, since: str | None, until: str | None
) -> Selection:
    """The spider's filters; a bad regex or date is a usage error naming the argument."""
    try:
        return Selection(
            allow=re.compile(allow) if allow else None,
            deny=re.compile(deny) if deny else None,
            domains=tuple(d.lower() for d in split_list(domains)),
            since=parse_since(since),
            until=parse_since(until),
        )
    except (re.error, ValueError) as error:
        message = f"the warc spider's allow/deny/since/until: {error}"
        raise UsageError(message, print_help=False) from error


class WarcSpider(scrapy.Spider):
    name = "warc"
    custom_settings = {"ROBOTSTXT_OBEY": False}  # noqa: RUF012  (nothing is fetched)

    def __init__(
        self,
        *args: Any,
        path: str | None = None,
        allow: str | None = None,
        deny: str | None = None,
        domains: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not path:
            raise UsageError("the warc spider needs -a path=FILE_OR_GLOB_OR_DIR", print_help=False)
        self.files = archive_files(path)
        if not self.files:
            raise UsageError(f"{path}: no such file, folder or glob match", print_help=False)
        self.selection = selection(allow, deny, domains, since, until)
        self.limit = parse_limit(limit)
        self.records = 0

    async def start(self) -> AsyncIterator[Any]:
        reader = ArchiveReader(self.selection, services(self.crawler).config.extract_max_bytes)
        for path in self.files:
            if self.limit_reached():
                return
            for document in self.documents(reader, path):
                if document is None:  # a stretch of skipped records: let the reactor run
                    await asyncio.sleep(0)
                    continue
                yield document
                await self.wait_for_pipelines()

    def limit_reached(self) -> bool:
        return self.limit is not None and self.records >= self.limit

    def documents(self, reader: ArchiveReader, path: Path) -> Iterator[RawDocument | None]:
        """The raw documents of one file; every skip counted (and logged when faulty).

        ``None`` after every ``RECORDS_PER_PAUSE`` records, so that a long run of
        records that are all skipped does not hold the reactor.
        """
        if not is_archive(path):
            reason = "arc_unsupported" if is_arc(path) else "not_warc"
            not_read = Skip(reason, 0, detail="not a .warc or .warc.gz file", faulty=True)
            self.count_skip(not_read, path)
            return
        self.inc(FILES)
        for outcome in reader.read(path):
            if isinstance(outcome, Skip):
                self.count_skip(outcome, path)
                if not outcome.is_record:
                    continue
            else:
                self.inc(PAGES)
                yield self.raw_document(outcome)
            self.inc(RECORDS)
            self.records += 1
            if self.limit_reached():
                return
            if self.records % RECORDS_PER_PAUSE == 0:
                yield None

    def raw_document(self, page: Page) -> RawDocument:
        return RawDocument(
            url=page.url,
            body=page.body,
            spider=self.name,
            fetched_at=page.fetched_at,
            content_type=page.content_type,
            encoding=page.charset,
            status=page.status,
            headers=page.headers,
        )

    async def wait_for_pipelines(self) -> None:
        """Let the pipelines catch up before reading on (memory stays flat)."""
        engine = self.crawler.engine
        slot = engine.scraper.slot if engine is not None else None
        while slot is not None and slot.itemproc_size >= MAX_IN_PIPELINES:
            await asyncio.sleep(PAUSE_SECONDS)

    def count_skip(self, skip: Skip, path: Path) -> None:
        if skip.faulty:
            self.logger.warning(
                "%s: %s near byte %d%s: %s, skipped",
                path,
                skip.reason,
                skip.offset,
                f" ({skip.url})" if skip.url else "",
                skip.detail,
            )
            self.inc(stats.dropped_key(skip.reason))
        else:
            self.inc(f"{SKIPPED}/{skip.reason}")

    def inc(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key)
