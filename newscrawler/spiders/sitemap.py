"""``scrapy crawl sitemap -a url=...``: sitemap indexes, urlsets, news sitemaps, robots.txt.

Give a sitemap (plain or gzipped), a sitemap index, or a site's
``robots.txt`` (its ``Sitemap:`` lines are followed). ``-a since=ISO`` or
``-a max_age=2d`` skips entries whose publication date or lastmod is older,
so that a scheduled run does not walk years of archives; a child sitemap
whose lastmod is older is not even fetched.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots

from newscrawler.spiders.links import is_sitemap, local, parse_xml, sitemap_entries
from newscrawler.spiders.web import WebSpider, split_list

if TYPE_CHECKING:
    from scrapy.http import Response

GZIP_MAGIC = b"\x1f\x8b"


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
            if self.wanted(url):
                yield scrapy.Request(url, callback=self.parse_sitemap)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        if response.url.endswith("/robots.txt"):
            for url in sitemap_urls_from_robots(response.body, base_url=response.url):
                if self.wanted(url):
                    yield scrapy.Request(url, callback=self.parse_sitemap)
            return
        body = self.sitemap_body(response)
        root = parse_xml(body).root if body is not None else None
        if root is None or not is_sitemap(root):
            self.count("broken_sitemap", "%s: not a readable sitemap", response.url)
            return
        entries = [e for e in sitemap_entries(root, response.url) if not self.too_old(e.newest)]
        if local(root) == "sitemapindex":
            for entry in entries:
                if self.wanted(entry.link.url):
                    yield scrapy.Request(entry.link.url, callback=self.parse_sitemap)
        else:
            yield from self.article_requests(entry.link for entry in entries)

    def sitemap_body(self, response: Response) -> bytes | None:
        """The XML, unzipped when the sitemap came gzipped (and the server did not say so)."""
        if not response.body.startswith(GZIP_MAGIC):
            return response.body
        try:
            return gunzip(response.body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        except (OSError, EOFError, zlib.error, ValueError) as error:
            self.count("broken_sitemap", "%s: broken gzip sitemap (%s)", response.url, error)
            return None
