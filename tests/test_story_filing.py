"""Story ids filed with the Store's batch: in-batch matches, joins across batches, rollbacks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newscrawler import items
from newscrawler.db.engine import make_engine
from newscrawler.db.models import Article, Story, StoryKey, StorySignal
from newscrawler.db.store import ArticleStore
from newscrawler.db.stories import POSTINGS_PER_KEY
from newscrawler.db.story_filing import BatchStoryIndex, StoryFiler, read_postings
from newscrawler.dedup.decide import Deduplicator
from newscrawler.dedup.urls import url_key
from newscrawler.story.cluster import StoryEntry
from newscrawler.story.match import MatchRule
from newscrawler.story.signals import Signals

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
EVENT = {"e:hlvrsn": 1.0, "e:trms": 1.0, "e:hrbr": 0.8, "a:nato": 0.9, "n:2026": 0.5}
OTHER = {"e:kspr": 1.0, "e:tnrf": 1.0, "e:mlkr": 0.9, "a:opec": 0.9}


@pytest.fixture
def store(sqlite_url: str) -> Iterator[ArticleStore]:
    store = ArticleStore(sqlite_url)
    store.before_articles.append(StoryFiler(MatchRule()).file)
    store.open("test")
    yield store
    store.close("finished", {}, {})


def article(n: int, keys: dict[str, float], hours: float = 0) -> items.Article:
    url = f"https://news{n}.example/story"
    raw = items.RawDocument(
        url=url, body=f"<p>{n}</p>".encode(), spider="test", fetched_at=NOW + timedelta(hours=hours)
    )
    text = f"Article number {n} with words of its own: {' '.join(str(n) * k for k in range(1, 30))}"
    return items.Article(
        raw=raw, text=text, url_key=url_key(url), language="en", story_signals=Signals(keys)
    )


def stage(store: ArticleStore, item: items.Article) -> None:
    store.repository.stage(item, Deduplicator(store).decide(item.text, item.url_key or ""))


def story_rows(store: ArticleStore) -> dict[int, int]:
    engine = make_engine(store.database_url)
    with Session(engine) as session:
        rows = {story.id: story.article_count for story in session.scalars(select(Story))}
    engine.dispose()
    return rows


def test_articles_of_one_batch_meet_in_one_story_and_others_open_their_own(
    store: ArticleStore,
) -> None:
    first, same, other = article(1, EVENT), article(2, EVENT, hours=2), article(3, OTHER)
    for item in (first, same, other):
        stage(store, item)
    store.repository.commit()
    assert first.story_id is not None and first.story_id == same.story_id
    assert other.story_id not in (None, first.story_id)
    assert story_rows(store) == {first.story_id: 2, other.story_id: 1}


def test_a_later_batch_joins_the_stored_story_and_counts_it(store: ArticleStore) -> None:
    first = article(1, EVENT)
    stage(store, first)
    store.repository.commit()
    later = article(2, EVENT, hours=30)
    stage(store, later)
    store.repository.commit()
    assert later.story_id == first.story_id
    assert story_rows(store) == {first.story_id: 2}


def test_a_rolled_back_batch_is_filed_again_and_leaves_no_dangling_story(
    store: ArticleStore,
) -> None:
    first = article(1, EVENT)
    stage(store, first)
    store.repository.write_pending()  # the batch's stories are written ...
    store.repository.rollback()  # ... and undone with it (a clash with another writer)
    store.repository.commit()  # the retry files the batch again
    stories = story_rows(store)
    assert stories == {first.story_id: 1}
    engine = make_engine(store.database_url)
    with Session(engine) as session:
        stored = session.scalar(select(Article.story_id))
        signals = session.scalar(select(func.count()).select_from(StorySignal))
    engine.dispose()
    assert stored == first.story_id
    assert signals == 1


def test_two_writers_joining_one_story_at_once_keep_both_languages(postgres_url: str) -> None:
    """Each writer writes the story's language list whole: the second must read it after
    the first commits, or the first one's language is lost."""
    writers = [ArticleStore(postgres_url) for _ in range(2)]
    for writer in writers:
        writer.before_articles.append(StoryFiler(MatchRule()).file)
        writer.open("test")
    first, second = writers
    stage(first, article(1, EVENT))
    first.repository.commit()
    german, french = article(2, EVENT, hours=1), article(3, EVENT, hours=2)
    german.language, french.language = "de", "fr"
    stage(first, german)
    first.repository.write_pending()  # joined, not committed yet
    racing = threading.Thread(target=lambda: (stage(second, french), second.repository.commit()))
    racing.start()
    racing.join(timeout=1.0)  # the second writer now waits on the first one's story row
    first.repository.commit()
    racing.join(timeout=30)
    assert not racing.is_alive()
    for writer in writers:
        writer.close("finished", {}, {})

    engine = make_engine(postgres_url)
    with Session(engine) as session:
        (story,) = session.scalars(select(Story))
    engine.dispose()
    assert german.story_id == french.story_id == story.id
    assert (story.article_count, sorted(story.languages)) == (3, ["de", "en", "fr"])


def test_each_search_key_reads_its_newest_postings_in_the_window(store: ArticleStore) -> None:
    engine = make_engine(store.database_url)
    times = [NOW - timedelta(minutes=m) for m in range(80)]
    outside = [NOW + timedelta(days=10, minutes=m) for m in range(5)]
    with Session(engine) as session:
        story = Story(first_seen_at=NOW, last_seen_at=NOW, article_count=1, languages=["en"])
        session.add(story)
        session.flush()
        for seen_at, key in [*((t, "e:common") for t in times + outside), (NOW, "e:rare")]:
            signal = StorySignal(story_id=story.id, seen_at=seen_at, language="en", keys={key: 1})
            session.add(signal)
            session.flush()
            session.add(StoryKey(key=key, seen_at=seen_at, signal_id=signal.id))
        session.commit()
        entry = StoryEntry(Signals({"e:common": 1.0, "e:rare": 1.0}), NOW, "en", None)
        index = BatchStoryIndex()
        read_postings(session, [entry], MatchRule(), index)
    engine.dispose()
    assert [p.seen_at for p in index.postings["e:common"]] == times[:POSTINGS_PER_KEY]
    assert [p.seen_at for p in index.postings["e:rare"]] == [NOW]


def test_a_batch_spread_over_years_reads_each_articles_own_window(store: ArticleStore) -> None:
    # A backfill batch: one article of today, one of two years ago, sharing a common key.
    # Today's 80 postings of the key must not crowd out the old article's candidate.
    engine = make_engine(store.database_url)
    old = NOW - timedelta(days=730)
    with Session(engine) as session:
        story = Story(first_seen_at=old, last_seen_at=NOW, article_count=1, languages=["en"])
        session.add(story)
        session.flush()
        for seen_at in [old, *(NOW - timedelta(minutes=m) for m in range(80))]:
            signal = StorySignal(story_id=story.id, seen_at=seen_at, language="en",
                                 keys={"e:common": 1})  # fmt: skip
            session.add(signal)
            session.flush()
            session.add(StoryKey(key="e:common", seen_at=seen_at, signal_id=signal.id))
        session.commit()
        entries = [StoryEntry(Signals({"e:common": 1.0}), when, "en", None) for when in (NOW, old)]
        index = BatchStoryIndex()
        wanted = read_postings(session, entries, MatchRule(), index)
        old_signal = session.scalar(select(StorySignal.id).where(StorySignal.seen_at == old))
    engine.dispose()
    times = [p.seen_at for p in index.postings["e:common"]]
    assert times.count(old) == 1 and old_signal in wanted
    assert len(times) == POSTINGS_PER_KEY + 1  # today's newest fifty, and the old one, once
    assert times == sorted(times, reverse=True)
