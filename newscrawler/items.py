"""Item definitions passed between spiders and pipeline stages.

Spiders yield one :class:`RawDocument` per fetched document and never parse
article text themselves; the Extract stage turns it into an :class:`Article`
that the later stages (Dedup, Language, Store) enrich and persist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from newscrawler.extraction.result import Extraction

if TYPE_CHECKING:
    from newscrawler.dedup.decide import Decision
    from newscrawler.language.identify import LanguageResult

NOT_MODIFIED = 304  # the HTTP status of a conditional revisit whose page has not changed


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

    def __repr__(self) -> str:  # the body may be megabytes: never print it
        return f"<RawDocument {self.url} {len(self.body)} bytes {self.content_type or ''}>"


@dataclass(slots=True, repr=False, kw_only=True)
class Article(Extraction):
    """A document after extraction (the :class:`Extraction` fields) and what later stages add."""

    raw: RawDocument
    journal_id: int | None = None  # its entry in the write-ahead journal
    # Dedup stage
    url_key: str | None = None
    content_hash: str | None = None
    dedup: Decision | None = None
    # Language stage: what the worker that extracted the text identified, applied by the stage
    identified: LanguageResult | None = None
    language: str | None = None
    language_confidence: float | None = None
    languages: dict[str, float] = field(default_factory=dict)
    # Story stage
    story_id: int | None = None

    def __repr__(self) -> str:
        title = (self.title or "")[:60]
        return f"<Article {self.raw.url} {len(self.text)} chars {self.language or ''} {title!r}>"
