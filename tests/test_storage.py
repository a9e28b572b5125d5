"""Storage under stress, on SQLite and on a real PostgreSQL: idempotent, concurrent, durable."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from newscrawler.db.engine import make_engine
from newscrawler.db.models import CrawlRun
from newscrawler.journal.journal import pending_documents

from .conftest import (
    PROJECT_ROOT,
    CrawlRunner,
    counts,
    crawl,
    crawl_command,
    run_at_once,
    write_articles,
)
from .postgres import PostgresServer


def test_two_crawls_at_once_leave_one_article_and_two_sightings(
    database_url: str, tmp_path: Path
) -> None:
    folder = write_articles(tmp_path / "docs", 40)
    command = crawl_command(
        "files", "-a", f"path={folder}", "-s", "STORE_BATCH_SIZE=5",
        database_url=database_url, spool_dir=tmp_path / "spool",
    )  # fmt: skip
    run_at_once(command)
    # Whatever a writer could not commit under contention (a lock held too long, a
    # deadlock retried in vain) is in the journal: the replay must complete the picture.
    crawl("replay", database_url=database_url, spool_dir=tmp_path / "spool")
    assert counts(database_url) == (40, 40, 80)


def test_a_killed_crawl_loses_nothing_and_stores_nothing_twice(
    database_url: str, tmp_path: Path
) -> None:
    folder = write_articles(tmp_path / "docs", 120)
    spool = tmp_path / "spool"
    command = crawl_command(
        "files", "-a", f"path={folder}", "-s", "STORE_BATCH_SIZE=50",
        "-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.03",
        database_url=database_url, spool_dir=spool,
    )  # fmt: skip
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, stderr=subprocess.DEVNULL)
    _wait_for_journal(spool, timeout=60)
    time.sleep(1.0)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    journaled = pending_documents(spool)
    stored_before, _, _ = counts(database_url) if _has_schema(database_url) else (0, 0, 0)
    assert journaled > 0, "the kill came before anything was journaled"

    crawl("replay", database_url=database_url, spool_dir=spool)
    assert run_statuses(database_url)[0] == "killed"
    replayed, _, _ = counts(database_url)
    assert replayed >= stored_before + journaled - 1  # a line cut by the kill may be lost
    crawl("files", "-a", f"path={folder}", database_url=database_url, spool_dir=spool)
    articles, hashes, _ = counts(database_url)
    assert articles == hashes == 120
    assert list(spool.rglob("*.seg")) == []


def test_database_outage_mid_crawl(
    postgres_server: PostgresServer, postgres_url: str, tmp_path: Path
) -> None:
    folder = write_articles(tmp_path / "docs", 150)
    spool = tmp_path / "spool"
    command = crawl_command(
        "files", "-a", f"path={folder}", "-s", "STORE_BATCH_SIZE=10",
        "-s", "STORE_RECONNECT_SECONDS=0.5", "-s", "CONCURRENT_REQUESTS=1",
        "-s", "DOWNLOAD_DELAY=0.04",
        database_url=postgres_url, spool_dir=spool,
    )  # fmt: skip
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_articles(postgres_url, minimum=10, timeout=60)
        postgres_server.stop()
        time.sleep(2.0)
    finally:
        postgres_server.start()
    log = process.communicate(timeout=300)[1]
    # Documents journaled during the outage are not stored by the end of this run: exit 3.
    assert process.returncode == 3, log[-3000:]
    assert "database unavailable" in log.strip().splitlines()[-1]
    assert "unavailable" in log and "reachable again" in log
    assert "secret" not in log
    during, _, _ = counts(postgres_url)
    crawl("replay", database_url=postgres_url, spool_dir=spool)
    articles, hashes, _ = counts(postgres_url)
    assert articles == hashes == 150, f"{during} stored during the crawl"
    assert run_statuses(postgres_url) == ["finished", "finished"]


def run_statuses(database_url: str) -> list[str]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        statuses = [run.status for run in session.scalars(select(CrawlRun).order_by(CrawlRun.id))]
    engine.dispose()
    return statuses


def _has_schema(database_url: str) -> bool:
    try:
        counts(database_url)
    except Exception:
        return False
    return True


def _wait_for_journal(folder: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pending_documents(folder):
            return
        time.sleep(0.05)
    pytest.fail("the crawl never journaled a document")


def _wait_for_articles(database_url: str, minimum: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _has_schema(database_url) and counts(database_url)[0] >= minimum:
            return
        time.sleep(0.1)
    pytest.fail(f"fewer than {minimum} articles stored in {timeout} s")


def test_database_password_never_reaches_the_log(run_crawl: CrawlRunner) -> None:
    url = "postgresql+psycopg://newsreader:s3cret-Pa55@127.0.0.1:9/news"
    result = run_crawl("seeds", "-s", "STORE_RECONNECT_SECONDS=60", database_url=url, returncode=3)
    assert "newsreader:***@127.0.0.1:9/news" in result.stderr
    assert "s3cret-Pa55" not in result.stderr


def test_a_sqlite_file_whose_folder_cannot_be_made_is_one_clear_error(tmp_path: Path) -> None:
    in_the_way = tmp_path / "data"
    in_the_way.write_text("a file where the database's folder should be")
    result = crawl(
        "seeds",
        database_url=f"sqlite:///{in_the_way / 'news.sqlite3'}",
        spool_dir=tmp_path / "spool",
        returncode=3,  # documents kept in the journal, as for any unreachable database
    )
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert f"Cannot create the folder of the SQLite database {in_the_way}" in result.stderr
    assert pending_documents(tmp_path / "spool") == 4  # the four seeds wait in the journal
