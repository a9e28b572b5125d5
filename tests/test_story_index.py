"""The SQL story index: bounded candidates, near-duplicates, rebuilds, on real databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newscrawler.db.engine import make_engine
from newscrawler.db.models import Article, Story, StoryKey
from newscrawler.db.schema import ensure_schema
from newscrawler.db.stories import SqlStoryIndex, rebuild, recent_stories
from newscrawler.story.cluster import How, StoryAssigner, StoryEntry
from newscrawler.story.match import MatchRule
from newscrawler.story.signals import Signals

NOON = datetime(2026, 5, 4, 12, tzinfo=UTC)
RULE = MatchRule(min_shared=4.0, min_overlap=0.3, min_keys=3, window=timedelta(hours=72))
EVENT = {"e:brk": 1.0, "e:ktlk": 1.0, "e:atkm": 1.0, "a:sqm": 1.0, "n:2.1e+09": 1.0}
OTHER = {"e:mrkl": 1.0, "e:vlnkt": 1.0, "e:pltr": 1.0, "e:kmr": 1.0, "d:05-02": 0.8}


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    ensure_schema(engine)
    with Session(engine) as db:
        yield db
    engine.dispose()


def entry(keys: dict[str, float], at: datetime, language: str = "en") -> StoryEntry:
    return StoryEntry(Signals(keys), at, language, f"a {language} title")


def test_articles_of_one_event_share_a_story_across_languages(session: Session) -> None:
    assigner = StoryAssigner(SqlStoryIndex(lambda: session), RULE)
    first = assigner.assign(entry(EVENT, NOON, "es"))
    second = assigner.assign(entry({**EVENT, "e:xyz": 0.5}, NOON + timedelta(hours=5), "en"))
    other = assigner.assign(entry(OTHER, NOON + timedelta(hours=6), "de"))
    assert (first.how, second.how, other.how) == (How.NEW, How.MATCHED, How.NEW)
    assert first.story_id == second.story_id != other.story_id
    story = session.get_one(Story, first.story_id)
    assert (story.article_count, story.languages) == (2, ["en", "es"])
    assert story.last_seen_at == NOON + timedelta(hours=5)


def test_the_same_signals_outside_the_window_open_a_new_story(session: Session) -> None:
    assigner = StoryAssigner(SqlStoryIndex(lambda: session), RULE)
    first = assigner.assign(entry(EVENT, NOON))
    later = assigner.assign(entry(EVENT, NOON + timedelta(days=10)))
    assert first.story_id != later.story_id


def test_candidates_per_key_are_capped(session: Session) -> None:
    index = SqlStoryIndex(lambda: session, postings=3)
    for hour in range(10):
        index.new_story(entry(EVENT, NOON + timedelta(hours=hour)))
    assert session.scalar(select(func.count()).select_from(StoryKey)) == 10 * len(EVENT)
    found = index.candidates(entry(EVENT, NOON + timedelta(hours=10)), RULE)
    assert len(found) == 3
    assert min(c.seen_at for c in found) == NOON + timedelta(hours=7)  # the most recent ones


def test_a_near_duplicate_joins_its_originals_story(session: Session) -> None:
    assigner = StoryAssigner(SqlStoryIndex(lambda: session), RULE)
    original = assigner.assign(entry(EVENT, NOON))
    session.add(stored_article(1, original.story_id))
    session.flush()
    copy = assigner.assign(entry(OTHER, NOON), duplicate_of=1)  # whatever its signals say
    assert (copy.story_id, copy.how) == (original.story_id, How.NEAR_DUPLICATE)


def stored_article(number: int, story_id: int | None = None, **fields: object) -> Article:
    values: dict[str, object] = {
        "url": f"https://news.example/{number}",
        "url_key": f"news.example/{number}",
        "text": "text",
        "content_hash": f"{number:064}",
        "first_seen_at": NOON,
        "last_seen_at": NOON,
        "story_id": story_id,
    }
    return Article(**{**values, **fields})


REPORTS = [
    ("en", "Gabriel Boric announced a lithium deal between Codelco and SQM worth 2.1 billion "
           "dollars for the Atacama salt flat on Tuesday, officials in Santiago said."),
    ("es", "Gabriel Boric anunció el martes un acuerdo del litio entre Codelco y SQM por 2.100 "
           "millones de dólares para el salar de Atacama, informaron en Santiago."),
    ("de", "Gabriel Boric hat einen Lithium-Deal zwischen Codelco und SQM über 2,1 Milliarden "
           "Dollar für die Salzwüste Atacama verkündet, hieß es in Santiago."),
    ("en", "Leaders of Finland and Estonia, Alexander Stubb and Kristen Michal, met in Tallinn "
           "to discuss the Balticconnector pipeline repairs worth 40 million euros."),
]  # fmt: skip


def test_rebuild_recomputes_the_same_stories_twice(session: Session) -> None:
    for number, (language, text) in enumerate(REPORTS, start=1):
        session.add(stored_article(number, text=text, language=language, title=None))
    session.commit()
    assert rebuild(session, RULE) == len(REPORTS)
    first = [a.story_id for a in session.scalars(select(Article).order_by(Article.id))]
    assert first[0] == first[1] == first[2] != first[3]
    assert rebuild(session, RULE) == len(REPORTS)
    second = [a.story_id for a in session.scalars(select(Article).order_by(Article.id))]
    assert same_partition(first, second)
    assert session.scalar(select(func.count()).select_from(Story)) == 2
    listed = recent_stories(session, None, "es", 10)
    assert [(s.article_count, s.languages) for s in listed] == [(3, ["de", "en", "es"])]


def test_rebuild_since_keeps_older_stories(session: Session) -> None:
    for number, (language, text) in enumerate(REPORTS[:3], start=1):
        seen = NOON + timedelta(hours=number)
        session.add(stored_article(number, text=text, language=language, first_seen_at=seen))
    session.commit()
    rebuild(session, RULE)
    before = {a.id: a.story_id for a in session.scalars(select(Article))}
    assert rebuild(session, RULE, since=NOON + timedelta(hours=2)) == 2
    after = {a.id: a.story_id for a in session.scalars(select(Article))}
    assert after == before  # the later two joined the untouched story of the first again
    assert session.get_one(Story, after[1]).article_count == 3


def same_partition(first: list[int | None], second: list[int | None]) -> bool:
    pairs = range(len(first))
    return all((first[i] == first[j]) == (second[i] == second[j]) for i in pairs for j in pairs)
