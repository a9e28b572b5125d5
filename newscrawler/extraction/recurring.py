"""Cross-document state: lines seen in several documents of one crawl are site chrome.

The only state the text rules keep between documents, kept apart from the
stateless line rules so that a process pool can hold one per worker.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable


class RecurringLines:
    """Lines seen in several documents of one crawl: a site's chrome repeats, articles don't.

    Memory is bounded: at most ``capacity`` line keys are remembered, the
    oldest forgotten first. Documents are told apart by a signature of their
    whole text, so that the same article fetched twice does not make its own
    paragraphs look like chrome.
    """

    def __init__(self, min_documents: int = 3, capacity: int = 200_000) -> None:
        self.min_documents = min_documents
        self.capacity = capacity
        self._documents: OrderedDict[int, set[int]] = OrderedDict()

    def observe(self, keys: Iterable[str], document: str) -> None:
        signature = hash(document)
        for key in set(keys):
            line = hash(key)
            seen = self._documents.get(line)
            if seen is None:
                if len(self._documents) >= self.capacity:
                    self._documents.popitem(last=False)
                seen = self._documents[line] = set()
            if len(seen) < self.min_documents:
                seen.add(signature)

    def is_recurring(self, key: str) -> bool:
        seen = self._documents.get(hash(key))
        return seen is not None and len(seen) >= self.min_documents
