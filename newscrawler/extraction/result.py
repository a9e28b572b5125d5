"""The value every extractor returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class Extraction:
    """Clean text and metadata of one document.

    ``text`` holds the article body with paragraphs separated by one blank
    line; it is empty when nothing article-like was found.
    """

    text: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    declared_language: str | None = None
    source_credit: str | None = None
    image_url: str | None = None  # the lead image the page declares (og:image, JSON-LD image)
    extractor: str = ""
