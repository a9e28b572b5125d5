"""Story ids for a batch of articles, decided and written together with the batch's rows.

Deciding each article in its own savepoint against the SQL story index
(:class:`~newscrawler.db.stories.SqlStoryIndex`) cost about seven statements
an article. Here the Store's batch is filed at once, right before its
article rows are written (:meth:`~newscrawler.db.repository.Repository.write_pending`):

* one query reads the most recent postings of every search key of the batch
  (per key, ``ORDER BY seen_at DESC LIMIT`` within the batch's time span
  widened by the story window: an index range that stops at the limit, however
  many articles share the key; a batch whose publication times spread wider
  than the window, a backfill's, is read in runs that do not), one the
  candidates' signals, one the stories those candidates and the batch's
  near-duplicate originals belong to;
* the assignment (:class:`~newscrawler.story.cluster.StoryAssigner`) runs in
  memory, the batch's own earlier articles being candidates too;
* new stories, signal rows, keys and the updates of existing stories are
  written with one statement each.

A rollback undoes the stories with the articles that carry their ids, and the
retry files the batch again, so a story id never points at a story that was
rolled back. Counts and times of existing stories are updated relative to
what is stored (``article_count + n``), so two writers do not lose each
other's articles; the language list is written whole, so the stories a
batch joins are read ``FOR UPDATE`` (another writer joining the same story
waits for this batch's commit and reads its languages).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, bindparam, case, func, select, union_all, update

from newscrawler.db import models
from newscrawler.db.stories import (
    MAX_CANDIDATES,
    POSTINGS_PER_KEY,
    TITLE_CHARS,
    story_time,
    widen_story,
)
from newscrawler.dedup.decide import Outcome
from newscrawler.story.cluster import Candidate, StoryAssigner, StoryEntry
from newscrawler.story.signals import SignalExtractor, Signals

if TYPE_CHECKING:
    from sqlalchemy.orm import Session
    from sqlalchemy.sql.selectable import CompoundSelect

    from newscrawler.db.repository import Entry
    from newscrawler.story.match import MatchRule

STORIES: Table = models.Story.__table__  # type: ignore[assignment]
SIGNALS: Table = models.StorySignal.__table__  # type: ignore[assignment]
KEYS: Table = models.StoryKey.__table__  # type: ignore[assignment]
ARTICLES: Table = models.Article.__table__  # type: ignore[assignment]
IN_CHUNK = 500  # values per IN (...) list
# Search keys per postings statement: one limited SELECT each (SQLite allows 500 in a compound).
KEYS_PER_STATEMENT = 200


@dataclass(slots=True)
class StoryRow:
    """A story as this batch sees it: what is stored, and what the batch adds."""

    first_seen_at: datetime
    last_seen_at: datetime
    languages: list[str]
    title: str | None
    added: int = 0  # articles this batch adds to it


@dataclass(slots=True)
class Posting:
    key: str
    seen_at: datetime
    signal_id: int  # negative: a signal row of this batch, not written yet


@dataclass(slots=True)
class PendingSignal:
    story_id: int  # negative: a story of this batch
    entry: StoryEntry


@dataclass(slots=True)
class BatchStoryIndex:
    """:class:`~newscrawler.story.cluster.StoryIndex` over one batch's prefetched rows."""

    postings: dict[str, list[Posting]] = field(default_factory=dict)  # newest first
    signals: dict[int, Candidate] = field(default_factory=dict)
    stories: dict[int, StoryRow] = field(default_factory=dict)  # stored and new (negative ids)
    article_stories: dict[int, int | None] = field(default_factory=dict)
    pending: list[PendingSignal] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(-1, -1))

    # -- StoryIndex ---------------------------------------------------------

    def candidates(self, entry: StoryEntry, rule: MatchRule) -> list[Candidate]:
        best = best_signal_ids(entry, rule, self.postings)
        return [self.signals[signal_id] for signal_id in best if signal_id in self.signals]

    def story_of_article(self, article_id: int) -> int | None:
        return self.article_stories.get(article_id)

    def new_story(self, entry: StoryEntry) -> int:
        story_id = next(self._ids)
        title = (entry.title or "")[:TITLE_CHARS] or None
        self.stories[story_id] = StoryRow(entry.seen_at, entry.seen_at, [entry.language], title, 1)
        self._index(story_id, entry)
        return story_id

    def join_story(self, story_id: int, entry: StoryEntry, counts: bool = True) -> None:
        story = self.stories.get(story_id)
        if story is None:  # written by a transaction that was rolled back since
            raise LookupError(f"story {story_id} does not exist")
        if counts:
            story.added += 1
            widen_story(story, entry)
        self._index(story_id, entry)

    def _index(self, story_id: int, entry: StoryEntry) -> None:
        """The batch's own articles are candidates for the articles after them."""
        signal_id = -1 - len(self.pending)
        self.pending.append(PendingSignal(story_id, entry))
        self.signals[signal_id] = Candidate(story_id, entry.seen_at, entry.signals)
        for key in entry.signals.search_keys():
            self.postings.setdefault(key, []).insert(0, Posting(key, entry.seen_at, signal_id))


class StoryFiler:
    """Files the articles of a Store batch into stories (the Store calls it before writing)."""

    def __init__(self, rule: MatchRule, extractor: SignalExtractor | None = None) -> None:
        self.rule = rule
        self.extractor = extractor or SignalExtractor()

    def file(self, session: Session, batch: Sequence[Entry]) -> None:
        """Give every new or updated article of ``batch`` its story id, and write the stories."""
        filed = [(entry, self.story_entry(entry)) for entry in batch if _needs_story(entry)]
        if not filed:
            return
        index = self._prefetch(session, filed)
        assigner = StoryAssigner(index, self.rule)
        for entry, story_entry in filed:
            decision = entry.decision
            updated = decision.article_id if decision.outcome is Outcome.UPDATED else None
            assignment = assigner.assign(story_entry, decision.duplicate_of, updated)
            entry.article.story_id = assignment.story_id
            entry.story_how = assignment.how.value
        real = write_stories(session, index)
        for entry, _ in filed:
            assert entry.article.story_id is not None
            entry.article.story_id = real.get(entry.article.story_id, entry.article.story_id)

    def story_entry(self, entry: Entry) -> StoryEntry:
        article = entry.article
        signals = article.story_signals or self.extractor.extract(
            article.text, article.title, article.language
        )
        return StoryEntry(
            signals=signals,
            seen_at=story_time(article.published_at, article.raw.fetched_at),
            language=article.language or "und",
            title=article.title,
        )

    def _prefetch(self, session: Session, filed: list[tuple[Entry, StoryEntry]]) -> BatchStoryIndex:
        index = BatchStoryIndex()
        entries = [story_entry for _, story_entry in filed]
        wanted = read_postings(session, entries, self.rule, index)
        index.signals.update(read_signals(session, wanted))
        linked = {
            article_id
            for entry, _ in filed
            for article_id in (entry.decision.duplicate_of, _updated_id(entry))
            if article_id is not None
        }
        index.article_stories.update(read_article_stories(session, linked))
        story_ids = {c.story_id for c in index.signals.values()}
        story_ids |= {s for s in index.article_stories.values() if s is not None}
        index.stories.update(read_stories(session, story_ids))
        return index


def _needs_story(entry: Entry) -> bool:
    outcome = entry.decision.outcome
    return outcome in (Outcome.NEW, Outcome.NEAR_DUPLICATE, Outcome.UPDATED)


def _updated_id(entry: Entry) -> int | None:
    decision = entry.decision
    return decision.article_id if decision.outcome is Outcome.UPDATED else None


# -- reads: one statement each (per IN chunk) ------------------------------------


def _chunks(values: Iterable[Any], size: int = IN_CHUNK) -> Iterator[list[Any]]:
    ordered = sorted(values)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


@lru_cache(maxsize=1)
def postings_query() -> CompoundSelect[Any]:
    """The newest ``POSTINGS_PER_KEY`` postings between ``start`` and ``end`` of each of
    ``KEYS_PER_STATEMENT`` keys (``key0``…; an empty key matches nothing).

    Each key reads its stretch of the primary key (key, seen_at) backwards and
    stops at the limit; a window function over the keys would read every
    posting of a key in the span first, and a common key ("n:12", a country)
    holds one posting per article that names it.
    """
    start = bindparam("start", type_=KEYS.c.seen_at.type)
    end = bindparam("end", type_=KEYS.c.seen_at.type)
    per_key = [
        select(KEYS.c.key, KEYS.c.seen_at, KEYS.c.signal_id)
        .where(KEYS.c.key == bindparam(f"key{n}"), KEYS.c.seen_at.between(start, end))
        .order_by(KEYS.c.seen_at.desc())
        .limit(POSTINGS_PER_KEY)
        .subquery()
        for n in range(KEYS_PER_STATEMENT)
    ]
    return union_all(*(select(sub.c.key, sub.c.seen_at, sub.c.signal_id) for sub in per_key))


def read_postings(
    session: Session, entries: list[StoryEntry], rule: MatchRule, index: BatchStoryIndex
) -> set[int]:
    """The newest postings of the batch's search keys; return the signal ids worth reading.

    The batch is read in runs of publication times no wider than the story window
    (a backfill mixes years): one time span for all of it would give each key's
    newest postings of the latest dates only, and the older articles none of theirs.
    """
    found: list[Posting] = []
    groups = date_groups(entries, rule.window)
    for group in groups:
        keys = {key for entry in group for key in entry.signals.search_keys()}
        start, end = group[0].seen_at - rule.window, group[-1].seen_at + rule.window
        found += _postings_between(session, keys, start, end)
    if len(groups) > 1:  # the spans of neighbouring runs overlap: read once, count once
        found = list({(p.key, p.seen_at, p.signal_id): p for p in found}.values())
    found.sort(key=lambda posting: posting.seen_at, reverse=True)
    found.sort(key=lambda posting: posting.key)  # by key, each key's newest first
    for posting in found:
        index.postings.setdefault(posting.key, []).append(posting)
    return {
        signal_id for entry in entries for signal_id in best_signal_ids(entry, rule, index.postings)
    }


def date_groups(entries: list[StoryEntry], window: timedelta) -> list[list[StoryEntry]]:
    """``entries`` by publication time, in runs that each span at most ``window``."""
    groups: list[list[StoryEntry]] = []
    for entry in sorted(entries, key=lambda entry: entry.seen_at):
        if groups and entry.seen_at - groups[-1][0].seen_at <= window:
            groups[-1].append(entry)
        else:
            groups.append([entry])
    return groups


def _postings_between(
    session: Session, keys: set[str], start: datetime, end: datetime
) -> Iterator[Posting]:
    for chunk in _chunks(keys, KEYS_PER_STATEMENT):
        slots = [*chunk, *[""] * (KEYS_PER_STATEMENT - len(chunk))]
        parameters: dict[str, Any] = {f"key{n}": key for n, key in enumerate(slots)}
        parameters.update(start=start, end=end)
        for row in session.execute(postings_query(), parameters):
            yield Posting(row.key, row.seen_at, row.signal_id)


def best_signal_ids(
    entry: StoryEntry, rule: MatchRule, postings: dict[str, list[Posting]]
) -> list[int]:
    """The signal rows sharing the most key weight with ``entry`` (as SqlStoryIndex ranks them).

    Each search key contributes its newest ``POSTINGS_PER_KEY`` postings within
    the story window around the article.
    """
    weights = entry.signals.keys
    hits: dict[int, float] = {}
    for key in entry.signals.search_keys():
        near = (p for p in postings.get(key, ()) if rule.in_window(p.seen_at, entry.seen_at))
        for posting in itertools.islice(near, POSTINGS_PER_KEY):
            hits[posting.signal_id] = hits.get(posting.signal_id, 0.0) + weights[key]
    return sorted(hits, key=lambda signal_id: -hits[signal_id])[:MAX_CANDIDATES]


def read_signals(session: Session, ids: set[int]) -> Iterator[tuple[int, Candidate]]:
    for chunk in _chunks(ids):
        query = select(SIGNALS.c.id, SIGNALS.c.story_id, SIGNALS.c.seen_at, SIGNALS.c["keys"])
        for row in session.execute(query.where(SIGNALS.c.id.in_(chunk))):
            yield row.id, Candidate(row.story_id, row.seen_at, Signals(dict(row.keys)))


def read_article_stories(session: Session, ids: set[int]) -> Iterator[tuple[int, int | None]]:
    for chunk in _chunks(ids):
        query = select(ARTICLES.c.id, ARTICLES.c.story_id).where(ARTICLES.c.id.in_(chunk))
        for row in session.execute(query):
            yield row.id, row.story_id


def read_stories(session: Session, ids: set[int]) -> Iterator[tuple[int, StoryRow]]:
    """The stored stories the batch joins, locked until it commits.

    Their language list is written back whole: without the lock, another writer's
    batch joining the same story between this read and that write would lose its
    language. Rows are locked in id order, so two batches cannot deadlock on them.
    (SQLite's writer already holds the database's write lock.)
    """
    columns = (STORIES.c.id, STORIES.c.first_seen_at, STORIES.c.last_seen_at,
               STORIES.c.languages, STORIES.c.title)  # fmt: skip
    for chunk in _chunks(ids):
        query = select(*columns).where(STORIES.c.id.in_(chunk)).order_by(STORIES.c.id)
        for row in session.execute(query.with_for_update()):
            first, last = row.first_seen_at, row.last_seen_at
            yield row.id, StoryRow(first, last, list(row.languages), row.title)


# -- writes: one statement each ---------------------------------------------------


def write_stories(session: Session, index: BatchStoryIndex) -> dict[int, int]:
    """Write the batch's stories, signals and keys; return its story ids → stored ids."""
    real = _insert_new_stories(session, index)
    _update_stories(session, index)
    signal_ids = _insert_signals(session, index, real)
    keys = [
        {"key": key, "seen_at": pending.entry.seen_at, "signal_id": signal_id}
        for pending, signal_id in zip(index.pending, signal_ids, strict=True)
        for key in pending.entry.signals.search_keys()
    ]
    if keys:
        session.execute(KEYS.insert(), keys)
    return real


def _insert_new_stories(session: Session, index: BatchStoryIndex) -> dict[int, int]:
    new = sorted((story_id, row) for story_id, row in index.stories.items() if story_id < 0)
    if not new:
        return {}
    rows = [
        {"first_seen_at": row.first_seen_at, "last_seen_at": row.last_seen_at,
         "article_count": row.added, "languages": row.languages, "title": row.title}
        for _, row in new
    ]  # fmt: skip
    ids = insert_returning_ids(session, STORIES, rows)
    return {story_id: stored for (story_id, _), stored in zip(new, ids, strict=True)}


def _update_stories(session: Session, index: BatchStoryIndex) -> None:
    """Existing stories the batch joined: counts and times relative to what is stored."""
    changed = [(story_id, row) for story_id, row in index.stories.items() if story_id > 0]
    rows = [
        {"b_id": story_id, "b_added": row.added, "b_first": row.first_seen_at,
         "b_last": row.last_seen_at, "b_languages": row.languages, "b_title": row.title}
        for story_id, row in changed
        if row.added
    ]  # fmt: skip
    if not rows:
        return
    first = bindparam("b_first", type_=STORIES.c.first_seen_at.type)
    last = bindparam("b_last", type_=STORIES.c.last_seen_at.type)
    statement = (
        update(STORIES)
        .where(STORIES.c.id == bindparam("b_id"))
        .values(
            article_count=STORIES.c.article_count + bindparam("b_added"),
            first_seen_at=case((STORIES.c.first_seen_at > first, first),
                               else_=STORIES.c.first_seen_at),
            last_seen_at=case((STORIES.c.last_seen_at < last, last), else_=STORIES.c.last_seen_at),
            languages=bindparam("b_languages", type_=STORIES.c.languages.type),
            title=func.coalesce(STORIES.c.title, bindparam("b_title", type_=STORIES.c.title.type)),
        )
    )  # fmt: skip
    session.execute(statement, rows)


def _insert_signals(session: Session, index: BatchStoryIndex, real: dict[int, int]) -> list[int]:
    if not index.pending:
        return []
    rows = [
        {"story_id": real.get(pending.story_id, pending.story_id),
         "seen_at": pending.entry.seen_at, "language": pending.entry.language,
         "keys": pending.entry.signals.keys}
        for pending in index.pending
    ]  # fmt: skip
    return insert_returning_ids(session, SIGNALS, rows)


def insert_returning_ids(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows``; return their new ids in order, in one statement where the backend can.

    PostgreSQL returns them in order from one batched ``INSERT … RETURNING``.
    SQLite cannot tie returned ids to parameter order in a batch (SQLAlchemy
    falls back to one statement a row), but a SQLite transaction that writes
    holds the database's only write lock (``BEGIN IMMEDIATE``), so the ids can
    be numbered here after the largest one: two statements for the batch.
    """
    if session.get_bind().dialect.name == "sqlite":
        largest = session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
        ids = list(range(largest + 1, largest + 1 + len(rows)))
        session.execute(
            table.insert(), [{**row, "id": id_} for row, id_ in zip(rows, ids, strict=True)]
        )
        return ids
    statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
    return list(session.execute(statement, rows).scalars().all())
