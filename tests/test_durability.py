"""Durability drills through real processes and signals: nothing fetched is lost or misplaced.

Each test plays a fault an operator meets (a journal left for another
database, a poison document, a corrupt journal record, a full journal disk,
SIGTERM during a replay, a crawler that is PID 1, SIGKILL with JOBDIR) and
checks what ends up in the database, the journal and the quarantine.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from newscrawler.db.engine import make_engine
from newscrawler.db.models import CrawlRun
from newscrawler.journal import database_identity
from newscrawler.journal.journal import pending_documents

from . import faults
from .conftest import PROJECT_ROOT, counts, crawl, crawl_command, write_articles

pytestmark = pytest.mark.slow


def runs(database_url: str) -> list[CrawlRun]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        found = list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
        session.expunge_all()
    engine.dispose()
    return found


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "newscrawler.cli", *args],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return result


class BlockedSqlite:
    """An SQLite database that cannot be opened until :meth:`unblock` (its folder is a file)."""

    def __init__(self, tmp_path: Path) -> None:
        self.folder = tmp_path / "blocked"
        self.folder.write_text("not a folder")
        self.url = f"sqlite:///{self.folder / 'news.sqlite3'}"

    def unblock(self) -> None:
        self.folder.unlink()
        self.folder.mkdir()


def journal_offline(folder: Path, database: BlockedSqlite, spool: Path) -> None:
    """Crawl ``folder`` while the database cannot be opened: everything stays journaled."""
    crawl("files", "-a", f"path={folder}", "-s", "STORE_RECONNECT_SECONDS=600",
          database_url=database.url, spool_dir=spool, returncode=3)  # fmt: skip


def segments(spool: Path) -> list[Path]:
    return sorted(spool.rglob("*.seg"))


def test_a_journal_is_replayed_only_into_its_own_database(tmp_path: Path) -> None:
    spool, other = tmp_path / "spool", BlockedSqlite(tmp_path)
    journal_offline(write_articles(tmp_path / "docs", 30), other, spool)
    assert pending_documents(spool) == 30
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    crawl("seeds", database_url=fresh, spool_dir=spool)
    assert counts(fresh)[0] == 4  # the seeds only, nothing of the other database's journal
    assert pending_documents(spool) == 30
    assert [p.parent.name for p in segments(spool)] == [f"db-{database_identity(other.url)}"] * len(
        segments(spool)
    )
    other.unblock()
    crawl("replay", database_url=other.url, spool_dir=spool)
    assert counts(other.url) == (30, 30, 30)
    assert segments(spool) == [] and counts(fresh)[0] == 4


def test_journal_and_sqlite_files_are_private(tmp_path: Path) -> None:
    spool, database = tmp_path / "spool", BlockedSqlite(tmp_path)
    journal_offline(write_articles(tmp_path / "docs", 3), database, spool)
    modes = {p.relative_to(spool): p.stat().st_mode & 0o777 for p in spool.rglob("*")}
    assert modes and all(m in (0o600, 0o700) for m in modes.values()), modes
    url = f"sqlite:///{tmp_path / 'private' / 'news.sqlite3'}"
    crawl("seeds", database_url=url, spool_dir=spool)
    assert (tmp_path / "private" / "news.sqlite3").stat().st_mode & 0o777 == 0o600


def test_malformed_canonical_links_do_not_stop_an_article(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    bad = ["http://127.0.0.1:99999/story", "http://host:PORT/story", "http://[::1/story",
           "http://:184998", "HTTP://::", "HTTP://[6:"]  # fmt: skip
    words = "harbour council budget river school election market report police weather".split()
    for number, canonical in enumerate(bad):
        rng = random.Random(number)
        body = " ".join(rng.choice(words) for _ in range(60))
        (folder / f"page{number}.html").write_text(
            f'<html><head><title>Story {number}</title><link rel="canonical" href="{canonical}">'
            f"</head><body><article><h1>Story {number}</h1><p>{body}.</p><p>{body}.</p>"
            "</article></body></html>",
            encoding="utf-8",
        )
    url, spool = f"sqlite:///{tmp_path / 'news.sqlite3'}", tmp_path / "spool"
    result = crawl("files", "-a", f"path={folder}", database_url=url, spool_dir=spool)
    assert counts(url)[0] == len(bad)
    assert result.stderr.count("canonical URL") == len(bad)
    assert runs(url)[-1].stats["newscrawler/ignored/bad_canonical_url"] == len(bad)
    assert segments(spool) == []


def test_a_poison_document_ends_in_quarantine_and_can_be_retried(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "docs", 5)
    poison = folder / "story0002.txt"
    poison.write_bytes(poison.read_bytes() + faults.MARKER)
    url, spool = f"sqlite:///{tmp_path / 'news.sqlite3'}", tmp_path / "spool"
    faulty = (
        "-s",
        f"ITEM_PIPELINES={json.dumps(faults.PIPELINES)}",
        "-s",
        "JOURNAL_MAX_FAILURES=2",
    )
    crawl("files", "-a", f"path={folder}", *faulty, database_url=url, spool_dir=spool)
    assert counts(url)[0] == 4 and pending_documents(spool) == 1  # failure 1, kept
    crawl("replay", *faulty, database_url=url, spool_dir=spool)  # failure 2
    assert pending_documents(spool) == 1
    third = crawl("replay", *faulty, database_url=url, spool_dir=spool)
    assert "quarantined (failed" in third.stderr
    assert pending_documents(spool) == 0 and counts(url)[0] == 4
    stats = cli("--database-url", url, "--spool-dir", str(spool), "stats").stdout
    assert "quarantine: 1 (failed=1)" in stats
    listing = cli("--database-url", url, "--spool-dir", str(spool), "quarantine", "list").stdout
    assert "story0002.txt" in listing and "RuntimeError" in listing
    cli("--database-url", url, "--spool-dir", str(spool), "quarantine", "retry", "--all")
    crawl("replay", database_url=url, spool_dir=spool)  # the stage is fixed: stored now
    assert counts(url)[0] == 5 and pending_documents(spool) == 0
    assert (
        "quarantine: 0 (empty)"
        in cli("--database-url", url, "--spool-dir", str(spool), "stats").stdout
    )


def test_a_corrupt_journal_record_costs_that_record_only(tmp_path: Path) -> None:
    spool, database = tmp_path / "spool", BlockedSqlite(tmp_path)
    journal_offline(write_articles(tmp_path / "docs", 40), database, spool)
    segment = max(segments(spool), key=lambda p: p.stat().st_size)
    data = bytearray(segment.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8] = b"garbage!"  # a damaged record
    segment.write_bytes(bytes(data[:middle]) + b"a stray line of text\n" + bytes(data[middle:]))
    database.unblock()
    result = crawl("replay", database_url=database.url, spool_dir=spool)
    assert "damaged bytes" in result.stderr and "start_error" not in result.stderr
    stored = counts(database.url)[0]
    assert stored in (38, 39)  # the damaged record (one document, two if it spans both)
    assert segments(spool) == []
    listing = cli("--database-url", database.url, "--spool-dir", str(spool), "quarantine", "list")
    assert "corrupt_record" in listing.stdout
    crawl("files", "-a", f"path={tmp_path / 'docs'}", database_url=database.url, spool_dir=spool)
    assert counts(database.url)[:2] == (40, 40)  # the lost fetch is simply fetched again


@pytest.fixture
def small_disk(tmp_path: Path) -> Path:
    """A 96 KiB tmpfs: a journal that fills up (root and mount needed, else skipped)."""
    mountpoint = tmp_path / "small"
    mountpoint.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(mountpoint)],
                            capture_output=True, text=True)  # fmt: skip
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs for ENOSPC: {result.stderr.strip()}")
    yield mountpoint
    subprocess.run(["umount", "-l", str(mountpoint)], check=False)


def test_a_full_journal_disk_stops_the_crawl_and_says_so(small_disk: Path, tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "docs", 300)
    url, spool = f"sqlite:///{tmp_path / 'news.sqlite3'}", small_disk / "spool"
    result = crawl("files", "-a", f"path={folder}", "-s", "STORE_BATCH_SIZE=400",
                   database_url=url, spool_dir=spool)  # fmt: skip
    assert "cannot be written" in result.stderr
    first = runs(url)[-1]
    assert first.status == "journal_failed"
    assert first.stored < 300
    subprocess.run(["mount", "-o", "remount,size=16m", str(small_disk)], check=True)
    crawl("files", "-a", f"path={folder}", database_url=url, spool_dir=spool)
    assert counts(url)[:2] == (300, 300)
    assert runs(url)[-1].status == "finished" and segments(spool) == []


def test_sigterm_during_a_replay_stops_promptly_and_loses_nothing(tmp_path: Path) -> None:
    spool, database = tmp_path / "spool", BlockedSqlite(tmp_path)
    journal_offline(write_articles(tmp_path / "docs", 400), database, spool)
    database.unblock()
    command = crawl_command("replay", "-s", "STORE_BATCH_SIZE=20",
                            database_url=database.url, spool_dir=spool)  # fmt: skip
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, stderr=subprocess.PIPE, text=True)
    _wait(lambda: _stored(database.url) >= 20, timeout=120)
    process.send_signal(signal.SIGTERM)
    try:
        log = process.communicate(timeout=60)[1]  # a hang here is the bug being drilled
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("the replay did not stop within 60 s of SIGTERM")
    assert "Stopping the journal replay" in log or "Closing spider (shutdown)" in log
    assert runs(database.url)[-1].status == "interrupted"
    assert 0 < pending_documents(spool) < 400
    crawl("replay", database_url=database.url, spool_dir=spool)
    assert counts(database.url) == (400, 400, 400)  # nothing lost, no second sighting
    assert segments(spool) == []


def test_a_killed_pid_1_crawler_is_replayed_and_marked_killed(tmp_path: Path) -> None:
    if (
        shutil.which("unshare") is None
        or subprocess.run(
            ["unshare", "--pid", "--fork", "--mount-proc", "true"], capture_output=True
        ).returncode
    ):
        pytest.skip("unshare --pid is not allowed here")
    folder = write_articles(tmp_path / "docs", 150)
    url, spool = f"sqlite:///{tmp_path / 'news.sqlite3'}", tmp_path / "spool"
    command = crawl_command("files", "-a", f"path={folder}", "-s", "STORE_BATCH_SIZE=40",
                            "-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.05",
                            database_url=url, spool_dir=spool)  # fmt: skip
    wrapper = subprocess.Popen(["unshare", "--pid", "--fork", "--mount-proc", *command],
                               cwd=PROJECT_ROOT, stderr=subprocess.DEVNULL)  # fmt: skip
    _wait(lambda: pending_documents(spool) > 0 and _stored(url) > 0, timeout=120)
    crawler_pid = int(
        Path(f"/proc/{wrapper.pid}/task/{wrapper.pid}/children").read_text().split()[0]
    )
    status = Path(f"/proc/{crawler_pid}/status").read_text().splitlines()
    namespace_pids = next(line for line in status if line.startswith("NSpid:")).split()[1:]
    assert namespace_pids[-1] == "1"  # the crawler is PID 1 in its namespace
    os.kill(crawler_pid, signal.SIGKILL)
    wrapper.wait(timeout=30)
    # Usually documents were in flight and the replay stores them (exit 0). A kill just
    # after a commit leaves none: the replay then finds an empty journal (exit 0) or only
    # documents that were committed before their done marker (stored already: exit 4).
    # Either way it must mark the run killed.
    if pending_documents(spool):
        crawl("replay", database_url=url, spool_dir=spool)
    else:
        replay = crawl_command("replay", database_url=url, spool_dir=spool)
        assert subprocess.run(replay, cwd=PROJECT_ROOT, capture_output=True).returncode in (0, 4)
    assert runs(url)[0].status == "killed"
    crawl("files", "-a", f"path={folder}", database_url=url, spool_dir=spool)
    articles, hashes, _ = counts(url)
    assert articles == hashes == 150 and segments(spool) == []


def _stored(database_url: str) -> int:
    try:
        return counts(database_url)[0]
    except Exception:  # the schema is not there yet
        return 0


def _wait(condition: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)
    pytest.fail(f"condition not met within {timeout} s")


def test_jobdir_resume_after_sigkill_fetches_every_pending_request(tmp_path: Path) -> None:
    from bench.drills import crawl_command as feeds_command
    from bench.drills import news_site

    url, spool, job = f"sqlite:///{tmp_path / 'news.sqlite3'}", tmp_path / "spool", tmp_path / "job"
    with news_site(120, delay=0.1) as feed:
        command = feeds_command(feed, url, spool, job)
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, stderr=subprocess.DEVNULL)
        _wait(lambda: _stored(url) >= 30, timeout=120)
        os.kill(process.pid, signal.SIGKILL)  # mid-crawl: requests queued, fetched, journaled
        process.wait(timeout=30)
        for _ in range(3):
            subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, timeout=300)
            if runs(url)[-1].status == "finished":
                break
    articles, hashes, sightings = counts(url)
    assert (articles, hashes) == (120, 120)
    # The kill comes right after a commit became visible, often before the journal has
    # marked that batch done: its replay is recognised, neither stored nor sighted twice.
    assert sightings == 120
    killed = runs(url)[0]
    assert killed.status == "killed"
    assert 10 <= killed.stored <= 30  # its counts up to the commit before the last one
    assert pending_documents(spool) == 0
