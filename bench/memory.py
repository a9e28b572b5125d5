"""Memory of the crawl's bounded structures, full, against the obvious way to hold them.

    python -m bench.memory

A long crawl must not grow: what it keeps across documents is bounded, and
the bound is either reached early or cheap. This fills each such structure
to its bound and prints the memory it holds (tracemalloc, numpy included)
and the time per operation, beside the plain Python structure it replaced:

* the recurring-line memory of each extraction worker (200,000 lines): our
  packed generations against an OrderedDict of signature tuples;
* the Dedup stage's shingles of the 512 last compared candidates: sorted
  64-bit hashes against sets of bytes keyed by the text (texts of the dev
  pages, or synthetic ones without them);
* the files spider's list of 100,000 files: strings against sorted Paths.
"""

from __future__ import annotations

import gc
import gzip
import random
import time
import tracemalloc
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from newscrawler import settings as defaults
from newscrawler.dedup.decide import RECENT_SHINGLE_SETS
from newscrawler.dedup.fingerprint import hashed_jaccard, jaccard, shingle_hashes, shingles
from newscrawler.extraction.recurring import RecurringLines, stable_hash
from newscrawler.spiders.files import in_path_order

PAGES = [Path("/work/shared/extraction-dev/html"), Path("/work/shared/extraction-dev-fundus/html")]
LINES_PER_DOCUMENT, CHROME_LINES, SITES = 30, 8, 200


class OrderedRecurringLines:
    """The obvious alternative: one OrderedDict of line hash -> signatures, oldest dropped."""

    def __init__(self, min_documents: int = 3, capacity: int = 200_000) -> None:
        self.min_documents, self.capacity = min_documents, capacity
        self._documents: OrderedDict[int, tuple[int, ...]] = OrderedDict()

    def observe(self, keys: Iterable[str], document: str) -> None:
        signature = stable_hash(document)
        for line in {stable_hash(key) for key in keys}:
            seen = self._documents.get(line)
            if seen is None:
                if len(self._documents) >= self.capacity:
                    self._documents.popitem(last=False)
                self._documents[line] = (signature,)
            elif len(seen) < self.min_documents and signature not in seen:
                self._documents[line] = (*seen, signature)

    def is_recurring(self, key: str) -> bool:
        seen = self._documents.get(stable_hash(key))
        return seen is not None and len(seen) >= self.min_documents


def held(build: Callable[[], Any]) -> tuple[Any, float, float]:
    """What ``build`` returns, the MB it still holds, and the seconds it takes (a second
    call, without tracemalloc, which slows allocations unevenly)."""
    gc.collect()
    tracemalloc.start()
    value = build()
    gc.collect()
    size = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    started = time.perf_counter()
    build()
    return value, size, time.perf_counter() - started


def documents(count: int) -> list[tuple[list[str], str]]:
    """Synthetic documents: one-off article lines and the chrome lines of their site."""
    rng = random.Random(5)
    made = []
    for number in range(count):
        site = rng.randrange(SITES)
        lines = [f"site {site} menu {line}" for line in range(CHROME_LINES)]
        lines += [f"{number}: {rng.random()}" for _ in range(LINES_PER_DOCUMENT - CHROME_LINES)]
        made.append((lines, f"document {number}"))
    return made


def recurring_lines() -> None:
    capacity = defaults.EXTRACT_RECURRING_CAPACITY
    corpus = documents(3 * capacity // (LINES_PER_DOCUMENT - CHROME_LINES))

    def fill(make: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            memory = make()
            for lines, name in corpus:
                for line in lines:
                    memory.is_recurring(line)
                memory.observe(lines, name)
            return memory

        return run

    print(f"recurring lines, {capacity:,} lines, {len(corpus):,} documents of "
          f"{LINES_PER_DOCUMENT} lines:")  # fmt: skip
    ours, ours_mb, ours_s = held(fill(lambda: RecurringLines(capacity=capacity)))
    other, other_mb, other_s = held(fill(lambda: OrderedRecurringLines(capacity=capacity)))
    chrome = [f"site {site} menu 0" for site in range(SITES)]
    for name, memory, mb, seconds in [
        ("ours: packed generations", ours, ours_mb, ours_s),
        ("OrderedDict of tuples", other, other_mb, other_s),
    ]:
        kept = sum(memory.is_recurring(line) for line in chrome)
        print(f"  {name:<28} {mb:6.1f} MB  {seconds * 1e6 / len(corpus):6.0f} µs/document  "
              f"sites' chrome still known: {kept}/{SITES}")  # fmt: skip
    print(f"  ours / OrderedDict: memory {ours_mb / other_mb:.2f}, time {ours_s / other_s:.2f}")


def candidate_texts() -> list[str]:
    """Texts of the dev pages as the crawl stores them (extracted), or synthetic ones."""
    from newscrawler.extraction.document import extract_document
    from newscrawler.extraction.errors import ExtractionError

    texts = []
    for path in sorted(p for folder in PAGES if folder.is_dir() for p in folder.glob("*.gz")):
        try:
            texts.append(extract_document(gzip.decompress(path.read_bytes()), url=path.name).text)
        except ExtractionError:
            continue
        if len(texts) == RECENT_SHINGLE_SETS:
            return texts
    rng = random.Random(6)
    words = [f"w{rng.randrange(20_000)}" for _ in range(200_000)]
    return [" ".join(rng.sample(words, 900)) for _ in range(RECENT_SHINGLE_SETS)]


def candidate_shingles() -> None:
    texts = candidate_texts()
    print(f"Dedup candidates' shingles, {len(texts)} texts:")
    as_sets, sets_mb, _ = held(lambda: {text: shingles(text) for text in texts})
    as_hashes, hashes_mb, _ = held(lambda: [shingle_hashes(shingles(text)) for text in texts])
    pairs = list(zip(range(len(texts)), range(1, len(texts)), strict=False))
    started = time.perf_counter()
    exact = [jaccard(as_sets[texts[a]], as_sets[texts[b]]) for a, b in pairs]
    sets_s = time.perf_counter() - started
    started = time.perf_counter()
    hashed = [hashed_jaccard(as_hashes[a], as_hashes[b]) for a, b in pairs]
    hashes_s = time.perf_counter() - started
    same = sum(x == y for x, y in zip(exact, hashed, strict=True))
    print(
        f"  {'ours: sorted 64-bit hashes':<28} {hashes_mb:6.1f} MB  "
        f"{hashes_s * 1e6 / len(pairs):6.0f} µs/similarity  equal: {same}/{len(pairs)}"
    )
    print(f"  {'sets of bytes, by text':<28} {sets_mb:6.1f} MB  "
          f"{sets_s * 1e6 / len(pairs):6.0f} µs/similarity")  # fmt: skip
    print(f"  ours / sets: memory {hashes_mb / sets_mb:.2f}, time {hashes_s / sets_s:.2f}")


def file_list() -> None:
    names = [f"/data/corpus/{n // 1000:03}/doc{n:06}.html" for n in range(100_000)]
    random.Random(7).shuffle(names)
    print(f"files spider's list, {len(names):,} files:")

    def listing() -> Any:
        files = in_path_order(iter(names))
        return files, next(files)  # the list is sorted (and held) from the first file on

    ours, ours_mb, ours_s = held(listing)
    paths, paths_mb, paths_s = held(lambda: sorted(Path(name) for name in names))
    print(f"  {'ours: strings':<28} {ours_mb:6.1f} MB  {ours_s:6.2f} s to sort")
    print(f"  {'sorted Paths':<28} {paths_mb:6.1f} MB  {paths_s:6.2f} s to sort")
    print(f"  ours / Paths: memory {ours_mb / paths_mb:.2f}, time {ours_s / paths_s:.2f}")
    del ours, paths


def main() -> None:
    recurring_lines()
    candidate_shingles()
    file_list()


if __name__ == "__main__":
    main()
