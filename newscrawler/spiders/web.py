"""What the web spiders (urls, feeds, sitemap, sources) share.

Web spiders only find and fetch: each article page becomes one raw
document, with whatever the feed or sitemap said about it as hints.
They never follow a link outside http(s), stay on the hosts they were
given (``allowed_domains``) unless told ``-a domains=...``, and apply the
optional ``-a allow=REGEX`` / ``-a deny=REGEX`` filters to article URLs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy

from newscrawler import stats
from newscrawler.items import RawDocument
from newscrawler.spiders.links import Link, is_web_url

if TYPE_CHECKING:
    from scrapy.http import Response

DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
KEPT_HEADERS = ("Content-Type", "Content-Language", "ETag", "Last-Modified", "Date")


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
        self.allow = re.compile(allow) if allow else None
        self.deny = re.compile(deny) if deny else None
        self.extra_domains = split_list(domains)
        self.cutoff = parse_cutoff(since, max_age)
        self.allowed_domains: list[str] = list(self.extra_domains)

    def allow_hosts_of(self, urls: Iterable[str]) -> None:
        """Stay on the hosts of the URLs we were given (Scrapy's offsite filter)."""
        for url in urls:
            host = urlsplit(url).hostname
            if host and host not in self.allowed_domains:
                self.allowed_domains.append(host)

    def wanted(self, url: str) -> bool:
        if not is_web_url(url):
            self.count("not_http", "%s: not an http(s) URL, not followed", url)
            return False
        if self.allow is not None and not self.allow.search(url):
            return False
        return self.deny is None or not self.deny.search(url)

    def too_old(self, published: datetime | None) -> bool:
        return self.cutoff is not None and published is not None and published < self.cutoff

    def article_requests(self, links: Iterable[Link]) -> Iterator[scrapy.Request]:
        for link in links:
            if self.wanted(link.url) and not self.too_old(link.published_at):
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
            name: response.headers.get(name, b"").decode("latin-1")
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
