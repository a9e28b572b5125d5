"""Shared fixtures: running real ``scrapy crawl`` commands against a throw-away database."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from scrapy.crawler import Crawler
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from newscrawler.db.engine import make_engine
from newscrawler.db.models import Article, Sighting

pytest_plugins = ["tests.postgres"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT_ROOT / "seeds"

CrawlRunner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'news.sqlite3'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """The same test on an SQLite file and on a real PostgreSQL database."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Engine:
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


def crawl_command(spider: str, *args: str, database_url: str, spool_dir: Path) -> list[str]:
    """``scrapy crawl SPIDER -a k=v ...`` into the given database and journal folder."""
    return [sys.executable, "-m", "scrapy", "crawl", spider, *args,
            "-s", f"DATABASE_URL={database_url}", "-s", f"SPOOL_DIR={spool_dir}",
            "-s", "TELNETCONSOLE_ENABLED=False"]  # fmt: skip


def crawl(
    spider: str,
    *args: str,
    database_url: str,
    spool_dir: Path,
    env: dict[str, str] | None = None,
    returncode: int = 0,
) -> subprocess.CompletedProcess[str]:
    """Run a crawl in the project, as a user would, and check its exit code (0: it did its job)."""
    command = crawl_command(spider, *args, database_url=database_url, spool_dir=spool_dir)
    result = subprocess.run(
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONWARNINGS": "always::DeprecationWarning", **(env or {})},
    )  # fmt: skip
    assert result.returncode == returncode, result.stderr[-3000:]
    return result


@pytest.fixture
def spool_dir(tmp_path: Path) -> Path:
    return tmp_path / "spool"


@pytest.fixture
def run_crawl(sqlite_url: str, spool_dir: Path) -> CrawlRunner:
    """:func:`crawl` into this test's SQLite database unless told otherwise."""

    def run(
        spider: str,
        *args: str,
        database_url: str | None = None,
        env: dict[str, str] | None = None,
        returncode: int = 0,
    ) -> subprocess.CompletedProcess[str]:
        url = database_url or sqlite_url
        return crawl(
            spider, *args, database_url=url, spool_dir=spool_dir, env=env, returncode=returncode
        )

    return run


WORDS = (
    "minister council harbour budget school river election market company report police court "
    "weather festival hospital train bridge energy museum farmers strike tunnel airport"
).split()


def write_articles(folder: Path, count: int, seed: int = 3) -> Path:
    """``count`` distinct plain-text articles of eight prose sentences each."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        sentences = [
            " ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + "." for _ in range(8)
        ]
        (folder / f"story{number:04}.txt").write_text(
            f"Report number {number}\n\n" + "\n\n".join(sentences) + "\n", encoding="utf-8"
        )
    return folder


def run_at_once(command: list[str], times: int = 2) -> list[str]:
    """Start ``command`` ``times`` times concurrently; check all succeed; return their logs."""
    processes = [
        subprocess.Popen(command, cwd=PROJECT_ROOT, stderr=subprocess.PIPE, text=True)
        for _ in range(times)
    ]
    logs = [process.communicate(timeout=300)[1] for process in processes]
    assert [process.returncode for process in processes] == [0] * times, logs
    return logs


def project_crawler(**overrides: object) -> Crawler:
    """An unstarted crawler with the project's settings (and its extensions) plus ``overrides``."""
    settings = get_project_settings().copy_to_dict()
    for reactor_setting in ("TWISTED_REACTOR", "ASYNCIO_EVENT_LOOP"):  # get_crawler's own
        settings.pop(reactor_setting, None)
    settings["TWISTED_REACTOR_ENABLED"] = False  # never started: no reactor needed
    return get_crawler(settings_dict={**settings, **overrides})


# Tests that start real crawls or servers are the slow tier; `-m "not slow"` runs the rest
# (the in-process tests of each stage) in seconds.
SLOW_FIXTURES = frozenset(
    {"spool_dir", "run_crawl", "database_url", "postgres_url", "postgres_server", "redis_url"}
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def counts(database_url: str) -> tuple[int, int, int]:
    """(articles, distinct content hashes, sightings)."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        articles = session.scalar(select(func.count(Article.id))) or 0
        hashes = session.scalar(select(func.count(func.distinct(Article.content_hash)))) or 0
        sightings = session.scalar(select(func.count(Sighting.id))) or 0
    engine.dispose()
    return articles, hashes, sightings
