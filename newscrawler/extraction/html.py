"""HTML article extraction: body text through trafilatura tuned for news, plus metadata.

Bare trafilatura is the reference users compare us with, so this module keeps
trafilatura as the engine and adds what a news corpus needs around it: the
page parsed once and bounded, consent banners and comment sections pruned,
the headline kept out of the body and the standfirst kept in, link teasers,
datelines and ad labels dropped, repeated paragraphs collapsed, paragraphs
separated by blank lines, metadata normalised into the contract's columns
(:mod:`newscrawler.extraction.html_metadata`), and a fallback (the page's
JSON-LD ``articleBody``, then trafilatura's recall cascade, then its
baseline) when the precise pass finds too little.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from lxml.etree import LxmlError

from newscrawler.extraction._trafilatura import PageCascade, baseline_text, load_page
from newscrawler.extraction.errors import NoArticleText
from newscrawler.extraction.html_metadata import PageMetadata, read_metadata
from newscrawler.extraction.reconcile import declared_body_wins, reconcile
from newscrawler.extraction.repeats import is_data_line
from newscrawler.extraction.result import Extraction
from newscrawler.extraction.script_html import script_html
from newscrawler.text.chrome import AD_LABELS
from newscrawler.text.normalise import squash as _squash
from newscrawler.text.sentences import SENTENCE_END_CHARS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lxml.etree import _Element
    from lxml.html import HtmlElement

logger = logging.getLogger(__name__)

# Fewer non-space characters than this is not an article (a lone "Home" link, a date).
MIN_TEXT_CHARS = 20
# trafilatura's fast mode (main extractor only) is right on long articles; when its precise
# pass finds fewer characters than this, the full cascade (readability, jusText) runs too.
FULL_CASCADE_BELOW = 1500
# A precise text at least this share of the page's paragraph text lost nothing the recall
# pass could restore.
PRECISE_COVERS_PAGE = 0.9
# Below this many characters the precise pass is taken to have missed the article.
MIN_BODY_CHARS = 250
# A fallback replaces a short precise extraction only when it finds this many times more.
FALLBACK_RATIO = 2.0
# A page whose text is more than this share of link text is an index, not an article.
LINK_PAGE_SHARE = 0.5
# Containers that are never article text, whatever the site: consent, cookie and privacy
# banners, newsletter sign-up boxes, author biographies, share bars and image captions
# (matched on class and id), and embedded social posts
# (someone else's words, not the article's).
# A word counts when it starts a class/id token or a hyphen/underscore part of one, so that
# "cookie-banner" and "js-newsletter" match but "filterNonGdprEmbeds" does not.
CHROME_ATTRIBUTE = re.compile(
    r"(?:^|[\s_-])(?:cookie|consent|onetrust|gdpr|privacy|newsletter"
    r"|author-?bio|about-author|author-?box"  # the writer's biography box
    r"|caption"  # image captions and photo credits are not the article's prose
    r"|share-?(?:bar|buttons|tools|links)|social-?(?:share|links|buttons|icons))",
    re.IGNORECASE,
)
EMBED_CLASS = re.compile(r"twitter-tweet|instagram-media|tiktok-embed", re.IGNORECASE)
NEVER_PRUNED = frozenset({"html", "body", "article", "main"})
WHITESPACE = re.compile(r"\s+")
# A shown description: at least this long, compared on its first characters, and the element
# showing it no more than this much longer than the description itself.
MIN_STANDFIRST_CHARS = 40
STANDFIRST_KEY_CHARS = 40
STANDFIRST_SLACK = 1.3
# A short line without closing punctuation holding a year and a clock time is a dateline
# ("Sunday 17 December 2023 17:23, UK").
TIMESTAMP = re.compile(r"(?:19|20)\d\d\b.*\b\d{1,2}[:.h]\d\d\b|\b\d{1,2}:\d\d\b.*(?:19|20)\d\d")
# Labels of ad slots, alone on their line, compared squashed.
AD_LABEL_KEYS = frozenset(_squash(label) for label in AD_LABELS)
# A line that is only a date and/or a clock time ("10.11.2025 17:59", "2024-03-05").
DATE_OR_TIME = re.compile(
    r"(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\.?)?[\s,|–-]*(?:\d{1,2}[:.h]\d\d(?::\d\d)?)?\s*"
)
# HTML tags that reached the text escaped (a CMS storing markup as text).
LEAKED_TAG = re.compile(r"</?(?:div|p|span|a|img|br|iframe|script|strong|em|b|i|figure)\b[^<>]*>")
INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template", "title", "meta"})
# A short paragraph (or list item) whose text is mostly a link teases another page.
LINK_TEASER_SHARE = 0.6
LINK_TEASER_MAX_WORDS = 30
# Tables are kept when they hold at least this many words per word of the other text.
TABLE_SHARE = 0.6
# A list whose items are mostly link teasers is a related-links block.
LINK_LIST_SHARE = 0.5
# A paragraph this short without closing punctuation reads as a heading (characters, not
# words, so that it holds for languages written without spaces).
HEADING_MAX_CHARS = 60
# A leading paragraph holding the headline and at most this many other (squashed) characters
# is the headline with its kicker ("SVP-Sonderparteitag zur Migration" + headline).
KICKER_MAX_CHARS = 40
# Output-tree elements that start a new line when nested inside another one.
LINE_BREAKING_TAGS = frozenset({"lb", "p", "head", "item", "list", "quote"})


def extract_html(html: str, *, url: str | None = None) -> Extraction:
    """Extract the article body and metadata of one HTML page.

    The cross-document paragraph cleaner (:mod:`.recurring`) runs on this
    function's output, in :func:`~newscrawler.extraction.document.extract_document`.
    """
    try:
        tree = parse_html(html)
        metadata = read_metadata(tree, url)
        prune_chrome(tree)
        text, extractor = extract_body(tree, metadata)
    except (RecursionError, LxmlError) as error:  # pathological markup, not a bug of ours
        raise NoArticleText(f"the HTML could not be processed: {type(error).__name__}") from error
    if len("".join(text.split())) < MIN_TEXT_CHARS:
        raise NoArticleText(f"no article text found in the HTML page ({len(text)} characters)")
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
        image_url=metadata.image_url,
        extractor=extractor,
    )


def parse_html(html: str) -> HtmlElement:
    """Parse once with trafilatura's tolerant loader; raise when nothing parses."""
    tree = load_page(html)
    if tree is None:
        raise NoArticleText("the document does not parse as HTML")
    return tree


def prune_chrome(tree: HtmlElement) -> None:
    """Remove consent banners, sign-up boxes and social embeds, keeping following text."""
    doomed = [element for element in tree.xpath("//*[@class or @id]") if _is_chrome(element)]
    for element in doomed:
        element.drop_tree()


def _is_chrome(element: HtmlElement) -> bool:
    if not isinstance(element.tag, str) or element.tag in NEVER_PRUNED:
        return False
    marks = f"{element.get('class') or ''} {element.get('id') or ''}"
    if marks == " ":
        return False
    if element.tag == "blockquote" and EMBED_CLASS.search(marks):
        return True
    if CHROME_ATTRIBUTE.search(marks) is None:
        return False
    return element.find(".//h1") is None and element.find(".//article") is None


def extract_body(tree: HtmlElement, metadata: PageMetadata) -> tuple[str, str]:
    """Body text, led by the standfirst when the extractor missed it, and the extractor's name."""
    standfirst = find_standfirst(tree, metadata.description)  # before the cascade prunes
    text, extractor = _extract_main_text(tree, metadata)
    if standfirst and _squash(standfirst)[:STANDFIRST_KEY_CHARS] not in _squash(text):
        text = f"{standfirst}\n\n{text}" if text else standfirst
    return text, extractor


def find_standfirst(tree: HtmlElement, description: str | None) -> str | None:
    """The page's description when the page also shows it as its own element.

    News pages put a standfirst (dek, chapô, Vorspann) under the headline and
    usually declare the same sentence as their description; trafilatura often
    leaves it out because it sits outside the article container. A description
    that is only declared, not shown, stays out of the body.
    """
    if not description or len(description) < MIN_STANDFIRST_CHARS:
        return None
    key = _squash(description)[:STANDFIRST_KEY_CHARS]
    body = tree.find(".//body")
    for element in body.iter() if body is not None else ():
        if element.tag in INVISIBLE_TAGS or not element.text or len(element.text) < 20:
            continue
        if not key.startswith(_squashed_start(element.text)):
            continue
        content = element.text_content()  # an element whose own text is blank passes above
        if not _squashed_start(content).startswith(key):
            continue
        shown = WHITESPACE.sub(" ", content).strip()
        if len(shown) <= STANDFIRST_SLACK * len(description):
            return shown
    return None


def _squashed_start(text: str) -> str:
    """``squash(text)[:STANDFIRST_KEY_CHARS]``, squashing only as much of a long text as it takes.

    Squashing works character by character, so the squash of a prefix is a prefix of
    the squash; most elements' text is far longer than the key, and a container's
    text can be a whole page.
    """
    window = 4 * STANDFIRST_KEY_CHARS
    start = _squash(text[:window])
    while len(start) < STANDFIRST_KEY_CHARS and window < len(text):
        window *= 4
        start = _squash(text[:window])
    return start[:STANDFIRST_KEY_CHARS]


def _extract_main_text(tree: HtmlElement, metadata: PageMetadata) -> tuple[str, str]:
    """The body by trafilatura's passes and our fallbacks; prunes ``tree`` (see PageCascade)."""
    paragraph_chars = page_paragraph_chars(tree)
    cascade = PageCascade(tree)
    precise = _trafilatura_lines(cascade, precise=True, fast=True)
    short = len("".join(precise)) < FULL_CASCADE_BELOW
    if short:
        precise = _trafilatura_lines(cascade, precise=True, fast=False)
    lines = precise
    if _may_have_lost_text(precise, paragraph_chars):
        recall = _trafilatura_lines(cascade, precise=False, fast=True)
        lines = reconcile(precise, recall, metadata.article_body)
        if len("".join(lines)) < FULL_CASCADE_BELOW:
            # still short: the full cascade (readability, jusText) reaches what both fast
            # passes cut
            full = _trafilatura_lines(cascade, precise=False, fast=False)
            lines = reconcile(lines, full, metadata.article_body)
    text = tidy_paragraphs("\n".join(lines), metadata)
    if declared_body_wins(text, metadata.article_body):
        return tidy_paragraphs(metadata.article_body, metadata), "json-ld"
    if len(text) >= MIN_BODY_CHARS:
        return text, "trafilatura"
    rendered = _script_rendered_text(tree, metadata)
    if len(rendered) >= MIN_BODY_CHARS and len(rendered) > FALLBACK_RATIO * len(text):
        logger.debug("script fallback: %d characters instead of %d", len(rendered), len(text))
        return rendered, "script-html"
    if is_link_page(tree):
        return text, "trafilatura"
    for name in ("recall", "baseline"):
        if name == "recall":
            found = _trafilatura_text(cascade, precise=False)
        else:
            found = baseline_text(tree)
        candidate = tidy_paragraphs(found, metadata)
        if len(candidate) > FALLBACK_RATIO * len(text):
            logger.debug(
                "%s fallback: %d characters instead of %d", name, len(candidate), len(text)
            )
            return candidate, name
    return text, "trafilatura"


def _script_rendered_text(tree: HtmlElement, metadata: PageMetadata) -> str:
    """The article of a page whose body is rendered by script from HTML held in its scripts."""
    html = script_html(tree)
    if html is None:
        return ""
    lines = _trafilatura_lines(PageCascade(parse_html(html)), precise=True, fast=False)
    return tidy_paragraphs("\n".join(lines), metadata)


def page_paragraph_chars(tree: HtmlElement) -> int:
    """Characters of all the page's ``<p>`` text, spaces squeezed."""
    return sum(len(" ".join(p.text_content().split())) for p in tree.iter("p"))


def _may_have_lost_text(precise: list[str], paragraph_chars: int) -> bool:
    """Whether the precise pass kept less than nearly all of the page's paragraph text.

    The recall pass can only add text the precise one dropped; when the precise
    text is about as long as all the ``<p>`` text of the page, there is none to
    add (on both dev sets the recall pass then changed F1 by -0.003 summed over
    435 pages, against +0.739 on the other 244), and the pass is not run.
    """
    return len("\n".join(precise)) < PRECISE_COVERS_PAGE * paragraph_chars


def is_link_page(tree: HtmlElement) -> bool:
    """A page whose text is mostly link text is an index or a menu: nothing to fall back on."""
    page_text = len(tree.text_content())
    link_text = sum(len(link.text_content()) for link in tree.iter("a"))
    return not page_text or link_text > LINK_PAGE_SHARE * page_text


def _trafilatura_text(cascade: PageCascade, *, precise: bool, fast: bool = False) -> str:
    return "\n".join(_trafilatura_lines(cascade, precise=precise, fast=fast))


def _trafilatura_lines(cascade: PageCascade, *, precise: bool, fast: bool = False) -> list[str]:
    body = cascade.body(precise=precise, fast=fast)
    # Lines that are never text (an ad label, a bare timestamp) go before the passes are
    # compared: left in, an "Advertisement" between two paragraphs ends the recall run there.
    return [] if body is None else [line for line in body_paragraphs(body) if _is_text(_tidy(line))]


def body_paragraphs(body: _Element) -> list[str]:
    """Lines of trafilatura's output tree, dropping link teasers and link lists.

    A paragraph that is mostly link text ("MORE: <a>…</a>", "Related: <a>…</a>")
    points at another article; a list made mostly of such items is a
    related-stories or share block, and the heading right before it
    ("Read also", "Most popular") goes with it, as does a heading left at the end.
    """
    lines: list[str] = []
    table_lines: set[int] = set()  # indices of lines that come from a table
    heading_lines = 0  # how many of the last lines came from a heading-like element
    for element in body:
        if element.tag == "list" and _is_link_list(element):
            del lines[len(lines) - heading_lines :]
            heading_lines = 0
        elif element.tag == "list":
            lines += [f"- {line}" for item in element.iter("item") for line in _item_lines(item)]
            heading_lines = 0
        elif element.tag == "table":
            rows = _table_lines(element)
            table_lines.update(range(len(lines), len(lines) + len(rows)))
            lines += rows
            heading_lines = 0
        elif not _is_link_teaser(element):
            new_lines = list(_element_lines(element))
            lines += new_lines
            heading_lines = len(new_lines) if _is_heading_like(element) else 0
    # A heading that ends the body introduces something that was not kept.
    del lines[len(lines) - heading_lines :]
    return _without_side_tables(lines, table_lines)


def _without_side_tables(lines: list[str], table_lines: set[int]) -> list[str]:
    """Tables stay when they carry a good share of the text (the table is the article).

    A results table, standings or a schedule under two paragraphs of prose is
    what the page is about; a specification box or a nutrition panel beside a
    long article is an aside.
    """
    if not table_lines:
        return lines
    table_words = sum(len(lines[i].split()) for i in table_lines if i < len(lines))
    other_words = sum(len(line.split()) for i, line in enumerate(lines) if i not in table_lines)
    if table_words >= TABLE_SHARE * other_words:
        return lines
    return [line for i, line in enumerate(lines) if i not in table_lines]


def _table_lines(table: _Element) -> list[str]:
    """One line per table row, its cells separated by " | "; a table of links is dropped.

    Results, standings, schedules and data tables are the article on many
    pages; a table whose rows are mostly link teasers is a navigation block.
    """
    rows = [row for row in table.iter("row") if _joined_text(row, "").strip()]
    if not rows or sum(1 for row in rows if _is_link_teaser(row)) / len(rows) > LINK_LIST_SHARE:
        return []
    lines = []
    for row in rows:
        cells = [WHITESPACE.sub(" ", _joined_text(cell, " ")).strip() for cell in row.iter("cell")]
        line = " | ".join(cell for cell in cells if cell)
        if line:
            lines.append(line)
    return lines


def _is_link_list(element: _Element) -> bool:
    items = list(element.iter("item"))
    teasers = sum(1 for item in items if _is_link_teaser(item))
    return bool(items) and teasers / len(items) > LINK_LIST_SHARE


def _item_lines(item: _Element) -> Iterator[str]:
    return iter(()) if _is_link_teaser(item) else _element_lines(item)


def _is_heading_like(element: _Element) -> bool:
    if element.tag == "head":
        return True
    return _is_heading_text(_joined_text(element, " ").strip())


def _is_heading_text(text: str) -> bool:
    return len(text) <= HEADING_MAX_CHARS and not text.endswith(SENTENCE_END_CHARS)


def _element_lines(element: _Element) -> Iterator[str]:
    """Text of one output element, split where the page had line breaks."""
    parts: list[str] = []
    _collect_text(element, parts)
    for line in "".join(parts).split("\n"):
        if line.strip():
            yield line


def _collect_text(element: _Element, parts: list[str]) -> None:
    if element.tag in LINE_BREAKING_TAGS:
        parts.append("\n")
    if element.text:
        parts.append(element.text)
    for child in element:
        _collect_text(child, parts)
        if child.tail:
            parts.append(child.tail)


def _is_link_teaser(element: _Element) -> bool:
    text = _joined_text(element, " ")
    words = len(text.split())
    if not words or words > LINK_TEASER_MAX_WORDS:
        return False
    link_chars = sum(len(_joined_text(ref, "").strip()) for ref in element.iter("ref"))
    return link_chars >= LINK_TEASER_SHARE * len(text.strip())


def _joined_text(element: _Element, separator: str) -> str:
    return separator.join(str(part) for part in element.itertext())


def tidy_paragraphs(text: str | None, metadata: PageMetadata | None = None) -> str:
    """One paragraph per line in, paragraphs separated by a blank line out.

    A leading paragraph that is the headline goes (the title has its own
    column), so do paragraphs that only name the site, hold no letter at all
    (a view counter), are a bare timestamp line or an ad-slot label, and a
    paragraph seen before is not repeated. Markup that leaked into the text
    as escaped tags is stripped.
    """
    lines = (_without_markup(line) for line in (text or "").splitlines())
    paragraphs = [WHITESPACE.sub(" ", line).strip() for line in lines]
    site_name = metadata.site_name if metadata else None
    paragraphs = _with_interior_data(
        [p for p in paragraphs if p and _is_text(p) and not _same_text(p, site_name)]
    )
    title = metadata.title if metadata else None
    if paragraphs and _is_headline(paragraphs[0], title):
        paragraphs.pop(0)
    return "\n\n".join(_without_repeats(paragraphs))


def _tidy(line: str) -> str:
    return WHITESPACE.sub(" ", _without_markup(line)).strip()


def _is_text(paragraph: str) -> bool:
    """False for lines that carry no prose: a timestamp, an ad label (letterless: see below)."""
    if not _has_letter(paragraph):
        return any(c.isdigit() for c in paragraph) and not DATE_OR_TIME.fullmatch(paragraph)
    if _is_heading_text(paragraph) and TIMESTAMP.search(paragraph):
        return False
    return _squash(paragraph) not in AD_LABEL_KEYS


def _has_letter(text: str) -> bool:
    return any(character.isalpha() for character in text)


def _with_interior_data(paragraphs: list[str]) -> list[str]:
    """Lines of numbers stay inside the body (scores, figures, data rows), not at its edges.

    A number alone before the first or after the last worded paragraph is a
    counter or a date stamp; between worded paragraphs it is the article's data.
    """
    worded = [index for index, paragraph in enumerate(paragraphs) if _has_letter(paragraph)]
    if not worded:
        return []
    return paragraphs[worded[0] : worded[-1] + 1]


def _without_markup(line: str) -> str:
    return LEAKED_TAG.sub(" ", line) if "<" in line else line


def _without_repeats(paragraphs: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for paragraph in paragraphs:
        key = paragraph.casefold()
        if key in seen and not is_data_line(paragraph):
            continue
        seen.add(key)
        kept.append(paragraph)
    return kept


def _is_headline(paragraph: str, title: str | None) -> bool:
    """The headline, alone or with a kicker of a few characters glued before or after it."""
    if not title:
        return False
    line, headline = _squash(paragraph), _squash(title)
    if not headline or headline not in line:
        return False
    return len(line) - len(headline) <= KICKER_MAX_CHARS


def _same_text(left: str, right: str | None) -> bool:
    return bool(right) and _squash(left) == _squash(right or "")
