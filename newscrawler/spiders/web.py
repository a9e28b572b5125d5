"""What the web spiders (urls, feeds, sitemap, sources) share.

Web spiders only find and fetch: each article page becomes one raw
document, with whatever the feed or sitemap said about it as hints.
They never follow a link outside http(s), stay on the hosts they were
given (``allowed_domains``) unless told ``-a domains=...``, and apply the
optional ``-a allow=REGEX`` / ``-a deny=REGEX`` filters to article URLs.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots

from newscrawler import stats
from newscrawler.dedup.urls import DEFAULT_PORTS
from newscrawler.extensions import services
from newscrawler.items import RawDocument
from newscrawler.spiders.links import (
    Link,
    feed_links,
    is_feed,
    is_sitemap,
    is_web_url,
    local,
    parse_xml,
    sitemap_entries,
)

if TYPE_CHECKING:
    from scrapy.http import Response

DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
KEPT_HEADERS = ("Content-Type", "Content-Language", "ETag", "Last-Modified", "Date")
GZIP_MAGIC = b"\x1f\x8b"


def split_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def parse_cutoff(since: str | None, max_age: str | None) -> datetime | None:
    """The oldest publication time to keep: ``since`` (ISO) or now minus ``max_age`` (2d, 6h)."""
    if since:
        parsed = datetime.fromisoformat(since)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if max_age:
        match = DURATION.match(max_age)
        if match is None:
            raise ValueError(f"max_age {max_age!r}: use a number and s, m, h, d or w, e.g. 2d")
        amount, unit = float(match.group(1)), UNITS[match.group(2).lower()]
        return datetime.now(UTC) - timedelta(**{unit: amount})
    return None


@dataclass(frozen=True, slots=True)
class SiteRules:
    """Which article URLs of a site to fetch, and how old they may be."""

    allow: re.Pattern[str] | None = None
    deny: re.Pattern[str] | None = None
    cutoff: datetime | None = None

    @classmethod
    def parse(
        cls,
        allow: str | None = None,
        deny: str | None = None,
        since: str | None = None,
        max_age: str | None = None,
    ) -> SiteRules:
        return cls(
            re.compile(allow) if allow else None,
            re.compile(deny) if deny else None,
            parse_cutoff(since, max_age),
        )

    def admits(self, url: str) -> bool:
        if self.allow is not None and not self.allow.search(url):
            return False
        return self.deny is None or not self.deny.search(url)

    def too_old(self, published: datetime | None) -> bool:
        return self.cutoff is not None and published is not None and published < self.cutoff


class WebSpider(scrapy.Spider):
    """Base of the spiders that fetch articles over HTTP(S)."""

    handle_httpstatus_list = [304]  # noqa: RUF012  (a revisit answered "not modified")

    def __init__(
        self,
        *args: Any,
        allow: str | None = None,
        deny: str | None = None,
        domains: str | None = None,
        since: str | None = None,
        max_age: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rules = SiteRules.parse(allow, deny, since, max_age)
        self.site_rules: dict[str, SiteRules] = {}
        self.allowed_domains: list[str] = split_list(domains)
        self.allowed_ports: dict[str, set[int]] = {}  # see AllowedOriginsMiddleware

    def rules_for(self, url: str) -> SiteRules:
        return self.site_rules.get(urlsplit(url).hostname or "", self.rules)

    def allow_hosts_of(self, urls: Iterable[str]) -> None:
        """Stay on the hosts (Scrapy's offsite filter) and ports of the URLs we were given."""
        for url in urls:
            if not is_web_url(url):
                continue
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
            if host not in self.allowed_domains:
                self.allowed_domains.append(host)
            port = parts.port or DEFAULT_PORTS[parts.scheme]
            self.allowed_ports.setdefault(host, set()).add(port)

    def web_url(self, url: str) -> bool:
        if is_web_url(url):
            return True
        self.count("not_http", "%s: not an http(s) URL, not followed", url)
        return False

    def article_requests(self, links: Iterable[Link]) -> Iterator[scrapy.Request]:
        for link in links:
            rules = self.rules_for(link.url)
            if (
                self.web_url(link.url)
                and rules.admits(link.url)
                and not rules.too_old(link.published_at)
            ):
                yield scrapy.Request(
                    link.url,
                    callback=self.parse_article,
                    cb_kwargs={"hints": link.hints()},
                    meta={"newscrawler_article": True},
                )

    def parse_article(
        self, response: Response, hints: dict[str, Any] | None = None
    ) -> Iterator[RawDocument]:
        headers = {
            name: (response.headers.get(name) or b"").decode("latin-1")
            for name in KEPT_HEADERS
            if response.headers.get(name)
        }
        requested = response.request.url if response.request is not None else response.url
        yield RawDocument(
            url=response.url,
            body=response.body,
            spider=self.name,
            fetched_at=datetime.now(UTC),
            content_type=headers.get("Content-Type"),
            encoding=None,
            status=response.status,
            headers=headers,
            hints={
                **(hints or {}),
                **({"requested_url": requested} if requested != response.url else {}),
            },
        )

    def count(self, reason: str, message: str, *args: Any) -> None:
        self.logger.warning(message, *args)
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(stats.dropped_key(reason))

    # -- feeds and sitemaps (shared by the feeds, sitemap and sources spiders) --

    def feed_request(self, url: str) -> Iterator[scrapy.Request]:
        if self.web_url(url):
            yield scrapy.Request(url, callback=self.parse_feed)

    def sitemap_request(self, url: str, depth: int = 0) -> Iterator[scrapy.Request]:
        """A sitemap to read; ``depth`` counts the sitemap indexes above it."""
        limit = services(self.crawler).config.sitemap_max_depth
        if depth > limit:
            self.count("sitemap_too_deep", "%s: more than %d sitemap indexes deep, not followed",
                       url, limit)  # fmt: skip
        elif self.web_url(url):
            yield scrapy.Request(url, callback=self.parse_sitemap, meta={"sitemap_depth": depth})

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

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        if response.url.endswith("/robots.txt"):
            for url in sitemap_urls_from_robots(response.body, base_url=response.url):
                yield from self.sitemap_request(url)
            return
        body = self.sitemap_body(response)
        root = parse_xml(body).root if body is not None else None
        if root is None or not is_sitemap(root):
            self.count("broken_sitemap", "%s: not a readable sitemap", response.url)
            return
        rules = self.rules_for(response.url)
        entries = [e for e in sitemap_entries(root, response.url) if not rules.too_old(e.newest)]
        if local(root) == "sitemapindex":
            depth = response.meta.get("sitemap_depth", 0) + 1
            for entry in entries:
                yield from self.sitemap_request(entry.link.url, depth)
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
