"""One entry point from a raw document to an :class:`Extraction`.

The Extract pipeline stage, the ``reextract`` command and the benchmarks all
call :func:`extract_document`, so what is measured is what runs.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from newscrawler.extraction.boilerplate import clean_paragraphs
from newscrawler.extraction.decode import decode_body
from newscrawler.extraction.errors import DocumentTooLarge, NoArticleText, UnsupportedDocument
from newscrawler.extraction.html import extract_html
from newscrawler.extraction.plaintext import extract_plain_text
from newscrawler.extraction.recurring import RecurringLines
from newscrawler.extraction.repeats import drop_repeated
from newscrawler.extraction.result import Extraction
from newscrawler.extraction.stopwords import LanguageOf
from newscrawler.language.identify import model_language

MARKUP = re.compile(r"<(?:!doctype|html|head|body|div|p|article|meta|title|br|span|a)\b", re.I)
MARKUP_SNIFF_CHARS = 4096
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")
TEXT_SUFFIXES = (".txt", ".text")


class DocumentKind(StrEnum):
    HTML = "html"
    TEXT = "text"


def document_kind(url: str, content_type: str | None) -> DocumentKind:
    """Tell HTML from plain text by declared content type, then by file name."""
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime in ("text/html", "application/xhtml+xml"):
        return DocumentKind.HTML
    if mime == "text/plain":
        return DocumentKind.TEXT
    name = PurePosixPath(urlsplit(url).path).name.lower()
    if name.endswith(HTML_SUFFIXES):
        return DocumentKind.HTML
    if name.endswith(TEXT_SUFFIXES):
        return DocumentKind.TEXT
    if not mime and urlsplit(url).scheme in ("http", "https"):
        return DocumentKind.HTML
    raise UnsupportedDocument(f"unsupported content type {mime or 'unknown'!r} for {name!r}")


def extract_document(
    body: bytes,
    *,
    url: str,
    content_type: str | None = None,
    encoding: str | None = None,
    max_bytes: int | None = None,
    recurring: RecurringLines | None = None,
    language_of: LanguageOf | None = None,
) -> Extraction:
    """Decode and extract one document; raise an ``ExtractionError`` when it has no article.

    ``language_of`` tells the text rules a text's language (for its stop
    words); by default the Language stage's py3langid model, loaded once per
    process, answers.
    """
    language_of = language_of or model_language
    if max_bytes is not None and len(body) > max_bytes:
        raise DocumentTooLarge(f"{len(body)} bytes is over the {max_bytes}-byte limit")
    kind = document_kind(url, content_type)
    decoded = decode_body(
        body,
        content_type=content_type,
        declared_encoding=encoding,
        is_html=kind is DocumentKind.HTML,
    )
    if kind is DocumentKind.HTML and not looks_like_markup(decoded.text):
        kind = DocumentKind.TEXT  # served as HTML, but plain text
    if kind is DocumentKind.HTML:
        result = extract_html(decoded.text, url=url)
        result.text = clean_html_text(result.text, recurring, language_of)
    else:
        result = extract_plain_text(decoded.text, recurring=recurring, language_of=language_of)
    if not result.text.strip():
        raise NoArticleText("no article text left after removing boilerplate")
    return result


def looks_like_markup(text: str) -> bool:
    """Whether the document has any tag near its start (some servers call everything HTML)."""
    return MARKUP.search(text[:MARKUP_SNIFF_CHARS]) is not None


def clean_html_text(
    text: str, recurring: RecurringLines | None, language_of: LanguageOf | None = None
) -> str:
    """The plain-text rules on what the HTML extractor kept: repeats and chrome that slipped by."""
    paragraphs = drop_repeated((p for p in text.split("\n\n") if p.strip()), keep_data=True)
    cleaned = clean_paragraphs(paragraphs, recurring=recurring, language_of=language_of)
    return "\n\n".join(cleaned)
