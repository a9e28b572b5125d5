"""``scrapy crawl feeds -a url=FEED[,FEED...]``: follow RSS and Atom feeds to their articles.

The feed's entry title, date and authors travel with each article request
as hints, used where the article page itself says nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from newscrawler.spiders.web import WebSpider, split_list


class FeedsSpider(WebSpider):
    name = "feeds"

    def __init__(self, *args: Any, url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.feed_urls = split_list(url)
        if not self.feed_urls:
            raise ValueError("the feeds spider needs -a url=FEED_URL[,FEED_URL...]")
        self.allow_hosts_of(self.feed_urls)

    async def start(self) -> AsyncIterator[Any]:
        for url in self.feed_urls:
            for request in self.feed_request(url):
                yield request
