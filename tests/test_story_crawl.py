"""Stories through the real crawl: ``scrapy crawl seeds`` into an SQLite file, then the CLI."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from newscrawler.cli import main
from newscrawler.db.engine import make_engine
from newscrawler.db.models import Article, CrawlRun, Story

from .conftest import SEEDS, CrawlRunner, crawl

pytestmark = pytest.mark.slow


def stored(url: str) -> tuple[list[Article], dict[int, Story], CrawlRun]:
    engine = make_engine(url)
    with Session(engine) as session:
        articles = list(session.scalars(select(Article).order_by(Article.url)))
        stories = {story.id: story for story in session.scalars(select(Story))}
        run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
    engine.dispose()
    assert run is not None
    return articles, stories, run


def story_ids(url: str) -> list[int | None]:
    return [article.story_id for article in stored(url)[0]]


@pytest.fixture(scope="module")
def seeded_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One crawl of the seeds for the tests that only read (or rebuild to the same stories)."""
    folder = tmp_path_factory.mktemp("stories")
    url = f"sqlite:///{folder / 'news.sqlite3'}"
    crawl("seeds", database_url=url, spool_dir=folder / "spool")
    return url


def test_seeds_000_and_001_are_one_story_002_and_003_others(seeded_url: str) -> None:
    articles, stories, run = stored(seeded_url)
    assert [Path(a.url).name[:3] for a in articles] == ["000", "001", "002", "003"]
    meeting, same_meeting, kishida, phone_call = (a.story_id for a in articles)
    assert meeting is not None and meeting == same_meeting
    assert len({meeting, kishida, phone_call}) == 3
    assert (stories[meeting].article_count, stories[meeting].languages) == (2, ["de", "en"])
    assert run.stats is not None and run.stats["newscrawler/stories/matched"] == 1


def test_recrawls_keep_stories_and_a_near_duplicate_joins_its_originals(
    run_crawl: CrawlRunner, sqlite_url: str, tmp_path: Path
) -> None:
    run_crawl("seeds")
    before = story_ids(sqlite_url)
    run_crawl("seeds")
    assert story_ids(sqlite_url) == before
    assert sum(story.article_count for story in stored(sqlite_url)[1].values()) == 4
    seed = sorted(SEEDS.glob("001_*.txt"))[0].read_text(encoding="utf-8")
    copy = tmp_path / "copy" / "syndicated.txt"
    copy.parent.mkdir()
    copy.write_text(seed.replace("this week", "on Thursday", 1), encoding="utf-8")
    run_crawl("files", "-a", f"path={copy.parent}")
    articles = {Path(a.url).name: a for a in stored(sqlite_url)[0]}
    original = next(a for name, a in articles.items() if name.startswith("001_"))
    assert articles["syndicated.txt"].duplicate_of == original.id
    assert articles["syndicated.txt"].story_id == original.story_id


def test_stories_command_lists_counts_and_languages(seeded_url: str) -> None:
    out = io.StringIO()
    assert main(["--database-url", seeded_url, "stories"], out=out) == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 + 3  # a header and three stories
    assert sum(" 2  de,en " in line for line in lines) == 1
    german = io.StringIO()
    main(["--database-url", seeded_url, "stories", "--language", "de"], out=german)
    assert len(german.getvalue().splitlines()) == 1 + 2


def test_rebuild_gives_the_crawls_stories_again(seeded_url: str) -> None:
    crawled = story_ids(seeded_url)
    for _ in range(2):
        out = io.StringIO()
        assert main(["--database-url", seeded_url, "stories", "--rebuild"], out=out) == 0
        assert "4 articles" in out.getvalue()
        rebuilt = story_ids(seeded_url)
        assert [rebuilt.index(s) for s in rebuilt] == [crawled.index(s) for s in crawled]
