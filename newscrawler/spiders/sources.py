"""``scrapy crawl sources -a file=sources.toml``: one scheduled job for a list of sites.

Each ``[[site]]`` names its feeds, sitemaps (or robots.txt) and article
URLs, and its own ``allow`` / ``deny`` patterns and ``since`` / ``max_age``
limit::

    [[site]]
    name = "riverside-herald"
    feeds = ["https://herald.example/rss.xml"]
    sitemaps = ["https://herald.example/robots.txt"]
    deny = "/(video|podcast)/"
    max_age = "2d"

The crawl stays on the hosts of those URLs (plus a site's ``domains``).
"""

from __future__ import annotations

import tomllib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newscrawler.spiders.links import Link
from newscrawler.spiders.web import SiteRules, WebSpider
from newscrawler.usage import SpiderArgumentError


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    rules: SiteRules = field(default_factory=SiteRules)

    @property
    def entry_points(self) -> list[str]:
        return [*self.feeds, *self.sitemaps, *self.urls]


SITE_KEYS = frozenset(
    {"name", "feeds", "sitemaps", "urls", "domains", "allow", "deny", "since", "max_age"}
)


def check_keys(
    path: Path, where: str, table: dict[str, Any], known: set[str] | frozenset[str]
) -> None:
    """A typo (``feed =`` for ``feeds =``) would silently fetch nothing: name it instead."""
    unknown = sorted(set(table) - known)
    if unknown:
        raise SpiderArgumentError(
            f"{path}: unknown key {', '.join(map(repr, unknown))} in {where} "
            f"(known: {', '.join(sorted(known))})"
        )


def load_sources(path: Path) -> list[Source]:
    """The ``[[site]]`` tables of a sources file."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    check_keys(path, "the file", data, {"site"})
    sources = []
    for number, site in enumerate(data.get("site", []), 1):
        check_keys(path, f"[[site]] {number}", site, SITE_KEYS)
        sources.append(
            Source(
                name=site.get("name", f"site {number}"),
                feeds=list(site.get("feeds", [])),
                sitemaps=list(site.get("sitemaps", [])),
                urls=list(site.get("urls", [])),
                domains=list(site.get("domains", [])),
                rules=SiteRules.parse(
                    site.get("allow"), site.get("deny"), site.get("since"), site.get("max_age")
                ),
            )
        )
    if not sources:
        raise SpiderArgumentError(f"{path}: no [[site]] tables")
    return sources


class SourcesSpider(WebSpider):
    name = "sources"

    def __init__(self, *args: Any, file: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not file:
            raise ValueError("the sources spider needs -a file=sources.toml")
        self.sources = load_sources(Path(file))
        for source in self.sources:
            self.allow_hosts_of(source.entry_points)
            self.allowed_domains.extend(source.domains)
            for url in source.entry_points:
                self.site_rules[urlsplit(url).hostname or ""] = source.rules

    async def start(self) -> AsyncIterator[Any]:
        for source in self.sources:
            for url in source.feeds:
                for request in self.feed_request(url):
                    yield request
            for url in source.sitemaps:
                for request in self.sitemap_request(url):
                    yield request
            for request in self.article_requests(Link(url) for url in source.urls):
                yield request
