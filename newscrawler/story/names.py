"""Named-entity keys that compare equal across languages and scripts.

``Trumps`` (German genitive), ``Trump's``, ``Трампа`` (Russian genitive) and
``TRUMP`` should meet on one key, and so should ``Selenskyj``, ``Zelensky``
and ``Зеленский``. A key is built in steps that each remove one kind of
variation: transliteration to Latin letters (anyascii), diacritics and case,
the inflection endings names take (a possessive or genitive ``s``; the
Slavic case endings on words written in Cyrillic), and finally a consonant
skeleton in which the spellings transliteration systems disagree on
(``sh``/``s``, ``z``/``s``, ``k``/``c``, ``w``/``v``, vowels) fall together.
The skeleton is coarse on purpose: a collision costs little because a story
match needs several shared keys, while a missed spelling loses the only
signal a translation keeps.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

# Case endings of nouns written in Cyrillic (Russian, Ukrainian, Bulgarian...) that
# carry a consonant; vowel endings vanish in the skeleton anyway.
CYRILLIC_ENDINGS = re.compile(
    r"(?:ami|ymi|imi|ogo|ego|omu|emu|om|em|ym|im|oj|ej|ov|ev|ah|ih|yh|yu)$"
)
LATIN_ENDINGS = re.compile(r"s$")  # genitive or possessive (the apostrophe is folded away)
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
DIGRAPHS = (("sch", "s"), ("sh", "s"), ("zh", "s"), ("ch", "k"), ("kh", "k"), ("ph", "f"),
            ("ck", "k"), ("tsch", "s"), ("ts", "s"), ("tz", "s"))  # fmt: skip
LETTERS = str.maketrans({"z": "s", "c": "k", "q": "k", "w": "v", "x": "k", "g": "k", "d": "t"})
VOWELISH = re.compile(r"[aeiouyjh]")
REPEATS = re.compile(r"(.)\1+")
NOT_LATIN = re.compile(r"[^a-z]")
NOT_LATIN_OR_DIGIT = re.compile(r"[^a-z0-9]")
MAX_ACRONYM = 5  # NATO, OPEC; a longer word in capitals is a shouted name (MERKEL)
MIN_STEM = 4  # an ending is only stripped when this much of the word is left


def fold(word: str) -> str:
    """Latin letters, no diacritics, lower case: ``Ishiba``, ``ИШИБА`` → ``ishiba``/``ishiba``."""
    if word.isascii():  # nothing to decompose or transliterate
        return word.lower().replace("'", "").replace("`", "")
    decomposed = unicodedata.normalize("NFKD", word)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return anyascii(stripped).lower().replace("'", "").replace("`", "")


def stem(word: str) -> str:
    """The folded word without the inflection ending a name takes in its script."""
    return _stem(word, fold(word))


def _stem(word: str, folded: str) -> str:
    endings = CYRILLIC_ENDINGS if CYRILLIC.search(word) else LATIN_ENDINGS
    match = endings.search(folded)
    if match is None:
        return folded
    cut = len(folded) - len(match.group(0))
    return folded[:cut] if cut >= MIN_STEM else folded


def skeleton(word: str) -> str:
    """The stem's consonant skeleton: first letter kept, then consonants, doubled ones merged."""
    return _skeleton(stem(word))


def _skeleton(stemmed: str) -> str:
    text = NOT_LATIN.sub("", stemmed)
    if not text:
        return ""
    for digraph, replacement in DIGRAPHS:
        text = text.replace(digraph, replacement)
    text = text.translate(LETTERS)
    head, tail = text[0], VOWELISH.sub("", text[1:])
    return REPEATS.sub(r"\1", head + tail)


def entity_key(word: str) -> str | None:
    """The key of a capitalised word, or None when too little is left to tell names apart.

    Acronyms (``NATO``, ``НАТО``) keep all their letters; a name whose skeleton is
    too short (``Leyen``) falls back to its stem.
    """
    letters = [ch for ch in word if ch.isalnum()]
    folded = fold(word)
    if 2 <= len(letters) <= MAX_ACRONYM and all(ch.isupper() or ch.isdigit() for ch in letters):
        acronym = NOT_LATIN_OR_DIGIT.sub("", folded).translate(LETTERS)
        return f"a:{acronym}" if len(acronym) >= 2 else None
    stemmed = _stem(word, folded)
    key = _skeleton(stemmed)
    if len(key) >= 3:
        return f"e:{key}"
    base = NOT_LATIN.sub("", stemmed)
    return f"e:{base}" if len(base) >= MIN_STEM else None
