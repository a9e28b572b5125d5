"""Batched writes of the repository on SQLite and PostgreSQL: statements, overlay, rows."""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from newscrawler import items
from newscrawler.db.engine import make_engine
from newscrawler.db.models import (
    Article,
    ArticleVersion,
    MinHashBand,
    RawDocument,
    Sighting,
    UrlState,
)
from newscrawler.db.store import ArticleStore
from newscrawler.dedup.decide import Decision, Deduplicator, Outcome
from newscrawler.dedup.urls import url_key

from .conftest import WORDS

MAX_STATEMENTS_PER_NEW_DOCUMENT = 3


def prose(rng: random.Random, sentences: int = 8) -> str:
    return " ".join(
        " ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + "." for _ in range(sentences)
    )


def article(url: str, text: str, fetched_at: datetime | None = None) -> items.Article:
    raw = items.RawDocument(
        url=url,
        body=f"<p>{text}</p>".encode(),
        spider="test",
        fetched_at=fetched_at or datetime.now(UTC),
        headers={"ETag": f'"{len(text)}"'},
    )
    return items.Article(raw=raw, text=text, url_key=url_key(url), language="en")


@pytest.fixture
def store(database_url: str) -> Iterator[ArticleStore]:
    store = ArticleStore(database_url)
    store.open("test")
    yield store
    store.close("finished", {}, {})


def stage(store: ArticleStore, deduplicator: Deduplicator, item: items.Article) -> Decision:
    """What the Dedup and Store stages do with one article."""
    decision = deduplicator.decide(item.text, item.url_key or "")
    store.repository.stage(item, decision)
    return decision


def count(database_url: str, model: Any) -> int:
    engine = make_engine(database_url)
    with Session(engine) as session:
        total = session.scalar(select(func.count()).select_from(model)) or 0
    engine.dispose()
    return total


def test_a_new_document_costs_at_most_three_statements(store: ArticleStore) -> None:
    deduplicator = Deduplicator(store)
    rng = random.Random(5)
    documents = [article(f"https://news.example/{n}", prose(rng)) for n in range(40)]
    statements: list[str] = []
    assert store.engine is not None

    def counted(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", counted)
    for item in documents:
        assert stage(store, deduplicator, item).outcome is Outcome.NEW
    store.repository.commit()
    event.remove(store.engine, "before_cursor_execute", counted)

    per_document = len(statements) / len(documents)
    print(f"{per_document:.2f} statements per new document")
    assert per_document <= MAX_STATEMENTS_PER_NEW_DOCUMENT, statements
    assert count(store.database_url, Article) == 40
    assert count(store.database_url, Sighting) == 40
    assert count(store.database_url, RawDocument) == 40
    assert count(store.database_url, UrlState) == 40


def test_copies_inside_one_batch_are_one_article_and_near_copies_link(
    store: ArticleStore,
) -> None:
    deduplicator = Deduplicator(store)
    rng = random.Random(8)
    text = prose(rng, sentences=12)
    first = stage(store, deduplicator, article("https://a.example/story", text))
    copy = stage(store, deduplicator, article("https://b.example/copy", text.upper()))
    edited = text.replace(".", ";", 1) + " " + prose(rng, sentences=1)
    near = stage(store, deduplicator, article("https://c.example/edited", edited))
    store.repository.commit()

    assert first.outcome is Outcome.NEW
    assert (copy.outcome, copy.article_id) == (Outcome.SAME_TEXT, first.article_id)
    assert (near.outcome, near.duplicate_of) == (Outcome.NEAR_DUPLICATE, first.article_id)
    assert count(store.database_url, Article) == 2
    assert count(store.database_url, Sighting) == 3


def test_a_changed_page_in_the_same_batch_is_an_update_with_the_old_text_kept(
    store: ArticleStore,
) -> None:
    deduplicator = Deduplicator(store)
    rng = random.Random(9)
    url = "https://a.example/story"
    old_text, new_text = prose(rng), prose(rng)
    earlier = datetime.now(UTC) - timedelta(hours=1)
    stage(store, deduplicator, article(url, old_text, fetched_at=earlier))
    update = stage(store, deduplicator, article(url + "/", new_text))
    store.repository.commit()

    assert update.outcome is Outcome.UPDATED
    engine = make_engine(store.database_url)
    with Session(engine) as session:
        (row,) = session.scalars(select(Article))
        (version,) = session.scalars(select(ArticleVersion))
        bands = session.scalar(select(func.count()).select_from(MinHashBand))
        raw = session.get_one(RawDocument, row.raw_document_id)
    engine.dispose()
    assert (row.text, row.version, version.text, version.version) == (new_text, 2, old_text, 1)
    assert bands == len(update.bands)  # the old text's bands are gone
    assert zlib.decompress(raw.body) == f"<p>{new_text}</p>".encode()


def test_a_duplicate_moves_last_seen_forward_and_records_url_state(store: ArticleStore) -> None:
    deduplicator = Deduplicator(store)
    text = prose(random.Random(10))
    first_seen = datetime(2026, 1, 1, tzinfo=UTC)
    later = datetime(2026, 1, 2, tzinfo=UTC)
    stage(store, deduplicator, article("https://a.example/1", text, fetched_at=first_seen))
    store.repository.commit()
    stage(store, deduplicator, article("https://b.example/2", text, fetched_at=later))
    store.repository.commit()

    engine = make_engine(store.database_url)
    with Session(engine) as session:
        (row,) = session.scalars(select(Article))
        states = {s.url: s.article_id for s in session.scalars(select(UrlState))}
    engine.dispose()
    assert (row.first_seen_at, row.last_seen_at) == (first_seen, later)
    assert states == {"https://a.example/1": row.id, "https://b.example/2": row.id}
    state = store.url_state(url_key("https://b.example/2"))
    assert state is not None and state.etag is not None and state.fetched_at == later


def test_a_resumed_fetch_is_not_sighted_again_by_the_next_run(database_url: str) -> None:
    """A crawl killed after its commit, before the journal marked the batch done: the next
    run replays the batch from the journal. Those fetches have their sighting already."""
    text, fetched = prose(random.Random(11)), datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)
    for run in ("killed", "resumed"):
        store = ArticleStore(database_url)
        store.open(run)
        item = article("https://a.example/1", text, fetched_at=fetched)
        item.raw.resumed = run == "resumed"
        assert stage(store, Deduplicator(store), item).outcome is (
            Outcome.NEW if run == "killed" else Outcome.UNCHANGED
        )
        store.repository.commit()
        store.close("finished", {}, {})
    assert count(database_url, Sighting) == 1

    store = ArticleStore(database_url)  # a later fetch of the same page is a new sighting
    store.open("later")
    later = article("https://a.example/1", text, fetched_at=fetched + timedelta(hours=7))
    later.raw.resumed = True  # even when it, too, comes back from a journal
    stage(store, Deduplicator(store), later)
    store.repository.commit()
    store.close("finished", {}, {})
    assert count(database_url, Sighting) == 2


def test_a_url_fetched_again_in_the_same_run_is_one_sighting(store: ArticleStore) -> None:
    # The repository keeps no set of the run's URLs (it would grow with the crawl): the
    # database's unique (url, run) key is what keeps the second sighting out.
    deduplicator = Deduplicator(store)
    rng = random.Random(11)
    text = prose(rng)
    stage(store, deduplicator, article("https://a.example/1", text))
    store.repository.commit()
    for batch in range(2):  # in a later batch, and twice in one
        stage(store, deduplicator, article("https://a.example/1", text))
        if batch:
            stage(store, deduplicator, article("https://a.example/1", text))
        store.repository.commit()
    stage(store, deduplicator, article("https://a.example/2", prose(rng)))
    store.repository.commit()

    engine = make_engine(store.database_url)
    with Session(engine) as session:
        sightings = [(s.url, s.crawl_run_id) for s in session.scalars(select(Sighting))]
    engine.dispose()
    assert sorted(sightings) == [("https://a.example/1", store.run_id),
                                 ("https://a.example/2", store.run_id)]  # fmt: skip


def test_a_staged_page_is_held_compressed_and_stored_whole_also_when_staged_again(
    store: ArticleStore,
) -> None:
    # A batch of 100 staged pages held 34 MB of page bytes; it keeps them compressed only,
    # and what raw_documents stores is the page, also after a clash makes it decide again.
    deduplicator = Deduplicator(store)
    rng = random.Random(12)
    first, second = (article(f"https://a.example/{n}", prose(rng)) for n in range(2))
    pages = [first.raw.body, second.raw.body]
    stage(store, deduplicator, first)
    stage(store, deduplicator, second)
    assert (first.raw.body, second.raw.body) == (b"", b"")
    for entry in store.repository.take_entries():  # as StoragePipeline.redecide does
        store.repository.restage(
            entry, deduplicator.decide(entry.article.text, entry.article.url_key or "")
        )
    store.repository.commit()

    engine = make_engine(store.database_url)
    with Session(engine) as session:
        rows = session.scalars(select(RawDocument).order_by(RawDocument.url)).all()
        stored = [(zlib.decompress(row.body), row.size) for row in rows]
    engine.dispose()
    assert stored == [(page, len(page)) for page in pages]
