"""Tag cleaned article text with its language, robust to chrome and quotes.

News text is rarely one clean monolingual block: extraction leaves menu lines
in the site's language around an article in another, articles quote
statements in a second language, and some items are a title and two lines.
Classifying the whole string at once lets the longest noise win, so the text
is cut into sentences, each sentence votes for its language with a weight
that grows with its length and drops for short line fragments (menus,
bylines, bread crumbs), and the body language is the one with the largest
weighted share. The shares are kept so mixed documents can be found later.

py3langid is the classifier (chosen by measurement, see ``bench/language.py``
and ``docs/language.md``), its model read for all pieces of a text at once by
:mod:`.scores` (py3langid's own scores, in numpy); Indonesian and Malay, which
its model confuses on news text, are settled by a vocabulary check
(:mod:`.malay_indonesian`).
"""

from __future__ import annotations

import copy
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from py3langid.langid import MODEL_FILE
from py3langid.langid import LanguageIdentifier as _Py3LangId

from newscrawler.language.malay_indonesian import settle_malay_indonesian
from newscrawler.language.scores import Automaton, ModelScorer, Scores
from newscrawler.text.languages import UNDETERMINED as UNDETERMINED
from newscrawler.text.languages import labels_for, to_iso639_1
from newscrawler.text.scripts import LETTER_OR_MARK as _LETTER_OR_MARK
from newscrawler.text.scripts import WIDE_CHAR as _WIDE_CHAR
from newscrawler.text.sentences import SENTENCE_CLOSERS as _SENTENCE_END
from newscrawler.text.sentences import SENTENCE_SPLIT as _SENTENCE_SPLIT

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy.typing as npt

DEFAULT_MIN_CONFIDENCE = 0.3
DEFAULT_MIN_CHARS = 8
# Shares below this are noise from single misread sentences, not a language.
MIN_REPORTED_SHARE = 0.02
# A sentence shorter than this (in weighted letters) is not classified alone.
MIN_SEGMENT_WEIGHT = 12
# Weight kept by a short line with no sentence punctuation (menus, bylines).
FRAGMENT_WEIGHT = 0.25
FRAGMENT_MAX_WORDS = 5
# Sentences of one line are classified together up to this weight: fewer
# calls into the model, while a quoted sentence in its own line still counts.
CHUNK_WEIGHT = 120
# The body's confidence is measured on its beginning; longer adds time, not certainty.
CONFIDENCE_SAMPLE_CHARS = 1500
# A longer text is labelled on a sample of about this many characters: its judged
# segments in groups of consecutive ones, each group voting by one of them with the
# weight of all. Reading the model costs time per byte, the vote needs far fewer.
LABEL_BUDGET_CHARS = 1200
# Segments at each end of a long text that are always labelled one by one.
EDGE_SEGMENTS = 3

# One CJK character carries about as much evidence as a few Latin letters.
_WIDE_CHAR_WEIGHT = 3.0


@dataclass(frozen=True)
class LanguageResult:
    """The language of a text: ISO 639-1 code (or ``und``), confidence, shares."""

    code: str
    confidence: float
    shares: dict[str, float] = field(default_factory=dict)


class _Segment(NamedTuple):
    text: str
    weight: float
    letters: float  # letter_weight(text), before the fragment discount


@cache
def shared_model() -> _Py3LangId:
    """The py3langid model, loaded once per process (about a second)."""
    return _Py3LangId.from_model_file(MODEL_FILE, norm_probs=True)


@cache
def shared_automaton() -> Automaton | None:
    """The model's byte automaton in numpy form, checked once per process."""
    return Automaton.of(shared_model())


def supported_languages() -> list[str]:
    """ISO 639-1 codes the identifier can return, sorted."""
    codes = {to_iso639_1(label) for label in shared_model().labels}
    return sorted(code for code in codes if code and code != "zx")


def letter_weight(text: str) -> float:
    """Amount of linguistic evidence in ``text``: letters, CJK counted heavier."""
    letters = len(_LETTER_OR_MARK.findall(text))
    wide = len(_WIDE_CHAR.findall(text))
    return letters + (_WIDE_CHAR_WEIGHT - 1.0) * wide


def _is_fragment(sentence: str, letters: float) -> bool:
    """A short line without sentence punctuation: a menu item, byline or label."""
    if sentence.endswith(_SENTENCE_END):
        return False
    return letters < 40 and len(sentence.split()) <= FRAGMENT_MAX_WORDS


# The non-empty lines of str.splitlines(): runs of anything but its line boundaries.
_LINE = re.compile("[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")
# Per BMP code point: 1 if it is a letter or mark (_LETTER_OR_MARK), +2 if wide (_WIDE_CHAR).
_LETTER_BIT, _WIDE_BIT = 1, 2
_BMP = 0x10000


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


class _Sentences(NamedTuple):
    """The stripped non-empty sentences of a text's lines, with where they are."""

    texts: list[str]
    starts: list[int]
    ends: list[int]
    lines: list[int]  # the line each sentence is on

    def add(self, piece: str, start: int, line: int) -> None:
        """Keep ``piece`` (at ``start`` of the text, on ``line``), stripped, unless blank."""
        sentence = piece.strip()
        if sentence:
            begin = start + len(piece) - len(piece.lstrip())
            self.texts.append(sentence)
            self.starts.append(begin)
            self.ends.append(begin + len(sentence))
            self.lines.append(line)

    def letter_weights(self, text: str) -> list[float]:
        """:func:`letter_weight` of every sentence, counted over the whole text at once."""
        classes = _character_classes(text)
        letters = np.concatenate(([0], np.cumsum(classes & _LETTER_BIT)))
        wide = np.concatenate(([0], np.cumsum(classes >> 1)))
        starts, ends = np.asarray(self.starts), np.asarray(self.ends)
        counts = (letters[ends] - letters[starts]).tolist()
        wides = (wide[ends] - wide[starts]).tolist()
        return [
            count + (_WIDE_CHAR_WEIGHT - 1.0) * wide
            for count, wide in zip(counts, wides, strict=True)
        ]


def _sentences(text: str) -> _Sentences:
    """What ``_SENTENCE_SPLIT.split`` cuts each of ``text.splitlines()`` into, stripped."""
    found = _Sentences([], [], [], [])
    for number, line_match in enumerate(_LINE.finditer(text)):
        line, base = line_match.group(), line_match.start()
        last = 0
        for cut in _SENTENCE_SPLIT.finditer(line):
            found.add(line[last : cut.start()], base + last, number)
            last = cut.end()
        found.add(line[last:], base + last, number)
    return found


def _segments(text: str) -> list[_Segment]:
    """Weighted pieces of ``text``: sentences of a line merged up to CHUNK_WEIGHT."""
    sentences = _sentences(text)
    if not sentences.texts:
        return []
    segments: list[_Segment] = []
    pending: list[str] = []
    pending_weight = pending_letters = 0.0
    current = sentences.lines[0]
    weights = sentences.letter_weights(text)
    for sentence, line, letters in zip(sentences.texts, sentences.lines, weights, strict=True):
        if line != current and pending:  # a chunk never spans lines
            segments.append(_Segment(" ".join(pending), pending_weight, pending_letters))
            pending, pending_weight, pending_letters = [], 0.0, 0.0
        current = line
        weight = letters * FRAGMENT_WEIGHT if _is_fragment(sentence, letters) else letters
        pending.append(sentence)
        pending_weight += weight
        pending_letters += letters
        if pending_weight >= CHUNK_WEIGHT:
            segments.append(_Segment(" ".join(pending), pending_weight, pending_letters))
            pending, pending_weight, pending_letters = [], 0.0, 0.0
    if pending:
        segments.append(_Segment(" ".join(pending), pending_weight, pending_letters))
    return segments


class LanguageIdentifier:
    """Identify the body language of article text among configurable candidates.

    ``languages`` restricts the candidates (ISO 639-1 codes); None means every
    language the model knows. Texts with less than ``min_chars`` letters, or
    whose body language scores below ``min_confidence``, are tagged ``und``.
    """

    def __init__(
        self,
        languages: Sequence[str] | None = None,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
        min_chars: int = DEFAULT_MIN_CHARS,
    ) -> None:
        self.min_confidence = min_confidence
        self.min_chars = min_chars
        self.languages = self._validated(languages)
        model = copy.copy(shared_model())
        model.set_languages(labels_for(set(self.languages), shared_model().labels))
        self._scorer = ModelScorer(model, shared_automaton())

    @staticmethod
    def _validated(languages: Sequence[str] | None) -> list[str]:
        supported = supported_languages()
        if not languages:
            return supported
        codes = sorted({code.strip().lower() for code in languages})
        unknown = set(codes) - set(supported)
        if unknown:
            raise ValueError(f"unsupported language code(s): {', '.join(sorted(unknown))}")
        return codes

    def identify(self, text: str, title: str | None = None) -> LanguageResult:
        """Language of ``text``, with ``title`` as extra evidence."""
        segments = _segments(text)
        if title and title.strip():
            letters = letter_weight(title)
            segments.append(_Segment(title.strip(), letters, letters))
        if sum(segment.letters for segment in segments) < self.min_chars:
            return LanguageResult(UNDETERMINED, 0.0, {})
        labelled = self._label_segments(segments)
        shares = _shares(labelled)
        code = max(shares, key=shares.__getitem__)
        body = " ".join(segment.text for segment, found, _ in labelled if found == code)
        confidence = self._confidence_of(body, code)
        reported = {lang: share for lang, share in shares.items() if share >= MIN_REPORTED_SHARE}
        if code == UNDETERMINED or confidence < self.min_confidence:
            return LanguageResult(UNDETERMINED, confidence, reported)
        return LanguageResult(code, confidence, reported)

    def _label_segments(self, segments: list[_Segment]) -> list[tuple[_Segment, str, float]]:
        """Language and probability per segment; short ones are judged together."""
        short = [s for s in segments if s.weight < MIN_SEGMENT_WEIGHT]
        judged = _sampled([s for s in segments if s.weight >= MIN_SEGMENT_WEIGHT])
        if short:
            joined = " ".join(s.text for s in short)
            judged.append(
                _Segment(joined, sum(s.weight for s in short), sum(s.letters for s in short))
            )
        scores = self._scorer.scores([segment.text for segment in judged])
        return [
            (segment, *self._decided(segment.text, found))
            for segment, found in zip(judged, scores, strict=True)
        ]

    def _decided(self, text: str, scores: Scores) -> tuple[str, float]:
        """ISO 639-1 code and probability for one piece of text, from its scores."""
        label, probability = self._scorer.classify(scores)
        code = to_iso639_1(label) or UNDETERMINED
        if code in {"id", "ms"}:
            return settle_malay_indonesian(text, self._scorer.rank(scores), self.languages)
        return code, probability

    def _confidence_of(self, body: str, code: str) -> float:
        """Probability of ``code`` on the sentences that voted for it."""
        body = body[:CONFIDENCE_SAMPLE_CHARS]
        scores = self._scorer.scores([body])[0]
        found, probability = self._decided(body, scores)
        if found == code:
            return probability
        ranked = self._scorer.rank(scores)
        return float(sum(p for label, p in ranked if to_iso639_1(label) == code))


def _sampled(segments: list[_Segment]) -> list[_Segment]:
    """Every segment of a short text; of a long one, its edges and a sample of the rest.

    Chrome in another language sits at the edges (menus before the body,
    footers after it), so the first and last segments are always labelled;
    in between, runs of consecutive segments each vote by one of them with
    the weight of the whole run.
    """
    total = sum(len(segment.text) for segment in segments)
    if total <= LABEL_BUDGET_CHARS or len(segments) <= 2 * EDGE_SEGMENTS:
        return segments
    head, middle = segments[:EDGE_SEGMENTS], segments[EDGE_SEGMENTS:-EDGE_SEGMENTS]
    size = math.ceil(sum(len(segment.text) for segment in middle) / LABEL_BUDGET_CHARS)
    sampled = list(head)
    for start in range(0, len(middle), size):
        group = middle[start : start + size]
        voter = group[len(group) // 2]
        weight = sum(segment.weight for segment in group)
        sampled.append(_Segment(voter.text, weight, sum(segment.letters for segment in group)))
    return sampled + segments[-EDGE_SEGMENTS:]


def _shares(labelled: list[tuple[_Segment, str, float]]) -> dict[str, float]:
    """Share of the text per language, weighted by length and certainty."""
    votes: dict[str, float] = defaultdict(float)
    for segment, code, probability in labelled:
        votes[code] += segment.weight * probability
    total = sum(votes.values()) or 1.0
    ranked = sorted(votes.items(), key=lambda item: item[1], reverse=True)
    return {code: round(vote / total, 3) for code, vote in ranked}
