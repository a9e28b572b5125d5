"""``scrapy crawl feeds -a url=FEED[,FEED...]``: follow RSS and Atom feeds to their articles.

The feed's entry title, date and authors travel with each article request
as hints, used where the article page itself says nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import scrapy

from newscrawler.spiders.links import feed_links, is_feed, parse_xml
from newscrawler.spiders.web import WebSpider, split_list

if TYPE_CHECKING:
    from scrapy.http import Response


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
            if self.wanted(url):
                yield scrapy.Request(url, callback=self.parse_feed)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        parsed = parse_xml(response.body)
        if parsed.root is None or not is_feed(parsed.root):
            self.count("broken_feed", "%s: not a readable RSS or Atom feed", response.url)
            return
        links = feed_links(parsed.root, response.url)
        if parsed.malformed:
            self.count(
                "malformed_feed",
                "%s: malformed feed XML, %d entry link(s) recovered",
                response.url,
                len(links),
            )
        elif not links:
            self.count("empty_feed", "%s: the feed has no usable entry links", response.url)
        yield from self.article_requests(links)
