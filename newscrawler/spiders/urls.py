"""``scrapy crawl urls -a file=URLS.txt`` (or ``-a url=URL[,URL...]``): fetch article URLs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from newscrawler.spiders.links import Link
from newscrawler.spiders.web import WebSpider, split_list


def read_url_list(path: Path) -> list[str]:
    """One URL a line; blank lines and ``#`` comments ignored."""
    urls = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            urls.append(line)
    return urls


class UrlsSpider(WebSpider):
    name = "urls"

    def __init__(
        self, *args: Any, file: str | None = None, url: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.urls = split_list(url) + (read_url_list(Path(file)) if file else [])
        if not self.urls:
            raise ValueError("the urls spider needs -a file=URLS.txt or -a url=URL")
        self.allow_hosts_of(self.urls)

    async def start(self) -> AsyncIterator[Any]:
        for request in self.article_requests(Link(url) for url in self.urls):
            yield request
