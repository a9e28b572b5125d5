"""Article metadata from an HTML tree, normalised into the contract's columns.

trafilatura finds titles, authors and site names well, but hands back dates
without time or zone, authors mixed with publishers and titles carrying the
site's suffix. This module reads what the page declares (Open Graph,
``article:*`` and Dublin Core meta tags, ``<link rel=canonical>``,
``<html lang>``) and uses trafilatura's own metadata only where the page
declares nothing better. JSON-LD is read by :mod:`.json_ld`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from htmldate import find_date

from newscrawler.extraction._trafilatura import (
    examine_meta,
    extract_author,
    extract_sitename,
    extract_title,
)
from newscrawler.extraction.json_ld import (
    ARTICLE_TYPES,
    article_body,
    json_ld_article,
    ld_authors,
    ld_image,
    ld_name,
    ld_types,
    split_names,
)
from newscrawler.extraction.title_choice import Heading, TitleEvidence, choose_title, tidy_title
from newscrawler.text.chrome import BYLINE_WORD_PATTERN
from newscrawler.text.dates import parse_datetime
from newscrawler.text.languages import normalise_language
from newscrawler.text.normalise import squash as _squash

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lxml.html import HtmlElement
    from trafilatura.settings import Document

PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.issued",
    "date",
    "article.published",
    "cxenseparse:recs:publishtime",
)
LANGUAGE_META = ("og:locale", "content-language", "language", "dc.language", "inlanguage")
BYLINE_PREFIX = re.compile(rf"^(?:{BYLINE_WORD_PATTERN})\s*:?\s+", re.IGNORECASE)
POSTS_BY = re.compile(r"^(?:view|see|read|more)\b.*\bby\s+", re.IGNORECASE)
MAX_AUTHOR_WORDS = 6


@dataclass(slots=True)
class PageMetadata:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    declared_language: str | None = None
    article_body: str | None = None  # JSON-LD articleBody, used as a fallback body
    image_url: str | None = None  # the lead image, an absolute http(s) URL


def read_metadata(tree: HtmlElement, url: str | None = None) -> PageMetadata:
    """Everything the page says about its article, with declared values first."""
    meta = _meta_tags(tree)
    ld = json_ld_article(tree)
    declared_authors = ld_authors(ld.get("author"))
    found = _trafilatura_metadata(tree, url, search_byline=not declared_authors)
    site_name = _first_text(ld_name(ld.get("publisher")), meta.get("og:site_name"), found.sitename)
    return PageMetadata(
        title=tidy_title(choose_title(_title_evidence(tree, ld, meta, found, site_name, url))),
        authors=clean_authors(declared_authors or split_names(found.author), site_name),
        published_at=_published_at(ld, meta, tree) or parse_datetime(found.date),
        site_name=site_name,
        canonical_url=_canonical_url(tree, meta),
        description=_first_text(
            meta.get("og:description"), meta.get("description"), found.description
        ),
        tags=_tags(ld, meta, found.categories, found.tags),
        declared_language=declared_language(tree, meta, ld),
        article_body=article_body(ld),
        image_url=lead_image(ld, meta, url),
    )


def _trafilatura_metadata(tree: HtmlElement, url: str | None, *, search_byline: bool) -> Document:
    """The parts of trafilatura's metadata search we use, without the costly rest.

    ``extract_metadata`` also re-reads JSON-LD (done here), scans for category
    and tag links and licences, and resolves the domain against the public
    suffix list; together that doubled the metadata time for no better column.
    The byline search in the markup (about 10 ms a page) runs only when
    ``search_byline`` says the JSON-LD named no author.
    """
    found = examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None  # trafilatura's own rule: one word is a handle, not a name
    if search_byline:
        found.author = found.author or extract_author(tree)
    found.title = found.title or extract_title(tree)
    found.sitename = found.sitename or extract_sitename(tree)
    # Only what is cheap and reliable: no full-text date search with dateparser (slow, noisy).
    found.date = find_date(tree, url=url, extensive_search=False, original_date=True)
    return found


# --- reading the page -------------------------------------------------------------------------


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    """``<meta>`` values by lower-cased name/property/itemprop/http-equiv; first one wins."""
    values: dict[str, str] = {}
    for element in tree.iter("meta"):
        content = (element.get("content") or "").strip()
        if not content:
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = (element.get(attribute) or "").strip().lower()
            if key:
                values.setdefault(key, content)
    return values


def _first_text(*values: Any) -> str | None:
    for value in values:
        if isinstance(value, list):
            value = next((v for v in value if isinstance(v, str)), None)
        if isinstance(value, str) and value.strip():
            return re.sub(r"\s+", " ", value).strip()
    return None


def _published_at(ld: dict[str, Any], meta: dict[str, str], tree: HtmlElement) -> datetime | None:
    candidates = [ld.get("datePublished"), ld.get("dateCreated")]
    candidates += [meta.get(name) for name in PUBLISHED_META]
    candidates += [t.get("datetime") for t in tree.iterfind(".//time[@itemprop='datePublished']")]
    for candidate in candidates:
        parsed = parse_datetime(candidate if isinstance(candidate, str) else None)
        if parsed is not None:
            return parsed
    return None


IMAGE_META = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "image")


def lead_image(ld: dict[str, Any], meta: dict[str, str], url: str | None) -> str | None:
    """The lead image the page declares (Open Graph, Twitter card, JSON-LD), made absolute."""
    candidates = [meta.get(name) for name in IMAGE_META] + [ld_image(ld.get("image"))]
    for candidate in candidates:
        if not candidate or candidate.startswith("data:"):
            continue
        absolute = urljoin(url or "", candidate.strip())
        if urlsplit(absolute).scheme in ("http", "https"):
            return absolute
    return None


def _canonical_url(tree: HtmlElement, meta: dict[str, str]) -> str | None:
    for link in tree.iterfind(".//link[@rel]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            href = (link.get("href") or "").strip()
            if _names_web_page(href):
                return href
    og_url = meta.get("og:url", "")
    return og_url if _names_web_page(og_url) else None


def _names_web_page(url: str) -> bool:
    """An http(s) URL by its scheme alone: a malformed one is judged (and logged) by Dedup."""
    return url.lower().startswith(("http://", "https://"))


def _tags(ld: dict[str, Any], meta: dict[str, str], *found: list[str] | None) -> list[str]:
    raw: list[str] = []
    for value in (ld.get("keywords"), ld.get("articleSection")):
        if isinstance(value, str):
            raw += value.split(",")
        elif isinstance(value, list):
            raw += [v for v in value if isinstance(v, str)]
    raw += [meta.get("article:section", ""), *meta.get("article:tag", "").split(",")]
    for values in found:
        for value in values or []:
            raw += value.split(",")
    return _unique(tag.strip() for tag in raw if tag.strip())


def _unique(values: Iterator[str] | list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.casefold(), value)
    return list(seen.values())


# --- normalising ------------------------------------------------------------------------------


def _title_evidence(
    tree: HtmlElement,
    ld: dict[str, Any],
    meta: dict[str, str],
    found: Document,
    site_name: str | None,
    url: str | None,
) -> TitleEvidence:
    return TitleEvidence(
        headings=_headings(tree, url),
        declared=[
            ld.get("headline"),
            meta.get("og:title"),
            meta.get("twitter:title"),
            _title_tag(tree),
        ],
        fallback=found.title,
        site_name=site_name,
        url=url,
        article_page=_declares_article(ld, meta),
    )


def _declares_article(ld: dict[str, Any], meta: dict[str, str]) -> bool:
    """The page says it is one article: ``og:type`` article or a schema.org article object."""
    return (
        bool(ARTICLE_TYPES & ld_types(ld)) or meta.get("og:type", "").strip().lower() == "article"
    )


def _title_tag(tree: HtmlElement) -> str | None:
    element = tree.find(".//title")
    return element.text_content() if element is not None else None


def _headings(tree: HtmlElement, url: str | None) -> list[Heading]:
    return [Heading(_heading_text(h1), links_home=_links_home(h1, url)) for h1 in tree.iter("h1")]


def _heading_text(h1: HtmlElement) -> str:
    """The heading's text without a trailing permalink symbol ("Installation¶", "Usage #")."""
    text = _first_text(h1.text_content()) or ""
    for link in h1.iter("a"):
        mark = link.text_content().strip()
        if mark and len(mark) <= 2 and not any(c.isalnum() for c in mark) and text.endswith(mark):
            text = text[: -len(mark)].rstrip()
    return text


def _links_home(element: HtmlElement, url: str | None) -> bool:
    """The element is a link to the site's home page (a logo), or holds only such a link."""
    links = [element] if element.tag == "a" else list(element.iter("a"))
    for link in links:
        target = urlsplit(urljoin(url or "", (link.get("href") or "").strip()))
        if target.path in ("", "/") and not target.query and not target.fragment:
            return True
    return False


def clean_authors(names: list[str], site_name: str | None) -> list[str]:
    """Person names only: no publisher, no "By", no e-mail or link, one of each."""
    site_key = _squash(site_name or "")
    cleaned = []
    for name in names:
        name = POSTS_BY.sub("", BYLINE_PREFIX.sub("", name)).strip(" .-–—")
        squashed = _squash(name)
        if not squashed or "@" in name or "://" in name or name.startswith("www."):
            continue
        if site_key and (squashed in site_key or site_key in squashed):
            continue
        if len(name.split()) > MAX_AUTHOR_WORDS:
            continue
        cleaned.append(name)
    return _unique(cleaned)


def declared_language(tree: HtmlElement, meta: dict[str, str], ld: dict[str, Any]) -> str | None:
    """ISO 639-1 code from ``<html lang>``, then language meta tags, then JSON-LD."""
    candidates = [
        tree.get("lang"),
        tree.get("xml:lang"),
        tree.get("{http://www.w3.org/XML/1998/namespace}lang"),
    ]
    candidates += [meta.get(name) for name in LANGUAGE_META]
    candidates.append(ld.get("inLanguage") if isinstance(ld.get("inLanguage"), str) else None)
    for candidate in candidates:
        code = normalise_language(candidate)
        if code:
            return code
    return None
