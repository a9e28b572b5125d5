"""The CPU-bound text work on every core: worker processes that share what they learn.

Extraction, language identification, the dedup fingerprint and the story
signals are most of a crawl's CPU, and Python threads share one core, so the
Extract stage hands each document to a worker process, which does all of it
and answers with the results. The main process then only queries and
writes.

The plain-text rules learn a site's chrome from the lines that recur across
its documents (:class:`~newscrawler.extraction.recurring.RecurringLines`).
That evidence must see every document, whichever worker extracted it: each
answer carries the observations its worker made, and the pool hands them to
the other workers with their next document. A document goes to the least
busy worker (its site's home worker when they are equally busy), so one
site's crawl uses every core; the evidence lags by at most the documents in
flight.

Workers are started with ``spawn`` (forking a process that runs a reactor and
threads is not safe); each runs one document at a time, and the caller bounds
how many are in flight. This module knows nothing of Scrapy.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import zlib
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from newscrawler import settings as defaults
from newscrawler.dedup.decide import Fingerprint, FingerprintSettings, fingerprint
from newscrawler.extraction.document import extract_document
from newscrawler.extraction.recurring import Observation, RecurringLines
from newscrawler.extraction.result import Extraction
from newscrawler.heap import map_large_blocks
from newscrawler.language.identify import LanguageIdentifier, LanguageResult
from newscrawler.story.signals import SignalExtractor, Signals

# Observations kept for a worker that has not been sent a document for a while: the
# evidence of this many documents (older ones are forgotten, as RecurringLines forgets).
PENDING_OBSERVATIONS = 5_000


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    """What every worker is configured with (the crawl's settings, picklable)."""

    recurring_min_documents: int
    languages: tuple[str, ...] | None
    language_min_confidence: float
    language_min_chars: int
    # The Dedup stage's fingerprint settings (None: the Dedup stage computes it itself).
    fingerprints: FingerprintSettings | None = None
    recurring_capacity: int = defaults.EXTRACT_RECURRING_CAPACITY


@dataclass(frozen=True, slots=True)
class Document:
    """What a worker needs to extract one document (``body`` zlib-compressed when ``packed``).

    A body travels to the worker compressed when it is compressed anyway (for the
    journal and the database): a fifth of the bytes through the pipe.
    """

    body: bytes
    url: str
    content_type: str | None
    encoding: str | None
    max_bytes: int | None
    title_hint: str | None = None  # the title the spider found beside the link
    packed: bool = False


@dataclass(frozen=True, slots=True)
class Analysis:
    """A worker's answer: the extraction, its language, fingerprint and story signals."""

    extraction: Extraction
    language: LanguageResult
    fingerprint: Fingerprint | None = None
    signals: Signals | None = None
    # The worker's recurring-line observations since its previous answer (for the others).
    observations: tuple[Observation, ...] = ()
    worker_pid: int = 0


def site_of(url: str) -> str:
    """The site whose chrome a document shares: the host, or a local file's folder."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return parts.netloc.lower()
    return str(PurePosixPath(parts.path).parent)


def usable_cores() -> int:
    """The cores this process may run on: ``taskset``, cpusets and affinity limit them.

    ``os.cpu_count()`` counts the machine's cores; a crawl pinned to one of
    two would start a second worker that only takes turns with the first.
    """
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


class TextWorkers:
    """``processes`` single-process executors (0: one per core) that share their evidence."""

    def __init__(self, processes: int, settings: WorkerSettings) -> None:
        count = processes if processes > 0 else usable_cores()
        context = multiprocessing.get_context("spawn")
        self.settings = settings
        self._executors = [
            ProcessPoolExecutor(
                max_workers=1,
                mp_context=context,
                initializer=start_worker,
                initargs=(os.getpid(),),
            )
            for _ in range(count)
        ]
        self._in_flight: list[list[Future[Analysis]]] = [[] for _ in range(count)]
        self._evidence: list[deque[Observation]] = [
            deque(maxlen=PENDING_OBSERVATIONS) for _ in range(count)
        ]

    @property
    def processes(self) -> int:
        """How many worker processes there are."""
        return len(self._executors)

    def start(self) -> None:
        """Load every worker's models now; raise here what a bad setting raises there."""
        for started in [
            executor.submit(prepare_worker, self.settings) for executor in self._executors
        ]:
            started.result()

    @property
    def size(self) -> int:
        return len(self._executors)

    def analyse(self, document: Document) -> Future[Analysis]:
        """Analyse ``document`` in the least busy worker; the future raises what extraction raised.

        Call from one thread (the reactor's): the pool's bookkeeping is not locked.
        """
        self._share_finished()
        slot = self._least_busy(document)
        evidence = tuple(self._evidence[slot])
        self._evidence[slot].clear()
        future = self._executors[slot].submit(analyse_in_worker, document, self.settings, evidence)
        self._in_flight[slot].append(future)
        return future

    def _least_busy(self, document: Document) -> int:
        home = zlib.crc32(site_of(document.url).encode("utf-8", "surrogatepass")) % self.size
        return min(range(self.size), key=lambda slot: (len(self._in_flight[slot]), slot != home))

    def _share_finished(self) -> None:
        """Hand what finished documents taught their worker to every other worker."""
        for slot, futures in enumerate(self._in_flight):
            if not any(future.done() for future in futures):
                continue
            self._in_flight[slot] = [future for future in futures if not future.done()]
            for future in futures:
                if future.done() and not future.cancelled() and future.exception() is None:
                    self._send_to_others(slot, future.result().observations)

    def _send_to_others(self, slot: int, observations: tuple[Observation, ...]) -> None:
        for other, pending in enumerate(self._evidence):
            if other != slot:
                pending.extend(observations)

    def shutdown(self) -> None:
        for executor in self._executors:
            executor.shutdown(wait=True, cancel_futures=True)


@dataclass(slots=True)
class WorkerState:
    """One worker process's models and evidence."""

    recurring: RecurringLines
    identifier: LanguageIdentifier
    signals: SignalExtractor


@cache
def worker_state(settings: WorkerSettings) -> WorkerState:
    """This process's state: built once (the pool's initializer), then reused by every job."""
    return WorkerState(
        recurring=RecurringLines(
            min_documents=settings.recurring_min_documents,
            capacity=settings.recurring_capacity,
            share=True,
        ),
        identifier=LanguageIdentifier(
            settings.languages,
            min_confidence=settings.language_min_confidence,
            min_chars=settings.language_min_chars,
        ),
        signals=SignalExtractor(),
    )


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def start_worker(parent: int) -> None:
    """Every worker: it dies with its crawl, and frees its pages' memory back at once."""
    die_with_parent(parent)
    map_large_blocks()


def die_with_parent(parent: int) -> None:
    """A worker must not outlive its crawl, however the crawl dies (SIGKILL included).

    On Linux the kernel sends the worker SIGKILL when its parent ends; if the
    parent is already gone by the time this runs, the worker leaves at once.
    """
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(0)


def prepare_worker(settings: WorkerSettings) -> None:
    worker_state(settings)


def analyse_in_worker(
    document: Document, settings: WorkerSettings, evidence: tuple[Observation, ...] = ()
) -> Analysis:
    """Runs in a worker: :func:`extract_document` with the evidence of every worker, then
    the language, the dedup fingerprint and the story signals of what it kept."""
    state = worker_state(settings)
    state.recurring.merge(evidence)
    extraction = extract_document(
        zlib.decompress(document.body) if document.packed else document.body,
        url=document.url,
        content_type=document.content_type,
        encoding=document.encoding,
        max_bytes=document.max_bytes,
        recurring=state.recurring,
    )
    title = extraction.title or document.title_hint
    language = state.identifier.identify(extraction.text, title)
    return Analysis(
        extraction,
        language,
        fingerprint=fingerprint(extraction.text, settings.fingerprints)
        if settings.fingerprints is not None
        else None,
        signals=state.signals.extract(extraction.text, title, language.code),
        observations=state.recurring.take_observations(),
        worker_pid=os.getpid(),
    )
