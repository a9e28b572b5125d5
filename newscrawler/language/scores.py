"""py3langid's class scores for many texts in one numpy pass, bit for bit the same.

py3langid reads a text by walking a byte automaton in a Python loop, one
step per byte, counting the n-gram feature each state emits; that loop was
most of the Language stage's CPU. Its automaton is an Aho-Corasick machine
over a trie of byte strings at most six bytes long, so the state after any
byte is the trie's longest string that ends there, which depends on the last
six bytes only. Walking every six-byte window from the root at once, in
numpy, therefore reaches the same states as the sequential walk; a byte that
sends every state back to the root separates the texts of one batch.

:class:`ModelScorer` checks that structure when it is built (and says so in
a log line and falls back to py3langid's own walk when a model lacks it),
then gives the scores py3langid's ``_decide`` gives: the same features, in
the order of their first occurrence, the same float32 matrix product, the
same normalisation. ``tests/test_language_scores.py`` holds it to that.
"""

from __future__ import annotations

import itertools
import logging
import math
import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt
from py3langid.langid import LanguageIdentifier as Py3LangId
from py3langid.langid import visit_counts

logger = logging.getLogger(__name__)

Scores = npt.NDArray[np.float32]
_IntArray = npt.NDArray[np.int64]
# States whose rows are checked and expanded at a time while the automaton is verified.
_CHECK_CHUNK = 256


@dataclass(frozen=True, slots=True)
class FeatureCounts:
    """The n-gram features of a batch of texts, each text's in the order they first occur.

    Text ``i`` emits ``features[bounds[i]:bounds[i + 1]]``, each as often as
    the same slice of ``counts`` says.
    """

    features: _IntArray
    counts: _IntArray
    bounds: _IntArray

    def of(self, text: int) -> dict[int, int]:
        """Text ``text``'s counts as py3langid's walk returns them (a dict in walk order)."""
        start, end = self.bounds[text], self.bounds[text + 1]
        found, counts = self.features[start:end].tolist(), self.counts[start:end].tolist()
        return dict(zip(found, counts, strict=True))


@dataclass(frozen=True, slots=True)
class Automaton:
    """py3langid's byte automaton as numpy arrays, with what the window walk needs."""

    nextmove: npt.NDArray[np.uint32]
    rowbase: _IntArray  # state -> offset of its 256 transitions in nextmove
    output: npt.NDArray[np.int32]  # state -> feature it emits, or -1
    depth: int  # the longest string of the trie: the window length
    reset: int  # a byte that sends every state to the root
    after_two: _IntArray  # (byte1 << 8 | byte2) -> the state two bytes from the root
    features: int  # how many features there are (one more than the largest id)

    @classmethod
    def of(cls, model: Py3LangId) -> Automaton | None:
        """The model's automaton, or None (and a log line) when it is not window-walkable."""
        nextmove = np.frombuffer(model.tk_nextmove, dtype=np.uint32)
        rowbase = np.asarray(model.tk_row, dtype=np.int64) << 8
        output = np.asarray(model.tk_output, dtype=np.int32)
        depth = aho_corasick_depth(nextmove.reshape(-1, 256), rowbase >> 8)
        reset = next((b for b in range(256) if not nextmove[rowbase + b].any()), None)
        if depth is None or depth < 2 or reset is None or output[0] >= 0:
            logger.warning(
                "py3langid's model is not a shallow Aho-Corasick automaton "
                "(depth %s, reset byte %s): its bytes are walked one by one, slowly",
                depth,
                reset,
            )
            return None
        first = nextmove[rowbase[0] + np.arange(256)].astype(np.int64)
        second = nextmove[rowbase[first][:, None] + np.arange(256)[None, :]].ravel()
        return cls(
            nextmove, rowbase, output, depth, reset, second.astype(np.int64), int(output.max()) + 1
        )

    def emitted(self, data: bytes) -> npt.NDArray[np.int32]:
        """The feature emitted after each byte of ``data`` (-1: none), as the walk does.

        ``data`` must start with ``depth - 1`` reset bytes: every window then
        lies inside it, and the first real byte is read from the root.
        """
        buffer = np.frombuffer(data, dtype=np.uint8)
        windows = len(buffer) - self.depth + 1
        if windows <= 0:
            return np.empty(0, dtype=np.int32)
        pairs = (buffer[:windows].astype(np.int64) << 8) | buffer[1 : windows + 1]
        states = self.after_two[pairs]
        for step in range(2, self.depth):
            states = self.nextmove[self.rowbase[states] + buffer[step : step + windows]]
        found: npt.NDArray[np.int32] = self.output[states]
        return found


def aho_corasick_depth(rows: npt.NDArray[np.uint32], row_of: _IntArray) -> int | None:
    """The trie depth of an Aho-Corasick automaton, or None when the automaton is not one.

    ``rows[row_of[state]]`` are a state's 256 transitions. The breadth-first
    tree from the root is the trie (a state stands for the string of its tree
    path); the machine is Aho-Corasick over it when every transition off the
    tree equals the one of the state's failure link (its longest proper
    suffix in the trie), and the root's off-tree ones return to it.
    """
    depth = np.full(len(row_of), -1, dtype=np.int64)
    fail = np.zeros(len(row_of), dtype=np.int64)
    depth[0] = 0
    level = np.zeros(1, dtype=np.int64)
    while len(level):
        found = []
        for start in range(0, len(level), _CHECK_CHUNK):
            chunk = level[start : start + _CHECK_CHUNK]
            children = _verified_children(rows, row_of, chunk, fail, depth)
            if children is None:
                return None
            found.append(children)
        level = np.concatenate(found)
    return int(depth.max()) if (depth >= 0).all() else None


def _verified_children(
    rows: npt.NDArray[np.uint32],
    row_of: _IntArray,
    chunk: _IntArray,
    fail: _IntArray,
    depth: _IntArray,
) -> _IntArray | None:
    """The new (next-level) states under ``chunk``, recording their depth and failure link.

    None when a transition off the tree is not the failure link's.
    """
    moves = rows[row_of[chunk]]
    at = int(depth[chunk[0]])
    fallback = np.zeros_like(moves) if at == 0 else rows[row_of[fail[chunk]]]
    parent_index, byte = np.nonzero(moves != fallback)
    child = moves[parent_index, byte].astype(np.int64)
    if (depth[child] >= 0).any() or len(np.unique(child)) != len(child):
        return None  # an off-tree jump, or a state reached by two tree edges
    depth[child] = at + 1
    fail[child] = 0 if at == 0 else fallback[parent_index, byte]
    return child


def encode(text: str) -> bytes:
    """The bytes py3langid reads for ``text``: lower-cased if all upper case, NFC, UTF-8."""
    if text.isupper():
        text = text.lower()
    return unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")


class ModelScorer:
    """Per-class probabilities of a py3langid model for many texts, among ``labels`` only.

    The model must have been loaded with ``norm_probs=True``; ``labels``
    restricts it as its ``set_languages`` does (None: all of them);
    ``automaton`` is :meth:`Automaton.of` the model, None to walk bytes as
    py3langid does. ``classify`` and ``rank`` answer as the model's own
    methods do, from the scores.
    """

    def __init__(
        self, model: Py3LangId, automaton: Automaton | None, labels: Collection[str] | None = None
    ) -> None:
        columns = [
            i for i, label in enumerate(model.nb_classes) if labels is None or label in labels
        ]
        self.labels: list[str] = [model.nb_classes[i] for i in columns]
        # Row-major (take keeps it so), so that a text's feature rows are read contiguously.
        table = np.asarray(model.nb_ptc)
        self.table = table if labels is None else table.take(columns, axis=1)
        self.table = np.ascontiguousarray(self.table)
        self._widen = _widener(self.table)
        self.prior: Scores = np.asarray(model.nb_pc, dtype=np.float32)[columns]
        self.alias_pairs = _alias_pairs(self.labels)
        self.automaton = automaton
        self._model = None if automaton is not None else model

    def scores(self, texts: Sequence[str]) -> list[Scores]:
        """Probability per label (``labels`` order) for each of ``texts``."""
        encoded = [encode(text) for text in texts]
        return [
            self._normalised(raw, len(data))
            for raw, data in zip(self._raw_scores(encoded), encoded, strict=True)
        ]

    def classify(self, scores: Scores) -> tuple[str, float]:
        best = int(scores.argmax())
        return self.labels[best], float(scores[best])

    def rank(self, scores: Scores) -> list[tuple[str, float]]:
        merged: dict[str, float] = {}
        for label, score in zip(self.labels, scores.tolist(), strict=True):
            merged.setdefault(label, score)  # an alias's first column holds the merged score
        return sorted(merged.items(), key=itemgetter(1), reverse=True)

    def feature_counts(self, encoded: Sequence[bytes]) -> FeatureCounts:
        """The texts' features and counts, in the order py3langid's walk first meets them."""
        if self.automaton is None:
            return self._walked(encoded)
        return _grouped(self.automaton, encoded)

    def _walked(self, encoded: Sequence[bytes]) -> FeatureCounts:
        model: Any = self._model
        visits = [
            visit_counts(model.tk_nextmove, model._rowbase, model.tk_output, data) or {}
            for data in encoded
        ]
        sizes = [0, *(len(counted) for counted in visits)]
        return FeatureCounts(
            np.fromiter((f for counted in visits for f in counted), dtype=np.int64),
            np.fromiter((c for counted in visits for c in counted.values()), dtype=np.int64),
            np.cumsum(sizes, dtype=np.int64),
        )

    def _raw_scores(self, encoded: Sequence[bytes]) -> list[Scores]:
        """py3langid's ``_raw_score`` per text: the log-count-weighted sum of its feature rows.

        The rows of the whole batch are gathered and converted to float32 (the
        product's type) at once; each text's product is its own, as in py3langid.
        """
        counted = self.feature_counts(encoded)
        rows = self._widen(self.table[counted.features])
        weights = counted.counts.astype(np.float32)
        raw = []
        for start, end in itertools.pairwise(counted.bounds.tolist()):
            if start == end:  # no feature: py3langid's floor for normalised scores
                raw.append(np.zeros(len(self.labels), dtype=np.float32))
            else:
                raw.append(np.log1p(weights[start:end]) @ rows[start:end] + self.prior)
        return raw

    def _normalised(self, scores: Scores, length: int) -> Scores:
        """py3langid's ``norm_probs``: scaled by the byte length, softmax, aliases merged."""
        scores *= 1.0 / math.sqrt(length or 1)
        np.exp(scores - scores.max(), out=scores)
        scores /= scores.sum()
        for first, dupe in self.alias_pairs:
            scores[first] += scores[dupe]
            scores[dupe] = 0.0
        return scores


def _widener(table: npt.NDArray[Any]) -> Callable[[npt.NDArray[Any]], Scores]:
    """The fastest exact conversion of ``table``'s rows to float32.

    numpy converts float16 one element at a time; when every weight is a
    negative normal number (log probabilities are), shifting the bits into
    place and re-biasing the exponent is the same conversion in two
    vectorised integer operations.
    """
    if table.dtype != np.float16 or not table.size:
        return lambda rows: rows.astype(np.float32)
    bits = table.view(np.uint16)
    # Sign set, exponent neither 0 (zero, subnormal) nor 31 (infinity, NaN).
    if int(bits.min()) < _NEGATIVE_NORMAL[0] or int(bits.max()) >= _NEGATIVE_NORMAL[1]:
        return lambda rows: rows.astype(np.float32)
    return _widen_negative_normal


_NEGATIVE_NORMAL = (0x8400, 0xFC00)
# float16 s|e:5|m:10 shifted left by 13 is 1<<28 | e<<23 | m<<13; float32 wants
# 1<<31 | (e + 127 - 15)<<23 | m<<13 (modulo 2**32).
_NEGATIVE_REBIAS = np.uint32(((127 - 15) << 23) + (1 << 31) - (1 << 28))


def _widen_negative_normal(rows: npt.NDArray[Any]) -> Scores:
    bits = rows.view(np.uint16).astype(np.uint32)
    bits <<= 13
    bits += _NEGATIVE_REBIAS
    return bits.view(np.float32)


def _alias_pairs(labels: Sequence[str]) -> list[tuple[int, int]]:
    """(first, later) columns of labels that occur more than once (script variants)."""
    first: dict[str, int] = {}
    pairs = []
    for index, label in enumerate(labels):
        if label in first:
            pairs.append((first[label], index))
        else:
            first[label] = index
    return pairs


def _grouped(automaton: Automaton, encoded: Sequence[bytes]) -> FeatureCounts:
    """Walk all texts in one buffer, then count each one's features in first-seen order."""
    separator = bytes([automaton.reset])
    buffer = separator * (automaton.depth - 1) + separator.join(encoded)
    emitted = automaton.emitted(buffer)
    lengths = np.fromiter((len(data) + 1 for data in encoded), dtype=np.int64, count=len(encoded))
    starts = np.cumsum(lengths) - lengths  # each text's first byte, in window coordinates
    positions = np.flatnonzero(emitted >= 0)
    features = emitted[positions].astype(np.int64)
    text_of = np.searchsorted(starts, positions, side="right") - 1
    keys = text_of * automaton.features + features
    order = np.argsort(keys, kind="stable")  # equal keys stay in the order they occur
    ranked = keys[order]
    runs = np.flatnonzero(np.diff(ranked, prepend=ranked[:1] - 1))  # where a key starts
    counts = np.diff(np.append(runs, len(ranked)))
    first = order[runs]  # where each (text, feature) first occurs
    by_position = np.argsort(first)  # by first occurrence, hence also by text
    first = first[by_position]
    bounds = np.searchsorted(text_of[first], np.arange(len(encoded) + 1))
    return FeatureCounts(features[first], counts[by_position], bounds.astype(np.int64))
