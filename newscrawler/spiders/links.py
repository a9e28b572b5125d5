"""Reading article links out of feeds and sitemaps, safely.

RSS 2.0, RSS 1.0 (RDF) and Atom feeds, sitemap indexes, urlsets and Google
News sitemaps are all lists of links with a little metadata. They are
parsed with lxml in recover mode (a broken feed still gives what it has),
without entity resolution or network access (no XXE), matching elements by
local name so that namespace variations do not matter. Only http(s) links
come out: a feed that points at ``file:///etc/passwd`` yields nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree

from newscrawler.text.dates import parse_datetime

WEB_SCHEMES = ("http", "https")


@dataclass(frozen=True, slots=True)
class Link:
    """An article link with what the feed or sitemap says about it."""

    url: str
    title: str | None = None
    published_at: datetime | None = None
    authors: tuple[str, ...] = field(default_factory=tuple)
    language: str | None = None
    description: str | None = None

    def hints(self) -> dict[str, object]:
        """Fallback metadata for the Extract stage (used where the page says nothing)."""
        hints: dict[str, object] = {
            "title": self.title,
            "published_at": self.published_at,
            "authors": list(self.authors),
            "language": self.language,
            "description": self.description,
        }
        return {key: value for key, value in hints.items() if value}


def is_web_url(url: str) -> bool:
    """An http(s) URL with a host and a valid port (anything else is refused, never raised)."""
    try:
        parts = urlsplit(url)
        return parts.scheme in WEB_SCHEMES and bool(parts.hostname) and _port_ok(parts.port)
    except ValueError:
        return False


def _port_ok(port: int | None) -> bool:
    return port is None or port > 0


def _join(base_url: str, link: str) -> str | None:
    """``link`` resolved against ``base_url``; None when it is malformed (a broken IPv6 host)."""
    try:
        return urljoin(base_url, link.strip())
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class ParsedXml:
    root: etree._Element | None
    malformed: bool  # errors were found; root holds what could be recovered


def parse_xml(body: bytes) -> ParsedXml:
    """The document element of ``body`` (None when nothing could be parsed)."""
    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, remove_comments=True,
        remove_pis=True, collect_ids=False,
    )  # fmt: skip
    try:
        root = etree.fromstring(body.strip(), parser)
    except etree.XMLSyntaxError:
        return ParsedXml(None, True)
    return ParsedXml(root, bool(parser.error_log))


def local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if local(child) == name]


def child_text(element: etree._Element, *names: str) -> str | None:
    for name in names:
        for child in children(element, name):
            text = "".join(str(part) for part in child.itertext()).strip()
            if text:
                return text
    return None


# -- feeds --------------------------------------------------------------------


def is_feed(root: etree._Element) -> bool:
    return local(root) in ("rss", "rdf", "feed")


def feed_links(root: etree._Element, base_url: str) -> list[Link]:
    """Entry links of an RSS 2.0, RSS 1.0/RDF or Atom feed."""
    entries = [element for element in root.iter() if local(element) in ("item", "entry")]
    channel = root.find(".//{*}channel")
    language = child_text(channel if channel is not None else root, "language")
    links = []
    for entry in entries:
        url = _entry_url(entry, base_url)
        if url is None:
            continue
        links.append(
            Link(
                url=url,
                title=child_text(entry, "title"),
                published_at=parse_datetime(
                    child_text(entry, "pubdate", "published", "date", "updated", "issued")
                ),
                authors=_entry_authors(entry),
                language=language,
                description=child_text(entry, "description", "summary"),
            )
        )
    return links


def _entry_url(entry: etree._Element, base_url: str) -> str | None:
    candidates = []
    for link in children(entry, "link"):
        href = link.get("href")
        if href is not None and link.get("rel", "alternate") == "alternate":
            candidates.append(href)
        elif href is None and link.text:
            candidates.append(link.text)
    about = entry.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
    candidates += [about] if about else []
    guid = children(entry, "guid")
    if guid and guid[0].get("isPermaLink", "true") == "true" and guid[0].text:
        candidates.append(guid[0].text)
    urls = [url for url in (_join(base_url, c) for c in candidates) if url is not None]
    # The first web link wins; a non-web one is returned only to be refused (and logged).
    return next((url for url in urls if is_web_url(url)), urls[0] if urls else None)


def _entry_authors(entry: etree._Element) -> tuple[str, ...]:
    found = (child_text(author, "name") for author in children(entry, "author"))
    names = [name for name in found if name]
    if not names:
        names = [text for text in (child_text(entry, "creator", "author"),) if text]
    return tuple(names)


# -- sitemaps -------------------------------------------------------------------


def is_sitemap(root: etree._Element) -> bool:
    return local(root) in ("urlset", "sitemapindex")


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    link: Link
    lastmod: datetime | None

    @property
    def newest(self) -> datetime | None:
        dates = [d for d in (self.link.published_at, self.lastmod) if d is not None]
        return max(dates) if dates else None


def sitemap_entries(root: etree._Element, base_url: str) -> list[SitemapEntry]:
    """``<url>`` entries of a urlset (or ``<sitemap>`` entries of an index), with news data."""
    entries = []
    for element in root:
        if local(element) not in ("url", "sitemap"):
            continue
        loc = child_text(element, "loc")
        url = _join(base_url, loc) if loc else None
        if url is None:
            continue
        news = next(iter(children(element, "news")), None)
        link = Link(url=url)
        if news is not None:
            publication = next(iter(children(news, "publication")), None)
            link = Link(
                url=url,
                title=child_text(news, "title"),
                published_at=parse_datetime(child_text(news, "publication_date")),
                language=child_text(publication, "language") if publication is not None else None,
            )
        entries.append(SitemapEntry(link, parse_datetime(child_text(element, "lastmod"))))
    return entries
