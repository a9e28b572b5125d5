"""Keeping the article paragraphs of a text and dropping what the site put around it.

A news text arrives wrapped in what the site puts around every article:
menus, search boxes, breadcrumbs, time-ago lines, like/share counters,
comment prompts, cookie and newsletter notices, "read more" teasers,
copyright and agency lines, trailers such as "Source link". Each line is
classified by its shape (:mod:`.classify`); lines that recur across the
documents of one crawl are chrome too (:mod:`.recurring`); the body is the
run of lines with the best prose score (a maximum-sum segment), so chrome
before and after it goes, and a title is the title-shaped line just before
it (:mod:`.titles`).

The language of a text (for its stop words) is the caller's to tell: pass
``language`` or a ``language_of`` function; with neither, no stop words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from newscrawler.extraction.classify import Kind, Line, best_segment, classify, line_score
from newscrawler.extraction.recurring import RecurringLines
from newscrawler.extraction.stopwords import LanguageOf, stop_words_for
from newscrawler.extraction.titles import first_credit, masthead, title_before

__all__ = ["Cleaned", "RecurringLines", "clean_lines", "clean_paragraphs"]


@dataclass(frozen=True, slots=True)
class Cleaned:
    title: str | None
    paragraphs: list[str]
    credit: str | None
    site_name: str | None = None


def clean_lines(
    texts: Sequence[str],
    *,
    recurring: RecurringLines | None = None,
    language: str | None = None,
    language_of: LanguageOf | None = None,
    find_title: bool = True,
) -> Cleaned:
    """Keep the article paragraphs of ``texts`` (one paragraph each), find title and credit."""
    if not texts:
        return Cleaned(None, [], None)
    stops = stop_words_for("\n".join(texts), language, language_of)
    lines = [classify(text, stops) for text in texts]
    repeated = recurring_flags(lines, recurring)
    segment = best_segment(
        [line_score(line, rep) for line, rep in zip(lines, repeated, strict=True)]
    )
    if segment is None:
        return Cleaned(None, [], first_credit(lines))
    start, end = segment
    body = [
        line.text
        for line, rep in zip(lines[start:end], repeated[start:end], strict=True)
        if line.kind is not Kind.CHROME and not rep
    ]
    title = title_before(lines, start) if find_title else None
    credit = first_credit([*lines[:start], *lines[end:]])
    return Cleaned(title, body, credit, masthead(lines, start, title))


def clean_paragraphs(
    paragraphs: list[str],
    *,
    recurring: RecurringLines | None = None,
    language_of: LanguageOf | None = None,
) -> list[str]:
    """Conservative clean-up of paragraphs an HTML extractor already chose.

    Only lines that are chrome by their own shape (counters, menus, share
    prompts, teasers, credit lines) or that recur across the crawl are
    removed, plus site notices at either end; other prose paragraphs stay.
    """
    if not paragraphs:
        return []
    stops = stop_words_for("\n".join(paragraphs), None, language_of)
    lines = [classify(text, stops, layout=False) for text in paragraphs]
    repeated = recurring_flags(lines, recurring)
    kept = [
        line
        for line, rep in zip(lines, repeated, strict=True)
        if line.kind is not Kind.CHROME and not rep
    ]
    while kept and kept[-1].notice:
        kept.pop()
    while kept and kept[0].notice:
        kept.pop(0)
    return [line.text for line in kept]


def recurring_flags(lines: Sequence[Line], recurring: RecurringLines | None) -> list[bool]:
    """Which lines recur across the crawl; then remember this document's lines."""
    if recurring is None:
        return [False] * len(lines)
    flags = [recurring.is_recurring(line.key) for line in lines]
    prose_words = sum(line.words for line in lines if line.kind is Kind.PROSE)
    recurring_words = sum(
        line.words
        for line, rep in zip(lines, flags, strict=True)
        if rep and line.kind is Kind.PROSE
    )
    if prose_words and recurring_words > prose_words / 2:
        flags = [False] * len(lines)  # most of the body recurs: a copy, not chrome
    recurring.observe((line.key for line in lines), "\n".join(line.key for line in lines))
    return flags
