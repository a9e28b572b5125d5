"""Language identification benchmark: our Language stage against the runner-up.

    python -m bench.language

Labelled data in bench/corpora/language/: news sentences in 24 languages
(sentences.tsv), paragraphs made of three of them, mixed-language documents
whose expected tag is the language of the body (mixed.tsv: menus in
another language, quotes, brand names) and short headlines (short.tsv).
Compared: our LanguageIdentifier (py3langid inside, all its languages as
candidates, and restricted to the corpus languages) and lingua (all
languages, high-accuracy mode, when installed), with items/s and the memory
each model adds to the process. Last, the cost of reading the model: every
piece the identifier classifies, by py3langid's own ``classify`` one piece
at a time and by our numpy reading (:mod:`newscrawler.language.scores`) a
text's pieces at once, taking turns text by text, in CPU time, with a check
that both give the same label and probability.
"""

from __future__ import annotations

import copy
import importlib.util
import resource
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from newscrawler.language.identify import (
    LanguageIdentifier,
    shared_automaton,
    shared_model,
    supported_languages,
)
from newscrawler.language.scores import ModelScorer
from newscrawler.language.segments import segments
from newscrawler.text.languages import labels_for

CORPUS = Path(__file__).parent / "corpora" / "language"
Labelled = list[tuple[str, str]]
Identify = Callable[[str], str]


def load(name: str) -> Labelled:
    rows = []
    for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
        if line.strip():
            code, text = line.split("\t", 1)
            rows.append((code, text.replace("\\n", "\n")))
    return rows


def paragraphs(sentences: Labelled) -> Labelled:
    """Three consecutive sentences of one language, rotating through its sentences."""
    by_language: dict[str, list[str]] = defaultdict(list)
    for code, text in sentences:
        by_language[code].append(text)
    rows = []
    for code, texts in by_language.items():
        for start in range(len(texts)):
            chosen = [texts[(start + offset) % len(texts)] for offset in range(3)]
            rows.append((code, " ".join(chosen)))
    return rows


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ours(languages: list[str] | None) -> Identify:
    identifier = LanguageIdentifier(languages, min_confidence=0.0, min_chars=1)
    return lambda text: identifier.identify(text).code


def lingua_all() -> Identify:
    from lingua import LanguageDetectorBuilder

    detector = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()

    def identify(text: str) -> str:
        language = detector.detect_language_of(text)
        return language.iso_code_639_1.name.lower() if language is not None else "und"

    return identify


def accuracy(identify: Identify, rows: Labelled) -> tuple[float, float, dict[str, float]]:
    """Overall accuracy, items/s and accuracy per language."""
    right: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    started = time.perf_counter()
    for code, text in rows:
        total[code] += 1
        right[code] += identify(text) == code
    rate = len(rows) / (time.perf_counter() - started)
    per_language = {code: right[code] / total[code] for code in total}
    return sum(right.values()) / len(rows), rate, per_language


def reading_speed(texts: list[str]) -> tuple[float, float, int, int]:
    """CPU seconds of py3langid's ``classify`` and of our scorer on the texts' pieces.

    Both read the same restricted model (every supported language); returns
    (py3langid s, ours s, pieces, pieces whose label or probability differ).
    """
    labels = labels_for(set(supported_languages()), shared_model().labels)
    model = copy.copy(shared_model())
    model.set_languages(labels)
    scorer = ModelScorer(shared_model(), shared_automaton(), set(labels))
    spent, pieces_read, differing = [0.0, 0.0], 0, 0
    for index, text in enumerate(texts):
        pieces = [segment.text for segment in segments(text)]
        answers: list[list[tuple[str, float]]] = [[], []]
        for which in (index % 2, 1 - index % 2):  # who goes first alternates
            started = time.process_time()
            if which == 0:
                answers[0] = [model.classify(piece) for piece in pieces]
            else:
                answers[1] = [scorer.classify(found) for found in scorer.scores(pieces)]
            spent[which] += time.process_time() - started
        pieces_read += len(pieces)
        differing += sum(a != b for a, b in zip(*answers, strict=True))
    return spent[0], spent[1], pieces_read, differing


def print_reading_speed(sets: dict[str, Labelled]) -> None:
    texts = [text for rows in sets.values() for _, text in rows]
    texts += ["\n".join(texts[start : start + 12]) for start in range(0, len(texts), 12)]
    theirs, ours_cpu, pieces, differing = reading_speed(texts * 3)
    count = 3 * len(texts)
    print(f"\nreading the model, {count} texts ({pieces} pieces), CPU ms per text:")
    print(f"  py3langid classify, piece by piece {1000 * theirs / count:8.3f}")
    print(f"  ours, a text's pieces at once      {1000 * ours_cpu / count:8.3f}")
    print(
        f"  ratio {theirs / ours_cpu:.2f}x; pieces with another label or probability: {differing}"
    )


def main() -> None:
    sentences = load("sentences.tsv")
    sets = {
        "sentences": sentences,
        "paragraphs": paragraphs(sentences),
        "mixed": load("mixed.tsv"),
        "headlines": load("short.tsv"),
    }
    corpus_languages = sorted({code for code, _ in sentences})
    candidates: dict[str, Callable[[], Identify]] = {
        "ours (py3langid, all languages)": lambda: ours(None),
        "ours (py3langid, 24 languages)": lambda: ours(corpus_languages),
    }
    if importlib.util.find_spec("lingua") is not None:
        candidates["lingua (all languages, high accuracy)"] = lingua_all
    else:
        print("lingua is not installed (pip install -e '.[bench]'): left out")
    print(f"{len(corpus_languages)} languages: {' '.join(corpus_languages)}")
    header = f"{'identifier':<40}" + "".join(f"{name:>12}" for name in sets)
    print(header + f"{'sent./s':>10}{'+MB':>7}")
    per_language_rows = {}
    for label, build in candidates.items():
        before = rss_mb()
        identify = build()
        identify("warm up the model")
        added = rss_mb() - before
        cells, rate = [], 0.0
        for name, rows in sets.items():
            score, speed, per_language = accuracy(identify, rows)
            cells.append(f"{score:>12.3f}")
            if name == "sentences":
                rate, per_language_rows[label] = speed, per_language
        print(f"{label:<40}" + "".join(cells) + f"{rate:>10.0f}{added:>7.0f}")
    print("\nsentence accuracy per language:")
    labels = list(per_language_rows)
    print(f"{'':<6}" + "".join(f"{label.split(' (')[0] + str(i):>10}" for i, label in
                               enumerate(labels)))  # fmt: skip
    for code in corpus_languages:
        print(
            f"{code:<6}" + "".join(f"{per_language_rows[label][code]:>10.2f}" for label in labels)
        )
    print_reading_speed(sets)


if __name__ == "__main__":
    main()
