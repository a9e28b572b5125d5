"""Reasons a document yields no article; each becomes one log line and a counted drop."""

from __future__ import annotations


class ExtractionError(Exception):
    """A document that cannot become an article. ``reason`` is a short stats key."""

    reason = "extraction_failed"


class EmptyDocument(ExtractionError):
    reason = "empty"


class BinaryDocument(ExtractionError):
    reason = "binary"


class UndecodableDocument(ExtractionError):
    reason = "undecodable"


class DocumentTooLarge(ExtractionError):
    reason = "too_large"


class UnsupportedDocument(ExtractionError):
    reason = "unsupported_type"


class NoArticleText(ExtractionError):
    reason = "no_article_text"
