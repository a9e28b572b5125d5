"""HTML article extraction: body text through trafilatura tuned for news, plus metadata.

Bare trafilatura is the reference users compare us with, so this module keeps
trafilatura as the engine and adds what a news corpus needs around it:
paragraphs separated by blank lines, metadata normalised into the contract's
columns (UTC dates, author lists, ISO 639-1 language), and a fallback when
the main extractor finds nothing.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from trafilatura import bare_extraction, baseline

from newscrawler.extraction.errors import NoArticleText
from newscrawler.extraction.result import Extraction

logger = logging.getLogger(__name__)

MIN_BODY_CHARS = 200


def extract_html(
    html: str, *, url: str | None = None, recurring: object | None = None
) -> Extraction:
    """Extract the article body and metadata of one HTML page."""
    del recurring  # the plain-text paragraph cleaner runs after this function
    document = bare_extraction(
        html,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        with_metadata=True,
        deduplicate=True,
    )
    text = _paragraphs(document.text if document is not None else "")
    extractor = "trafilatura"
    if len(text) < MIN_BODY_CHARS:
        fallback = _paragraphs(baseline(html)[1])
        if len(fallback) > len(text):
            text, extractor = fallback, "baseline"
    if not text:
        raise NoArticleText("no article text found in the HTML page")
    return Extraction(
        text=text,
        title=getattr(document, "title", None),
        authors=_split_authors(getattr(document, "author", None)),
        published_at=_parse_date(getattr(document, "date", None)),
        site_name=getattr(document, "sitename", None),
        canonical_url=getattr(document, "url", None),
        description=getattr(document, "description", None),
        tags=list(getattr(document, "categories", None) or [])
        + list(getattr(document, "tags", None) or []),
        extractor=extractor,
    )


def _paragraphs(text: str | None) -> str:
    lines = (line.strip() for line in (text or "").splitlines())
    return "\n\n".join(line for line in lines if line)


def _split_authors(value: str | None) -> list[str]:
    return [name.strip() for name in (value or "").split(";") if name.strip()]


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
