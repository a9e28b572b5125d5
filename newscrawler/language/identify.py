"""Language identification of cleaned article text.

Built on py3langid, whose model ships inside its PyPI package (nothing is
downloaded at run time). The body decides: the text is scored as a whole
(with the title as extra evidence) and paragraph by paragraph, so that a
document mixing languages gets the language of most of its text, and the
share of each language found is kept for users who look for mixed
documents. Too little text, or too little confidence, gives ``und``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from py3langid.langid import MODEL_FILE
from py3langid.langid import LanguageIdentifier as _Py3LangId

UNDETERMINED = "und"
LETTER = re.compile(r"[^\W\d_]")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n")
# py3langid labels without an ISO 639-1 code of their own, folded into their macrolanguage.
MACROLANGUAGE = {"ary": "ar", "arz": "ar", "wuu": "zh", "yue": "zh", "uzs": "uz", "zxx": "und"}
# Close pairs the model often confuses, and the far more common member online
# that wins when the two are near-tied (Indonesian news outnumbers Malay).
PREFERRED_WHEN_CLOSE = {"ms": "id"}
CLOSE_MARGIN = 0.25
MIN_PARAGRAPH_CHARS = 40
MIN_SHARE = 0.05


@dataclass(frozen=True, slots=True)
class LanguageResult:
    code: str
    confidence: float
    shares: dict[str, float] = field(default_factory=dict)


def iso639_1(label: str) -> str:
    """py3langid's label as an ISO 639-1 code, or ``und`` when there is none."""
    label = MACROLANGUAGE.get(label, label)
    return label if len(label) == 2 or label == UNDETERMINED else UNDETERMINED


class LanguageIdentifier:
    """Tags text with an ISO 639-1 code, a confidence in 0..1 and language shares."""

    def __init__(
        self,
        languages: Sequence[str] | None = None,
        *,
        min_confidence: float = 0.5,
        min_chars: int = 20,
    ) -> None:
        self.model = _Py3LangId.from_model_file(MODEL_FILE, norm_probs=True)
        if languages:
            known = set(self.model.nb_classes)
            unknown = sorted(set(languages) - known)
            if unknown:
                raise ValueError(f"py3langid does not know these languages: {unknown}")
            self.model.set_languages(list(languages))
        self.min_confidence = min_confidence
        self.min_chars = min_chars

    def identify(self, text: str, title: str | None = None) -> LanguageResult:
        """The language of ``text`` (title as extra evidence); ``und`` when unsure."""
        evidence = f"{title}\n\n{text}" if title else text
        if len(LETTER.findall(evidence)) < self.min_chars:
            return LanguageResult(UNDETERMINED, 0.0)
        label, probability = self.classify(evidence)
        shares = self.shares(text) or {iso639_1(label): 1.0}
        code = iso639_1(label)
        main = max(shares, key=shares.__getitem__)
        if main != code:
            # The whole-text score and the paragraphs disagree: most of the body wins.
            code, probability = main, shares[main]
        if code == UNDETERMINED or probability < self.min_confidence:
            return LanguageResult(UNDETERMINED, round(float(probability), 4), shares)
        return LanguageResult(code, round(float(probability), 4), shares)

    def classify(self, text: str) -> tuple[str, float]:
        """The model's label and probability, with close confusable pairs settled."""
        label, probability = self.model.classify(text)
        preferred = PREFERRED_WHEN_CLOSE.get(label)
        if preferred is None or preferred not in self.model.nb_classes:
            return label, probability
        ranking = dict(self.model.rank(text)[:4])
        if probability - ranking.get(preferred, 0.0) < CLOSE_MARGIN:
            return preferred, probability + ranking.get(preferred, 0.0)
        return label, probability

    def shares(self, text: str) -> dict[str, float]:
        """Share of the text (by characters) in each language, paragraph by paragraph."""
        sizes: dict[str, int] = defaultdict(int)
        for paragraph in PARAGRAPH_BREAK.split(text):
            size = len(LETTER.findall(paragraph))
            if size < MIN_PARAGRAPH_CHARS:
                continue
            label, _ = self.classify(paragraph)
            sizes[iso639_1(label)] += size
        total = sum(sizes.values())
        if not total:
            return {}
        return {
            code: round(size / total, 3)
            for code, size in sorted(sizes.items(), key=lambda kv: -kv[1])
            if size / total >= MIN_SHARE
        }
