"""The translation-free signals of one article: a weighted set of keys.

Keys are named entities (``e:``/``a:``, see :mod:`~newscrawler.story.names`),
numbers and dates (``n:``, ``p:``, ``d:``, see
:mod:`~newscrawler.story.quantities`). An entity is a capitalised word not
at the start of a sentence, or a sentence-initial one that also occurs
capitalised mid-sentence or that is rare in the language; words inside
short quotes count whatever their case (quoted names: «Stargate»).

Each entity key is weighted by how rare its word is in everyday language
(wordfreq's frequency lists, which ship inside the package): ``Stargate``
or ``Ishiba`` says much more than ``Trump``, ``Japan`` or a German common
noun such as ``Regierung`` (German capitalises every noun). Function words
and month or weekday names are no entities at all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from wordfreq import get_frequency_dict

from newscrawler.story.names import entity_key, fold
from newscrawler.story.quantities import MONTHS, dates, quantities

# A letter, then letters and digits, with ' ’ . inside when a letter follows (U.S, O'Neill);
# written so that the engine never backtracks.
WORD = re.compile(r"[^\W\d_][^\W_]*+(?:['’.][^\W\d_][^\W_]*+)*+")
SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*|[\"“„«‚(\[—–-]\s*)$")
QUOTED = re.compile(r"[\"“„«‚»]([^\"“”„«»‚‘\n]{2,40})[\"”“»‘«]")
WEEKDAYS = frozenset({fold(day) for day in (
    "monday tuesday wednesday thursday friday saturday sunday montag dienstag mittwoch "
    "donnerstag freitag samstag sonntag sonnabend lundi mardi mercredi jeudi vendredi samedi "
    "dimanche lunes martes miercoles jueves viernes sabado domingo lunedi martedi mercoledi "
    "giovedi venerdi sabato domenica понедельник вторник среда среду четверг пятница пятницу "
    "суббота субботу воскресенье"
).split()})  # fmt: skip
FUNCTION_WORD_ZIPF = 5.9  # "the", "der", "und", "le": never a name
RARE_ZIPF = 3.5  # rarer than this, a capitalised word opening a sentence is still a name
COMMON_ZIPF, RARE_SPAN = 5.5, 2.5  # weight 1 at zipf 3 (rare), falling to 0.05 at 5.5
MIN_WEIGHT = 0.05
COMPOUND_MIN_LETTERS, COMPOUND_PART_ZIPF, COMPOUND_WEIGHT = 9, 3.0, 0.3
CACHE_SIZE = 200_000
SEARCH_KEYS = 24  # the strongest keys an article is found by in the candidate index
SEARCH_MIN_WEIGHT = 0.3


@dataclass(frozen=True, slots=True)
class Signals:
    """An article's keys and their weights (0..1)."""

    keys: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.keys.values())

    def search_keys(self) -> list[str]:
        """The strongest keys, by which the article is indexed and searched for."""
        strong = [(w, k) for k, w in self.keys.items() if w >= SEARCH_MIN_WEIGHT]
        return [key for _, key in sorted(strong, key=lambda pair: (-pair[0], pair[1]))][
            :SEARCH_KEYS
        ]


class Rarity:
    """How rare a word is in a language (Zipf scale), from wordfreq's "small" lists.

    A word below the lists' floor (Zipf 3) counts as 0: a name, as far as
    weighting goes.
    """

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], float] = {}
        self._lists: dict[str, dict[str, float]] = {}

    def zipf(self, word: str, language: str | None) -> float:
        """The word's Zipf frequency in its language or in English, whichever is higher."""
        lowered = word.lower()
        cached = self._cache.get((lowered, language or ""))
        if cached is None:
            forms = {lowered, _without_plural_s(lowered)}  # Japans, Trump's
            cached = max(self._lookup(form, code) for form in forms for code in ("en", language))
            if len(self._cache) >= CACHE_SIZE:  # a long crawl meets ever more names
                self._cache.clear()
            self._cache[(lowered, language or "")] = cached
        return cached

    def _lookup(self, word: str, language: str | None) -> float:
        if not language or language == "und":
            return 0.0
        frequencies = self._lists.get(language)
        if frequencies is None:
            try:  # the whole list once: a dict lookup is 50 times faster than zipf_frequency()
                frequencies = get_frequency_dict(language, wordlist="small")
            except LookupError:  # a language wordfreq has no list for
                frequencies = {}
            self._lists[language] = frequencies
        frequency = frequencies.get(word)
        return round(math.log10(frequency) + 9, 2) if frequency else 0.0

    def weight(self, word: str, language: str | None) -> float:
        zipf = self.zipf(word, language)
        weight = max(MIN_WEIGHT, min(1.0, (COMMON_ZIPF - zipf) / RARE_SPAN))
        if weight > COMPOUND_WEIGHT and self.is_compound(word, language):
            return COMPOUND_WEIGHT
        return weight

    def is_compound(self, word: str, language: str | None) -> bool:
        """A long word made of two everyday words (``Vertrauens|verhältnis``): a noun, no name.

        German and its neighbours write compounds closed and capitalise every
        noun, so such words are rare as a whole but say no more than their parts.
        """
        lowered = word.lower()
        if len(lowered) < COMPOUND_MIN_LETTERS or not lowered.isalpha():
            return False
        for cut in range(4, len(lowered) - 2):
            head, tail = lowered[:cut], lowered[cut:]
            if self.zipf(tail, language) < COMPOUND_PART_ZIPF:
                continue
            if max(self.zipf(head, language), self.zipf(head[:-1], language)) >= COMPOUND_PART_ZIPF:
                return True
        return False


class SignalExtractor:
    """Turns an article's title and text into :class:`Signals`."""

    def __init__(self, rarity: Rarity | None = None) -> None:
        self.rarity = rarity or Rarity()
        # Names recur across a crawl's articles, so what is known of a word is kept (bounded
        # like the rarity cache), with its Zipf frequency and weight in the language it was
        # last met in.
        self._words: dict[str, _Word] = {}

    def extract(self, text: str, title: str | None = None, language: str | None = None) -> Signals:
        body = f"{title}\n{text}" if title else text
        keys: dict[str, float] = {}
        spans = list(dates(body))
        for quantity in [*spans, *quantities(body, [(q.start, q.end) for q in spans])]:
            keys[quantity.key] = max(keys.get(quantity.key, 0.0), quantity.weight)
        for key, weight in self.entities(body, language, title_end=len(title or "")):
            keys[key] = max(keys.get(key, 0.0), weight)
        return Signals(keys)

    def entities(
        self, text: str, language: str | None, title_end: int
    ) -> Iterator[tuple[str, float]]:
        candidates = self._candidates(text, title_end)
        mid_sentence = {key for key, _, initial in candidates if not initial}
        for key, word, initial in candidates:
            known = self._judged(word, language)
            if known.never_entity:
                continue
            if initial and key not in mid_sentence and known.zipf >= RARE_ZIPF:
                continue
            yield key, self._weight(word, known)

    def _candidates(self, text: str, title_end: int) -> list[tuple[str, str, bool]]:
        """(key, word, opens a sentence or the title) for capitalised and quoted words."""
        quotes = [match.span(1) for match in QUOTED.finditer(text)]
        found = []
        for start, word, in_quote in _capitalised_or_quoted(text, quotes):
            word = word.strip(".'’")
            if not (word[:1].isupper() or in_quote):
                continue
            key = self._word(word).key
            if key is None:
                continue
            # In the title, or after a sentence end in the three characters before the word.
            initial = start < title_end or (
                SENTENCE_START.search(text, max(0, start - 3), start) is not None
            )
            found.append((key, word, initial and not in_quote))
        return found

    def _word(self, word: str) -> _Word:
        """What is known of a word: its entity key and whether it names a month or weekday."""
        found = self._words.get(word)
        if found is None:
            if len(self._words) >= CACHE_SIZE:
                self._words.clear()
            found = self._words[word] = _Word(entity_key(word), _is_calendar_word(word))
        return found

    def _judged(self, word: str, language: str | None) -> _Word:
        """The word with its Zipf frequency in ``language`` (looked up once per language)."""
        known = self._word(word)
        if not known.judged or known.language != language:
            zipf = self.rarity.zipf(word, language)
            never = zipf >= FUNCTION_WORD_ZIPF or known.calendar
            known = self._words[word] = known._replace(
                judged=True, language=language, zipf=zipf, never_entity=never, weight=None
            )
        return known

    def _weight(self, word: str, known: _Word) -> float:
        if known.weight is None:
            weight = self.rarity.weight(word, known.language)
            self._words[word] = known._replace(weight=weight)
            return weight
        return known.weight


class _Word(NamedTuple):
    key: str | None
    calendar: bool  # names a month or a weekday
    judged: bool = False  # whether the fields below are filled in, for ``language``
    language: str | None = None
    zipf: float = 0.0
    never_entity: bool = False  # a function word or a calendar word
    weight: float | None = None  # computed when first needed


_NO_QUOTE = (math.inf, math.inf)
_LETTER = re.compile(r"[^\W\d_]")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_CONNECTORS = "'’."  # inside a WORD when a letter follows
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@cache
def _capital_word() -> re.Pattern[str]:
    """WORD for words whose first letter is a capital (``str.isupper``) in the BMP.

    Astral capitals (Deseret, mathematical letters...) are left out: a class
    with them is read range by range at every character, one without them is
    a bitmap.
    """
    capitals = [point for point in range(0x10000) if _is_capital(chr(point))]
    return re.compile(_character_class(capitals) + WORD.pattern.removeprefix(r"[^\W\d_]"))


def _is_capital(character: str) -> bool:
    return character.isupper() and _LETTER.match(character) is not None


def _character_class(points: list[int]) -> str:
    ranges: list[list[int]] = []
    for point in points:
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    return "[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]"


def _capitalised_or_quoted(text: str, quotes: list[tuple[int, int]]) -> list[tuple[int, str, bool]]:
    """(start, word, in a quote) of the WORDs of ``text`` that start with a capital or in
    one of ``quotes``, in text order: what ``WORD.finditer`` yields, less the lower-case
    words outside quotes, without going through those."""
    found = _capitalised(text, _capital_word().finditer(text), quotes)
    astral = [  # words from astral capitals, looked for among the few astral characters
        match
        for character in _ASTRAL.finditer(text)
        if _is_capital(character.group()) and (match := WORD.match(text, character.start()))
    ]
    if astral:
        found += _capitalised(text, iter(astral), quotes)
    for start, end in quotes:  # after an opening quote no word is under way
        for match in WORD.finditer(text, start):
            if match.start() >= end:
                break
            found.append((match.start(), match.group(0), True))
    if quotes or astral:
        found.sort()
    return found


def _capitalised(
    text: str, matches: Iterator[re.Match[str]], quotes: list[tuple[int, int]]
) -> list[tuple[int, str, bool]]:
    """The capitalised matches that are WORDs of their own, outside ``quotes``.

    A match can start inside a word (``Phone`` in ``iPhone``); it then ends
    where that word does, so no word that starts later is missed.
    """
    spans = iter(quotes)
    quote_start, quote_end = next(spans, _NO_QUOTE)
    found = []
    for match in matches:
        start = match.start()
        while start >= quote_end:
            quote_start, quote_end = next(spans, _NO_QUOTE)
        if start < quote_start and _starts_word(text, start):
            found.append((start, match.group(0), False))
    return found


def _starts_word(text: str, at: int) -> bool:
    """Whether the WORD scan of ``text`` starts a word at ``at`` (a letter).

    A word under way goes on over letters, digits and connectors followed by a
    letter; so ``at`` is inside one when, back from it over digits and such
    connectors, a letter comes before anything else.
    """
    if at == 0 or text[at - 1].isspace():
        return True
    index = at - 1
    while index >= 0:
        character = text[index]
        if character in _CONNECTORS:
            if _LETTER.match(text, index + 1) is None:
                return True  # no word goes on over this connector
        elif _LETTER.match(character):
            return False
        elif not _LETTER_OR_DIGIT.match(character):
            return True
        index -= 1
    return True


def _without_plural_s(word: str) -> str:
    """``word`` without a final ``'s``, ``’s`` or ``s``."""
    if word.endswith(("'s", "’s")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def _is_calendar_word(word: str) -> bool:
    folded = fold(word.rstrip("."))
    return folded in WEEKDAYS or folded in MONTHS
