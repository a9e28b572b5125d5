"""Plain-text extraction benchmark on hand-labelled documents.

    python -m bench.plaintext

bench/corpora/plaintext/ holds news texts in several languages wrapped in
different sites' chrome (menus, search tips, time-ago lines, counters,
teasers, cookie notices, credit lines, comment prompts, a body carried
twice) with the expected clean body beside each (``.expected.txt``).
Reports token-shingle P/R/F1 and documents/s for our plain-text extractor
and for the obvious baseline, the whole text kept as it is.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from bench.scoring import score_corpus, score_document
from newscrawler.extraction.document import model_language
from newscrawler.extraction.plaintext import extract_plain_text

CORPUS = Path(__file__).parent / "corpora" / "plaintext"
ROUNDS = 20


def documents() -> list[tuple[str, str, str]]:
    """(name, raw text, expected body) for every labelled document."""
    rows = []
    for expected in sorted(CORPUS.glob("*.expected.txt")):
        name = expected.name.removesuffix(".expected.txt")
        raw = (CORPUS / f"{name}.txt").read_text(encoding="utf-8")
        rows.append((name, raw, expected.read_text(encoding="utf-8")))
    return rows


def evaluate(extract: Callable[[str], str], rows: list[tuple[str, str, str]]) -> None:
    outputs = [extract(raw) for _, raw, _ in rows]  # also loads models and stop-word lists
    started = time.perf_counter()
    for _ in range(ROUNDS):
        for _, raw, _ in rows:
            extract(raw)
    rate = ROUNDS * len(rows) / (time.perf_counter() - started)
    expected = [body for _, _, body in rows]
    scores = [score_document(out, want) for out, want in zip(outputs, expected, strict=True)]
    corpus = score_corpus(scores)
    print(f"  P {corpus.precision:.3f}  R {corpus.recall:.3f}  F1 {corpus.f1:.3f}", end="")
    print(f"  {rate:,.0f} docs/s")
    for (name, _, _), score in zip(rows, scores, strict=True):
        print(f"    {name:<22} P {score.precision:.3f}  R {score.recall:.3f}")


def main() -> None:
    rows = documents()
    print(f"{len(rows)} labelled plain-text documents")
    print("ours (extract_plain_text):")
    evaluate(lambda raw: extract_plain_text(raw, language_of=model_language).text, rows)
    print("baseline (whole text):")
    evaluate(lambda raw: raw, rows)


if __name__ == "__main__":
    main()
