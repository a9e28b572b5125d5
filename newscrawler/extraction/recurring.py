"""Cross-document state: lines seen in several documents of one crawl are site chrome.

The only state the text rules keep between documents, kept apart from the
stateless line rules so that each worker process of a pool can hold one.
Line keys and document signatures are stable 64-bit hashes (not Python's
per-process ``hash``), so that what one worker observed means the same in
another: a worker created with ``share=True`` records its observations, and
the pool hands them to the other workers (:mod:`newscrawler.workers`), so
every worker learns from every document whichever worker extracted it.

The memory is bounded and small, because a crawl of any length keeps it in
every worker: the lines of the current generation are a dict, and older
generations are packed into sorted numpy arrays (37 bytes a line instead of
about 190 in a dict of tuples). When the dict holds ``capacity /
GENERATIONS`` lines it is packed, and the oldest packed generation is
forgotten; a line seen again moves back into the current generation, so
chrome that keeps recurring is never forgotten while one-off article lines
are.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# One document's contribution: its signature and the keys of its lines.
Observation = tuple[int, tuple[int, ...]]
# The memory is this many generations of capacity / GENERATIONS lines: the current one and
# the packed ones. A line is remembered for at least (GENERATIONS - 1) / GENERATIONS of the
# capacity's worth of lines seen after it.
GENERATIONS = 8

U64 = npt.NDArray[np.uint64]


def stable_hash(text: str) -> int:
    """A 64-bit hash that is the same in every process (``hash(str)`` is salted per process)."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


@dataclass(frozen=True, slots=True)
class Generation:
    """Lines packed in arrays sorted by line key: the signatures of their first documents."""

    keys: U64
    counts: npt.NDArray[np.uint8]  # how many of the row's signatures are set
    signatures: U64  # rows of ``min_documents`` signatures
    recurring: frozenset[int]  # the keys seen in ``min_documents`` documents or more

    @classmethod
    def pack(cls, lines: dict[int, tuple[int, ...]], min_documents: int) -> Generation:
        count = len(lines)
        keys = np.fromiter(lines, np.uint64, count)
        counts = np.fromiter((len(seen) for seen in lines.values()), np.uint8, count)
        signatures = np.zeros((count, min_documents), np.uint64)
        for row, seen in enumerate(lines.values()):
            signatures[row, : len(seen)] = seen
        order = np.argsort(keys)
        recurring = frozenset(line for line, seen in lines.items() if len(seen) >= min_documents)
        return cls(keys[order], counts[order], signatures[order], recurring)

    def __len__(self) -> int:
        return len(self.keys)

    def find(self, lines: U64) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        """(positions in ``lines``, rows here) of the lines this generation holds."""
        rows = np.searchsorted(self.keys, lines)
        found = np.flatnonzero(self.keys.take(rows, mode="clip") == lines)
        return found, rows[found]

    def seen(self, row: int) -> tuple[int, ...]:
        return tuple(self.signatures[row, : self.counts[row]].tolist())


class RecurringLines:
    """Lines seen in several documents of one crawl: a site's chrome repeats, articles don't.

    Memory is bounded: at most ``capacity`` line keys are remembered (plus
    the lines of one document), the least recently seen forgotten first, a
    generation at a time. Documents are told apart by a signature of their
    whole text, so that the same article fetched twice does not make its own
    paragraphs look like chrome.
    """

    def __init__(
        self, min_documents: int = 3, capacity: int = 200_000, share: bool = False
    ) -> None:
        self.min_documents = min_documents
        self.capacity = capacity
        self.share = share
        self.generation_size = max(1, capacity // GENERATIONS)
        # Line hash -> the first ``min_documents`` document signatures it was seen in.
        self._current: dict[int, tuple[int, ...]] = {}
        self._packed: deque[Generation] = deque(maxlen=GENERATIONS - 1)  # oldest first
        self._packed_recurring: set[int] = set()  # the packed generations' recurring lines
        self._outbox: list[Observation] = []

    def __len__(self) -> int:
        """Line keys held (a line seen again after it was packed may be counted twice)."""
        return len(self._current) + sum(len(generation) for generation in self._packed)

    def observe(self, keys: Iterable[str], document: str) -> None:
        observation = (stable_hash(document), tuple({stable_hash(key) for key in keys}))
        self.merge((observation,))
        if self.share:
            self._outbox.append(observation)

    def merge(self, observations: Iterable[Observation]) -> None:
        """Count what this or another worker observed."""
        for signature, lines in observations:
            if len(self._current) >= self.generation_size:
                self._pack()
            self._count(signature, lines)

    def take_observations(self) -> tuple[Observation, ...]:
        """This worker's observations since the last call (for the other workers)."""
        taken, self._outbox = tuple(self._outbox), []
        return taken

    def is_recurring(self, key: str) -> bool:
        line = stable_hash(key)
        seen = self._current.get(line)
        if seen is not None:  # the newest entry of a line holds all its signatures
            return len(seen) >= self.min_documents
        return line in self._packed_recurring

    def _count(self, signature: int, lines: tuple[int, ...]) -> None:
        current = self._current
        older = self._older([line for line in lines if line not in current])
        for line in lines:
            seen = current.get(line) or older.get(line)
            if seen is None:
                current[line] = (signature,)
            elif len(seen) < self.min_documents and signature not in seen:
                current[line] = (*seen, signature)
            else:
                current[line] = seen  # seen again: kept with the current generation

    def _older(self, lines: Sequence[int]) -> dict[int, tuple[int, ...]]:
        """What the packed generations hold of ``lines`` (the newest entry of each)."""
        found: dict[int, tuple[int, ...]] = {}
        if not lines or not self._packed:
            return found
        wanted = np.array(lines, np.uint64)
        for generation in reversed(self._packed):
            for position, row in zip(*generation.find(wanted), strict=True):
                found.setdefault(lines[position], generation.seen(row))
        return found

    def _pack(self) -> None:
        """The current generation becomes the newest packed one; the oldest is forgotten."""
        self._packed.append(Generation.pack(self._current, self.min_documents))
        self._current = {}
        self._packed_recurring = set().union(*(g.recurring for g in self._packed))
