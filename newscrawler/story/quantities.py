"""Numbers with their scale or unit, and calendar dates, as language-free keys.

``500 Milliarden``, ``US$500 billion``, ``500.000 millones`` and ``500 млрд``
are all ``n:5e+11``; ``6. Februar``, ``Feb 6``, ``6 février`` and
``6 февраля`` are all ``d:02-06`` (``vom 6. bis 8. Februar`` gives both days).
Thousands separators are told from decimal commas by their three digits.
A bare number counts when it is not a year, a date's day or a tiny count,
with a weight that grows with its significant digits (a ``237`` says more
than a ``100``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from newscrawler.story.names import fold

MONTH_NAMES = (
    "january jan januar janvier enero gennaio janeiro januari januar styczen января январь",
    "february feb februar fevrier febrero febbraio fevereiro februari lutego luty февраля февраль",
    "march mar marz mars marzo marco maart marca marzec марта март",
    "april apr avril abril aprile kwietnia kwiecien апреля апрель",
    "may mai mayo maggio maio mei maja maj мая май",
    "june jun juni juin junio giugno junho czerwca czerwiec июня июнь",
    "july jul juli juillet julio luglio julho lipca lipiec июля июль",
    "august aug aout agosto augustus sierpnia sierpien августа август",
    "september sep sept septembre septiembre settembre setembro wrzesnia wrzesien "
    "сентября сентябрь",
    "october oct oktober okt octobre octubre ottobre outubro oktober pazdziernika октября октябрь",
    "november nov novembre noviembre novembro listopada listopad ноября ноябрь",
    "december dec dezember dez decembre diciembre dicembre dezembro grudnia grudzien "
    "декабря декабрь",
)

# Words for thousand, million, billion (short scale) in the languages of the dev set and
# their neighbours; "mil millones" is Spanish for a billion.
SCALE_WORDS = (
    (1e3, "thousand tausend mille mil миллe тысяч тысячи тыс tys"),
    (
        1e6,
        "million millions mio mln million millionen millones millón millon milioni milione "
        "milhões milhoes miljoen milionow миллион миллиона миллионов млн",
    ),
    (
        1e9,
        "billion billions bn mrd milliarde milliarden milliard milliards miliardi miliardo "
        "bilhões bilhoes miljard miliardow миллиард миллиарда миллиардов млрд",
    ),
    (1e12, "trillion trillions billionen billones bilionow триллион триллиона трлн"),
)
MONTHS: Mapping[str, int] = MappingProxyType(
    {fold(name): number for number, names in enumerate(MONTH_NAMES, 1) for name in names.split()}
)
SCALES: Mapping[str, float] = MappingProxyType(
    {fold(word): value for value, words in SCALE_WORDS for word in words.split()}
)
PERCENT_WORDS = frozenset({fold(word) for word in (
    "% percent per prozent pour por procent процента процентов процент pct".split()
)})  # fmt: skip

NUMBER = r"\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+(?![\d])|\d+(?:[.,]\d+)?"
WORD = r"[^\W\d_]+"
MONTH_WORD = r"[^\W\d_]{3,}\.?"
# A day not inside a number: 1-2 digits without a digit, point or comma before. The check
# is made after the first digit so that the pattern starts with one: the regex engine then
# skips ahead to digits instead of trying every position.
DAY = r"(\d(?<![\d.,]\d)\d?)(?:st|nd|rd|th|\.)?"
RANGE = r"(?:\s*(?:-|–|bis|to|until|au|al|a|до|по|und|and|et|y)\s*(\d{1,2})(?![\d]|[.,]\d)\.?)?"
DAY_MONTH = re.compile(DAY + RANGE + r"\s*(?:de\s+)?(" + MONTH_WORD + r")", re.IGNORECASE)
MONTH_DAY = re.compile(r"(" + MONTH_WORD + r")\s+(\d{1,2})(?:st|nd|rd|th)?(?![\d.,]\d)" + RANGE,
                       re.IGNORECASE)  # fmt: skip
QUANTITY = re.compile(
    r"(?=\d)(?<![\w.,])(" + NUMBER + r")(?:\s*-\s*|\s*)(" + WORD + r"(?:\s+de)?|%)?",
    re.IGNORECASE,
)
# Where MONTH_DAY can match: whitespace before a digit, after a word (see month_days).
_SPACE_BEFORE_DIGIT = re.compile(r"\s+(?=\d)")
_WORD_AT_END = re.compile(r"[^\W\d_]+\.?$")
_LETTER = re.compile(r"[^\W\d_]")
_WORD_LOOKBACK = 40  # characters searched back for a word's start at a time
_GROUPED_THOUSANDS = re.compile(r"\d{1,3}(?:[.,]\d{3})+")
_NUMBER_SPACES = re.compile(r"[\u00a0\u202f ]")
_NUMBER_POINTS = re.compile(r"[.,]")
YEARS = range(1900, 2101)


@dataclass(frozen=True, slots=True)
class Quantity:
    key: str
    weight: float
    start: int
    end: int


def month_number(word: str) -> int | None:
    return MONTHS.get(fold(word.rstrip(".")))


def dates(text: str) -> Iterator[Quantity]:
    """``d:MM-DD`` for every day-and-month the text names (both ends of a range)."""
    for matches, month_group, day_groups in (
        (DAY_MONTH.finditer(text), 3, (1, 2)),
        (month_days(text), 1, (2, 3)),
    ):
        for match in matches:
            month = month_number(match.group(month_group))
            if month is None:
                continue
            for group in day_groups:
                day = match.group(group)
                if day and 1 <= int(day) <= 31:
                    yield Quantity(f"d:{month:02}-{int(day):02}", 0.8, *match.span())


def month_days(text: str) -> Iterator[re.Match[str]]:
    """``MONTH_DAY.finditer(text)``, trying the pattern only where it can match.

    A match is a word, an optional point, whitespace and a digit, and starts
    where the word does (the engine would fail at every letter inside it), so
    the search goes from one stretch of whitespace before a digit to the next.
    The one exception, as in ``finditer``: when the previous match ended
    inside a word, the search resumes right there.
    """
    resume = 0
    for space in _SPACE_BEFORE_DIGIT.finditer(text):
        end = space.start()
        if end < resume:
            continue
        start = _word_start(text, end)
        if start is None:
            continue
        if start < resume:  # the word began inside the previous match
            inside = _LETTER.match(text, resume) and _LETTER.match(text, resume - 1)
            match = MONTH_DAY.match(text, resume) if inside else None
        else:
            match = MONTH_DAY.match(text, start)
        if match is not None:
            yield match
            resume = match.end()


def _word_start(text: str, end: int) -> int | None:
    """Where the word (letters, maybe a final point) that ends at ``end`` starts."""
    window = max(0, end - _WORD_LOOKBACK)
    word = _WORD_AT_END.search(text, window, end)
    while word is not None and word.start() == window > 0 and _LETTER.match(text, window - 1):
        window = max(0, window - _WORD_LOOKBACK)  # a longer word: look further back
        word = _WORD_AT_END.search(text, window, end)
    return None if word is None else word.start()


def parse_number(text: str) -> float:
    """``1.000`` and ``1,000`` are a thousand; ``2,5`` and ``2.5`` are two and a half."""
    compact = _NUMBER_SPACES.sub("", text)
    if _GROUPED_THOUSANDS.fullmatch(compact):
        return float(_NUMBER_POINTS.sub("", compact))
    return float(compact.replace(",", "."))


def significant_digits(value: float) -> int:
    return len(f"{value:.6g}".replace(".", "").replace("-", "").strip("0")) or 1


def quantities(text: str, taken: list[tuple[int, int]]) -> Iterator[Quantity]:
    """Numbers outside the ``taken`` spans (dates), keyed by value and kind."""
    for match in QUANTITY.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        value = parse_number(match.group(1))
        unit = (match.group(2) or "").lower().removesuffix(" de")
        quantity = _keyed(value, unit, text[match.end() : match.end() + 12].lower())
        if quantity is not None:
            yield Quantity(quantity[0], quantity[1], *match.span())


def _keyed(value: float, unit: str, after: str) -> tuple[str, float] | None:
    folded = fold(unit) if unit != "%" else unit
    scale = SCALES.get(folded)
    if folded == "mil" and after.lstrip().startswith("millones"):
        scale = 1e9
    if scale:
        return f"n:{value * scale:.3g}", 1.0
    if folded in PERCENT_WORDS:
        return f"p:{value:g}", 0.7
    if (value in YEARS and value == int(value)) or value < 10:
        return None
    return f"n:{value:.6g}", min(1.0, 0.3 + 0.2 * significant_digits(value))
