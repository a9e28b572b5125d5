"""Token-shingle precision/recall/F1, the score used for extraction quality.

Split text into word tokens (``\\w+``), take every run of four consecutive
tokens, match the multisets of shingles per document, average precision and
recall over documents, and report F1 of the two averages. Used by the
benchmarks and by the quality gate in the test suite, so that both report
the same number.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

TOKEN = re.compile(r"\w+")
SHINGLE_SIZE = 4


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Multiset of ``size``-token shingles; texts shorter than that give one shingle."""
    tokens = TOKEN.findall(text.lower())
    if len(tokens) < size:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


@dataclass(frozen=True, slots=True)
class DocumentScore:
    precision: float
    recall: float


def score_document(predicted: str, expected: str) -> DocumentScore:
    """Precision and recall of one extracted text against its reference."""
    got, want = shingles(predicted), shingles(expected)
    if not got and not want:
        return DocumentScore(1.0, 1.0)
    overlap = sum((got & want).values())
    precision = overlap / sum(got.values()) if got else 0.0
    recall = overlap / sum(want.values()) if want else 0.0
    return DocumentScore(precision, recall)


@dataclass(frozen=True, slots=True)
class CorpusScore:
    precision: float
    recall: float
    documents: int

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def score_corpus(scores: Iterable[DocumentScore]) -> CorpusScore:
    """Average per-document precision and recall; F1 is taken of the averages."""
    items = list(scores)
    if not items:
        return CorpusScore(0.0, 0.0, 0)
    n = len(items)
    return CorpusScore(
        precision=sum(s.precision for s in items) / n,
        recall=sum(s.recall for s in items) / n,
        documents=n,
    )
