"""Deduplication decisions against everything already stored.

Given a new article text and its URL key, :class:`Deduplicator` tells the
Store stage what to do: nothing new (same URL, same text), a new sighting of
an existing article (same text elsewhere), an update (same URL, new text), a
near-duplicate linked to the first article of its cluster, or a new article.
"""

from __future__ import annotations

import heapq
import math
from collections import OrderedDict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from newscrawler.dedup.fingerprint import (
    LshParameters,
    band_hashes,
    content_hash,
    hashed_jaccard,
    minhash,
    shingle_hashes,
    shingles,
    signature_agreement,
    signature_bytes,
)

if TYPE_CHECKING:
    from newscrawler.config import NewscrawlerConfig
    from newscrawler.db.repository import Candidate, Found, Repository
    from newscrawler.db.store import ArticleStore

# LSH is tuned well below the decision threshold (0.55 for 0.8: 21 bands of 6
# rows, P(candidate) 0.998 at Jaccard 0.8); the exact Jaccard check of the
# candidates then removes the false positives (measured in bench/dedup.py).
LSH_THRESHOLD_MARGIN = 0.25
RECENT_SHINGLE_SETS = 512  # candidates' shingles kept, as hashes (about 3 MB)
TEXTS_PER_READ = 8  # candidates' texts read together when the next one is not kept
# Candidates checked exactly, those whose signatures agree most with the text's: a true
# near-copy (agreement about 0.8 or more) is outranked only by candidates that agree more.
EXACT_CHECKS = 8
# A candidate whose stored signature agrees with the text's this many standard errors below
# the threshold is not checked exactly: one at the threshold falls that low about once in
# a billion checks (with 128 permutations at 0.8, an agreement under 0.59).
SIGNATURE_MARGIN_ERRORS = 6.0


def lsh_parameters(
    threshold: float, num_perm: int, lsh_threshold: float | None = None
) -> LshParameters:
    """The band layout for a decision threshold (LSH tuned ``LSH_THRESHOLD_MARGIN`` below it)."""
    if lsh_threshold is None:
        lsh_threshold = max(0.1, threshold - LSH_THRESHOLD_MARGIN)
    return LshParameters.for_threshold(lsh_threshold, num_perm)


def signature_margin(threshold: float, num_perm: int) -> float:
    """How far below ``threshold`` a signature agreement rules a candidate out."""
    return SIGNATURE_MARGIN_ERRORS * math.sqrt(threshold * (1 - threshold) / num_perm)


@dataclass(frozen=True, slots=True)
class FingerprintSettings:
    """How a deduplicator fingerprints texts: what a worker process needs to do it for it."""

    params: LshParameters
    shingle_size: int


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A text's exact key and LSH bands, computed wherever the text is (a worker process).

    Hashing the shingles is most of a decision's CPU and needs no database,
    so the extraction worker does it and the decision only queries.
    """

    content_hash: str
    bands: tuple[int, ...]
    settings: FingerprintSettings
    signature: bytes  # the MinHash signature, as stored (``signature_bytes``)
    # The shingles as hashes, for the exact check against candidates (about 8 bytes a word).
    shingles: np.ndarray = field(compare=False, repr=False)


def fingerprint(text: str, settings: FingerprintSettings) -> Fingerprint:
    shingled = shingles(text, settings.shingle_size)
    signature = minhash(shingled, settings.params.num_perm)
    bands = tuple(band_hashes(signature, settings.params))
    return Fingerprint(
        content_hash(text), bands, settings, signature_bytes(signature), shingle_hashes(shingled)
    )


class Outcome(StrEnum):
    NEW = "new"
    NEAR_DUPLICATE = "near_duplicate"
    UPDATED = "updated"
    UNCHANGED = "unchanged"  # same URL, same text
    SAME_TEXT = "same_text"  # another URL, same text
    NOT_MODIFIED = "not_modified"  # the server answered 304 to a conditional revisit

    @property
    def is_duplicate(self) -> bool:
        return self in (Outcome.UNCHANGED, Outcome.SAME_TEXT, Outcome.NOT_MODIFIED)


@dataclass(slots=True)
class Decision:
    outcome: Outcome
    content_hash: str
    article_id: int | None = None
    duplicate_of: int | None = None
    similarity: float | None = None
    bands: list[int] = field(default_factory=list)
    signature: bytes | None = None  # stored with the text (``articles.minhash``)


class Deduplicator:
    def __init__(
        self,
        store: ArticleStore,
        *,
        threshold: float = 0.8,
        num_perm: int = 128,
        shingle_size: int = 3,
        lsh_threshold: float | None = None,
    ) -> None:
        self.store = store
        self.threshold = threshold
        self.shingle_size = shingle_size
        self.params = lsh_parameters(threshold, num_perm, lsh_threshold)
        self.fingerprints = FingerprintSettings(self.params, shingle_size)
        self.ruled_out_below = threshold - signature_margin(threshold, num_perm)
        # A candidate's content hash (of its normalised text) -> its shingle hashes (as sets
        # of bytes keyed by the texts, the 512 cost 54 MB).
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()

    @classmethod
    def from_config(cls, store: ArticleStore, config: NewscrawlerConfig) -> Deduplicator:
        return cls(
            store,
            threshold=config.dedup_threshold,
            num_perm=config.dedup_num_perm,
            shingle_size=config.dedup_shingle_size,
        )

    @property
    def repository(self) -> Repository:
        return self.store.repository

    def decide(self, text: str, url_key: str, known: Fingerprint | None = None) -> Decision:
        """Decide against what is stored and what is staged in the open batch.

        ``known``: the text's fingerprint if a worker computed it already (with
        this deduplicator's settings; any other is ignored).
        """
        if known is None or known.settings != self.fingerprints:
            known = fingerprint(text, self.fingerprints)
        found = self._lookup(known, url_key)
        same_text, previous = found.same_text, found.same_url
        if same_text is not None:
            outcome = Outcome.UNCHANGED if same_text.url_key == url_key else Outcome.SAME_TEXT
            return Decision(outcome, known.content_hash, article_id=same_text.id)
        candidates = [c for c in found.candidates if previous is None or c.id != previous.id]
        decision = self._near_duplicate_decision(known, candidates)
        if previous is not None:
            decision.outcome = Outcome.UPDATED
            decision.article_id = previous.id
        return decision

    def _lookup(self, known: Fingerprint, url_key: str) -> Found:
        """One query for the same text, the same URL and near candidates; staged rows first."""
        digest, bands = known.content_hash, known.bands
        self.repository.reveal(content_hash=digest, key=url_key, bands=bands)
        found = self.repository.lookup(digest, url_key, bands)
        ids = [k.id for k in (found.same_text, found.same_url) if k is not None]
        if self.repository.reveal(article_ids=ids):
            found = self.repository.lookup(digest, url_key, bands)  # an update of it is staged
        return found

    def _near_duplicate_decision(self, known: Fingerprint, candidates: list[Candidate]) -> Decision:
        digest, bands, signature, own = (
            known.content_hash, list(known.bands), known.signature, known.shingles
        )  # fmt: skip
        match = self._first_match(own, signature, candidates)
        self._keep(digest, own)  # the next copy of the text will have it as a candidate
        if match is None:
            return Decision(Outcome.NEW, digest, bands=bands, signature=signature)
        root = match.duplicate_of or match.id
        similarity = round(hashed_jaccard(own, self._root_shingles(root, candidates)), 4)
        return Decision(
            Outcome.NEAR_DUPLICATE,
            digest,
            duplicate_of=root,
            similarity=similarity,
            bands=bands,
            signature=signature,
        )

    def _first_match(
        self, own: np.ndarray, signature: bytes, candidates: list[Candidate]
    ) -> Candidate | None:
        """The candidate at or above the threshold whose cluster is the earliest.

        Only the ``EXACT_CHECKS`` candidates whose stored signatures agree most with
        the text's are checked exactly (a row without a signature counts as agreeing
        fully); one whose signature rules it out is not checked at all. A story
        rewritten by many outlets below the threshold would otherwise cost a check of
        every earlier version, more with each copy. They are tried in the order of their
        cluster's first article, so the first match names the cluster every match
        would (a near-copy of a story syndicated a hundred times is checked against one
        text, not a hundred), and the texts are read only as far as the checks go.
        """
        likely = heapq.nlargest(
            EXACT_CHECKS,
            ((agreement, c) for c in candidates
             if (agreement := self._agreement(signature, c)) >= self.ruled_out_below),
            key=lambda scored: scored[0],
        )  # fmt: skip
        ordered = sorted((c for _, c in likely), key=lambda c: (c.duplicate_of or c.id, c.id))
        for position, candidate in enumerate(ordered):
            found = self._cached(candidate.content_hash)
            if found is None:
                self._read_shingles(ordered[position : position + TEXTS_PER_READ])
                found = self._cached(candidate.content_hash)
            if found is not None and hashed_jaccard(own, found) >= self.threshold:
                return candidate
        return None

    @staticmethod
    def _agreement(signature: bytes, candidate: Candidate) -> float:
        agreement = signature_agreement(signature, candidate.signature or b"")
        return 1.0 if agreement is None else agreement

    def _root_shingles(self, root: int, candidates: list[Candidate]) -> np.ndarray:
        """The shingles of a cluster's first article (a candidate, or read by its id)."""
        candidate = next((c for c in candidates if c.id == root), None)
        found = self._cached(candidate.content_hash) if candidate is not None else None
        if found is None:
            digest, text = self.repository.article_texts([root])[root]
            found = self._remember(digest, text)
        return found

    def _read_shingles(self, candidates: list[Candidate]) -> None:
        """Read and shingle the texts of ``candidates`` that are not kept: one query.

        A text changed since the lookup is kept under its new content hash, so its
        candidate is not checked against it.
        """
        wanted = [c.id for c in candidates if c.content_hash not in self._recent]
        for digest, text in self.repository.article_texts(wanted).values():
            self._remember(digest, text)

    def _cached(self, digest: str) -> np.ndarray | None:
        found = self._recent.get(digest)
        if found is not None:
            self._recent.move_to_end(digest)
        return found

    def _remember(self, digest: str, text: str) -> np.ndarray:
        """Keep a stored text's shingles: a cluster's texts come back often."""
        return self._keep(digest, shingle_hashes(shingles(text, self.shingle_size)))

    def _keep(self, digest: str, hashes: np.ndarray) -> np.ndarray:
        self._recent[digest] = hashes
        self._recent.move_to_end(digest)
        if len(self._recent) > RECENT_SHINGLE_SETS:
            self._recent.popitem(last=False)
        return hashes
