"""Choosing an HTML page's title between what it declares and the heading it shows.

A page names its article several times: ``og:title``, ``twitter:title``, the
JSON-LD ``headline`` and ``<title>`` (declared: written for search and social
media, often carrying a ``| Site name`` segment) and the visible ``<h1>``
(what readers see, but on many layouts the site's logo, a section or
category label, or the heading of something else than the article). The
declared title is the default. A heading replaces it only on evidence:

* strong, on any page: the heading is a declared title (same words), or a
  declared title with a kicker or site segment before it, or the start of a
  declared title that goes on ("Heading: a subtitle"), or what a declared
  title was cut from ("Heading of many words…" declared as "Heading of");
* weak, only on an article page (it declares ``og:type`` article or a
  schema.org article) where the heading is the only ``<h1>`` sharing words
  with a declared title: a rewritten headline that shares some of its words.

A heading that is a short label (under three words in a script that spaces
its words), names the site or links to the site's home page is never the
title. A kicker of up to three words that the heading carries and no declared
title does ("Opinion | Headline" shown, "Headline" declared) is dropped.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from newscrawler.text.normalise import paragraph_key, squash

# " | ", " - ", " — ", " :: " and, in Korean and Chinese titles, "ㅣ" / "丨" / "｜" without spaces.
TITLE_SEPARATORS = re.compile(r"\s+(?:[|–—·•:»]|-{1,2}|::)\s+|\s*[ㅣ丨｜]\s*")
SEPARATOR_MARK = re.compile(r"[:|–—]|\s-{1,2}\s")
TRAILING_SEGMENT = re.compile(r"\s*[-|–—:·•ㅣ丨｜_]")
# "Opinion | Headline": a section label set off by a bar, not part of the headline.
SECTION_KICKER = re.compile(r"^[^|]{1,40}\s\|\s")
# Characters that render as nothing: soft hyphens, zero-width spaces and joiners, BOM.
INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
WORD = re.compile(r"\w+")
ELLIPSIS = ("…", "...")
MIN_HEADING_CHARS, MAX_HEADING_CHARS = 10, 300
MIN_HEADING_OVERLAP = 0.3  # share of the heading's words found in a declared title
MIN_LABEL_WORDS = 3  # fewer words, in a spaced script, is a label ("Sleeping Bags")
MAX_KICKER_WORDS = 3
MIN_CUT_CHARS = 20  # a declared title this long may be the heading cut short


@dataclass(frozen=True, slots=True)
class Heading:
    """One visible ``<h1>``: its text and whether it links to the site's home page."""

    text: str
    links_home: bool = False


@dataclass(frozen=True, slots=True)
class TitleEvidence:
    """What a page says its title is; ``declared`` in order of trust (og, JSON-LD, …)."""

    headings: list[Heading]
    declared: list[str | None]
    fallback: str | None = None
    site_name: str | None = None
    url: str | None = None
    article_page: bool = False


def choose_title(evidence: TitleEvidence) -> str | None:
    """The declared title, or the visible heading where the evidence for it is strong."""
    site_keys = site_keys_of(evidence.site_name, evidence.url)
    titles = _without_trailing_segments(
        [t for t in (clean_title(v, site_keys) for v in evidence.declared) if t]
    )
    candidates = [h.text for h in evidence.headings if _may_be_title(h, site_keys)]
    related = [text for text in candidates if _shares_words(text, titles)]
    for heading in related:
        label = _is_label(heading)
        chosen = _segment_of(heading, titles) if label else _strongly_supported(heading, titles)
        if chosen:
            return chosen
    headlines = {text for text in related if not _is_label(text)}
    if evidence.article_page and len(headlines) == 1:
        return _without_kicker(headlines.pop(), titles)
    return titles[0] if titles else clean_title(evidence.fallback, site_keys)


def tidy_title(value: str | None) -> str | None:
    """One line, entities decoded, invisible characters out; None when nothing is left."""
    if not value:
        return None
    text = INVISIBLE.sub("", html.unescape(unicodedata.normalize("NFC", value)))
    text = " ".join(text.split())
    return text or None


def _without_trailing_segments(titles: list[str]) -> list[str]:
    """Each declared title without a segment that another one shows is an addition.

    ``Headline-Politics`` beside ``Headline`` (a section glued on without
    spaces) is ``Headline``: the boundary is where a separator follows the
    shorter one.
    """
    trimmed = []
    for title in titles:
        shorter = [
            other
            for other in titles
            if len(other) < len(title)
            and title.startswith(other)
            and TRAILING_SEGMENT.match(title, len(other))
        ]
        trimmed.append(min(shorter, key=len) if shorter else title)
    return trimmed


def _may_be_title(heading: Heading, site_keys: set[str]) -> bool:
    text = heading.text
    if not MIN_HEADING_CHARS <= len(text) <= MAX_HEADING_CHARS or heading.links_home:
        return False
    return not _is_site_name(text, site_keys)


def _segment_of(label: str, titles: list[str]) -> str | None:
    """A short heading that is a declared title or its first segment ("Installation — Docs").

    A later segment is where titles name the site or the section ("… | Travel").
    """
    key = squash(label)
    for title in titles:
        if squash(TITLE_SEPARATORS.split(title)[0]) == key:
            return label
    return None


def _is_site_name(text: str, site_keys: set[str]) -> bool:
    """The heading is the site's name, perhaps with a word or two ("ESPN", "The Mirror Online")."""
    squashed = squash(text)
    return any(
        squashed in key or (key in squashed and len(squashed) < 2 * len(key)) for key in site_keys
    )


def _is_label(text: str) -> bool:
    """A short label: under three words, in a script that puts spaces between words."""
    return len(WORD.findall(text)) < MIN_LABEL_WORDS and _spaced(text)


def _spaced(text: str) -> bool:
    """Latin, Cyrillic, Greek, Arabic… (not Chinese, Japanese or Thai, written without spaces)."""
    letters = [c for c in text if c.isalpha()]
    cjk = sum(1 for c in letters if unicodedata.name(c, "").startswith(("CJK", "HIRAGANA", "KATA")))
    return cjk < len(letters) / 2


def _shares_words(heading: str, titles: list[str]) -> bool:
    return any(_word_overlap(heading, title) >= MIN_HEADING_OVERLAP for title in titles)


def _word_overlap(text: str, other: str) -> float:
    words = set(WORD.findall(text.casefold()))
    return len(words & set(WORD.findall(other.casefold()))) / len(words) if words else 0.0


def _strongly_supported(heading: str, titles: list[str]) -> str | None:
    """The heading (or the declared form of it) when a declared title is its clear relative."""
    kicked = _without_kicker(heading, titles)
    if kicked != heading:
        return kicked
    key = squash(heading)
    same = [title for title in titles if squash(title) == key]
    if same:
        return _with_declared_separators(heading, same[0])
    for title in titles:
        declared = squash(title.rstrip("".join(ELLIPSIS)).rstrip())
        if key.endswith(declared) and len(declared) < len(key):
            continue  # the heading carries more words before the declared title: weak
        if _words_within(heading, title):
            return heading  # the declared title adds a kicker, a subtitle, a site segment
        if len(title) >= MIN_CUT_CHARS and key.startswith(declared):
            return heading  # the declared title is the heading cut short
    return None


def _words_within(heading: str, title: str) -> bool:
    """The heading's words, in order and together, inside the declared title."""
    return f" {paragraph_key(heading)} " in f" {paragraph_key(title)} "


def _with_declared_separators(heading: str, declared: str) -> str:
    """The declared form when it has a separator the markup left out ("Kicker Headline")."""
    return declared if _separators(declared) > _separators(heading) else heading


def _separators(text: str) -> int:
    return len(SEPARATOR_MARK.findall(text))


def _without_kicker(heading: str, titles: list[str]) -> str:
    """A declared title the heading ends with, when the rest is a kicker of a few words.

    The kicker stays when the most trusted declared title carries it too
    ("Colleges: Former star…" in ``og:title``), unless a declared title sets it
    off as a section ("Opinion | …").
    """
    key = squash(heading)
    if titles and squash(titles[0]) == key and not any(SECTION_KICKER.match(t) for t in titles):
        return heading
    for title in titles:
        declared = squash(title)
        if declared and key.endswith(declared):
            extra = _word_count(heading) - _word_count(title)
            if 0 < extra <= MAX_KICKER_WORDS:
                return title
    return heading


def _word_count(text: str) -> int:
    """Words as written, between spaces ("SVP-Sonderparteitag" is one, a lone "-" none)."""
    return sum(1 for token in text.split() if WORD.search(token))


def clean_title(title: str | None, site_keys: set[str]) -> str | None:
    """A declared title without a leading or trailing segment that names the site."""
    title = tidy_title(title)
    if not title:
        return None
    parts = TITLE_SEPARATORS.split(title)
    while len(parts) > 1 and names_site(parts[-1], site_keys):
        parts.pop()
    while len(parts) > 1 and names_site(parts[0], site_keys):
        parts.pop(0)
    return _rejoin(title, parts)


def site_keys_of(site_name: str | None, url: str | None) -> set[str]:
    """Squashed forms that name the site: its declared name and its domain's main label."""
    keys = {squash(site_name or "")}
    host = urlsplit(url or "").hostname or ""
    labels = [label for label in host.split(".") if label not in ("www", "m", "amp")]
    if len(labels) >= 2:
        keys.add(squash(labels[-2]))
    return {key for key in keys if len(key) >= 3}


def names_site(segment: str, site_keys: set[str]) -> bool:
    squashed = squash(segment)
    return bool(squashed) and any(key in squashed or squashed in key for key in site_keys)


def _rejoin(title: str, parts: list[str]) -> str:
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if start >= 0 and end > start else " ".join(parts)
