"""HTML article extraction: body text through trafilatura tuned for news, plus metadata.

Bare trafilatura is the reference users compare us with, so this module keeps
trafilatura as the engine and adds what a news corpus needs around it: the
page parsed once and bounded, consent banners and comment sections pruned,
the headline kept out of the body, repeated paragraphs collapsed, paragraphs
separated by blank lines, metadata normalised into the contract's columns
(:mod:`newscrawler.extraction.html_metadata`), and a fallback (the page's
JSON-LD ``articleBody``, then trafilatura's recall cascade, then its
baseline) when the precise pass finds too little.
"""

from __future__ import annotations

import logging
import re

from lxml.html import HtmlElement
from trafilatura import bare_extraction, baseline
from trafilatura.utils import load_html

from newscrawler.extraction.errors import NoArticleText
from newscrawler.extraction.html_metadata import PageMetadata, read_metadata
from newscrawler.extraction.result import Extraction

logger = logging.getLogger(__name__)

# Below this many characters the precise pass is taken to have missed the article.
MIN_BODY_CHARS = 250
# A declared articleBody this many times longer than what we extracted replaces it.
ARTICLE_BODY_RATIO = 1.5
# Containers that are never article text, whatever the site: consent and cookie banners.
PRUNE_XPATH = [
    "//*[not(self::html or self::body)][contains(translate(@id,'COKIE','cokie'),'cookie')"
    " or contains(translate(@class,'COKIE','cokie'),'cookie')"
    " or contains(@id,'onetrust') or contains(@class,'onetrust')"
    " or contains(translate(@id,'CONSET','conset'),'consent')"
    " or contains(translate(@class,'CONSET','conset'),'consent')"
    " or contains(@id,'gdpr') or contains(@class,'gdpr')]",
]
WHITESPACE = re.compile(r"\s+")


def extract_html(
    html: str, *, url: str | None = None, recurring: object | None = None
) -> Extraction:
    """Extract the article body and metadata of one HTML page.

    ``recurring`` is accepted for symmetry with the plain-text extractor; the
    cross-document paragraph cleaner runs on this function's output.
    """
    del recurring
    tree = parse_html(html)
    metadata = read_metadata(tree, url)
    text, extractor = extract_body(tree, url, metadata)
    if not text:
        raise NoArticleText("no article text found in the HTML page")
    return Extraction(
        text=text,
        title=metadata.title,
        authors=metadata.authors,
        published_at=metadata.published_at,
        site_name=metadata.site_name,
        canonical_url=metadata.canonical_url,
        description=metadata.description,
        tags=metadata.tags,
        declared_language=metadata.declared_language,
        extractor=extractor,
    )


def parse_html(html: str) -> HtmlElement:
    """Parse once with trafilatura's tolerant loader; raise when nothing parses."""
    tree = load_html(html)
    if tree is None:
        raise NoArticleText("the document does not parse as HTML")
    return tree


def extract_body(tree: HtmlElement, url: str | None, metadata: PageMetadata) -> tuple[str, str]:
    """Body text and the name of the extractor that produced it."""
    text = clean_paragraphs(_trafilatura_text(tree, url, precise=True), metadata.title)
    if _declared_body_is_longer(metadata.article_body, text):
        return clean_paragraphs(metadata.article_body, metadata.title), "json-ld"
    if len(text) >= MIN_BODY_CHARS:
        return text, "trafilatura"
    candidates = [
        (text, "trafilatura"),
        (clean_paragraphs(_trafilatura_text(tree, url, precise=False), metadata.title), "recall"),
        (clean_paragraphs(baseline(tree)[1], metadata.title), "baseline"),
    ]
    return max(candidates, key=lambda candidate: len(candidate[0]))


def _trafilatura_text(tree: HtmlElement, url: str | None, *, precise: bool) -> str:
    document = bare_extraction(
        tree,
        url=url,
        favor_precision=precise,
        include_comments=False,
        include_tables=True,
        prune_xpath=PRUNE_XPATH,
    )
    return document.text if document is not None and document.text else ""


def _declared_body_is_longer(article_body: str | None, text: str) -> bool:
    return bool(article_body) and len(article_body) > ARTICLE_BODY_RATIO * max(len(text), 1)


def clean_paragraphs(text: str | None, title: str | None = None) -> str:
    """One paragraph per line in, paragraphs separated by a blank line out.

    A leading paragraph that is the headline goes (the title has its own
    column), and a paragraph seen before is not repeated.
    """
    paragraphs = [WHITESPACE.sub(" ", line).strip() for line in (text or "").splitlines()]
    paragraphs = [p for p in paragraphs if p]
    if paragraphs and title and _same_text(paragraphs[0], title):
        paragraphs.pop(0)
    return "\n\n".join(_without_repeats(paragraphs))


def _without_repeats(paragraphs: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for paragraph in paragraphs:
        key = paragraph.casefold()
        if key in seen:
            continue
        seen.add(key)
        kept.append(paragraph)
    return kept


def _same_text(left: str, right: str) -> bool:
    return re.sub(r"\W+", "", left.casefold()) == re.sub(r"\W+", "", right.casefold())
