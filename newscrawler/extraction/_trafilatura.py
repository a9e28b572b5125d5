"""The one place that reaches into trafilatura beyond its exported API.

trafilatura exports ``bare_extraction``, ``baseline`` and ``load_html`` (the
first two loosely typed, so typed here); the metadata helpers are internal
to it and may move or change in any release. Importing them here, and only
here, makes an upgrade that breaks them fail at import time in one module
instead of somewhere in a crawl.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trafilatura import bare_extraction, baseline
from trafilatura.metadata import examine_meta as _examine_meta
from trafilatura.metadata import extract_author as _extract_author
from trafilatura.metadata import extract_sitename as _extract_sitename
from trafilatura.metadata import extract_title as _extract_title

if TYPE_CHECKING:
    from lxml.etree import _Element
    from lxml.html import HtmlElement
    from trafilatura.settings import Document

__all__ = [
    "baseline_text",
    "examine_meta",
    "extract_author",
    "extract_sitename",
    "extract_title",
    "extraction_body",
]


def extraction_body(tree: HtmlElement, **options: Any) -> _Element | None:
    """The output tree (``<body>`` of ``<p>``, ``<head>``, ``<list>``…) of ``bare_extraction``."""
    document = bare_extraction(tree, **options)
    if document is None or isinstance(document, dict):
        return None
    body: _Element | None = document.body
    return body


def baseline_text(tree: HtmlElement) -> str:
    """The text of trafilatura's baseline extractor (JSON-LD body, ``<article>``, ``<p>``s)."""
    result = baseline(tree)
    return str(result[1])


def examine_meta(tree: HtmlElement) -> Document:
    """trafilatura's reading of the page's ``<meta>`` tags (title, author, site, dates…)."""
    return _examine_meta(tree)


def extract_author(tree: HtmlElement) -> str | None:
    """trafilatura's byline search in the page's markup."""
    return _extract_author(tree)


def extract_title(tree: HtmlElement) -> str | None:
    """trafilatura's title search (``<title>``, ``<h1>``, …)."""
    return _extract_title(tree)


def extract_sitename(tree: HtmlElement) -> str | None:
    """trafilatura's site-name search."""
    return _extract_sitename(tree)
