"""The story index in SQL: stories, their articles' signals, and a bounded key index.

:class:`SqlStoryIndex` implements :class:`newscrawler.story.cluster.StoryIndex`
on the crawl's shared session, so its rows commit in the same transaction as
the articles that carry the story ids. The candidate lookup is bounded the
way the ``minhash_bands`` lookup is: the new article's strongest keys
(:meth:`~newscrawler.story.signals.Signals.search_keys`) are looked up in
``story_keys`` on its primary key (key, time), each within the time window
and capped at the most recent ``postings`` rows, and only the best
``candidates`` signal rows are read back. The cost per article therefore
depends on the window's size, never on how many articles are stored.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import CompoundSelect, bindparam, delete, insert, select, union_all, update

from newscrawler.db.models import Article, Story, StoryKey, StorySignal, UTCDateTime
from newscrawler.story.cluster import Candidate, StoryAssigner, StoryEntry
from newscrawler.story.signals import SEARCH_KEYS, SignalExtractor, Signals

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from newscrawler.story.match import MatchRule

POSTINGS_PER_KEY = 50
MAX_CANDIDATES = 30
TITLE_CHARS = 300
FUTURE_SLACK = timedelta(days=1)  # a publication date later than this after the fetch is wrong


class SqlStoryIndex:
    def __init__(
        self,
        session: Callable[[], Session],
        postings: int = POSTINGS_PER_KEY,
        candidates: int = MAX_CANDIDATES,
    ) -> None:
        self._session = session
        self.postings = postings
        self.max_candidates = candidates
        self._queries: dict[int, CompoundSelect[str, int]] = {}

    @property
    def db(self) -> Session:
        return self._session()

    def candidates(self, entry: StoryEntry, rule: MatchRule) -> list[Candidate]:
        keys = entry.signals.search_keys()
        if not keys:
            return []
        # Always SEARCH_KEYS slots (the unused ones match nothing): one statement to compile.
        slots = [*keys, *[""] * (SEARCH_KEYS - len(keys))]
        parameters: dict[str, object] = {f"key{n}": key for n, key in enumerate(slots)}
        parameters.update(start=entry.seen_at - rule.window, end=entry.seen_at + rule.window)
        postings = self.db.execute(self._postings_query(len(slots)), parameters)
        weights = entry.signals.keys
        hits: dict[int, float] = {}
        for key, signal_id in postings:
            hits[signal_id] = hits.get(signal_id, 0.0) + weights.get(key, 0.0)
        best = sorted(hits, key=lambda signal_id: -hits[signal_id])[: self.max_candidates]
        if not best:
            return []
        rows = self.db.execute(
            select(StorySignal.story_id, StorySignal.seen_at, StorySignal.keys).where(
                StorySignal.id.in_(best)
            )
        )
        return [Candidate(row.story_id, row.seen_at, Signals(dict(row.keys))) for row in rows]

    def _postings_query(self, count: int) -> CompoundSelect[str, int]:
        """Up to ``postings`` most recent postings in the window for each of ``count`` keys.

        Built once per key count with bound parameters: building the statement
        costs more than running it.
        """
        query = self._queries.get(count)
        if query is None:
            start, end = (
                bindparam("start", type_=UTCDateTime()),
                bindparam("end", type_=UTCDateTime()),
            )
            per_key = [
                select(StoryKey.key, StoryKey.signal_id)
                .where(StoryKey.key == bindparam(f"key{n}"), StoryKey.seen_at.between(start, end))
                .order_by(StoryKey.seen_at.desc())
                .limit(self.postings)
                .subquery()
                for n in range(count)
            ]
            query = union_all(*(select(sub.c.key, sub.c.signal_id) for sub in per_key))
            self._queries[count] = query
        return query

    def story_of_article(self, article_id: int) -> int | None:
        return self.db.scalar(select(Article.story_id).where(Article.id == article_id))

    def new_story(self, entry: StoryEntry) -> int:
        story = Story(
            first_seen_at=entry.seen_at,
            last_seen_at=entry.seen_at,
            article_count=1,
            languages=[entry.language],
            title=(entry.title or "")[:TITLE_CHARS] or None,
        )
        self.db.add(story)
        self.db.flush()
        self.index(story.id, entry)
        return story.id

    def join_story(self, story_id: int, entry: StoryEntry, counts: bool = True) -> None:
        story = self.db.get(Story, story_id)
        if story is None:  # written by a transaction that was rolled back since
            raise LookupError(f"story {story_id} does not exist")
        if counts:
            story.article_count += 1
            widen_story(story, entry)
        self.index(story_id, entry)

    def index(self, story_id: int, entry: StoryEntry) -> None:
        signal = StorySignal(
            story_id=story_id,
            seen_at=entry.seen_at,
            language=entry.language,
            keys=entry.signals.keys,
        )
        self.db.add(signal)
        self.db.flush()
        keys = entry.signals.search_keys()
        if keys:
            self.db.execute(
                insert(StoryKey),
                [{"key": key, "seen_at": entry.seen_at, "signal_id": signal.id} for key in keys],
            )

    # -- rebuilding ---------------------------------------------------------

    def forget_since(self, since: datetime | None) -> None:
        """Drop the index of articles seen at or after ``since`` (everything when None)."""
        if since is None:
            self.db.execute(delete(StoryKey))
            self.db.execute(delete(StorySignal))
            self.db.execute(delete(Story))
            self.db.execute(update(Article).values(story_id=None))
            return
        signals = select(StorySignal.id).where(StorySignal.seen_at >= since)
        self.db.execute(delete(StoryKey).where(StoryKey.signal_id.in_(signals)))
        self.db.execute(delete(StorySignal).where(StorySignal.seen_at >= since))

    def refresh_stories(self) -> None:
        """Every story's article count, times and languages recomputed from ``articles``."""
        members: dict[int, list[tuple[datetime, str]]] = {}
        rows = self.db.execute(
            select(Article.story_id, Article.published_at, Article.first_seen_at, Article.language)
            .where(Article.story_id.is_not(None))
        )  # fmt: skip
        for row in rows:
            seen = story_time(row.published_at, row.first_seen_at)
            members.setdefault(row.story_id, []).append((seen, row.language))
        for story in self.db.scalars(select(Story)):
            found = members.get(story.id)
            if not found:
                self.db.delete(story)
                continue
            story.article_count = len(found)
            story.first_seen_at = min(seen for seen, _ in found)
            story.last_seen_at = max(seen for seen, _ in found)
            story.languages = sorted({language for _, language in found})


class StoryFields(Protocol):
    first_seen_at: datetime
    last_seen_at: datetime
    languages: list[str]
    title: str | None


def widen_story(story: StoryFields, entry: StoryEntry) -> None:
    """A story takes in one more article: its time span, languages, and a title if it had none."""
    story.first_seen_at = min(story.first_seen_at, entry.seen_at)
    story.last_seen_at = max(story.last_seen_at, entry.seen_at)
    if entry.language not in story.languages:
        story.languages = sorted([*story.languages, entry.language])
    if story.title is None and entry.title:
        story.title = entry.title[:TITLE_CHARS]


def story_time(published_at: datetime | None, first_seen_at: datetime) -> datetime:
    """When the article's event happened: its publication time unless that is in the future."""
    if published_at is not None and published_at <= first_seen_at + FUTURE_SLACK:
        return published_at
    return first_seen_at


# -- the operator's commands -------------------------------------------------------

REBUILD_CHUNK = 500


def recent_stories(
    session: Session, since: datetime | None, language: str | None, limit: int
) -> list[Story]:
    """Stories seen lately (newest first), optionally only those with an article in ``language``."""
    query = select(Story).order_by(Story.last_seen_at.desc(), Story.id.desc()).limit(limit)
    if since is not None:
        query = query.where(Story.last_seen_at >= since)
    if language:
        in_language = select(Article.story_id).where(Article.language == language)
        query = query.where(Story.id.in_(in_language))
    return list(session.scalars(query))


def rebuild(session: Session, rule: MatchRule, since: datetime | None = None) -> int:
    """Recompute the story of every article seen at or after ``since`` (all when None).

    Articles are replayed in time order through the same assigner the Story
    stage uses, against the index of the older articles, so running it twice
    gives the same stories. Commits every ``REBUILD_CHUNK`` articles; returns
    how many were assigned.
    """
    rows = session.execute(select(Article.id, Article.published_at, Article.first_seen_at))
    chosen = sorted(
        (story_time(row.published_at, row.first_seen_at), row.id)
        for row in rows
        if since is None or story_time(row.published_at, row.first_seen_at) >= since
    )
    ids = [article_id for _, article_id in chosen]
    index = SqlStoryIndex(lambda: session)
    index.forget_since(since)
    for start in range(0, len(ids), REBUILD_CHUNK):
        chunk = ids[start : start + REBUILD_CHUNK]
        session.execute(update(Article).where(Article.id.in_(chunk)).values(story_id=None))
    assigner = StoryAssigner(index, rule)
    extractor = SignalExtractor()
    for start in range(0, len(ids), REBUILD_CHUNK):
        chunk = ids[start : start + REBUILD_CHUNK]
        articles = {a.id: a for a in session.scalars(select(Article).where(Article.id.in_(chunk)))}
        for article_id in chunk:
            article = articles[article_id]
            entry = StoryEntry(
                extractor.extract(article.text, article.title, article.language),
                story_time(article.published_at, article.first_seen_at),
                article.language,
                article.title,
            )
            article.story_id = assigner.assign(entry, article.duplicate_of).story_id
            session.flush()
        session.commit()
    index.refresh_stories()
    session.commit()
    return len(ids)
