"""Local-file spiders: ``files`` for any folder or glob, ``seeds`` for the project's seeds.

Each supported file (``.txt``, ``.html``, ``.htm``, ``.html.gz``) becomes one
raw document whose URL is the file's absolute ``file://`` URI. Anything else
(a missing path, an unknown extension, a broken gzip file) gets one log line
and a counted drop; the rest of the crawl goes on.

A folder of 100,000 files must cost no more memory than one of 1,000: the
file list is kept as one string a file (sorted Paths cost four times as
much), and a request is made only when the engine has room for it (Scrapy
reads ``start()`` ahead into its scheduler otherwise, about 1 KB a request).
"""

from __future__ import annotations

import glob
import gzip
import os
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy import signals
from scrapy.utils.gz import gunzip

from newscrawler import stats
from newscrawler.config import project_root
from newscrawler.extensions import services
from newscrawler.items import RawDocument
from newscrawler.usage import require

if TYPE_CHECKING:
    from scrapy.http import Response
    from twisted.python.failure import Failure

CONTENT_TYPES = {
    ".txt": "text/plain",
    ".html": "text/html",
    ".htm": "text/html",
    ".html.gz": "text/html",
    ".htm.gz": "text/html",
}


def supported_suffix(path: Path) -> str | None:
    """The supported suffix of ``path`` (``.html.gz`` counts as one), else None."""
    name = path.name.lower()
    return next(
        (
            suffix
            for suffix in sorted(CONTENT_TYPES, key=len, reverse=True)
            if name.endswith(suffix)
        ),
        None,
    )


def in_path_order(paths: Iterable[str]) -> Iterator[Path]:
    """``sorted(map(Path, paths))``, holding one string a path, each let go once yielded.

    A path separator compares below every other character, as when Paths
    compare their parts; the list is sorted backwards so that it shrinks from the end.
    """
    keys = sorted((path.replace(os.sep, "\0") for path in paths), reverse=True)
    while keys:
        yield Path(keys.pop().replace("\0", os.sep))


class FilesSpider(scrapy.Spider):
    name = "files"
    local_files = True  # the only spiders allowed to open file:// URLs
    # Local files: no robots.txt, no politeness delays.
    custom_settings = {  # noqa: RUF012
        "ROBOTSTXT_OBEY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    }

    def __init__(self, path: str | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.path = require(path, f"the {self.name} spider needs -a path=DIR_OR_GLOB")

    async def start(self) -> AsyncIterator[Any]:
        for path in self.matching_files(self.path):
            if supported_suffix(path) is None:
                self.count_drop("unsupported_type", "%s: unsupported file type, skipped", path)
                continue
            await self.room_for_a_request()
            yield scrapy.Request(path.as_uri(), callback=self.parse, errback=self.read_failed)

    async def room_for_a_request(self) -> None:
        """Wait until the engine could send one more request (Scrapy's lazy ``start()``)."""
        engine = self.crawler.engine
        if engine is not None and engine.needs_backout():
            await self.crawler.signals.wait_for(signals.scheduler_empty)

    def matching_files(self, pattern: str) -> Iterator[Path]:
        """Files under a folder, files matching a glob, or the one file named."""
        path = Path(pattern).expanduser()
        if path.is_dir():
            yield from in_path_order(str(p.resolve()) for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            yield path.resolve()
        else:
            matches = glob.glob(str(path), recursive=True)  # noqa: PTH207 (absolute patterns)
            files = in_path_order(str(Path(p).resolve()) for p in matches if Path(p).is_file())
            first = next(files, None)
            if first is None:
                self.count_drop("missing_path", "%s: no such file, folder or glob match", pattern)
                return
            yield first
            yield from files

    def parse(self, response: Response) -> Iterator[RawDocument]:
        path = Path(response.url.removeprefix("file://"))
        suffix = supported_suffix(path) or ""
        body = response.body
        if suffix.endswith(".gz"):
            try:
                body = gunzip(body, max_size=self.max_bytes)
            except (OSError, EOFError, zlib.error, gzip.BadGzipFile, ValueError) as error:
                self.count_drop("bad_gzip", "%s: not a readable gzip file (%s)", path, error)
                return
        yield RawDocument(
            url=response.url,
            body=body,
            spider=self.name,
            fetched_at=datetime.now(UTC),
            content_type=CONTENT_TYPES[suffix],
        )

    def read_failed(self, failure: Failure) -> None:
        self.count_drop(
            "unreadable",
            "%s: could not be read (%s)",
            getattr(getattr(failure, "request", None), "url", "?"),
            failure.getErrorMessage(),
        )

    @property
    def max_bytes(self) -> int:
        return services(self.crawler).config.extract_max_bytes

    def count_drop(self, reason: str, message: str, *args: Any) -> None:
        self.logger.warning(message, *args)
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(stats.dropped_key(reason))


class SeedsSpider(FilesSpider):
    """Replays the project's ``seeds/`` folder: the replayable fixtures."""

    name = "seeds"

    def __init__(self, path: str | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(path or str(project_root() / "seeds"), *args, **kwargs)
