"""``newscrawler replay-spool``: store what earlier crawls fetched but could not store.

The spider has nothing of its own to fetch; the journal replay middleware
feeds it the documents left in ``SPOOL_DIR`` (every crawl does that at
start, this runs it on demand, e.g. right after a database outage).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy


class ReplaySpider(scrapy.Spider):
    name = "replay"
    custom_settings = {"ROBOTSTXT_OBEY": False}  # noqa: RUF012

    async def start(self) -> AsyncIterator[Any]:
        return
        yield  # an async generator with nothing of its own
