"""Extraction-quality benchmark: our HTML Extract stage against bare trafilatura.

Run from the repository root::

    python -m bench.extraction [--sample N] [--worst K] [--only ours] [--no-speed]

It scores, on the same pages and side by side, token-shingle precision /
recall / F1 (:mod:`bench.scoring`) and pages per second for our extractor,
bare trafilatura at its defaults and bare trafilatura with
``favor_precision`` (both with metadata, the same work as ours), and
``trafilatura.extract`` without metadata (the speed most users see); then
title, author and date accuracy. Ratios are against bare trafilatura at its
defaults. Every extractor starts from the raw bytes. Last, the speed on one
core of our Extract stage alone (``extract_document``, as the pipeline's
stage runs it: the issue's speed goal is this row at 1.0× or more) and of what
an extraction worker does (``extract_document`` and the language,
:func:`newscrawler.workers.analyse_in_worker`) beside
``trafilatura.bare_extraction(with_metadata=True)`` and ``trafilatura.extract()``
on every page of both development sets, taking turns page by page, in CPU
time (``--no-speed`` skips it). Corpora:

* the development set of real news pages (``../shared/extraction-dev`` from
  the repository root, or ``$NEWSCRAWLER_EXTRACTION_DEV``);
* the second development set, 258 news pages in 25 languages
  (``../shared/extraction-dev-fundus``, or ``$NEWSCRAWLER_EXTRACTION_DEV_FUNDUS``),
  also scored per body language;
* the non-English pages under ``bench/corpora/html/`` (``<name>.html`` plus
  ``<name>.json`` holding the expected ``body``, ``title``, ``authors`` and
  ``date``), modelled on real news sites.

The quality gate in ``tests/test_extraction_quality.py`` loads pages with the
same functions, so the benchmark and CI report the same numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import re
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import trafilatura

from bench.scoring import CorpusScore, DocumentScore, score_corpus, score_document
from newscrawler import settings as defaults
from newscrawler.extraction.document import extract_document
from newscrawler.extraction.errors import ExtractionError
from newscrawler.extraction.recurring import RecurringLines
from newscrawler.workers import Document, WorkerSettings, analyse_in_worker, prepare_worker

REPO_ROOT = Path(__file__).resolve().parent.parent
DEV_SET_ENV = "NEWSCRAWLER_EXTRACTION_DEV"
DEFAULT_DEV_SET = REPO_ROOT.parent / "shared" / "extraction-dev"
FUNDUS_SET_ENV = "NEWSCRAWLER_EXTRACTION_DEV_FUNDUS"
DEFAULT_FUNDUS_SET = REPO_ROOT.parent / "shared" / "extraction-dev-fundus"
LOCAL_CORPUS = REPO_ROOT / "bench" / "corpora" / "html"
# A publication date matches when some time zone on Earth puts the UTC instant on that day.
DATE_TOLERANCE = timedelta(hours=14)


@dataclass(frozen=True, slots=True)
class LabelledPage:
    """One HTML page with its hand-cleaned body and metadata."""

    name: str
    body: bytes
    url: str | None
    expected_text: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: date | None = None
    language: str | None = None


@dataclass(slots=True)
class Prediction:
    text: str = ""
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None


Extractor = Callable[[bytes, str | None], Prediction]


def dev_set_path() -> Path:
    """Where the development set lives: the env override, else next to the repository."""
    return Path(os.environ.get(DEV_SET_ENV) or DEFAULT_DEV_SET)


def load_dev_set(root: Path | None = None, sample: int | None = None) -> list[LabelledPage]:
    """Load the development set; ``sample`` takes evenly spaced pages in id order."""
    root = root or dev_set_path()
    labels = json.loads((root / "articles.json").read_text(encoding="utf-8"))
    ids = _evenly_spaced(sorted(labels), sample)
    return [_dev_page(root, page_id, labels[page_id]) for page_id in ids]


def fundus_set_path() -> Path:
    """Where the second (multilingual news) development set lives."""
    return Path(os.environ.get(FUNDUS_SET_ENV) or DEFAULT_FUNDUS_SET)


def load_fundus_set(root: Path | None = None, sample: int | None = None) -> list[LabelledPage]:
    """Load the Fundus-derived set (25 languages); ``sample`` as in :func:`load_dev_set`."""
    root = root or fundus_set_path()
    labels = json.loads((root / "articles.json").read_text(encoding="utf-8"))
    ids = _evenly_spaced(sorted(labels), sample)
    return [_fundus_page(root, page_id, labels[page_id]) for page_id in ids]


def _fundus_page(root: Path, page_id: str, label: dict[str, str]) -> LabelledPage:
    raw = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes())
    return LabelledPage(
        name=page_id,
        body=raw,
        url=label.get("url"),
        expected_text=label.get("articleBody") or "",
        title=label.get("title"),
        language=label.get("language"),
    )


def load_local_corpus(root: Path = LOCAL_CORPUS) -> list[LabelledPage]:
    """Load the hand-built non-English pages (``<name>.html`` + ``<name>.json``)."""
    pages = []
    for html_path in sorted(root.glob("*.html")):
        label = json.loads(html_path.with_suffix(".json").read_text(encoding="utf-8"))
        pages.append(
            LabelledPage(
                name=html_path.stem,
                body=html_path.read_bytes(),
                url=label.get("url"),
                expected_text=label["body"],
                title=label.get("title"),
                authors=tuple(label.get("authors", ())),
                published=_parse_label_date(label.get("date")),
            )
        )
    return pages


def _evenly_spaced(items: Sequence[str], sample: int | None) -> list[str]:
    if sample is None or sample >= len(items):
        return list(items)
    step = len(items) / sample
    return [items[int(i * step)] for i in range(sample)]


def _dev_page(root: Path, page_id: str, label: dict[str, str]) -> LabelledPage:
    raw = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes())
    authors = tuple(a.strip() for a in (label.get("authors") or "").split(",") if a.strip())
    return LabelledPage(
        name=page_id,
        body=raw,
        url=label.get("url"),
        expected_text=label.get("articleBody") or "",
        title=label.get("title"),
        authors=authors,
        published=_parse_label_date(label.get("date")),
    )


def _parse_label_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# --- extractors under comparison -------------------------------------------------------------


def ours(body: bytes, url: str | None) -> Prediction:
    """Our Extract stage, exactly as the pipeline runs it: :func:`extract_document`."""
    try:
        result = extract_document(body, url=url or "page.html", content_type="text/html")
    except ExtractionError:
        return Prediction()
    return Prediction(result.text, result.title, result.authors, result.published_at)


def _bare_trafilatura(**options: bool) -> Extractor:
    def extract(body: bytes, url: str | None) -> Prediction:
        document = trafilatura.bare_extraction(body, url=url, with_metadata=True, **options)
        if document is None:
            return Prediction()
        authors = [a.strip() for a in (document.author or "").split(";") if a.strip()]
        published = _bare_date(document.date)
        return Prediction(document.text or "", document.title, authors, published)

    return extract


def _bare_date(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None
    except ValueError:
        return None


def _bare_trafilatura_text(body: bytes, url: str | None) -> Prediction:
    """``trafilatura.extract`` as most users call it: text only, no metadata."""
    return Prediction(trafilatura.extract(body, url=url) or "")


EXTRACTORS: dict[str, Extractor] = {
    "ours": ours,
    "trafilatura": _bare_trafilatura(),
    "trafilatura-precision": _bare_trafilatura(favor_precision=True),
    "trafilatura-text-only": _bare_trafilatura_text,
}


# --- scoring --------------------------------------------------------------------------------


@dataclass(slots=True)
class RunResult:
    name: str
    scores: list[DocumentScore]
    predictions: list[Prediction]
    seconds: float

    @property
    def corpus(self) -> CorpusScore:
        return score_corpus(self.scores)

    @property
    def pages_per_second(self) -> float:
        return len(self.scores) / self.seconds if self.seconds else 0.0


def run_extractor(name: str, extractor: Extractor, pages: Sequence[LabelledPage]) -> RunResult:
    """Extract every page, timing extraction only, and score each against its reference."""
    predictions, elapsed = [], 0.0
    for page in pages:
        start = time.perf_counter()
        predictions.append(extractor(page.body, page.url))
        elapsed += time.perf_counter() - start
    scores = [
        score_document(prediction.text, page.expected_text)
        for prediction, page in zip(predictions, pages, strict=True)
    ]
    return RunResult(name, scores, predictions, elapsed)


def normalise_label(value: str) -> str:
    """Compare titles and names without case, accents-as-composed, quotes or spacing noise.

    Invisible format characters (soft hyphens, zero-width spaces and joiners)
    are left out: a label holding one says nothing a reader could see.
    """
    value = "".join(c for c in value if unicodedata.category(c) != "Cf")
    value = unicodedata.normalize("NFKC", value).casefold()
    value = value.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", value).strip()


def title_matches(predicted: str | None, expected: str | None) -> bool:
    return bool(predicted and expected) and normalise_label(predicted) == normalise_label(expected)


def authors_match(predicted: Sequence[str], expected: Sequence[str]) -> bool:
    return {normalise_label(a) for a in predicted} == {normalise_label(a) for a in expected}


def date_matches(predicted: datetime | None, expected: date | None) -> bool:
    if predicted is None or expected is None:
        return False
    day_start = datetime(expected.year, expected.month, expected.day, tzinfo=UTC)
    return day_start - DATE_TOLERANCE <= predicted < day_start + timedelta(1) + DATE_TOLERANCE


@dataclass(frozen=True, slots=True)
class MetadataAccuracy:
    title: float
    authors: float
    date: float


def metadata_accuracy(result: RunResult, pages: Sequence[LabelledPage]) -> MetadataAccuracy:
    """Share of pages whose title, author set and publication day match the labels."""
    pairs = list(zip(result.predictions, pages, strict=True))
    titled = [(p, g) for p, g in pairs if g.title]
    dated = [(p, g) for p, g in pairs if g.published]
    return MetadataAccuracy(
        title=_share(title_matches(p.title, g.title) for p, g in titled),
        authors=_share(authors_match(p.authors, g.authors) for p, g in pairs),
        date=_share(date_matches(p.published_at, g.published) for p, g in dated),
    )


def _share(flags: object) -> float:
    values = list(flags)  # type: ignore[call-overload]
    return sum(values) / len(values) if values else 0.0


# --- speed: what a worker does against bare trafilatura, page by page ------------------------

WORKER_SETTINGS = WorkerSettings(
    recurring_min_documents=defaults.EXTRACT_RECURRING_MIN_DOCUMENTS,
    languages=tuple(defaults.LANGUAGES) or None,
    language_min_confidence=defaults.LANGUAGE_MIN_CONFIDENCE,
    language_min_chars=defaults.LANGUAGE_MIN_CHARS,
)


def _worker(body: bytes, url: str | None) -> None:
    """A worker's whole job on one page: ``extract_document``, then the language."""
    document = Document(body, url or "page.html", "text/html", None, None)
    with contextlib.suppress(ExtractionError):
        analyse_in_worker(document, WORKER_SETTINGS)


def _extract_stage() -> Callable[[bytes, str | None], None]:
    """The Extract stage alone: :func:`extract_document` as a worker calls it.

    With the crawl's cross-document line memory and size limit, but without
    the language, fingerprint and story signals a worker computes afterwards.
    """
    recurring = RecurringLines(min_documents=defaults.EXTRACT_RECURRING_MIN_DOCUMENTS)

    def extract(body: bytes, url: str | None) -> None:
        with contextlib.suppress(ExtractionError):
            extract_document(
                body,
                url=url or "page.html",
                content_type="text/html",
                max_bytes=defaults.EXTRACT_MAX_BYTES,
                recurring=recurring,
            )

    return extract


def _bare_with_metadata(body: bytes, url: str | None) -> None:
    trafilatura.bare_extraction(body, url=url, with_metadata=True)


def _bare_extract(body: bytes, url: str | None) -> None:
    trafilatura.extract(body, url=url)


def speed_contenders() -> dict[str, Callable[[bytes, str | None], None]]:
    """The timed contenders, each with fresh state (our line memory starts empty)."""
    return {
        "ours (Extract stage: extract_document)": _extract_stage(),
        "ours (worker: extract + language)": _worker,
        "trafilatura.bare_extraction(with_metadata)": _bare_with_metadata,
        "trafilatura.extract()": _bare_extract,
    }


SPEED_REFERENCE = "trafilatura.bare_extraction(with_metadata)"


def speed_comparison(pages: Sequence[LabelledPage]) -> dict[str, tuple[float, float]]:
    """CPU and wall seconds per contender, timed page by page in turn.

    Each contender first runs once untimed (what a long crawl pays once:
    lazy imports, models, caches). The contenders take turns on each page (in
    rotating order), so load from other processes on a shared machine falls on
    all of them alike; CPU time (``time.process_time``) is the figure to
    compare, wall time is printed too.
    """
    prepare_worker(WORKER_SETTINGS)  # the model loads once per worker, before its first page
    contenders = speed_contenders()
    for contender in contenders.values():  # lazy imports and caches: a crawl pays once
        contender(pages[0].body, pages[0].url)
    totals = {name: [0.0, 0.0] for name in contenders}
    names = list(contenders)
    for index, page in enumerate(pages):
        for offset in range(len(names)):
            name = names[(index + offset) % len(names)]
            cpu, wall = time.process_time(), time.perf_counter()
            contenders[name](page.body, page.url)
            totals[name][0] += time.process_time() - cpu
            totals[name][1] += time.perf_counter() - wall
    return {name: (cpu, wall) for name, (cpu, wall) in totals.items()}


def print_speed(title: str, pages: Sequence[LabelledPage]) -> None:
    totals = speed_comparison(pages)
    reference_cpu = totals[SPEED_REFERENCE][0]
    count = len(pages)
    print(f"\n== speed on one core, {title}: {count} pages, CPU time (wall in brackets) ==")
    print(f"{'contender':<46}{'CPU ms/page':>12}{'pages/s':>9}{'(wall)':>9}{'× bare+meta':>13}")
    for name, (cpu, wall) in totals.items():
        print(
            f"{name:<46}{1000 * cpu / count:>12.1f}{count / cpu:>9.1f}{count / wall:>9.1f}"
            f"{reference_cpu / cpu:>13.2f}"
        )


# --- report ---------------------------------------------------------------------------------


def print_comparison(
    title: str, results: Sequence[RunResult], pages: Sequence[LabelledPage]
) -> None:
    reference = next((r for r in results if r.name == "trafilatura"), results[0])
    print(f"\n== {title}: {len(pages)} pages ==")
    header = f"{'extractor':<24}{'P':>7}{'R':>7}{'F1':>7}{'ΔF1':>8}{'pages/s':>9}{'speed×':>8}"
    print(header + f"{'title':>8}{'authors':>9}{'date':>7}")
    for result in results:
        corpus, meta = result.corpus, metadata_accuracy(result, pages)
        speed_ratio = result.pages_per_second / reference.pages_per_second
        print(
            f"{result.name:<24}{corpus.precision:>7.3f}{corpus.recall:>7.3f}{corpus.f1:>7.3f}"
            f"{corpus.f1 - reference.corpus.f1:>+8.3f}{result.pages_per_second:>9.1f}"
            f"{speed_ratio:>8.2f}{meta.title:>8.3f}{meta.authors:>9.3f}{meta.date:>7.3f}"
        )


def print_worst(result: RunResult, pages: Sequence[LabelledPage], count: int) -> None:
    ranked = sorted(zip(result.scores, pages, strict=True), key=lambda pair: _f1(pair[0]))
    print(f"\n-- {count} worst pages for {result.name} --")
    for score, page in ranked[:count]:
        print(f"{_f1(score):.3f}  P={score.precision:.3f} R={score.recall:.3f}  {page.name}")


def _f1(score: DocumentScore) -> float:
    total = score.precision + score.recall
    return 2 * score.precision * score.recall / total if total else 0.0


def print_per_language(results: Sequence[RunResult], pages: Sequence[LabelledPage]) -> None:
    """F1 per body language of each extractor, ours minus bare trafilatura, then title accuracy.

    Title accuracy is given for the extractors that return a title (not the
    text-only one), as matched pages over labelled pages of that language.
    """
    languages = sorted({page.language or "?" for page in pages})
    names = [result.name for result in results]
    titled = [result for result in results if any(p.title for p in result.predictions)]
    print(f"{'language':<10}{'pages':>6}" + "".join(f"{name[:14]:>16}" for name in names), end="")
    has_delta = "ours" in names and "trafilatura" in names
    print(f"{'ours-traf':>11}" if has_delta else "", end="")
    print("".join(f"{'title:' + r.name[:15]:>22}" for r in titled))
    for language in languages:
        indices = [i for i, page in enumerate(pages) if (page.language or "?") == language]
        f1s = {r.name: score_corpus([r.scores[i] for i in indices]).f1 for r in results}
        row = f"{language:<10}{len(indices):>6}" + "".join(f"{f1s[name]:>16.3f}" for name in names)
        delta = f"{f1s['ours'] - f1s['trafilatura']:>+11.3f}" if has_delta else ""
        print(row + delta + "".join(_title_cell(r, pages, indices) for r in titled))


def _title_cell(result: RunResult, pages: Sequence[LabelledPage], indices: list[int]) -> str:
    labelled = [i for i in indices if pages[i].title]
    matched = sum(title_matches(result.predictions[i].title, pages[i].title) for i in labelled)
    return f"{f'{matched}/{len(labelled)}':>22}"


def benchmark(
    label: str,
    pages: Sequence[LabelledPage],
    names: Sequence[str],
    worst: int,
    per_language: bool = False,
) -> list[RunResult]:
    results = [run_extractor(name, EXTRACTORS[name], pages) for name in names]
    print_comparison(label, results, pages)
    if per_language:
        print_per_language(results, pages)
    if worst:
        print_worst(results[0], pages, worst)
        print_title_misses(results[0], pages, worst)
    return results


def print_title_misses(result: RunResult, pages: Sequence[LabelledPage], count: int) -> None:
    """The first ``count`` labelled pages whose title misses, predicted beside the label."""
    misses = [
        (page, prediction.title)
        for prediction, page in zip(result.predictions, pages, strict=True)
        if page.title and not title_matches(prediction.title, page.title)
    ]
    print(f"\n-- {min(count, len(misses))} of {len(misses)} title misses for {result.name} --")
    for page, predicted in misses[:count]:
        print(
            f"{page.name} [{page.language or '?'}]\n  label: {page.title!r}\n  ours:  {predicted!r}"
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, help="evenly spaced pages of the dev set")
    parser.add_argument(
        "--worst",
        type=int,
        default=0,
        help="list the K worst pages (F1) and K title misses of the first extractor",
    )
    parser.add_argument("--only", nargs="+", choices=list(EXTRACTORS), default=list(EXTRACTORS))
    parser.add_argument("--no-speed", action="store_true", help="skip the CPU-time comparison")
    args = parser.parse_args(argv)
    speed_pages: list[LabelledPage] = []
    root = dev_set_path()
    if (root / "articles.json").is_file():
        pages = load_dev_set(root, args.sample)
        benchmark(f"extraction-dev ({root})", pages, args.only, args.worst)
        speed_pages += pages
    else:
        print(f"extraction-dev not found at {root}; set ${DEV_SET_ENV}")
    fundus = fundus_set_path()
    if (fundus / "articles.json").is_file():
        pages = load_fundus_set(fundus, args.sample)
        benchmark(f"extraction-dev-fundus ({fundus})", pages, args.only, args.worst, True)
        speed_pages += pages
    else:
        print(f"extraction-dev-fundus not found at {fundus}; set ${FUNDUS_SET_ENV}")
    if speed_pages and not args.no_speed:
        print_speed("both development sets", speed_pages)
    local = load_local_corpus()
    if local:
        benchmark("non-English pages (bench/corpora/html)", local, args.only, args.worst)


if __name__ == "__main__":
    main()
