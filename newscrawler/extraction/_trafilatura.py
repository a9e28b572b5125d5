"""The one place that reaches into trafilatura beyond its exported API.

trafilatura exports ``bare_extraction``, ``baseline`` and ``load_html`` (the
first two loosely typed, so typed here); the metadata helpers are internal
to it and may move or change in any release. Importing them here, and only
here, makes an upgrade that breaks them fail at import time in one module
instead of somewhere in a crawl.
"""

from __future__ import annotations

import logging
from copy import copy
from typing import TYPE_CHECKING, Any

from lxml.etree import ElementDefaultClassLookup
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    fromstring,
)
from trafilatura import bare_extraction, baseline
from trafilatura.baseline import html2txt
from trafilatura.core import (
    ESCALATION_ACCEPT_RATIO,
    ESCALATION_JUSTEXT_RATIO,
    ESCALATION_MAX_LENGTH,
    ESCALATION_PAGE_SHARE,
    _extract_and_compare,
    _forum_thread_page,
    _prepare_tree,
    _recall_retry,
)
from trafilatura.external import justext_rescue
from trafilatura.htmlprocessing import convert_tags, prune_unwanted_nodes, tree_cleaning
from trafilatura.metadata import examine_meta as _examine_meta
from trafilatura.metadata import extract_author as _extract_author
from trafilatura.metadata import extract_sitename as _extract_sitename
from trafilatura.metadata import extract_title as _extract_title
from trafilatura.settings import Extractor
from trafilatura.utils import (
    DOCTYPE_TAG,
    FAULTY_HTML,
    INVALID_XML_CHARS,
    is_dubious_html,
    repair_faulty_html,
)
from trafilatura.xpaths import (
    RAW_TREE_PRUNE_XPATH,
    REMOVE_COMMENTS_AND_LISTS_XPATH,
    REMOVE_COMMENTS_XPATH,
)

if TYPE_CHECKING:
    from lxml.etree import _Element
    from trafilatura.settings import Document

logger = logging.getLogger(__name__)

# What trafilatura's INVALID_XML_CHARS matches, as UTF-8: the ASCII control characters but
# tab, line feed and carriage return, and the noncharacters U+FFFE and U+FFFF.
CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
NONCHARACTER_BYTES = ("\ufffe".encode(), "\uffff".encode())


def _page_parser() -> HTMLParser:
    """trafilatura's parser (its settings), with each element's class chosen in C.

    lxml.html picks an element's Python class (form, input, label…) by a Python
    callback, run whenever a traversal first touches an element: three million
    times over the dev sets' 679 pages. trafilatura and we use no class-specific
    API, so here every element is a plain ``HtmlElement`` (1.5 ms a page less,
    outputs identical).
    """
    parser = HTMLParser(  # type: ignore[call-arg]  # the stubs lack default_doctype
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
    )
    parser.set_element_class_lookup(
        ElementDefaultClassLookup(
            element=HtmlElement,
            comment=HtmlComment,
            pi=HtmlProcessingInstruction,
            entity=HtmlEntity,
        )
    )
    return parser


PAGE_PARSER = _page_parser()
# repair_faulty_html looks for a self-closing <html/> in this much of the page.
PAGE_START_CHARS = 4096

__all__ = [
    "PageCascade",
    "baseline_text",
    "examine_meta",
    "extract_author",
    "extract_sitename",
    "extract_title",
    "extraction_body",
    "load_page",
]


def load_page(html: str) -> HtmlElement | None:
    """``trafilatura.load_html`` for a decoded page, parsed from its UTF-8 bytes.

    ``load_html`` hands lxml the Python string and falls back to UTF-8 bytes
    when that fails; lxml parses the bytes a third faster, and with
    trafilatura's parser set to UTF-8 both give the same tree (checked on the
    dev sets' 679 pages). The repairs and the not-HTML test are ``load_html``'s.
    """
    beginning = html[:50].lower()
    try:
        tree = fromstring(_repaired_utf8(html, beginning), parser=PAGE_PARSER)
    except Exception as error:  # what load_html logs and turns into None
        logger.error("lxml could not parse the page: %s", error)
        return None
    if is_dubious_html(beginning) and len(tree) < 2:
        logger.debug("parsed tree length %d: not HTML", len(tree))
        return None
    return tree


def _repaired_utf8(html: str, beginning: str) -> bytes:
    """``repair_faulty_html(html).encode("utf-8")``, its control characters deleted as bytes.

    trafilatura deletes them with a regular expression over the whole string;
    in UTF-8 an ASCII control byte or the encoding of U+FFFE/U+FFFF is never
    part of another character, so deleting the bytes is the same and costs a
    tenth. The start-of-page repairs run on the string first, as there, unless
    the start holds a control character (then trafilatura's own order is kept).
    """
    if INVALID_XML_CHARS.search(html, 0, PAGE_START_CHARS) is not None:
        return repair_faulty_html(html, beginning).encode("utf-8", "surrogatepass")
    repaired = _repair_page_start(html, beginning).encode("utf-8", "surrogatepass")
    repaired = repaired.translate(None, CONTROL_BYTES)
    for noncharacter in NONCHARACTER_BYTES:
        repaired = repaired.replace(noncharacter, b"")
    return repaired


def _repair_page_start(html: str, beginning: str) -> str:
    """The doctype and self-closing ``<html/>`` repairs of ``repair_faulty_html``."""
    if "doctype" in beginning:
        first_line, _, rest = html.partition("\n")
        html = DOCTYPE_TAG.sub("", first_line, count=1) + "\n" + rest
    for line in html[:PAGE_START_CHARS].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            return FAULTY_HTML.sub(r"\1>", html, count=1)
    return html


def extraction_body(tree: HtmlElement, **options: Any) -> _Element | None:
    """The output tree (``<body>`` of ``<p>``, ``<head>``, ``<list>``…) of ``bare_extraction``."""
    document = bare_extraction(tree, **options)
    if document is None or isinstance(document, dict):
        return None
    body: _Element | None = document.body
    return body


class PageCascade:
    """trafilatura's extraction passes over one page, the work on the raw tree done once.

    ``bare_extraction`` copies the page and prunes it with two page-wide
    XPath expressions before every pass; our extractor runs two or three
    passes (precise, balanced, sometimes the full cascade) over the same
    page, so here the prunes happen once and every pass starts from that
    pruned tree, running the same stages ``trafilatura_sequence`` runs with
    comments off (checked against ``bare_extraction`` in the tests). A forum
    thread (comments are its posts) goes through ``bare_extraction`` itself.

    The cascade takes the tree over: the prunes (comment sections, appended
    infinite-scroll articles) are made in place, because copying a page
    costs as much as parsing it. What reads the page afterwards reads it
    without those, as trafilatura's own baseline fallback does.
    """

    def __init__(self, tree: HtmlElement) -> None:
        self._page = tree
        self._forum = _forum_thread_page(tree)
        self._raw = (
            None
            if self._forum
            else prune_unwanted_nodes(
                prune_unwanted_nodes(tree, RAW_TREE_PRUNE_XPATH), REMOVE_COMMENTS_AND_LISTS_XPATH
            )
        )

    def body(self, *, precise: bool, fast: bool) -> _Element | None:
        """The output tree of one pass, as ``bare_extraction(tree, ...).body`` gives it."""
        if self._raw is None:
            return extraction_body(
                self._page,
                fast=fast,
                favor_precision=precise,
                include_comments=False,
                include_tables=True,
                include_links=True,
            )
        options = Extractor(
            output_format="python", fast=fast, precision=precise, comments=False, links=True
        )
        try:
            body, text = _sequence(self._raw, options)
        except (TypeError, ValueError):  # what bare_extraction turns into None
            return None
        return body if len(text) >= options.min_output_size else None


def _sequence(raw: HtmlElement, options: Extractor) -> tuple[_Element, str]:
    """``trafilatura_sequence`` after its raw-tree prunes, comments off, not a forum."""
    cleaned, backup = _prepared(raw, options)
    if options.focus == "precision":
        cleaned = prune_unwanted_nodes(cleaned, REMOVE_COMMENTS_XPATH)
    body, text = _extract_and_compare(cleaned, backup, raw, options)
    if options.focus == "precision":
        return body, text
    if len(text) < options.min_extracted_size:
        rescued, rescued_text, rescued_length = baseline(raw)
        if rescued_length > len(text):
            body, text = rescued, rescued_text
    if 0 < len(text) < ESCALATION_MAX_LENGTH and len(text) < ESCALATION_PAGE_SHARE * len(
        html2txt(raw)
    ):
        body, text = _escalated(raw, options, body, text)
    return body, text


def _prepared(raw: HtmlElement, options: Extractor) -> tuple[HtmlElement, HtmlElement]:
    """``_prepare_tree``; in fast mode without its backup copy, which only the comparison reads.

    The copy is of the whole cleaned page, and most of our passes are fast.
    """
    if not options.fast:
        return _prepare_tree(raw, options, None)
    cleaned = convert_tags(tree_cleaning(copy(raw), options), options, None)
    return cleaned, cleaned


def _escalated(
    raw: HtmlElement, options: Extractor, body: _Element, text: str
) -> tuple[_Element, str]:
    """Stage 4 of the cascade: a recall retry (and jusText unless fast), kept if clearly longer."""
    recall_options = copy(options)
    recall_options.focus = "recall"
    recall_body, recall_text, justext_body, justext_text = body, "", body, ""
    try:  # trafilatura logs and skips a candidate that fails; so do we
        recall_body, recall_text = _recall_retry(raw, recall_options, None)
        if not options.fast:
            justext_body, justext_text = justext_rescue(copy(raw), options)
    except Exception as error:
        logger.warning("trafilatura's recall retry failed: %s", error)
    if len(justext_text) > max(len(recall_text), ESCALATION_JUSTEXT_RATIO * len(text)):
        return justext_body, justext_text
    if len(recall_text) >= options.min_extracted_size and len(
        recall_text
    ) > ESCALATION_ACCEPT_RATIO * len(text):
        return recall_body, recall_text
    return body, text


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
