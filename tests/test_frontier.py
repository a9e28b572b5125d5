"""Scale-out: two workers share one Redis frontier and one database; each file is fetched once."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.settings import Settings
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newscrawler.db.engine import make_engine
from newscrawler.db.models import Article, CrawlRun
from newscrawler.frontier import RedisFrontier

from .conftest import crawl_command, run_at_once, write_articles


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (scripts/test installs it as root)")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


@pytest.fixture
def articles_folder(tmp_path: Path) -> Path:
    return write_articles(tmp_path / "docs", 60, seed=7)


def test_addon_is_inert_without_redis_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSCRAWLER_REDIS_URL", raising=False)
    settings = Settings({"SCHEDULER": "scrapy.core.scheduler.Scheduler"})
    RedisFrontier().update_settings(settings)
    assert settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"


def test_two_workers_share_the_frontier(
    redis_url: str, articles_folder: Path, postgres_url: str, tmp_path: Path
) -> None:
    command = crawl_command(
        "files", "-a", f"path={articles_folder}",
        "-s", f"REDIS_URL={redis_url}", "-s", "FRONTIER_NAME=test-two-workers",
        "-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.05",
        database_url=postgres_url, spool_dir=tmp_path / "spool",
    )  # fmt: skip
    logs = run_at_once(command)
    engine = make_engine(postgres_url)
    with Session(engine) as session:
        runs = list(session.scalars(select(CrawlRun)))
        stored = session.scalar(select(func.count(Article.id)))
    engine.dispose()
    assert stored == 60
    assert len(runs) == 2
    assert sum(run.fetched for run in runs) == 60, "a file was fetched by both workers"
    assert all("newscrawler.frontier.scheduler.RedisScheduler" in log for log in logs)
