"""The database schema: the tables downstream jobs read (README, section "Database").

Every change to these models ships with an Alembic migration under
``newscrawler/db/migrations``; a test fails when the two drift apart.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {  # noqa: RUF012
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
    }


class CrawlRun(Base):
    """One ``scrapy crawl`` (or CLI job) and what it did."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    spider: Mapped[str] = mapped_column(String(100), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="running")
    fetched: Mapped[int] = mapped_column(default=0)
    stored: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    dropped: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
    stats: Mapped[dict[str, Any] | None]


class RawDocument(Base):
    """Fetched bytes (zlib-compressed) so that extraction can be re-run without fetching."""

    __tablename__ = "raw_documents"
    __table_args__ = (UniqueConstraint("url", "body_sha256", name="uq_raw_documents_url_body"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str | None] = mapped_column(String(200))
    encoding: Mapped[str | None] = mapped_column(String(50))
    http_status: Mapped[int | None]
    headers: Mapped[dict[str, Any] | None]
    body: Mapped[bytes] = mapped_column(LargeBinary)
    compression: Mapped[str] = mapped_column(String(10), default="zlib")
    body_sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    spider: Mapped[str | None] = mapped_column(String(100))
    fetched_at: Mapped[datetime] = mapped_column(index=True)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))


class Article(Base):
    """One row per distinct article text."""

    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_language_published_at", "language", "published_at"),
        Index("ix_articles_site_name", "site_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    url_key: Mapped[str] = mapped_column(Text, index=True)
    canonical_url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8), default="und")
    language_confidence: Mapped[float] = mapped_column(default=0.0)
    languages: Mapped[dict[str, Any] | None]
    declared_language: Mapped[str | None] = mapped_column(String(16))
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    authors: Mapped[str | None] = mapped_column(Text)
    site_name: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str] | None]
    source_credit: Mapped[str | None] = mapped_column(String(300))
    image_url: Mapped[str | None] = mapped_column(Text)
    extractor: Mapped[str | None] = mapped_column(String(50))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    similarity: Mapped[float | None]
    # The text's MinHash signature (``DEDUP_NUM_PERM`` unsigned 32-bit minima, little-endian):
    # Dedup estimates a candidate's similarity from it before the exact check of its text.
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    # No foreign key: a batch the Store writes again after a conflict must never fail on it
    # (newscrawler stories --rebuild recomputes every id from the articles).
    story_id: Mapped[int | None] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(default=1)
    raw_document_id: Mapped[int | None] = mapped_column(ForeignKey("raw_documents.id"))
    raw_document: Mapped[RawDocument | None] = relationship()
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]


class ArticleVersion(Base):
    """An earlier text of an article whose page changed (same URL, new text)."""

    __tablename__ = "article_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    version: Mapped[int]
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    raw_document_id: Mapped[int | None] = mapped_column(ForeignKey("raw_documents.id"))
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)


class Sighting(Base):
    """Every (url, crawl run) that yielded an article: one row per URL per run."""

    __tablename__ = "sightings"
    __table_args__ = (UniqueConstraint("url", "crawl_run_id", name="uq_sightings_url_run"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    spider: Mapped[str] = mapped_column(String(100))
    crawl_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    fetched_at: Mapped[datetime]


class MinHashBand(Base):
    """LSH band hashes of each article's MinHash: the shared near-duplicate index."""

    __tablename__ = "minhash_bands"

    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    hash: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class UrlState(Base):
    """What the last fetch of a URL returned, for incremental and conditional re-crawls."""

    __tablename__ = "url_states"

    url_key: Mapped[str] = mapped_column(Text, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    http_status: Mapped[int | None]
    fetched_at: Mapped[datetime] = mapped_column(index=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))


class Story(Base):
    """One event, reported by one or more articles in any language (``articles.story_id``)."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_seen_at: Mapped[datetime] = mapped_column(index=True)
    last_seen_at: Mapped[datetime] = mapped_column(index=True)
    article_count: Mapped[int] = mapped_column(default=1)
    languages: Mapped[list[str]]
    title: Mapped[str | None] = mapped_column(Text)


class StorySignal(Base):
    """An indexed article's story signals (key: weight), for comparing new articles with it."""

    __tablename__ = "story_signals"

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    seen_at: Mapped[datetime] = mapped_column(index=True)
    language: Mapped[str] = mapped_column(String(8))
    keys: Mapped[dict[str, Any]]


class StoryKey(Base):
    """The bounded candidate index: (search key, time) → signal row."""

    __tablename__ = "story_keys"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(primary_key=True)
    signal_id: Mapped[int] = mapped_column(
        ForeignKey("story_signals.id", ondelete="CASCADE"), primary_key=True, index=True
    )
