"""PageCascade runs trafilatura's passes over one prepared tree: it must give what
``bare_extraction`` gives for every pass our extractor uses, on real-layout pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from trafilatura import load_html

from bench.extraction import (
    LOCAL_CORPUS,
    dev_set_path,
    fundus_set_path,
    load_dev_set,
    load_fundus_set,
)
from newscrawler.extraction._trafilatura import PageCascade, extraction_body, load_page
from newscrawler.extraction.html import parse_html

FIXTURE = Path(__file__).parent / "fixtures" / "html" / "news_article.html"
PASSES = [(True, True), (True, False), (False, True), (False, False)]


def _pages() -> list[tuple[str, str]]:
    pages = [(FIXTURE.name, FIXTURE.read_text(encoding="utf-8"))]
    pages += [(path.name, path.read_text(encoding="utf-8")) for path in LOCAL_CORPUS.glob("*.html")]
    # A few real pages of each development set when they are there (CI has them).
    if (dev_set_path() / "articles.json").is_file():
        pages += [(p.name, p.body.decode("utf-8", "replace")) for p in load_dev_set(sample=6)]
    if (fundus_set_path() / "articles.json").is_file():
        pages += [(p.name, p.body.decode("utf-8", "replace")) for p in load_fundus_set(sample=6)]
    return pages


def _serialised(body: etree._Element | None) -> bytes | None:
    return None if body is None else etree.tostring(body, encoding="utf-8")


@pytest.mark.parametrize(("name", "html"), _pages(), ids=lambda value: str(value)[:40])
def test_every_pass_equals_bare_extraction(name: str, html: str) -> None:
    tree = parse_html(html)
    cascade = PageCascade(tree)
    for precise, fast in PASSES:
        expected = extraction_body(
            tree,
            fast=fast,
            favor_precision=precise,
            include_comments=False,
            include_tables=True,
            include_links=True,
        )
        got = cascade.body(precise=precise, fast=fast)
        assert _serialised(got) == _serialised(expected), (name, precise, fast)


def test_passes_leave_the_pruned_page_untouched() -> None:
    # The cascade prunes the page once, in place; every pass works on its own copy, so what
    # reads the page afterwards (the fallbacks) sees the same tree whichever passes ran.
    tree = parse_html(FIXTURE.read_text(encoding="utf-8"))
    cascade = PageCascade(tree)
    before = etree.tostring(tree)
    for precise, fast in PASSES:
        assert cascade.body(precise=precise, fast=fast) is not None
    assert etree.tostring(tree) == before


def test_the_page_loses_its_comment_section_in_place() -> None:
    prose = "The council approved the new harbour plan after a long debate. " * 8
    tree = parse_html(
        f"<html><body><article><h1>Harbour plan</h1><p>{prose}</p></article>"
        '<div id="comments"><p>First comment: what a waste of money.</p></div>'
        "</body></html>"
    )
    PageCascade(tree)
    text = tree.text_content()
    assert "harbour plan" in text
    assert "First comment" not in text


@pytest.mark.parametrize("declared", ["windows-1252", "shift_jis", "iso-8859-1", "utf-16"])
def test_a_decoded_page_keeps_its_text_whatever_charset_it_declares(declared: str) -> None:
    # The page is parsed from its UTF-8 bytes; a charset declared inside it must not make
    # the parser read those bytes as another encoding.
    words = "Müller’s café in Zürich — 東京の天気 — Ελλάδα"
    page = (
        f'<html><head><meta charset="{declared}">'
        f'<meta http-equiv="Content-Type" content="text/html; charset={declared}">'
        f"<title>{words}</title></head><body><p>{words}</p></body></html>"
    )
    tree = load_page(page)
    assert tree is not None
    assert tree.findtext(".//p") == words


def test_what_is_not_html_is_refused_as_trafilatura_refuses_it() -> None:
    assert load_page("just a line of text, no markup at all") is None
    assert load_html("just a line of text, no markup at all") is None


@pytest.mark.parametrize(
    "page",
    [
        # control characters and noncharacters inside the body, which libxml2 refuses
        "<html><body><p>Vote\x00 count\x0b ends\ufffe today\x1f at noon\uffff.</p></body></html>",
        # one at the very start too (trafilatura's own order of repairs is kept then)
        "\x0c<!DOCTYPE html><html><body><p>Tab\tand\r\nline breaks stay.</p></body></html>",
        # a doctype with a slash in it, and a self-closing <html/> on a later line
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd">\n<html lang="en"/>\n'
        "<body><p>Self-closing root element repaired.</p></body></html>",
    ],
)
def test_the_page_is_repaired_as_trafilatura_repairs_it(page: str) -> None:
    ours, theirs = load_page(page), load_html(page)
    assert ours is not None and theirs is not None
    assert etree.tostring(ours, encoding="unicode") == etree.tostring(theirs, encoding="unicode")
    assert "\x00" not in ours.text_content() and "\ufffe" not in ours.text_content()
