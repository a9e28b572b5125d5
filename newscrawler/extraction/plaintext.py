"""Plain-text news documents: paragraphs, repeats, chrome, title, credit.

Plain text arrives as one paragraph per line, as blank-line separated
paragraphs, or hard-wrapped at a fixed width; it may carry its body twice
and is wrapped in whatever the site printed around it. This module turns
it into paragraphs, keeps each once, and lets :mod:`.boilerplate` decide
which of them are the article.
"""

from __future__ import annotations

import re
import statistics

from newscrawler.extraction.boilerplate import clean_lines
from newscrawler.extraction.classify import is_byline, word_count
from newscrawler.extraction.recurring import RecurringLines
from newscrawler.extraction.repeats import drop_repeated
from newscrawler.extraction.result import Extraction
from newscrawler.extraction.stopwords import LanguageOf
from newscrawler.text.sentences import SENTENCE_END

__all__ = ["RecurringLines", "extract_plain_text", "split_paragraphs"]

BLANK_LINES = re.compile(r"\n\s*\n")
WRAP_MIN_LINES = 6
WRAPPED_SHARE = 0.7
CONTINUED_MIN_CHARS = 40


def split_paragraphs(text: str) -> list[str]:
    """One string per paragraph, re-joining lines of hard-wrapped text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    blocks = [block for block in BLANK_LINES.split(text) if block.strip()]
    width = wrap_width(text)
    paragraphs: list[str] = []
    for block in blocks:
        lines = [" ".join(line.split()) for line in block.split("\n") if line.strip()]
        paragraphs.extend(join_wrapped(lines, width) if width else join_continued(lines))
    return paragraphs


def join_continued(lines: list[str]) -> list[str]:
    """Join a line to the next when the sentence plainly runs on (next starts in lower case).

    Catches hard-wrapped paragraphs in documents too short, or too mixed with
    chrome, for their wrap width to be measured.
    """
    paragraphs: list[str] = []
    for line in lines:
        if paragraphs and _runs_on(paragraphs[-1], line):
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
    return paragraphs


def _runs_on(previous: str, line: str) -> bool:
    return (
        len(previous) >= CONTINUED_MIN_CHARS
        and not SENTENCE_END.search(previous)
        and line[:1].islower()
        and not is_byline(line, word_count(line))  # "di Marco Rossi" under a title
    )


def wrap_width(text: str) -> int | None:
    """The fixed width the text was wrapped at, if it looks hard-wrapped."""
    lengths = [len(line.rstrip()) for line in text.split("\n") if len(line.strip()) >= 30]
    if len(lengths) < WRAP_MIN_LINES:
        return None
    width = sorted(lengths)[int(len(lengths) * 0.9) - 1]
    if width > 120:
        return None
    near_width = sum(1 for length in lengths if length >= 0.75 * width)
    unterminated = sum(
        1 for line in text.split("\n") if len(line.strip()) >= 30 and not SENTENCE_END.search(line)
    )
    if near_width / len(lengths) < WRAPPED_SHARE or unterminated / len(lengths) < 0.5:
        return None
    return int(statistics.median([width, *lengths]))


def join_wrapped(lines: list[str], width: int) -> list[str]:
    """Join lines that were broken at the wrap width back into paragraphs."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        current.append(line)
        if len(line) < 0.6 * width:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def extract_plain_text(
    text: str,
    *,
    recurring: RecurringLines | None = None,
    language_of: LanguageOf | None = None,
) -> Extraction:
    """The article in a plain-text document: clean body, title when it starts with one.

    ``language_of`` tells a text's language for its stop words (see :mod:`.stopwords`).
    """
    paragraphs = drop_repeated(split_paragraphs(text))
    cleaned = clean_lines(paragraphs, recurring=recurring, language_of=language_of)
    return Extraction(
        text="\n\n".join(cleaned.paragraphs),
        title=cleaned.title,
        source_credit=cleaned.credit,
        site_name=cleaned.site_name,
        extractor="plaintext",
    )
