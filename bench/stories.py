"""Story benchmark: pairwise precision/recall/F1 of "same story", and cost per article.

    python -m bench.stories                  # dev set + cost at 1k and 10k stored articles
    python -m bench.stories --n 100000       # cost up to 100k stored articles
    python -m bench.stories --explain        # every dev pair's similarity (for tuning)

Quality: the labelled dev set in ``bench/corpora/stories/`` (articles written
for it, several languages, events with hard negatives: same people, other
event) goes through the real Story stage parts (language identifier, signal
extractor, assigner, SQL index on a fresh SQLite file) in publication order.
Every pair of articles is scored: same story predicted vs same event
labelled, reported within one language, across languages and across
German-English, separately for the ``dev`` events (the rules were tuned on
them) and the ``heldout`` events (only scored). Beside it, in the same run,
a plain baseline: TF-IDF cosine within one language and exact overlap of
capitalised words across languages, each with its threshold chosen as the
best on the dev events.

Cost: a synthetic stream of articles' signals (names from a Zipf-distributed
pool, events of a few days, 100 articles a day) is written into the index up
to 1k, 10k and 100k stored articles; at each size 200 more go through the
assigner (candidate lookup, comparisons, index writes) and their milliseconds
per article are printed beside the obvious alternative, comparing each new
article with every stored one, in the same run; the ratio shows what the
bounded index saves, and the first column that it does not grow.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from newscrawler import settings
from newscrawler.db.engine import make_engine
from newscrawler.db.models import Story, StoryKey, StorySignal
from newscrawler.db.schema import ensure_schema
from newscrawler.db.stories import SqlStoryIndex
from newscrawler.language.identify import LanguageIdentifier
from newscrawler.story.cluster import StoryAssigner, StoryEntry
from newscrawler.story.match import MatchRule, similarity
from newscrawler.story.signals import SignalExtractor, Signals

CORPUS = Path(__file__).parent / "corpora" / "stories"
WORD = re.compile(r"\w+")
CAPITALISED = re.compile(r"\b[^\W\d_][\w-]*")


@dataclass(frozen=True, slots=True)
class Doc:
    name: str
    event: str
    split: str
    language: str
    published: datetime
    title: str
    text: str


def load_corpus(folder: Path = CORPUS) -> list[Doc]:
    docs = []
    for path in sorted(folder.glob("*.txt")):
        header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        fields = dict(line.split(": ", 1) for line in header.splitlines())
        docs.append(
            Doc(path.stem, fields["event"], fields["split"], fields["language"],
                datetime.fromisoformat(fields["published"].replace("Z", "+00:00")),
                fields["title"], body.strip())
        )  # fmt: skip
    return sorted(docs, key=lambda doc: (doc.published, doc.name))


def default_rule() -> MatchRule:
    """The rule as the project's settings configure it."""
    return MatchRule(
        min_shared=settings.STORY_MIN_SHARED,
        min_overlap=settings.STORY_MIN_OVERLAP,
        min_keys=settings.STORY_MIN_KEYS,
        window=timedelta(hours=settings.STORY_WINDOW_HOURS),
    )


def fresh_session(folder: Path) -> Session:
    engine = make_engine(f"sqlite:///{folder / 'stories.sqlite3'}")
    ensure_schema(engine)
    return Session(engine)


# -- quality ------------------------------------------------------------------


def assign_ours(docs: list[Doc], folder: Path, rule: MatchRule) -> tuple[dict[str, int], float]:
    """Story id per document, as the Story stage assigns them, and the seconds it took.

    The language model, word lists and schema are loaded or created before the
    clock starts (once per process in a crawl).
    """
    identifier = LanguageIdentifier(None)
    extractor = SignalExtractor()
    identifier.identify(docs[0].text)
    for language in {doc.language for doc in docs}:
        extractor.extract("Warm Up", None, language)
    with fresh_session(folder) as session:
        assigner = StoryAssigner(SqlStoryIndex(lambda: session), rule)
        started = time.perf_counter()
        stories = {}
        for doc in docs:
            language = identifier.identify(doc.text, doc.title).code
            entry = StoryEntry(
                extractor.extract(doc.text, doc.title, language), doc.published, language, doc.title
            )
            stories[doc.name] = assigner.assign(entry).story_id
        elapsed = time.perf_counter() - started
        session.rollback()
    return stories, elapsed


Pair = tuple[Doc, Doc]
Judge = Callable[[Doc, Doc], bool]


def pair_groups(docs: list[Doc]) -> dict[str, list[Pair]]:
    """Pairs by split (both documents in it) and kind (within / across languages, de-en)."""
    groups: dict[str, list[Pair]] = {}
    for first, second in itertools.combinations(docs, 2):
        if first.split != second.split:
            continue
        same_language = first.language == second.language
        kinds = ["within one language" if same_language else "across languages"]
        if {first.language, second.language} == {"de", "en"}:
            kinds.append("German-English")
        for kind in kinds:
            groups.setdefault(f"{first.split}: {kind}", []).append((first, second))
    return groups


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float
    positives: int
    pairs: int

    def cells(self) -> str:
        return f"{self.precision:.3f} / {self.recall:.3f} / {self.f1:.3f}"


def score(pairs: Iterable[Pair], judge: Judge) -> Score:
    tp = fp = fn = total = 0
    for first, second in pairs:
        total += 1
        truth, predicted = first.event == second.event, judge(first, second)
        tp += truth and predicted
        fp += predicted and not truth
        fn += truth and not predicted
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, tp + fn, total)


# -- the plain baseline ------------------------------------------------------------


def tfidf_vectors(docs: list[Doc]) -> dict[str, dict[str, float]]:
    tokens = {doc.name: Counter(WORD.findall(f"{doc.title} {doc.text}".lower())) for doc in docs}
    df = Counter(word for counts in tokens.values() for word in counts)
    vectors = {}
    for name, counts in tokens.items():
        vector = {w: (1 + math.log(c)) * math.log(len(docs) / df[w]) for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors[name] = {w: v / norm for w, v in vector.items()}
    return vectors


def cosine(first: dict[str, float], second: dict[str, float]) -> float:
    return sum(value * second.get(word, 0.0) for word, value in first.items())


def capitalised(doc: Doc) -> set[str]:
    return set(CAPITALISED.findall(f"{doc.title} {doc.text}")) - {""}


def baseline_judges(docs: list[Doc], dev_pairs: list[Pair]) -> tuple[Judge, str]:
    """TF-IDF cosine within a language, exact capitalised-word overlap across; tuned on dev."""
    vectors = tfidf_vectors(docs)
    names = {doc.name: capitalised(doc) for doc in docs}

    def judge_with(cosine_min: float, overlap_min: int) -> Judge:
        def judge(first: Doc, second: Doc) -> bool:
            if first.language == second.language:
                return cosine(vectors[first.name], vectors[second.name]) >= cosine_min
            return len(names[first.name] & names[second.name]) >= overlap_min

        return judge

    grid = [(c / 20, k) for c in range(1, 16) for k in range(1, 9)]
    best = max(grid, key=lambda params: score(dev_pairs, judge_with(*params)).f1)
    return judge_with(*best), f"cosine >= {best[0]:.2f}, shared words >= {best[1]}"


def report_quality(rule: MatchRule) -> None:
    docs = load_corpus()
    with tempfile.TemporaryDirectory() as folder:
        stories, elapsed = assign_ours(docs, Path(folder), rule)
    groups = pair_groups(docs)
    dev_pairs = [
        pair
        for key, pairs in groups.items()
        if key.startswith("dev") and "German" not in key
        for pair in pairs
    ]
    baseline, baseline_params = baseline_judges(docs, dev_pairs)

    def ours(first: Doc, second: Doc) -> bool:
        return stories[first.name] == stories[second.name]

    events = len({doc.event for doc in docs})
    languages = sorted({doc.language for doc in docs})
    print(f"story dev set: {len(docs)} articles, {events} events, languages {', '.join(languages)}")
    per_article = 1000 * elapsed / len(docs)
    print(f"ours: {len(set(stories.values()))} stories, {per_article:.1f} ms/article "
          "(language, signals, SQLite index; first statements compiled)")  # fmt: skip
    print(f"baseline thresholds (best F1 on dev): {baseline_params}\n")
    print(f"{'pairs':<36} {'same/all':>9}  {'ours P / R / F1':<23}  {'baseline P / R / F1':<23}")
    for key in sorted(groups):
        mine, plain = score(groups[key], ours), score(groups[key], baseline)
        counts = f"{mine.positives:>4}/{mine.pairs:<4}"
        print(f"{key:<36} {counts}  {mine.cells():<23}  {plain.cells():<23}")
    print()
    for doc in docs:
        print(f"  story {stories[doc.name]:>3}  {doc.split:<7} {doc.event:<26} {doc.name}")


def explain(rule: MatchRule) -> None:
    """Every same-split pair's similarity, for tuning on the dev events."""
    docs = load_corpus()
    extractor = SignalExtractor()
    signals = {doc.name: extractor.extract(doc.text, doc.title, doc.language) for doc in docs}
    for first, second in itertools.combinations(docs, 2):
        if first.split != second.split or first.split != "dev":
            continue
        found = similarity(signals[first.name], signals[second.name])
        same = first.event == second.event
        if same or found.shared >= 1.5:
            verdict = "ok " if rule.same_story(found) == same else "BAD"
            verdict += "q" if found.quantities_disagree else " "
            label = "same" if same else "diff"
            print(f"{verdict} {label} {found.shared:6.2f} {found.overlap:5.2f} "
                  f"{found.keys:3} {first.name} ~ {second.name}")  # fmt: skip


# -- cost ---------------------------------------------------------------------------


def synthetic_stream(seed: int = 7) -> Iterator[tuple[int, StoryEntry]]:
    """Endless (event, entry) pairs at 100 articles a day, signals as the extractor gives them.

    Each event lasts a few days and has eight names (from a Zipf-distributed
    pool of 20,000) and an amount; each article carries five of its event's
    names, four random ones and the amount.
    """
    rng = random.Random(seed)
    names = [f"e:n{number}" for number in range(20_000)]
    weights = [1 / (rank + 1) for rank in range(len(names))]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    events: list[tuple[int, list[str], str]] = []
    for number in itertools.count():
        if not events or rng.random() < 0.15:
            amount = f"n:{rng.randint(2, 900)}e+06"
            events.append((len(events), rng.choices(names, weights, k=8), amount))
        event, cast, amount = rng.choice(events[-30:])
        keys = dict.fromkeys(rng.sample(cast, 5) + rng.choices(names, weights, k=4), 1.0)
        keys[amount] = 1.0
        yield event, StoryEntry(Signals(keys), start + timedelta(minutes=14.4 * number), "en", None)


def prefill(session: Session, stream: Iterator[tuple[int, StoryEntry]], count: int) -> None:
    """``count`` more articles written straight into the index (as the stage would write them)."""
    stories: set[int] = set(session.scalars(select(Story.id)))
    for _ in range(count):
        event, entry = next(stream)
        if event + 1 not in stories:
            session.add(
                Story(
                    id=event + 1,
                    first_seen_at=entry.seen_at,
                    last_seen_at=entry.seen_at,
                    article_count=0,
                    languages=["en"],
                )
            )
            stories.add(event + 1)
        signal = StorySignal(story_id=event + 1, seen_at=entry.seen_at, language="en",
                             keys=entry.signals.keys)  # fmt: skip
        session.add(signal)
        session.flush()
        session.execute(insert(StoryKey), [
            {"key": key, "seen_at": entry.seen_at, "signal_id": signal.id}
            for key in entry.signals.search_keys()
        ])  # fmt: skip
    session.commit()


def brute_force_ms(session: Session, entries: list[StoryEntry], rule: MatchRule) -> float:
    """Compare each entry with every stored article's signals (no index, no window)."""
    started = time.perf_counter()
    for entry in entries:
        for keys in session.scalars(select(StorySignal.keys)):
            rule.same_story(similarity(entry.signals, Signals(dict(keys))))
    return 1000 * (time.perf_counter() - started) / len(entries)


def report_cost(n: int, rule: MatchRule, sample: int = 200) -> None:
    """Milliseconds per article at each database size, beside comparing with every article."""
    sizes = [size for size in (1_000, 10_000, 100_000) if size <= n]
    print(f"\ncost per article (assignment and index writes; {sample} articles at each size),")
    print("synthetic stream at 100 articles a day, SQLite file:")
    print(f"{'stored':>8}  {'indexed (ms)':>12}  {'compare with all (ms)':>21}  {'ratio':>6}")
    stream = synthetic_stream()
    with tempfile.TemporaryDirectory() as folder, fresh_session(Path(folder)) as session:
        assigner = StoryAssigner(SqlStoryIndex(lambda: session), rule)
        stored = 0
        for size in sizes:
            prefill(session, stream, size - stored)
            stored = size
            probes = [next(stream)[1] for _ in range(sample)]
            assigner.assign(probes[0])  # statements compiled once per process
            started = time.perf_counter()
            for entry in probes[1:]:
                assigner.assign(entry)
            indexed = 1000 * (time.perf_counter() - started) / (sample - 1)
            session.rollback()  # the probes are not kept: the next size continues the stream
            brute = brute_force_ms(session, probes[:5], rule)
            print(f"{size:>8}  {indexed:>12.2f}  {brute:>21.1f}  {brute / indexed:>5.0f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="articles in the cost run")
    parser.add_argument("--explain", action="store_true", help="print dev pair similarities")
    args = parser.parse_args()
    rule = default_rule()
    if args.explain:
        explain(rule)
        return
    report_quality(rule)
    report_cost(args.n, rule)


if __name__ == "__main__":
    main()
