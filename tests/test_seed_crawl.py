"""The whole flow on the project's seeds: ``scrapy crawl seeds`` into a fresh SQLite file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from newscrawler.db.engine import make_engine
from newscrawler.db.models import Article, CrawlRun, Sighting

from .conftest import SEEDS, CrawlRunner, crawl

SEED_FILES = sorted(SEEDS.glob("*.txt"))
EXPECTED_LANGUAGES = ["de", "en", "de", "en"]
# Lines of the seeds that are site chrome or trailers, not article text.
BOILERPLATE = [
    "Source link",
    "Leave a Reply",
    "Cari Berita",
    "Tips : hindari kata umum",
    "Maksimal 1 tahun yang lalu",
    "Media Jepang",
    "6 jam yang lalu",
    "komentar",
    "Jadi yg pertama suka",
    "© KYODO",
]


def body_paragraphs(path: Path) -> list[str]:
    """Long lines of a seed: unmistakably article paragraphs, which must all be kept."""
    lines = {line.strip() for line in path.read_text(encoding="utf-8").splitlines()}
    return sorted(line for line in lines if len(line) >= 120)


@pytest.fixture(scope="module")
def seeded_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One crawl of the seeds shared by the read-only tests of this module."""
    folder = tmp_path_factory.mktemp("seeded")
    url = f"sqlite:///{folder / 'news.sqlite3'}"
    result = crawl("seeds", database_url=url, spool_dir=folder / "spool")
    assert "Deprecat" not in result.stderr, "the crawl emitted deprecation warnings"
    return url


@pytest.fixture
def seeded(seeded_url: str) -> Iterator[Session]:
    engine = make_engine(seeded_url)
    with Session(engine) as session:
        yield session
    engine.dispose()


def articles(session: Session) -> list[Article]:
    return list(session.scalars(select(Article).order_by(Article.url)))


def test_one_article_per_seed_with_its_file_uri(seeded: Session) -> None:
    stored = articles(seeded)
    assert [a.url for a in stored] == [path.resolve().as_uri() for path in SEED_FILES]


def test_languages(seeded: Session) -> None:
    assert [a.language for a in articles(seeded)] == EXPECTED_LANGUAGES


def test_titles(seeded: Session) -> None:
    stored = articles(seeded)
    first_line = SEED_FILES[0].read_text(encoding="utf-8").splitlines()[0].strip()
    assert stored[0].title == first_line
    assert stored[3].title == "Ishiba agrees during phone talks with Trump to meet soon"


def test_no_boilerplate_and_every_paragraph_kept(seeded: Session) -> None:
    for path, article in zip(SEED_FILES, articles(seeded), strict=True):
        for line in BOILERPLATE:
            assert line not in article.text, f"{path.name}: {line!r} left in the text"
        assert not re.search(r"^\s*[\d\s]+$", article.text, re.MULTILINE), "counter line left"
        for paragraph in body_paragraphs(path):
            assert paragraph in article.text, f"{path.name}: lost {paragraph[:60]!r}"


def test_repeated_body_appears_once(seeded: Session) -> None:
    text = articles(seeded)[2].text
    for paragraph in body_paragraphs(SEED_FILES[2]):
        assert text.count(paragraph) == 1


def test_paragraphs_are_separated_by_one_blank_line(seeded: Session) -> None:
    for article in articles(seeded):
        assert "\n\n\n" not in article.text
        assert article.text == article.text.strip()


def test_second_run_adds_no_article_but_records_run_and_sightings(
    run_crawl: CrawlRunner, sqlite_engine: Engine
) -> None:
    run_crawl("seeds")
    seeded = Session(sqlite_engine)
    before = [(a.id, a.content_hash, a.last_seen_at) for a in articles(seeded)]
    run_crawl("seeds")
    seeded.rollback()  # end the read transaction: see what the second crawl wrote
    after = articles(seeded)
    assert [(a.id, a.content_hash) for a in after] == [(i, h) for i, h, _ in before]
    assert all(a.last_seen_at > seen for a, (_, _, seen) in zip(after, before, strict=True))
    runs = list(seeded.scalars(select(CrawlRun).order_by(CrawlRun.id)))
    assert [(r.status, r.fetched, r.stored, r.duplicates) for r in runs] == [
        ("finished", 4, 4, 0),
        ("finished", 4, 0, 4),
    ]
    per_run = seeded.execute(
        select(Sighting.crawl_run_id, func.count()).group_by(Sighting.crawl_run_id)
    ).all()
    assert sorted(per_run) == [(runs[0].id, 4), (runs[1].id, 4)]
