"""Deduplication benchmark: docs/s, memory and precision/recall of duplicate links at scale.

    python -m bench.dedup --n 10000            # 10k documents (about a minute)
    python -m bench.dedup --n 100000           # 100k
    python -m bench.dedup --n 1000000 --slow   # 1M, opt-in

Generates N synthetic news-like documents (400 words in 8 paragraphs from a
Zipf-distributed vocabulary) of which a known share are exact copies
(case and punctuation changed) and near copies (2 % of words edited, two
paragraphs swapped, a boilerplate paragraph added) of earlier ones, feeds
them through our Dedup decision and Store writes against a fresh SQLite
database (the LSH band table is the index), and reports documents/s for
each tenth of the run (to show the cost per document does not grow with
the database), peak RSS, and precision/recall of the duplicate links. The
same documents go through datasketch's in-memory MinHashLSH (threshold
0.8, no exact check) as the obvious alternative. A near copy counts as a
duplicate when its exact Jaccard similarity to its original (3-word
shingles) is at least the 0.8 threshold.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from datasketch import MinHash, MinHashLSH
from sqlalchemy import event

from newscrawler import items
from newscrawler.db.repository import Entry
from newscrawler.db.store import ArticleStore
from newscrawler.dedup.decide import Deduplicator, Outcome
from newscrawler.dedup.fingerprint import jaccard, minhash, shingles

EXACT_SHARE = 0.10
NEAR_SHARE = 0.20
EDIT_RATE = 0.02
THRESHOLD = 0.8
BOILERPLATE = "Sign up for our newsletter to get the day's top stories in your inbox every morning."


@dataclass(frozen=True, slots=True)
class Doc:
    number: int
    cluster: int  # documents of one cluster are copies of the same story
    text: str
    duplicate: bool  # an exact copy, or a near copy at or above the threshold


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    syllables = ["ka", "lo", "mi", "ne", "ra", "tu", "se", "vi", "do", "pa", "ri", "go", "an",
                 "el", "or", "us", "ta", "be", "zu", "fi"]  # fmt: skip
    return ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(size)]


def story(rng: random.Random, words: list[str], weights: list[float]) -> list[str]:
    paragraphs = []
    for _ in range(8):
        tokens = rng.choices(words, weights=weights, k=50)
        paragraphs.append(" ".join(tokens).capitalize() + ".")
    return paragraphs


def edited(rng: random.Random, paragraphs: list[str], words: list[str]) -> list[str]:
    """A republished copy: 2 % of words changed, two paragraphs swapped, a trailer added."""
    changed = []
    for paragraph in paragraphs:
        tokens = paragraph.split()
        for index in range(len(tokens)):
            if rng.random() < EDIT_RATE:
                tokens[index] = rng.choice(words)
        changed.append(" ".join(tokens))
    first, second = rng.sample(range(len(changed)), 2)
    changed[first], changed[second] = changed[second], changed[first]
    return [*changed, BOILERPLATE]


def corpus(count: int, seed: int = 42) -> list[Doc]:
    rng = random.Random(seed)
    words = vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    originals: list[tuple[int, list[str]]] = []
    docs = []
    for number in range(count):
        roll = rng.random()
        if originals and roll < EXACT_SHARE:
            cluster, paragraphs = rng.choice(originals)
            docs.append(Doc(number, cluster, "\n\n".join(paragraphs).upper(), True))
        elif originals and roll < EXACT_SHARE + NEAR_SHARE:
            cluster, paragraphs = rng.choice(originals)
            text = "\n\n".join(edited(rng, paragraphs, words))
            similarity = jaccard(shingles(text), shingles("\n\n".join(paragraphs)))
            docs.append(Doc(number, cluster, text, similarity >= THRESHOLD))
        else:
            paragraphs = story(rng, words, weights)
            originals.append((number, paragraphs))
            docs.append(Doc(number, number, "\n\n".join(paragraphs), False))
    return docs


@dataclass
class Links:
    true_positive: int = 0
    false_positive: int = 0
    duplicates: int = 0  # documents that are copies of an earlier one

    def add(self, predicted_cluster: int | None, doc: Doc) -> None:
        """Score one decision; near copies below the threshold count neither way."""
        self.duplicates += doc.duplicate
        if predicted_cluster is None:
            return
        if predicted_cluster != doc.cluster:
            self.false_positive += 1
        elif doc.duplicate:
            self.true_positive += 1

    @property
    def precision(self) -> float:
        linked = self.true_positive + self.false_positive
        return self.true_positive / linked if linked else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.duplicates if self.duplicates else 1.0


def run_ours(
    docs: list[Doc], database: Path, batch: int, lsh_threshold: float | None = None
) -> tuple[Links, list[float], float]:
    """Our Dedup and Store stages against SQLite, committing every ``batch`` documents.

    Returns the links, docs/s per tenth of the run and SQL statements per document.
    """
    store = ArticleStore(f"sqlite:///{database}")
    store.open("bench")
    assert store.engine is not None
    statements = [0]

    def counted(*_args: object) -> None:
        statements[0] += 1

    event.listen(store.engine, "before_cursor_execute", counted)
    deduplicator = Deduplicator(store, threshold=THRESHOLD, lsh_threshold=lsh_threshold)
    cluster_of: dict[int, int] = {}
    links = Links()
    rates = []
    tenth = max(1, len(docs) // 10)
    started = time.perf_counter()
    cpu = time.process_time()
    now = datetime.now(UTC)
    unresolved: list[tuple[Entry, int]] = []  # new articles whose id is not known yet
    for doc in docs:
        url = f"https://bench.example/{doc.number}"
        decision = deduplicator.decide(doc.text, url)
        # An article a decision refers to has been written: its id is known now.
        for entry, cluster in unresolved:
            if entry.decision.article_id is not None:
                cluster_of[entry.decision.article_id] = cluster
        unresolved = [(e, c) for e, c in unresolved if e.decision.article_id is None]
        predicted = None
        if decision.outcome.is_duplicate:
            predicted = cluster_of[decision.article_id or -1]
        elif decision.outcome is Outcome.NEAR_DUPLICATE:
            predicted = cluster_of[decision.duplicate_of or -1]
        raw = items.RawDocument(url=url, body=doc.text.encode(), spider="bench", fetched_at=now)
        entry = store.repository.stage(items.Article(raw=raw, text=doc.text, url_key=url), decision)
        if entry.creates:
            unresolved.append((entry, doc.cluster))
        links.add(predicted, doc)
        if (doc.number + 1) % batch == 0:
            store.repository.commit()
        if (doc.number + 1) % tenth == 0:
            elapsed = time.perf_counter() - started
            rates.append(tenth / elapsed)
            started = time.perf_counter()
    store.repository.commit()
    event.remove(store.engine, "before_cursor_execute", counted)
    store.close("finished", {}, {})
    cpu_ms = (time.process_time() - cpu) * 1000 / len(docs)
    print(f"  CPU ms per document (Dedup and Store, LSH {deduplicator.params.bands}x"
          f"{deduplicator.params.rows}): {cpu_ms:.2f}")  # fmt: skip
    return links, rates, statements[0] / len(docs)


def run_datasketch(docs: list[Doc]) -> tuple[Links, float]:
    """datasketch MinHashLSH in memory at threshold 0.8 without an exact check."""
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=128)
    cluster_of: dict[int, int] = {}
    links = Links()
    started = time.perf_counter()
    for doc in docs:
        signature = MinHash(
            num_perm=128, hashvalues=minhash(shingles(doc.text), 128), scheme="affine32"
        )
        candidates = lsh.query(signature)
        predicted = cluster_of[min(candidates)] if candidates else None
        lsh.insert(doc.number, signature)
        cluster_of[doc.number] = doc.cluster
        links.add(predicted, doc)
    return links, len(docs) / (time.perf_counter() - started)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--slow", action="store_true", help="allow N above 200,000")
    parser.add_argument("--skip-datasketch", action="store_true")
    parser.add_argument("--batch", type=int, default=100, help="STORE_BATCH_SIZE")
    parser.add_argument("--compare-lsh", type=float, default=0.7,
                        help="also run with LSH tuned for this (main: 0.7; 0 = skip)")  # fmt: skip
    args = parser.parse_args()
    if args.n > 200_000 and not args.slow:
        parser.error("N above 200,000 takes long: add --slow")
    docs = corpus(args.n)
    print(f"{args.n} documents: {EXACT_SHARE:.0%} exact copies, {NEAR_SHARE:.0%} near copies")
    with tempfile.TemporaryDirectory() as folder:
        links, rates, statements = run_ours(docs, Path(folder) / "dedup.sqlite3", args.batch)
    overall = len(rates) / sum(1 / r for r in rates) if rates else 0.0
    print(f"{'method':<34} {'docs/s':>8} {'precision':>10} {'recall':>7} {'peak RSS MB':>12}")
    print(f"{'ours: DB band table + exact check':<34} {overall:>8.0f} {links.precision:>10.3f} "
          f"{links.recall:>7.3f} {peak_rss_mb():>12.0f}")  # fmt: skip
    print("  docs/s per tenth of the run: " + " ".join(f"{rate:.0f}" for rate in rates))
    print(f"  SQL statements per document (Dedup and Store): {statements:.2f}")
    if rates:
        print(f"  last tenth / first tenth: {rates[-1] / rates[0]:.2f}")
    if args.compare_lsh:
        with tempfile.TemporaryDirectory() as folder:
            old, old_rates, _ = run_ours(
                docs, Path(folder) / "dedup.sqlite3", args.batch, args.compare_lsh
            )
        old_overall = len(old_rates) / sum(1 / r for r in old_rates) if old_rates else 0.0
        label = f"ours, LSH tuned for {args.compare_lsh}"
        print(f"{label:<34} {old_overall:>8.0f} {old.precision:>10.3f} {old.recall:>7.3f} "
              f"{peak_rss_mb():>12.0f}")  # fmt: skip
        print(f"  docs/s ours / LSH {args.compare_lsh}: {overall / old_overall:.2f}")
    if not args.skip_datasketch:
        sketch, rate = run_datasketch(docs)
        print(f"{'datasketch MinHashLSH 0.8 in memory':<34} {rate:>8.0f} {sketch.precision:>10.3f} "
              f"{sketch.recall:>7.3f} {peak_rss_mb():>12.0f}")  # fmt: skip
        print(f"  ours / datasketch docs/s: {overall / rate:.2f}")


if __name__ == "__main__":
    main()
