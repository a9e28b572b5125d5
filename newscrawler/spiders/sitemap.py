"""``scrapy crawl sitemap -a url=...``: sitemap indexes, urlsets, news sitemaps, robots.txt.

Give a sitemap (plain or gzipped), a sitemap index, or a site's
``robots.txt`` (its ``Sitemap:`` lines are followed). ``-a since=ISO`` or
``-a max_age=2d`` skips entries whose publication date or lastmod is older,
so that a scheduled run does not walk years of archives; a child sitemap
whose lastmod is older is not even fetched.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from newscrawler.spiders.web import WebSpider, split_list


class SitemapSpider(WebSpider):
    name = "sitemap"

    def __init__(self, *args: Any, url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sitemap_urls = split_list(url)
        if not self.sitemap_urls:
            raise ValueError("the sitemap spider needs -a url=SITEMAP_OR_ROBOTS_URL")
        self.allow_hosts_of(self.sitemap_urls)

    async def start(self) -> AsyncIterator[Any]:
        for url in self.sitemap_urls:
            for request in self.sitemap_request(url):
                yield request
