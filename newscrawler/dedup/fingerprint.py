"""Text fingerprints for deduplication: exact keys and MinHash/LSH band hashes.

Exact duplicates are found by a hash of the *normalised* text (case,
whitespace, punctuation and Unicode forms folded), near-duplicates by the
estimated Jaccard similarity of word shingles (MinHash) bucketed into LSH
bands that live in the database, so every worker shares one index and the
cost of a lookup does not grow with the number of stored articles.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import xxhash

from newscrawler.text.normalise import word_string
from newscrawler.text.scripts import UNSPACED_CHAR

INT64 = 1 << 63


def normalize_text(text: str) -> str:
    """Fold Unicode forms, case, punctuation and whitespace."""
    return word_string(text)


def content_hash(text: str) -> str:
    """SHA-256 of the normalised text: the exact-duplicate key."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


def tokens(normalized: str) -> list[str]:
    """Words, or characters for scripts written without spaces."""
    # Scripts written without spaces between words: shingle characters instead.
    if len(UNSPACED_CHAR.findall(normalized)) > len(normalized) // 3:
        return [ch for ch in normalized if not ch.isspace()]
    return normalized.split()


def shingles(text: str, size: int = 3) -> set[bytes]:
    """The set of ``size``-token shingles of the normalised text."""
    words = tokens(normalize_text(text))
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def jaccard(a: set[bytes], b: set[bytes]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def shingle_hashes(shingle_set: set[bytes]) -> np.ndarray:
    """The shingles as sorted, distinct 64-bit hashes: 8 bytes each, where a set of bytes
    costs about 100 (the Dedup stage keeps hundreds of candidates' shingles)."""
    hashes = np.fromiter(
        (xxhash.xxh64_intdigest(shingle) for shingle in shingle_set), np.uint64, len(shingle_set)
    )
    return np.unique(hashes)


def hashed_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """:func:`jaccard` of two :func:`shingle_hashes` (equal unless two shingles' hashes collide)."""
    if not a.size and not b.size:
        return 1.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / (a.size + b.size - common)


def _hash32(data: bytes) -> int:
    return xxhash.xxh32_intdigest(data)


@dataclass(frozen=True, slots=True)
class LshParameters:
    num_perm: int
    bands: int
    rows: int

    @classmethod
    @lru_cache(maxsize=8)
    def for_threshold(cls, threshold: float, num_perm: int) -> LshParameters:
        """Bands and rows that minimise false positives and negatives around ``threshold``."""
        bands, rows = optimal_bands(threshold, num_perm)
        return cls(num_perm, bands, rows)


def optimal_bands(
    threshold: float, num_perm: int, false_positive_weight: float = 0.5
) -> tuple[int, int]:
    """(bands, rows) with the least weighted area of false positives and negatives.

    The probability that two texts of Jaccard similarity ``s`` share a band is
    ``1 - (1 - s**rows)**bands``; false positives are that probability below
    ``threshold``, false negatives its complement above. The same criterion as
    datasketch's private ``_optimal_param``, integrated numerically with numpy.
    """
    below = np.linspace(0.0, threshold, 1001)
    above = np.linspace(threshold, 1.0, 1001)
    best: tuple[float, int, int] | None = None
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            positive = np.trapezoid(1 - (1 - below**rows) ** bands, below)
            negative = np.trapezoid((1 - above**rows) ** bands, above)
            error = false_positive_weight * positive + (1 - false_positive_weight) * negative
            if best is None or error < best[0]:
                best = (float(error), bands, rows)
    assert best is not None
    return best[1], best[2]


# datasketch's MinHash permutation scheme "affine32" (its default since 2.0), written out:
# importing datasketch pulls in scipy (0.6 s in every process), and the band hashes that
# the database keeps must not change with the version of a library. The test suite checks
# that the values equal datasketch's.
MINHASH_SEED = 1
MAX_HASH32 = np.uint32(0xFFFFFFFF)
FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """The affine permutations ``h -> a*h + b (mod 2^32)``, ``a`` odd, drawn once."""
    generator = np.random.RandomState(MINHASH_SEED)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's finalizer: spreads the input hashes before the affine permutations."""
    s1, m1, s2, m2, s3 = FMIX32
    values = values ^ (values >> s1)
    values = values * m1
    values = values ^ (values >> s2)
    values = values * m2
    mixed: np.ndarray = values ^ (values >> s3)
    return mixed


def minhash(shingle_set: set[bytes], num_perm: int) -> np.ndarray:
    """The MinHash signature of a shingle set: ``num_perm`` unsigned 32-bit minima."""
    if not shingle_set:
        return np.full(num_perm, MAX_HASH32, dtype=np.uint32)
    hashes = np.fromiter(
        (_hash32(shingle) for shingle in shingle_set), dtype=np.uint32, count=len(shingle_set)
    )
    a, b = _permutations(num_perm)
    with np.errstate(over="ignore"):  # the wrap-around is the modulo 2^32
        permuted = _fmix32(hashes).reshape(-1, 1) * a + b
    return permuted.min(axis=0)  # type: ignore[no-any-return]


def signature_bytes(signature: np.ndarray) -> bytes:
    """A MinHash signature as stored (``articles.minhash``): little-endian 32-bit values."""
    return np.asarray(signature, dtype="<u4").tobytes()


def signature_agreement(a: bytes, b: bytes) -> float | None:
    """The share of equal values of two stored signatures: an unbiased estimate of the
    texts' Jaccard similarity. None when they were made with different ``num_perm``."""
    if len(a) != len(b) or not a:
        return None
    return float(np.mean(np.frombuffer(a, dtype="<u4") == np.frombuffer(b, dtype="<u4")))


def band_hashes(signature: np.ndarray, params: LshParameters) -> list[int]:
    """One signed 64-bit hash per LSH band (fits a BIGINT column)."""
    values = np.asarray(signature, dtype=np.uint64)
    hashes = []
    for band in range(params.bands):
        chunk = values[band * params.rows : (band + 1) * params.rows].tobytes()
        unsigned = xxhash.xxh64_intdigest(chunk, seed=band)
        hashes.append(unsigned - (1 << 64) if unsigned >= INT64 else unsigned)
    return hashes
