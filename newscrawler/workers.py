"""The CPU-bound text work on every core: worker processes, each owning the sites routed to it.

Extraction and language identification are most of a crawl's CPU, and Python
threads share one core, so the Extract stage hands each document to a worker
process, which extracts it and identifies the language of what it kept. The
plain-text rules learn a site's chrome from the lines that recur across its
documents (:class:`~newscrawler.extraction.boilerplate.RecurringLines`); that
evidence must see all the documents of a site, so each site is routed to one
worker, always the same, and the evidence lives in that worker. A site is the
host of a web URL, or the folder of a local file.

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
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from newscrawler.extraction.document import extract_document
from newscrawler.extraction.recurring import RecurringLines
from newscrawler.extraction.result import Extraction
from newscrawler.language.identify import LanguageIdentifier, LanguageResult


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    """What every worker is configured with (the crawl's settings, picklable)."""

    recurring_min_documents: int
    languages: tuple[str, ...] | None
    language_min_confidence: float
    language_min_chars: int


@dataclass(frozen=True, slots=True)
class Document:
    """What a worker needs to extract one document."""

    body: bytes
    url: str
    content_type: str | None
    encoding: str | None
    max_bytes: int | None


@dataclass(frozen=True, slots=True)
class Analysis:
    """A worker's answer: the extraction, and the language of its text and title."""

    extraction: Extraction
    language: LanguageResult


def site_of(url: str) -> str:
    """The site whose chrome a document shares: the host, or a local file's folder."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return parts.netloc.lower()
    return str(PurePosixPath(parts.path).parent)


class TextWorkers:
    """``processes`` single-process executors (0: one per core); a site always uses the same."""

    def __init__(self, processes: int, settings: WorkerSettings) -> None:
        count = processes if processes > 0 else (os.cpu_count() or 1)
        context = multiprocessing.get_context("spawn")
        self.settings = settings
        self._executors = [
            ProcessPoolExecutor(
                max_workers=1,
                mp_context=context,
                initializer=die_with_parent,
                initargs=(os.getpid(),),
            )
            for _ in range(count)
        ]

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
        """Extract ``document`` in its site's worker; the future raises what extraction raised."""
        slot = zlib.crc32(site_of(document.url).encode("utf-8", "surrogatepass")) % self.size
        return self._executors[slot].submit(analyse_in_worker, document, self.settings)

    def shutdown(self) -> None:
        for executor in self._executors:
            executor.shutdown(wait=True, cancel_futures=True)


@dataclass(slots=True)
class WorkerState:
    """One worker process's models and evidence."""

    recurring: RecurringLines
    identifier: LanguageIdentifier


@cache
def worker_state(settings: WorkerSettings) -> WorkerState:
    """This process's state: built once (the pool's initializer), then reused by every job."""
    return WorkerState(
        recurring=RecurringLines(min_documents=settings.recurring_min_documents),
        identifier=LanguageIdentifier(
            settings.languages,
            min_confidence=settings.language_min_confidence,
            min_chars=settings.language_min_chars,
        ),
    )


PR_SET_PDEATHSIG = 1  # linux/prctl.h


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


def analyse_in_worker(document: Document, settings: WorkerSettings) -> Analysis:
    """Runs in a worker: :func:`extract_document` with the worker's evidence, then the language."""
    state = worker_state(settings)
    extraction = extract_document(
        document.body,
        url=document.url,
        content_type=document.content_type,
        encoding=document.encoding,
        max_bytes=document.max_bytes,
        recurring=state.recurring,
    )
    return Analysis(extraction, state.identifier.identify(extraction.text, extraction.title))
