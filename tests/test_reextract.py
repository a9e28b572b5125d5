"""``newscrawler reextract``: stored raw documents through today's extractor, fetching nothing."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from newscrawler.db.models import Article, ArticleVersion, CrawlRun, Sighting
from newscrawler.dedup.fingerprint import content_hash

from .conftest import PROJECT_ROOT, SEEDS, CrawlRunner

STALE_TAIL = "\n\nShare this article on Facebook"


def reextract(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "newscrawler.cli", "--database-url", database_url, "reextract",
         *args],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture
def stale_database(
    run_crawl: CrawlRunner, sqlite_engine: Engine
) -> dict[int, tuple[str, str | None]]:
    """Seeds stored, then spoiled as an older, worse extractor would have left them."""
    run_crawl("seeds")
    with Session(sqlite_engine) as session:
        clean = {}
        for article in session.scalars(select(Article)):
            clean[article.id] = (article.text, article.title)
            article.text += STALE_TAIL
            article.content_hash = content_hash(article.text)
            article.title = None
        session.commit()
    return clean


def test_reextract_restores_text_and_metadata_in_place(
    stale_database: dict[int, tuple[str, str | None]], sqlite_url: str, sqlite_engine: Engine
) -> None:
    reextract(sqlite_url)
    with Session(sqlite_engine) as session:
        articles = {a.id: a for a in session.scalars(select(Article))}
        versions = session.scalar(select(func.count(ArticleVersion.id)))
        sightings = session.scalar(select(func.count(Sighting.id)))
        runs = [r.spider for r in session.scalars(select(CrawlRun).order_by(CrawlRun.id))]
    assert {i: (a.text, a.title) for i, a in articles.items()} == stale_database
    assert all(a.content_hash == content_hash(a.text) for a in articles.values())
    assert versions == len(stale_database)  # each spoiled text kept as an earlier version
    assert sightings == len(stale_database)  # re-extraction is not a new sighting
    assert runs == ["seeds", "reextract"]


def test_reextract_since_selects_nothing_newer(
    stale_database: dict[int, tuple[str, str | None]], sqlite_url: str, sqlite_engine: Engine
) -> None:
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    reextract(sqlite_url, "--since", tomorrow)
    with Session(sqlite_engine) as session:
        texts = list(session.scalars(select(Article.text)))
    assert all(text.endswith(STALE_TAIL) for text in texts)
    assert len(texts) == len(list(SEEDS.glob("*.txt")))
