"""Dedup building blocks: text and URL normalisation, and decisions against a real database."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from datasketch import MinHash
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from newscrawler import cli, items
from newscrawler.db.engine import make_engine
from newscrawler.db.models import Article, ArticleVersion, Sighting
from newscrawler.db.store import ArticleStore
from newscrawler.dedup.decide import (
    EXACT_CHECKS,
    TEXTS_PER_READ,
    Decision,
    Deduplicator,
    Outcome,
    lsh_parameters,
)
from newscrawler.dedup.fingerprint import (
    _hash32,
    content_hash,
    hashed_jaccard,
    jaccard,
    minhash,
    optimal_bands,
    shingle_hashes,
    shingles,
    signature_agreement,
    signature_bytes,
)
from newscrawler.dedup.urls import article_url_key, url_key

from .conftest import CrawlRunner

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


@pytest.mark.parametrize("size", [0, 1, 7, 400])
def test_our_minhash_equals_datasketchs(size: int) -> None:
    # The stored band hashes come from these values: they must be datasketch's
    # (its default "affine32" scheme), whichever datasketch is installed or not.
    rng = random.Random(size)
    shingles = {rng.randbytes(rng.randint(1, 30)) for _ in range(size)}
    reference = MinHash(num_perm=128, hashfunc=_hash32, scheme="affine32")
    reference.update_batch(list(shingles))
    assert minhash(shingles, 128).tolist() == reference.hashvalues.tolist()


def test_similarity_of_shingle_hashes_equals_that_of_the_shingles() -> None:
    # The Dedup stage keeps candidates' shingles as 64-bit hashes (a twelfth of the memory):
    # its similarities must be those of the shingle sets themselves.
    rng = random.Random(4)
    words = f"{STORY} {UNRELATED_SAME_TOPIC}".split()
    texts = ["", "one", STORY, UNRELATED_SAME_TOPIC, "東京都は新しい地下鉄の路線を発表した。" * 3]
    for _ in range(40):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(3, 300)))
        texts += [text, " ".join(w if rng.random() > 0.1 else w[::-1] for w in text.split())]
    for a in texts:
        for b in rng.sample(texts, 8):
            expected = jaccard(shingles(a), shingles(b))
            assert hashed_jaccard(shingle_hashes(shingles(a)), shingle_hashes(shingles(b))) == (
                pytest.approx(expected, abs=1e-12)
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
def store(sqlite_url: str) -> Iterator[ArticleStore]:
    store = ArticleStore(sqlite_url)
    store.open("test")
    yield store
    store.close("finished", {}, {})


def article_item(url: str, text: str) -> items.Article:
    raw = items.RawDocument(
        url=url, body=text.encode(), spider="test", fetched_at=datetime.now(UTC)
    )
    return items.Article(raw=raw, text=text, url_key=url_key(url))


def save(store: ArticleStore, deduplicator: Deduplicator, url: str, text: str) -> Decision:
    """Decide and stage, as the Dedup and Store stages do (written when the next lookup needs it)."""
    item = article_item(url, text)
    decision = deduplicator.decide(text, item.url_key or "")
    store.repository.stage(item, decision)
    return decision


def test_decisions(store: ArticleStore) -> None:
    deduplicator = Deduplicator(store, threshold=0.8)
    original = save(store, deduplicator, "https://a.example/story", STORY)

    assert deduplicator.decide(STORY, url_key("https://a.example/story")).outcome is (
        Outcome.UNCHANGED
    )
    same_text = deduplicator.decide(STORY.upper(), url_key("https://b.example/copy"))
    assert (same_text.outcome, same_text.article_id) == (Outcome.SAME_TEXT, original.article_id)

    edited = STORY.replace("four percent", "five percent") + " Reporting by the news desk."
    near = deduplicator.decide(edited, url_key("https://c.example/edited"))
    assert near.outcome is Outcome.NEAR_DUPLICATE
    assert near.duplicate_of == original.article_id
    assert near.similarity is not None and 0.8 <= near.similarity < 1.0

    unrelated = deduplicator.decide(UNRELATED_SAME_TOPIC, url_key("https://d.example/court"))
    assert unrelated.outcome is Outcome.NEW and unrelated.duplicate_of is None

    updated = deduplicator.decide(UNRELATED_SAME_TOPIC, url_key("https://a.example/story/"))
    assert (updated.outcome, updated.article_id) == (Outcome.UPDATED, original.article_id)


def test_near_duplicates_link_to_the_earliest_article_of_their_cluster(
    store: ArticleStore,
) -> None:
    deduplicator = Deduplicator(store, threshold=0.8)
    first = save(store, deduplicator, "https://a.example/1", STORY)
    second = save(store, deduplicator, "https://b.example/2", STORY + " Updated at noon.")
    third = deduplicator.decide(
        STORY + " Updated at noon. Corrected spelling.", url_key("https://c.example/3")
    )
    assert first.article_id is not None
    assert second.duplicate_of == first.article_id
    assert third.duplicate_of == first.article_id


def edited_copy(words: list[str], rng: random.Random, share: float) -> str:
    return " ".join(w[::-1] if rng.random() < share else w for w in words)


def test_signature_agreement_estimates_the_similarity_of_the_texts() -> None:
    rng = random.Random(3)
    words = [f"word{rng.randrange(5000)}" for _ in range(600)]
    base = shingles(" ".join(words))
    for share in (0.0, 0.02, 0.05, 0.1, 0.2, 0.4):
        copy = shingles(edited_copy(words, rng, share))
        exact = jaccard(base, copy)
        stored = signature_bytes(minhash(base, 128)), signature_bytes(minhash(copy, 128))
        agreement = signature_agreement(*stored)
        assert agreement is not None
        # four standard errors of a 128-value estimate
        assert abs(agreement - exact) <= 4 * (exact * (1 - exact) / 128) ** 0.5 + 1e-9, share
    assert len(stored[0]) == 4 * 128
    assert signature_agreement(stored[0], signature_bytes(minhash(base, 64))) is None


def test_a_stored_signature_rules_a_candidate_out_before_its_text_is_compared(
    store: ArticleStore,
) -> None:
    deduplicator = Deduplicator(store, threshold=0.8)
    original = save(store, deduplicator, "https://a.example/1", STORY)
    store.repository.commit()
    edited = STORY.replace("four percent", "five percent") + " Reporting by the news desk."

    def decided() -> Outcome:
        return Deduplicator(store).decide(edited, url_key("https://b.example/2")).outcome

    assert decided() is Outcome.NEAR_DUPLICATE
    # A signature that agrees with no value of the text's: the text is not compared at all.
    unlike = signature_bytes(minhash(shingles(UNRELATED_SAME_TOPIC), 128))
    set_signature(store, original.article_id, unlike)
    assert decided() is Outcome.NEW
    set_signature(store, original.article_id, None)  # a row stored before signatures
    assert decided() is Outcome.NEAR_DUPLICATE


def long_story() -> list[str]:
    return f"{STORY} {UNRELATED_SAME_TOPIC}".split() * 3


@contextmanager
def texts_read(store: ArticleStore) -> Iterator[list[int]]:
    """How many texts each statement reading ``articles.text`` asks for by id (-1: not by id)."""
    reads: list[int] = []

    def listener(_conn: object, _cursor: object, statement: str, parameters: object,
                 *_: object) -> None:  # fmt: skip
        if "articles.text" in statement.split(" FROM ", 1)[0]:
            by_id = "WHERE articles.id IN (" in statement
            reads.append(len(parameters) if by_id else -1)  # type: ignore[arg-type]

    assert store.engine is not None
    event.listen(store.engine, "before_cursor_execute", listener)
    try:
        yield reads
    finally:
        event.remove(store.engine, "before_cursor_execute", listener)


def test_a_syndicated_cluster_is_compared_through_a_few_texts_not_all(
    store: ArticleStore,
) -> None:
    # Every member of a cluster shares its bands, so each is a candidate of the next copy.
    # The texts are read by id, a few at a time, only as far as the checks go: reading
    # every member's text made each decision cost as much as the cluster was large.
    rng, words = random.Random(5), long_story()
    first = save(store, Deduplicator(store), "https://a.example/0", " ".join(words))
    for number in range(1, 40):
        save(
            store, Deduplicator(store), f"https://a.example/{number}", edited_copy(words, rng, 0.01)
        )
    store.repository.commit()
    with texts_read(store) as reads:
        decision = Deduplicator(store).decide(
            edited_copy(words, rng, 0.01), url_key("https://b.example/x")
        )
    assert decision.outcome is Outcome.NEAR_DUPLICATE
    assert decision.duplicate_of == first.article_id
    assert reads, "the match was not checked against a text"
    assert all(0 < count <= TEXTS_PER_READ for count in reads), reads
    assert sum(reads) <= TEXTS_PER_READ + 1


def test_rewrites_below_the_threshold_cost_a_bounded_number_of_checks(
    store: ArticleStore,
) -> None:
    # Forty outlets rewrote the story (Jaccard about 0.7 with it: candidates, not copies)
    # before the original was stored. A copy of the original is still linked to it, and
    # is checked against the texts whose signatures agree most, not against all forty.
    rng, words = random.Random(6), long_story()
    for number in range(40):
        save(
            store, Deduplicator(store), f"https://r{number}.example/", edited_copy(words, rng, 0.06)
        )
    original = save(store, Deduplicator(store), "https://a.example/story", " ".join(words))
    store.repository.commit()
    assert original.outcome is Outcome.NEW
    with texts_read(store) as reads:
        decision = Deduplicator(store).decide(
            edited_copy(words, rng, 0.01), url_key("https://b.example/x")
        )
    assert decision.outcome is Outcome.NEAR_DUPLICATE
    assert decision.duplicate_of == original.article_id
    assert all(count > 0 for count in reads), reads
    assert sum(reads) <= EXACT_CHECKS + 1  # and the cluster's first article's, to report


def set_signature(store: ArticleStore, article_id: int | None, signature: bytes | None) -> None:
    session = store.repository.session
    session.execute(update(Article).where(Article.id == article_id).values(minhash=signature))
    session.commit()


# -- through real crawls ---------------------------------------------------------


def _articles(engine_url: str) -> list[Article]:
    engine = make_engine(engine_url)
    with Session(engine) as session:
        rows = list(session.scalars(select(Article).order_by(Article.id)))
        session.expunge_all()
    engine.dispose()
    return rows


def test_across_runs_exact_copy_is_a_sighting_and_edited_copy_is_linked(
    run_crawl: CrawlRunner, sqlite_url: str, tmp_path: Path
) -> None:
    first, second = tmp_path / "monday", tmp_path / "tuesday"
    first.mkdir()
    second.mkdir()
    (first / "budget.txt").write_text(f"Parliament approves budget\n\n{STORY}\n", "utf-8")
    (second / "copy.txt").write_text(f"PARLIAMENT APPROVES BUDGET\n\n{STORY.upper()}\n", "utf-8")
    edited = STORY.replace("four percent", "five percent") + " Reporting by the news desk."
    (second / "edited.txt").write_text(f"Budget approved\n\n{edited}\n", "utf-8")
    (second / "court.txt").write_text(f"Court suspends budget\n\n{UNRELATED_SAME_TOPIC}\n", "utf-8")
    run_crawl("files", "-a", f"path={first}")
    run_crawl("files", "-a", f"path={second}")
    rows = {Path(a.url).name: a for a in _articles(sqlite_url)}
    assert set(rows) == {"budget.txt", "edited.txt", "court.txt"}  # the exact copy is no article
    assert rows["edited.txt"].duplicate_of == rows["budget.txt"].id
    similarity = rows["edited.txt"].similarity
    assert similarity is not None and 0.8 <= similarity < 1.0
    assert rows["court.txt"].duplicate_of is None
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        urls = set(
            session.scalars(
                select(Sighting.url).where(Sighting.article_id == rows["budget.txt"].id)
            )
        )
    engine.dispose()
    assert {Path(u).name for u in urls} == {"budget.txt", "copy.txt"}


def test_changed_page_updates_the_article_and_keeps_the_old_text(
    run_crawl: CrawlRunner, sqlite_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    page = folder / "story.txt"
    page.write_text(f"Court suspends budget\n\n{UNRELATED_SAME_TOPIC}\n", "utf-8")
    run_crawl("files", "-a", f"path={folder}")
    correction = "Correction: an earlier version misstated the date of the ruling."
    page.write_text(f"Court suspends budget\n\n{UNRELATED_SAME_TOPIC}\n\n{correction}\n", "utf-8")
    run_crawl("files", "-a", f"path={folder}")
    (article,) = _articles(sqlite_url)
    assert correction in article.text and article.version == 2
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        (old,) = session.scalars(select(ArticleVersion))
    engine.dispose()
    assert old.article_id == article.id and correction not in old.text and old.version == 1


# -- the LSH band layout -----------------------------------------------------------


@pytest.mark.parametrize(
    ("threshold", "num_perm"), [(0.3, 64), (0.55, 128), (0.7, 128), (0.9, 256)]
)
def test_band_layout_is_datasketchs_optimum(threshold: float, num_perm: int) -> None:
    from datasketch.lsh import _optimal_param  # an independent oracle, not imported by the code

    assert optimal_bands(threshold, num_perm) == tuple(
        _optimal_param(threshold, num_perm, 0.5, 0.5)
    )


def test_lsh_finds_nearly_every_pair_at_the_decision_threshold() -> None:
    params = lsh_parameters(0.8, 128)
    candidate = 1 - (1 - 0.8**params.rows) ** params.bands
    assert candidate >= 0.99 and params.bands * params.rows <= 128


def test_reband_rebuilds_the_index_for_the_current_layout(sqlite_url: str) -> None:
    old_store = ArticleStore(sqlite_url)
    old_store.open("old")
    save(old_store, Deduplicator(old_store, lsh_threshold=0.7), "https://a.example/1", STORY)
    old_store.repository.commit()
    old_store.close("finished", {}, {})
    edited = STORY.replace("four percent", "five percent") + " Reporting by the news desk."

    def near_duplicate_found() -> bool:
        store = ArticleStore(sqlite_url)
        store.open("new")
        decision = Deduplicator(store).decide(edited, url_key("https://b.example/2"))
        store.close("finished", {}, {})
        return decision.outcome is Outcome.NEAR_DUPLICATE

    assert not near_duplicate_found()  # bands of the old layout do not match
    set_signature(old_store, 1, None)  # and a row stored before signatures
    out = io.StringIO()
    assert cli.main(["--database-url", sqlite_url, "db", "reband"], out=out) == 0
    assert out.getvalue().startswith("1 articles re-banded")
    assert near_duplicate_found()
    (article,) = _articles(sqlite_url)
    assert article.minhash == signature_bytes(minhash(shingles(STORY), 128))
