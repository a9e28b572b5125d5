"""Telling article paragraphs from site chrome, one line at a time, by general signals.

None of these rules lists the words of particular documents; they read the
*shape* of a line:

* prose: enough words, sentence punctuation, a normal share of the
  language's function words (stop words);
* chrome: no letters (counters), short lines with numbers (time-ago,
  dates, counts), separator-joined fragments (menus, breadcrumbs),
  copyright/credit lines, URLs, short lines that are a known chrome phrase
  in one of several languages (:mod:`.chrome_phrases`).

Each line also gets a score for the maximum-sum body segment
(:func:`line_score`, :func:`best_segment`). A body sentence that merely
contains a chrome phrase stays: phrases only count when they make up
(nearly) the whole line, or for the sentence-long notices (cookies,
newsletters, "first appeared in") when the line sits outside the body.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from newscrawler.extraction.chrome_phrases import (
    CHROME_PHRASES,
    COPYRIGHT,
    NOTICE_PATTERNS,
    PAYWALL_PROMPT,
    SOURCE_LINE,
    TEASER_PREFIX,
    TIME_AGO,
)
from newscrawler.text.chrome import AD_LABELS, BYLINE_WORD_PATTERN
from newscrawler.text.normalise import paragraph_key
from newscrawler.text.scripts import LETTER, UNSPACED_CHAR
from newscrawler.text.sentences import SENTENCE_END, SENTENCE_INSIDE

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
DIGIT = re.compile(r"\d")
SEPARATOR = re.compile(r"\s[|•·»›/>\-–—]\s|\s?[|•·»›]\s?")
NUMBER_GROUP = re.compile(r"\d+(?:[.,:/]\d+)*")
COUNT_MAX_WORDS = 3
LIST_ITEM = re.compile(r"^\d{1,3}[.)]\s+\S")  # "3. Sunny Los Angeles": a numbered subheading
URL_ONLY = re.compile(r"^(?:https?://|www\.)\S+$|^\S+@\S+\.\w+$", re.IGNORECASE)
PAYWALL_MAX_WORDS = 25

# "By Jane Doe", "Von Anna Müller | 4 Min.", "di Marco Rossi", "Penulis: Rina": a short
# line naming the writer, not article text. Names are capitalised words (or any
# word in scripts without case); the line must be short to count.
BYLINE = re.compile(
    rf"^(?:{BYLINE_WORD_PATTERN})\b\s*[:：]?\s*"
    r"(?:(?:[^\W\d_][\w.'’-]*)\s*){1,4}(?:$|[|·,;/–—-])",
    re.IGNORECASE,
)
BYLINE_MAX_WORDS = 10
# Where a credit's source name stops: a list separator, a wide gap, the next
# "Label:" or a trailing year ("© Reuters 2024", "来源：新华社　作者：王明").
CREDIT_TAIL = re.compile(r"\s*(?:[,;|/]|\s{2,}|\u3000|\s+\S+[:：]|\s+\d{4}\b).*$")

PROSE_MIN_WORDS = 8
LONG_LINE_WORDS = 15
SHORT_LINE_WORDS = 6
TITLE_MAX_WORDS = 30


class Kind(Enum):
    PROSE = "prose"  # an article paragraph by its shape
    TEXT = "text"  # words, but not prose: titles, subheadings, search tips
    SHORT = "short"  # a few words without sentence punctuation
    CHROME = "chrome"  # unmistakably not article text


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    key: str
    words: float
    kind: Kind
    notice: bool  # a sentence-long site notice (cookies, newsletter...)

    @property
    def title_shaped(self) -> bool:
        return (
            self.kind in (Kind.TEXT, Kind.SHORT)
            and 2 <= self.words <= TITLE_MAX_WORDS
            and not self.text.rstrip().endswith((".", ":", ",", "：", "，", "。"))
        )


def word_count(text: str) -> float:
    """Words, counting two characters as a word in scripts written without spaces."""
    unspaced = len(UNSPACED_CHAR.findall(text))
    return len(WORD.findall(UNSPACED_CHAR.sub(" ", text))) + unspaced / 2


def stop_share(text: str, stops: frozenset[str]) -> float:
    words = [w.casefold() for w in WORD.findall(text)]
    if not words or not stops:
        return 0.0
    return sum(word in stops for word in words) / len(words)


def phrase_key(text: str) -> str:
    return paragraph_key(text)


CHROME_PHRASE_KEYS = frozenset(phrase_key(p) for p in (*CHROME_PHRASES, *AD_LABELS))
UNSPACED_PHRASE_KEYS = tuple(k for k in CHROME_PHRASE_KEYS if UNSPACED_CHAR.match(k))
UNSPACED_PREFIX_MAX_WORDS = 4


def is_chrome_phrase(line_key: str, words: float) -> bool:
    """The line is a known chrome phrase, or a short line starting with one."""
    if line_key in CHROME_PHRASE_KEYS:
        return True
    if words <= UNSPACED_PREFIX_MAX_WORDS and any(
        line_key.startswith(p) for p in UNSPACED_PHRASE_KEYS
    ):
        return True  # "シェアする", "分享到": no space marks where the phrase ends
    if words > SHORT_LINE_WORDS + 2:
        return False
    return any(line_key.startswith(p + " ") for p in CHROME_PHRASE_KEYS if " " in p)


def is_menu(text: str, words: float) -> bool:
    """Fragments joined by separators: menus, breadcrumbs, 'SITE | 3 hours ago'."""
    parts = [p for p in SEPARATOR.split(text) if p.strip()]
    if len(parts) < 2:
        return False
    return words <= 12 or max(word_count(p) for p in parts) <= 4


def credit_holder(text: str) -> str | None:
    """The source named by a copyright or 'Source:' line ('© KYODO' gives 'KYODO')."""
    match = COPYRIGHT.match(text.strip()) or SOURCE_LINE.match(text.strip())
    if match is None:
        return None
    holder = CREDIT_TAIL.sub("", match.group("holder").strip()).strip(" .,:;-–—")
    return holder or None


def is_byline(text: str, words: float) -> bool:
    """'By Jane Doe', 'Von Anna Müller | Lesezeit: 4 Min.': the writer's name, not prose.

    A short sentence that starts the same way ('By Tuesday, prices rose.')
    ends in sentence punctuation without a separator, so it is not one.
    """
    if words > BYLINE_MAX_WORDS or BYLINE.match(text) is None:
        return False
    return not SENTENCE_END.search(text) or SEPARATOR.search(text) is not None


def classify(text: str, stops: frozenset[str], *, layout: bool = True) -> Line:
    """Classify one line or paragraph by its shape alone.

    ``layout`` rules (short lines with numbers, separator-joined fragments)
    read plain text, where menus and time-ago lines arrive as lines; an
    HTML extractor has already judged the page's structure, and there the
    same shapes are as often list items and addresses in the article.
    """
    stripped = text.strip()
    key = phrase_key(stripped)
    words = word_count(stripped)
    ends = bool(SENTENCE_END.search(stripped))
    notice = words <= 60 and bool(NOTICE_PATTERNS.search(stripped))
    if _is_chrome(stripped, key, words, ends, layout=layout):
        return Line(stripped, key, words, Kind.CHROME, notice)
    if _is_prose(stripped, words, ends, stops):
        return Line(stripped, key, words, Kind.PROSE, notice)
    kind = Kind.SHORT if words < PROSE_MIN_WORDS else Kind.TEXT
    return Line(stripped, key, words, kind, notice)


def _is_chrome(text: str, key: str, words: float, ends: bool, *, layout: bool) -> bool:
    if not LETTER.search(text):
        return layout  # counters, dates, rules in plain text; an HTML body's data rows stay
    if URL_ONLY.match(text) or (credit_holder(text) is not None and words <= 12):
        return True
    if TEASER_PREFIX.match(text):
        return True
    if words <= PAYWALL_MAX_WORDS and PAYWALL_PROMPT.search(text):
        return True
    if is_chrome_phrase(key, words):
        return True
    if not layout:
        return False
    if is_byline(text, words):
        return True
    if ends or LIST_ITEM.match(text):
        return False
    if words <= SHORT_LINE_WORDS and DIGIT.search(text) and _is_count_or_time(text, words):
        return True  # time-ago lines, dates, "12 comments"
    return is_menu(text, words)


def _is_count_or_time(text: str, words: float) -> bool:
    """'vor 2 Stunden', '12.03.2024 14:05', '12 comments' — not 'Fed holds rates at 5.5%'."""
    return (
        words <= COUNT_MAX_WORDS
        or len(NUMBER_GROUP.findall(text)) >= 2
        or TIME_AGO.search(text) is not None
    )


def _is_prose(text: str, words: float, ends: bool, stops: frozenset[str]) -> bool:
    if words >= PROSE_MIN_WORDS and ends:
        return True
    if words < LONG_LINE_WORDS:
        return False
    return bool(SENTENCE_INSIDE.search(text)) or stop_share(text, stops) >= 0.2


# Scores of each kind of line for the maximum-sum body segment. A chrome line
# between two paragraphs (an ad label, a teaser) must not cut the body in
# two, so it costs less than a site notice or a line recurring across pages.
NOTICE_SCORE = -3.0
CHROME_SCORE = -1.0
BULLET_SCORE = 0.0
BULLET_MIN_WORDS = 3
BULLET = re.compile(r"^(?:[-–—•*·▪►▸◦]\s+|\d{1,2}[.)]\s+)\S")
SHORT_SCORE = -1.0
TEXT_SCORE = -0.5


def line_score(line: Line, recurring: bool) -> float:
    if recurring or line.notice:
        return NOTICE_SCORE
    if line.kind is Kind.CHROME and credit_holder(line.text) is not None:
        return NOTICE_SCORE  # a credit line closes the article: what follows is trailer
    if line.kind is Kind.CHROME:
        return CHROME_SCORE
    if line.kind is Kind.PROSE:
        return 1.0 + min(line.words, 80.0) / 20.0
    if line.words >= BULLET_MIN_WORDS and BULLET.match(line.text):
        return BULLET_SCORE  # a list inside the article must not cut it in two
    return SHORT_SCORE if line.kind is Kind.SHORT else TEXT_SCORE


def best_segment(scores: Sequence[float]) -> tuple[int, int] | None:
    """Start and end (exclusive) of the maximum-sum run of ``scores``, if positive."""
    best, best_range = 0.0, None
    running, start = 0.0, 0
    for index, score in enumerate(scores):
        if running <= 0:
            running, start = 0.0, index
        running += score
        if running > best:
            best, best_range = running, (start, index + 1)
    return best_range
