"""Dedup building blocks: text and URL normalisation, and decisions against a real database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newscrawler.db.models import Article
from newscrawler.db.store import ArticleStore
from newscrawler.dedup.decide import Deduplicator, Outcome
from newscrawler.dedup.fingerprint import content_hash
from newscrawler.dedup.urls import article_url_key, url_key

STORY = (
    "The regional parliament approved a new budget on Tuesday after three days of debate. "
    "Spending on schools rises by four percent while the road-building programme is cut. "
    "The opposition called the plan short-sighted and announced a legal challenge. "
    "Officials said the first payments to municipalities would be made in the spring, "
    "and that a review of the spending plan is scheduled for the autumn session."
)
UNRELATED_SAME_TOPIC = (
    "A court has suspended the regional budget pending a ruling on the opposition's complaint. "
    "Judges said the parliament may have violated procedural rules during the final vote. "
    "The finance minister expects a decision within weeks and warned of delayed payments. "
    "Teachers' unions welcomed the delay, saying the school funding was still insufficient."
)


def test_content_hash_folds_case_whitespace_punctuation_and_unicode_forms() -> None:
    assert content_hash("Café  au lait!") == content_hash("CAFE\u0301 au lait")
    assert content_hash("Tokyo, Japan.") == content_hash("tokyo japan")
    assert content_hash("one story") != content_hash("another story")


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        (
            "HTTPS://News.Example.COM:443/a/story/?utm_source=x&id=7#comments",
            "https://news.example.com/a/story?id=7",
        ),
        (
            "http://news.example.com:80/a/story?fbclid=abc&gclid=1",
            "http://news.example.com/a/story",
        ),
        ("https://news.example.com:8443/a//story", "https://news.example.com:8443/a/story"),
    ],
)
def test_url_key(variant: str, expected: str) -> None:
    assert url_key(variant) == expected


def test_canonical_url_is_used_only_when_plausible() -> None:
    page = "https://www.example.com/politics/budget-vote?utm_medium=rss"
    assert article_url_key(page, "https://example.com/politics/budget-vote") == (
        "https://example.com/politics/budget-vote"
    )
    assert article_url_key(page, "https://www.example.com/") == url_key(page)
    assert article_url_key(page, "https://other.org/politics/budget-vote") == url_key(page)


@pytest.fixture
def store(sqlite_url: str) -> ArticleStore:
    store = ArticleStore(sqlite_url)
    store.open("test")
    yield store
    store.close("finished", {}, {})


def save(store: ArticleStore, deduplicator: Deduplicator, url: str, text: str) -> Article:
    key = url_key(url)
    decision = deduplicator.decide(text, key)
    row = Article(
        url=url,
        url_key=key,
        text=text,
        content_hash=decision.content_hash,
        duplicate_of=decision.duplicate_of,
        similarity=decision.similarity,
        first_seen_at=datetime.now(UTC),
        last_seen_at=datetime.now(UTC),
    )
    return store.add_article(row, decision.bands)


def test_decisions(store: ArticleStore) -> None:
    deduplicator = Deduplicator(store, threshold=0.8)
    original = save(store, deduplicator, "https://a.example/story", STORY)

    assert deduplicator.decide(STORY, url_key("https://a.example/story")).outcome is (
        Outcome.UNCHANGED
    )
    same_text = deduplicator.decide(STORY.upper(), url_key("https://b.example/copy"))
    assert (same_text.outcome, same_text.article_id) == (Outcome.SAME_TEXT, original.id)

    edited = STORY.replace("four percent", "five percent") + " Reporting by the news desk."
    near = deduplicator.decide(edited, url_key("https://c.example/edited"))
    assert near.outcome is Outcome.NEAR_DUPLICATE
    assert near.duplicate_of == original.id
    assert 0.8 <= near.similarity < 1.0

    unrelated = deduplicator.decide(UNRELATED_SAME_TOPIC, url_key("https://d.example/court"))
    assert unrelated.outcome is Outcome.NEW and unrelated.duplicate_of is None

    updated = deduplicator.decide(UNRELATED_SAME_TOPIC, url_key("https://a.example/story/"))
    assert (updated.outcome, updated.article_id) == (Outcome.UPDATED, original.id)


def test_near_duplicates_link_to_the_earliest_article_of_their_cluster(
    store: ArticleStore,
) -> None:
    deduplicator = Deduplicator(store, threshold=0.8)
    first = save(store, deduplicator, "https://a.example/1", STORY)
    second = save(store, deduplicator, "https://b.example/2", STORY + " Updated at noon.")
    third = deduplicator.decide(
        STORY + " Updated at noon. Corrected spelling.", url_key("https://c.example/3")
    )
    assert second.duplicate_of == first.id
    assert third.duplicate_of == first.id
