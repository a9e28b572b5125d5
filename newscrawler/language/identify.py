"""Tag cleaned article text with its language, robust to chrome and quotes.

News text is rarely one clean monolingual block: extraction leaves menu lines
in the site's language around an article in another, articles quote
statements in a second language, and some items are a title and two lines.
Classifying the whole string at once lets the longest noise win, so the text
is cut into sentences, each sentence votes for its language with a weight
that grows with its length and drops for short line fragments (menus,
bylines, bread crumbs), and the body language is the one with the largest
weighted share (the pieces: :mod:`.segments`). The shares are kept so mixed
documents can be found later.

py3langid is the classifier (chosen by measurement, see ``bench/language.py``
and ``docs/language.md``), its model read for all pieces of a text at once by
:mod:`.scores` (py3langid's own scores, in numpy); Indonesian and Malay, which
its model confuses on news text, are settled by a vocabulary check
(:mod:`.malay_indonesian`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from py3langid.langid import MODEL_FILE
from py3langid.langid import LanguageIdentifier as _Py3LangId

from newscrawler.language.malay_indonesian import settle_malay_indonesian
from newscrawler.language.scores import Automaton, ModelScorer, Scores
from newscrawler.language.segments import Segment as _Segment
from newscrawler.language.segments import letter_weight
from newscrawler.language.segments import segments as _segments
from newscrawler.text.languages import UNDETERMINED as UNDETERMINED
from newscrawler.text.languages import labels_for, to_iso639_1

if TYPE_CHECKING:
    from collections.abc import Sequence

DEFAULT_MIN_CONFIDENCE = 0.3
DEFAULT_MIN_CHARS = 8
# Shares below this are noise from single misread sentences, not a language.
MIN_REPORTED_SHARE = 0.02
# A sentence shorter than this (in weighted letters) is not classified alone.
MIN_SEGMENT_WEIGHT = 12
# The body's confidence is measured on its beginning; longer adds time, not certainty.
CONFIDENCE_SAMPLE_CHARS = 1500
# A longer text is labelled on a sample of about this many characters: its judged
# segments in groups of consecutive ones, each group voting by one of them with the
# weight of all. Reading the model costs time per byte, the vote needs far fewer.
LABEL_BUDGET_CHARS = 1200
# Segments at each end of a long text that are always labelled one by one.
EDGE_SEGMENTS = 3


@dataclass(frozen=True)
class LanguageResult:
    """The language of a text: ISO 639-1 code (or ``und``), confidence, shares."""

    code: str
    confidence: float
    shares: dict[str, float] = field(default_factory=dict)


@cache
def shared_model() -> _Py3LangId:
    """The py3langid model, loaded once per process (about a second)."""
    return _Py3LangId.from_model_file(MODEL_FILE, norm_probs=True)


@cache
def shared_automaton() -> Automaton | None:
    """The model's byte automaton in numpy form, checked once per process."""
    return Automaton.of(shared_model())


@cache
def shared_scorer() -> ModelScorer:
    """The model's scores for every language it knows (one per process)."""
    return ModelScorer(shared_model(), shared_automaton())


def model_language(text: str) -> str:
    """The main language of ``text`` by the shared model (ISO 639-1 where it has one).

    py3langid's own ``classify`` gives the same label; this reads the model in numpy.
    """
    scorer = shared_scorer()
    label, _probability = scorer.classify(scorer.scores([text])[0])
    return to_iso639_1(label) or label


def supported_languages() -> list[str]:
    """ISO 639-1 codes the identifier can return, sorted."""
    codes = {to_iso639_1(label) for label in shared_model().labels}
    return sorted(code for code in codes if code and code != "zx")


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
        labels = set(labels_for(set(self.languages), shared_model().labels))
        self._scorer = ModelScorer(shared_model(), shared_automaton(), labels)

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
