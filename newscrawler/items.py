"""Item definitions passed between spiders and pipeline stages.

Spiders yield one :class:`RawDocument` per fetched document and never parse
article text themselves; the Extract stage turns it into an :class:`Article`
that the later stages (Dedup, Language, Store) enrich and persist.
"""

from __future__ import annotations

import html
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from newscrawler.dedup.urls import clean_url
from newscrawler.extraction.result import Extraction

if TYPE_CHECKING:
    from newscrawler.dedup.decide import Decision, Fingerprint
    from newscrawler.language.identify import LanguageResult
    from newscrawler.story.signals import Signals

NOT_MODIFIED = 304  # the HTTP status of a conditional revisit whose page has not changed
# zlib level of a body in the journal, in raw_documents and on its way to a worker: one
# compression serves all three. Level 1 costs 2.2 ms a document where level 6 cost 5.5 ms,
# for ~20 % more bytes (bench/storage.py prints both).
BODY_COMPRESSION_LEVEL = 1


@dataclass(slots=True, repr=False)
class RawDocument:
    """A fetched document, exactly as it came off the wire or the disk."""

    url: str
    body: bytes
    spider: str
    fetched_at: datetime
    content_type: str | None = None
    encoding: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    # Hints the spider found next to the link (feed entry, news sitemap):
    # used only where the page itself says nothing.
    hints: dict[str, Any] = field(default_factory=dict)
    # True when the bytes come from our own database (re-extraction), not a fetch:
    # such a document updates its article but is not a new sighting of it.
    replayed: bool = False
    # Its entry in this crawl's write-ahead journal, once journaled (or replayed from it).
    journal_entry: int | None = None
    # True when read back from the journal an earlier crawl left (it may be stored already).
    resumed: bool = False
    _compressed: bytes | None = field(default=None, compare=False)

    def compressed_body(self) -> bytes:
        """The body zlib-compressed at :data:`BODY_COMPRESSION_LEVEL`, computed once."""
        if self._compressed is None:
            self._compressed = zlib.compress(self.body, BODY_COMPRESSION_LEVEL)
        return self._compressed

    def __repr__(self) -> str:  # the body may be megabytes: never print it
        return f"<RawDocument {self.url} {len(self.body)} bytes {self.content_type or ''}>"


@dataclass(slots=True, repr=False, kw_only=True)
class Article(Extraction):
    """A document after extraction (the :class:`Extraction` fields) and what later stages add."""

    raw: RawDocument
    journal_id: int | None = None  # its entry in the write-ahead journal
    # Dedup stage (``fingerprint``: computed by the extraction worker)
    fingerprint: Fingerprint | None = None
    url_key: str | None = None
    content_hash: str | None = None
    dedup: Decision | None = None
    # Language stage: what the worker that extracted the text identified, applied by the stage
    identified: LanguageResult | None = None
    language: str | None = None
    language_confidence: float | None = None
    languages: dict[str, float] = field(default_factory=dict)
    # Story stage (``story_signals``: computed by the extraction worker)
    story_signals: Signals | None = None
    story_id: int | None = None
    # Store stage: the id of the articles row this document was stored as (or sighted for)
    stored_id: int | None = None

    def exported(self, outcome: str) -> ExportedArticle:
        """The clean item that leaves the pipeline (and goes to ``-o`` feed exports)."""
        decision = self.dedup
        return ExportedArticle(
            id=self.stored_id,
            url=clean_url(self.raw.url),
            canonical_url=self.canonical_url,
            title=self.title,
            text=self.text,
            language=self.language,
            language_confidence=self.language_confidence,
            languages=self.languages or None,
            published_at=self.published_at,
            authors="; ".join(self.authors) or None,
            site_name=self.site_name,
            description=self.description,
            tags=clean_tags(self.tags) or None,
            source_credit=self.source_credit,
            image_url=self.image_url,
            declared_language=self.declared_language,
            content_hash=self.content_hash,
            duplicate_of=decision.duplicate_of if decision else None,
            similarity=decision.similarity if decision else None,
            story_id=self.story_id,
            fetched_url=self.raw.url,
            fetched_at=self.raw.fetched_at,
            spider=self.raw.spider,
            outcome=outcome,
        )

    def __repr__(self) -> str:
        title = (self.title or "")[:60]
        return f"<Article {self.raw.url} {len(self.text)} chars {self.language or ''} {title!r}>"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# Field metadata for Scrapy's exporters: times go out as ISO 8601 with their zone.
ISO_TIME = MappingProxyType({"serializer": _iso})


@dataclass(slots=True, kw_only=True)
class ExportedArticle:
    """What leaves the pipeline: the stored article's contract fields and nothing internal.

    This is what ``scrapy crawl … -O out.jsonl`` / ``out.csv`` writes: plain
    values only (dates as ISO 8601 strings), in the order of
    :data:`FEED_FIELDS` (``FEED_EXPORT_FIELDS`` in the settings). ``outcome``
    says what the Store stage did with the document (``new``,
    ``near_duplicate``, ``updated``, ``unchanged``, ``same_text``,
    ``not_modified``; ``journaled`` when the database was unavailable).
    """

    id: int | None
    url: str
    canonical_url: str | None
    title: str | None
    text: str
    language: str | None
    language_confidence: float | None
    languages: dict[str, float] | None
    published_at: datetime | None = field(default=None, metadata=ISO_TIME)
    authors: str | None
    site_name: str | None
    description: str | None
    tags: list[str] | None
    source_credit: str | None
    image_url: str | None
    declared_language: str | None
    content_hash: str | None
    duplicate_of: int | None
    similarity: float | None
    story_id: int | None
    fetched_url: str
    fetched_at: datetime | None = field(default=None, metadata=ISO_TIME)
    spider: str
    outcome: str


FEED_FIELDS = tuple(ExportedArticle.__dataclass_fields__)


def clean_tags(tags: list[str]) -> list[str]:
    """Tags with HTML entities decoded and spaces collapsed, each spelling once (case folded)."""
    kept: dict[str, str] = {}
    for tag in tags:
        text = " ".join(html.unescape(tag).split())
        if text:
            kept.setdefault(text.casefold(), text)
    return list(kept.values())
