"""Cut article text into the weighted pieces the language vote is taken on.

The rule (see :mod:`.identify`): every line is split into sentences, a
sentence weighs its letters (CJK characters three times), a short line
fragment without sentence punctuation a quarter of that, and the sentences
of one line are merged up to ``CHUNK_WEIGHT``. Read sentence by sentence with
two regex scans each, this cost as much as the model itself, so the text is
split once, at line breaks and sentence ends together, and letters are
counted for all sentences in one numpy pass over a code-point table built
from the same patterns. ``tests/test_language_identifier.py`` holds the
pieces to the plain per-sentence reading.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from newscrawler.text.scripts import LETTER_OR_MARK as _LETTER_OR_MARK
from newscrawler.text.scripts import WIDE_CHAR as _WIDE_CHAR
from newscrawler.text.sentences import SENTENCE_CLOSERS as _SENTENCE_END
from newscrawler.text.sentences import SENTENCE_SPLIT as _SENTENCE_SPLIT

# Weight kept by a short line with no sentence punctuation (menus, bylines).
FRAGMENT_WEIGHT = 0.25
FRAGMENT_MAX_WORDS = 5
FRAGMENT_MAX_LETTERS = 40
# Sentences of one line are classified together up to this weight: fewer
# calls into the model, while a quoted sentence in its own line still counts.
CHUNK_WEIGHT = 120
# One CJK character carries about as much evidence as a few Latin letters.
WIDE_CHAR_WEIGHT = 3.0

# The line boundaries of str.splitlines(), and whitespace that is none of them.
_LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_SPACE = f"[^\\S{_LINE_BREAKS}]"
# The three kinds of sentence end in _SENTENCE_SPLIT: a point (cut when whitespace and
# more text follow), a CJK stop (cut right after it), an Arabic or Devanagari stop (cut
# after it and any whitespace).
_SPLIT_SHAPE = re.compile(
    r"\(\?<=\[(?P<point>[^]]+)\]\)\\s\+\(\?=\\S\)"
    r"\|\(\?<=\[(?P<stop>[^]]+)\]\)"
    r"\|\(\?<=\[(?P<spaced>[^]]+)\]\)\\s\*"
)


def _split_classes() -> tuple[str, str, str]:
    shape = _SPLIT_SHAPE.fullmatch(_SENTENCE_SPLIT.pattern)
    marks = [set(shape[kind]) for kind in ("point", "stop", "spaced")] if shape else []
    if shape is None or set.intersection(*marks) or marks[0] & marks[1] or marks[1] & marks[2]:
        raise ValueError("SENTENCE_SPLIT changed shape: update newscrawler/language/segments.py")
    return shape["point"], shape["stop"], shape["spaced"]


_POINT, _STOP, _SPACED = _split_classes()
_POINTS = frozenset(re.sub(r"\\(.)", r"\1", _POINT))
# Every sentence end and line break, with the whitespace a cut after it takes. It starts
# with one character class, so the engine skips from one such character to the next.
_MARKS = re.compile(
    f"([{_POINT}{_STOP}{_SPACED}{_LINE_BREAKS}])"
    f"(?:(?<=[{_POINT}])({_SPACE}+)(?=\\S)|(?<=[{_SPACED}])({_SPACE}*))?"
)
# Per BMP code point: 1 if it is a letter or mark (_LETTER_OR_MARK), +2 if wide (_WIDE_CHAR).
_LETTER_BIT, _WIDE_BIT = 1, 2
_BMP = 0x10000


class Segment(NamedTuple):
    text: str
    weight: float
    letters: float  # letter_weight(text), before the fragment discount


def letter_weight(text: str) -> float:
    """Amount of linguistic evidence in ``text``: letters, CJK counted heavier."""
    letters = len(_LETTER_OR_MARK.findall(text))
    wide = len(_WIDE_CHAR.findall(text))
    return letters + (WIDE_CHAR_WEIGHT - 1.0) * wide


def is_fragment(sentence: str, letters: float) -> bool:
    """A short line without sentence punctuation: a menu item, byline or label."""
    if sentence.endswith(_SENTENCE_END):
        return False
    return letters < FRAGMENT_MAX_LETTERS and len(sentence.split()) <= FRAGMENT_MAX_WORDS


def segments(text: str) -> list[Segment]:
    """Weighted pieces of ``text``: sentences of a line merged up to CHUNK_WEIGHT."""
    sentences, lines = _sentences(text)
    found: list[Segment] = []
    pending: list[str] = []
    pending_weight = pending_letters = 0.0
    current = lines[0] if lines else 0
    for sentence, line, letters in zip(sentences, lines, _letter_weights(sentences), strict=True):
        if line != current and pending:  # a chunk never spans lines
            found.append(Segment(" ".join(pending), pending_weight, pending_letters))
            pending, pending_weight, pending_letters = [], 0.0, 0.0
        current = line
        weight = letters * FRAGMENT_WEIGHT if is_fragment(sentence, letters) else letters
        pending.append(sentence)
        pending_weight += weight
        pending_letters += letters
        if pending_weight >= CHUNK_WEIGHT:
            found.append(Segment(" ".join(pending), pending_weight, pending_letters))
            pending, pending_weight, pending_letters = [], 0.0, 0.0
    if pending:
        found.append(Segment(" ".join(pending), pending_weight, pending_letters))
    return found


def _sentences(text: str) -> tuple[list[str], list[int]]:
    """The stripped non-empty sentences of every line, and the line each is on.

    What ``_SENTENCE_SPLIT.split`` cuts each of ``text.splitlines()`` into:
    a sentence keeps its closing mark, a cut drops the whitespace after it.
    """
    parts = _MARKS.split(text)  # text, mark, space after a point, space after a stop, text...
    sentences: list[str] = []
    lines: list[int] = []
    line = 0
    pending = [parts[0]]
    for index in range(1, len(parts), 4):
        mark, after_point = parts[index], parts[index + 1]
        if mark in _LINE_BREAKS:
            _keep("".join(pending), line, sentences, lines)
            line += 1
        elif mark in _POINTS and after_point is None:  # a point inside a sentence (3.5, U.S.)
            pending.append(mark)
            pending.append(parts[index + 3])
            continue
        else:
            pending.append(mark)
            _keep("".join(pending), line, sentences, lines)
        pending = [parts[index + 3]]
    _keep("".join(pending), line, sentences, lines)
    return sentences, lines


def _keep(piece: str, line: int, sentences: list[str], lines: list[int]) -> None:
    sentence = piece.strip()
    if sentence:
        sentences.append(sentence)
        lines.append(line)


def _letter_weights(sentences: list[str]) -> list[float]:
    """:func:`letter_weight` of every sentence, counted in one pass over all of them."""
    if not sentences:
        return []
    classes = _character_classes("\n".join(sentences))  # "\n" is neither letter nor wide
    letters = np.concatenate(([0], np.cumsum(classes & _LETTER_BIT)))
    wide = np.concatenate(([0], np.cumsum(classes >> 1)))
    lengths = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
    ends = np.cumsum(lengths + 1) - 1
    starts = ends - lengths
    counts = (letters[ends] - letters[starts]).tolist()
    wides = (wide[ends] - wide[starts]).tolist()
    return [
        count + (WIDE_CHAR_WEIGHT - 1.0) * wide for count, wide in zip(counts, wides, strict=True)
    ]


@cache
def _bmp_classes() -> npt.NDArray[np.uint8]:
    """``_LETTER_BIT``/``_WIDE_BIT`` of every BMP character, from the patterns themselves."""
    classes = np.zeros(_BMP, dtype=np.uint8)
    characters = "".join(map(chr, range(_BMP)))
    for pattern, bit in ((_LETTER_OR_MARK, _LETTER_BIT), (_WIDE_CHAR, _WIDE_BIT)):
        classes[[match.start() for match in pattern.finditer(characters)]] |= bit
    return classes


def _character_classes(text: str) -> npt.NDArray[np.uint8]:
    """``_LETTER_BIT``/``_WIDE_BIT`` per character of ``text``."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    classes = _bmp_classes()[np.minimum(points, _BMP - 1)]
    for index in np.flatnonzero(points >= _BMP).tolist():  # emoji, rare CJK: few, by pattern
        character = text[index]
        letter = _LETTER_OR_MARK.fullmatch(character) is not None
        wide = _WIDE_CHAR.fullmatch(character) is not None
        classes[index] = _LETTER_BIT * letter + _WIDE_BIT * wide
    return classes
