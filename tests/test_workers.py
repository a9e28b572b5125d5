"""Text work in worker processes: a site's documents meet the same evidence, errors come back."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newscrawler.dedup.decide import FingerprintSettings, fingerprint, lsh_parameters
from newscrawler.dedup.fingerprint import content_hash
from newscrawler.extraction.errors import EmptyDocument
from newscrawler.workers import Document, TextWorkers, WorkerSettings, site_of

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def notice(site: str) -> str:
    """A site's own line that only its recurrence marks as chrome (alone, it reads as prose)."""
    return (
        f"The {site} Gazette is printed in Riverside and delivered to every home in the valley "
        "each morning."
    )


def story(n: int) -> str:
    return (
        f"Story {n}: the council met on day {n} to discuss the harbour, the schools and the "
        f"budget, and agreed to meet again next week to vote on proposal number {n}."
    )


SETTINGS = WorkerSettings(
    recurring_min_documents=3, languages=None, language_min_confidence=0.3, language_min_chars=8
)


FINGERPRINTS = FingerprintSettings(lsh_parameters(0.8, 128), shingle_size=3)


def job(url: str, text: str) -> Document:
    return Document(text.encode(), url, "text/plain", "utf-8", None)


@pytest.fixture(scope="module")
def pool() -> Iterator[TextWorkers]:
    pool = TextWorkers(processes=2, settings=SETTINGS)
    pool.start()
    yield pool
    pool.shutdown()


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://News.example.com/a/b.html?x=1", "news.example.com"),
        ("http://127.0.0.1:8080/story", "127.0.0.1:8080"),
        ("file:///data/site-a/2026/story.txt", "/data/site-a/2026"),
    ],
)
def test_site_of(url: str, site: str) -> None:
    assert site_of(url) == site


def test_a_sites_recurring_notice_is_learnt_across_workers(pool: TextWorkers) -> None:
    # Documents of two sites interleaved: with two workers, each site must still see all
    # of its own documents, or the notice would survive in the fourth one.
    sites = [f"site{k}.example" for k in range(3)]
    for n in range(3):
        for site in sites:
            pool.analyse(job(f"https://{site}/{n}", f"{story(n)}\n\n{notice(site)}\n")).result()
    for site in sites:
        analysis = pool.analyse(job(f"https://{site}/3", f"{story(3)}\n\n{notice(site)}\n"))
        text = analysis.result().extraction.text
        assert notice(site) not in text
        assert story(3) in text


def long_story(n: int) -> str:
    """A story long enough (a few hundred ms of work) to keep its worker busy for certain."""
    return "\n\n".join(
        [story(n)]
        + [
            f"Paragraph {k} of the report says the council spent {k} thousand on the quay."
            for k in range(600)
        ]
    )


def test_one_sites_documents_use_every_worker_and_share_the_evidence(pool: TextWorkers) -> None:
    # Documents of one site submitted together go to both workers; each worker must
    # still learn from the documents the other one extracted. The first of each group is
    # long, so that its worker is still busy when the next one is handed out.
    site = "busy.example"
    first = [
        pool.analyse(job(f"https://{site}/{n}", f"{text}\n\n{notice(site)}\n"))
        for n, text in ((10, long_story(10)), (11, story(11)), (12, story(12)))
    ]
    assert len({future.result().worker_pid for future in first}) == 2
    later = [
        pool.analyse(job(f"https://{site}/{n}", f"{text}\n\n{notice(site)}\n"))
        for n, text in ((13, long_story(13)), (14, story(14)))
    ]
    answers = [future.result() for future in later]
    assert len({answer.worker_pid for answer in answers}) == 2
    for n, answer in zip((13, 14), answers, strict=True):
        assert notice(site) not in answer.extraction.text
        assert story(n) in answer.extraction.text


def test_the_worker_fingerprints_the_text_it_kept_as_the_deduplicator_would() -> None:
    settings = dataclasses.replace(SETTINGS, fingerprints=FINGERPRINTS)
    text = f"{story(1)} The mayor, Ingrid Halvorsen, thanked the Tromsø harbour board."
    workers = TextWorkers(processes=1, settings=settings)
    try:
        analysis = workers.analyse(job("https://e.example/1", text)).result()
    finally:
        workers.shutdown()
    assert analysis.fingerprint == fingerprint(analysis.extraction.text, FINGERPRINTS)
    assert analysis.fingerprint is not None
    assert analysis.fingerprint.content_hash == content_hash(text)
    # The story signals name the people and places of the text.
    assert analysis.signals is not None
    assert {"e:hlvrsn", "e:trms"} <= set(analysis.signals.keys)  # consonant skeletons


def test_an_extraction_error_comes_back_with_its_reason(pool: TextWorkers) -> None:
    with pytest.raises(EmptyDocument) as raised:
        pool.analyse(job("https://c.example/empty", "")).result()
    assert raised.value.reason == "empty"


def test_the_worker_identifies_the_language_of_what_it_kept(pool: TextWorkers) -> None:
    german = (
        "Der Stadtrat hat am Dienstag beschlossen, die Buslinien im Norden der Stadt ab dem "
        "kommenden Monat häufiger fahren zu lassen."
    )
    analysis = pool.analyse(job("https://d.example/de", german)).result()
    assert analysis.language.code == "de"


def test_an_unknown_language_setting_fails_at_start() -> None:
    workers = TextWorkers(processes=1, settings=SETTINGS.__class__(3, ("xx",), 0.3, 8))
    try:
        with pytest.raises(ValueError, match="xx"):
            workers.start()
    finally:
        workers.shutdown()


def test_workers_die_with_a_crawl_killed_by_sigkill(tmp_path: Path) -> None:
    # A parent that starts workers, prints their PIDs, then waits to be killed.
    script = tmp_path / "parent.py"
    script.write_text(
        "import sys, time\n"
        "from newscrawler.workers import TextWorkers, WorkerSettings\n"
        "if __name__ == '__main__':\n"
        "    workers = TextWorkers(2, WorkerSettings(3, None, 0.3, 8))\n"
        "    workers.start()\n"
        "    print(' '.join(str(p) for e in workers._executors for p in e._processes), flush=True)\n"
        "    time.sleep(600)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    assert parent.stdout is not None
    children = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(children) == 2
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in children)


def alive(pid: int) -> bool:
    """Running, not just a zombie waiting for its new parent to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="needs CPU affinity (Linux)")
def test_one_worker_per_core_the_crawl_may_use() -> None:
    # A crawl pinned to one core (taskset, a cpuset) starts one worker, not one per core of
    # the machine; the pinning is real, done by the child process on itself.
    script = (
        "import os\n"
        "os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})\n"
        "from newscrawler.workers import TextWorkers, WorkerSettings\n"
        "workers = TextWorkers(0, WorkerSettings(3, None, 0.3, 8))\n"
        "print(workers.processes)\n"
        "workers.shutdown()\n"
    )
    pinned = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT
    )
    assert pinned.stdout.split() == ["1"]
