"""Cross-document state: lines seen in several documents of one crawl are site chrome.

The only state the text rules keep between documents, kept apart from the
stateless line rules so that each worker process of a pool can hold one.
Line keys and document signatures are stable 64-bit hashes (not Python's
per-process ``hash``), so that what one worker observed means the same in
another: a worker created with ``share=True`` records its observations, and
the pool hands them to the other workers (:mod:`newscrawler.workers`), so
every worker learns from every document whichever worker extracted it.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable

# One document's contribution: its signature and the keys of its lines.
Observation = tuple[int, tuple[int, ...]]


def stable_hash(text: str) -> int:
    """A 64-bit hash that is the same in every process (``hash(str)`` is salted per process)."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


class RecurringLines:
    """Lines seen in several documents of one crawl: a site's chrome repeats, articles don't.

    Memory is bounded: at most ``capacity`` line keys are remembered, the
    oldest forgotten first. Documents are told apart by a signature of their
    whole text, so that the same article fetched twice does not make its own
    paragraphs look like chrome.
    """

    def __init__(
        self, min_documents: int = 3, capacity: int = 200_000, share: bool = False
    ) -> None:
        self.min_documents = min_documents
        self.capacity = capacity
        self.share = share
        # Line hash -> the first ``min_documents`` document signatures it was seen in (a
        # tuple: a set of three costs four times its memory, and there are ``capacity``).
        self._documents: OrderedDict[int, tuple[int, ...]] = OrderedDict()
        self._outbox: list[Observation] = []

    def observe(self, keys: Iterable[str], document: str) -> None:
        observation = (stable_hash(document), tuple({stable_hash(key) for key in keys}))
        self.merge((observation,))
        if self.share:
            self._outbox.append(observation)

    def merge(self, observations: Iterable[Observation]) -> None:
        """Count what this or another worker observed."""
        for signature, lines in observations:
            for line in lines:
                self._count(line, signature)

    def take_observations(self) -> tuple[Observation, ...]:
        """This worker's observations since the last call (for the other workers)."""
        taken, self._outbox = tuple(self._outbox), []
        return taken

    def is_recurring(self, key: str) -> bool:
        seen = self._documents.get(stable_hash(key))
        return seen is not None and len(seen) >= self.min_documents

    def _count(self, line: int, signature: int) -> None:
        seen = self._documents.get(line)
        if seen is None:
            if len(self._documents) >= self.capacity:
                self._documents.popitem(last=False)
            self._documents[line] = (signature,)
        elif len(seen) < self.min_documents and signature not in seen:
            self._documents[line] = (*seen, signature)
