"""Deduplication decisions against everything already stored.

Given a new article text and its URL key, :class:`Deduplicator` tells the
Store stage what to do: nothing new (same URL, same text), a new sighting of
an existing article (same text elsewhere), an update (same URL, new text), a
near-duplicate linked to the first article of its cluster, or a new article.
"""

from __future__ import annotations

import hashlib
import math
from collections import OrderedDict
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING

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
    import numpy as np

    from newscrawler.config import NewscrawlerConfig
    from newscrawler.db.repository import Candidate, Found, Repository
    from newscrawler.db.store import ArticleStore

# LSH is tuned well below the decision threshold (0.55 for 0.8: 21 bands of 6
# rows, P(candidate) 0.998 at Jaccard 0.8); the exact Jaccard check of the
# candidates then removes the false positives (measured in bench/dedup.py).
LSH_THRESHOLD_MARGIN = 0.25
RECENT_SHINGLE_SETS = 512  # candidates' shingles kept, as hashes (about 3 MB)
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


def fingerprint(text: str, settings: FingerprintSettings) -> Fingerprint:
    signature = minhash(shingles(text, settings.shingle_size), settings.params.num_perm)
    bands = tuple(band_hashes(signature, settings.params))
    return Fingerprint(content_hash(text), bands, settings, signature_bytes(signature))


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
        # A digest of a candidate's text -> its shingle hashes (as sets of bytes keyed by the
        # texts, the 512 cost 54 MB).
        self._recent: OrderedDict[bytes, np.ndarray] = OrderedDict()

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
        decision = self._near_duplicate_decision(text, known, candidates)
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

    def _near_duplicate_decision(
        self, text: str, known: Fingerprint, candidates: list[Candidate]
    ) -> Decision:
        digest, bands, signature = known.content_hash, list(known.bands), known.signature
        own = _Shingled(text, self.shingle_size)
        match = self._first_match(own, signature, candidates)
        if match is None:
            return Decision(Outcome.NEW, digest, bands=bands, signature=signature)
        root = match.duplicate_of or match.id
        root_text = next((c.text for c in candidates if c.id == root), None)
        if root_text is None:
            root_text = self.repository.article_text(root)
        similarity = round(hashed_jaccard(own.hashes, self._shingles(root_text)), 4)
        return Decision(
            Outcome.NEAR_DUPLICATE,
            digest,
            duplicate_of=root,
            similarity=similarity,
            bands=bands,
            signature=signature,
        )

    def _first_match(
        self, own: _Shingled, signature: bytes, candidates: list[Candidate]
    ) -> Candidate | None:
        """The candidate at or above the threshold whose cluster is the earliest.

        The candidates are tried in the order of their cluster's first article, so the
        first match names the cluster every match would (a near-copy of a story
        syndicated a hundred times is checked against one text, not a hundred). A
        candidate whose stored signature rules it out is not checked at all.
        """
        for candidate in sorted(candidates, key=lambda c: c.duplicate_of or c.id):
            if self._ruled_out(signature, candidate):
                continue
            if hashed_jaccard(own.hashes, self._shingles(candidate.text)) >= self.threshold:
                return candidate
        return None

    def _ruled_out(self, signature: bytes, candidate: Candidate) -> bool:
        agreement = signature_agreement(signature, candidate.signature or b"")
        return agreement is not None and agreement < self.ruled_out_below

    def _shingles(self, text: str) -> np.ndarray:
        """Shingles of a stored text; recent ones are kept (a cluster's texts come back often)."""
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        cached = self._recent.get(key)
        if cached is not None:
            self._recent.move_to_end(key)
            return cached
        computed = self._recent[key] = shingle_hashes(shingles(text, self.shingle_size))
        if len(self._recent) > RECENT_SHINGLE_SETS:
            self._recent.popitem(last=False)
        return computed


@dataclass
class _Shingled:
    """A new text's shingle hashes, computed the first time a candidate needs them."""

    text: str
    size: int

    @cached_property
    def hashes(self) -> np.ndarray:
        return shingle_hashes(shingles(self.text, self.size))
