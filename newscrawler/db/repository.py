"""Articles as rows: the lookups Dedup makes and the batched writes that carry out its decisions.

The Store stage used to build one ORM object per row and wrap every article
in a savepoint: nine statements a document. Here an article and its Dedup
:class:`~newscrawler.dedup.decide.Decision` are *staged* in memory and a
batch is written with one Core ``executemany`` per table (``ON CONFLICT``
for raw documents, sightings and URL states), so a new document costs the
two Dedup lookups plus a share of about ten statements per batch.

Dedup must still see what is staged but not yet written (two copies of one
text in one batch are one article): staged content hashes, URL keys, band
pairs and updated article ids form an overlay, and a lookup that touches it
first writes the staged rows into the open transaction (:meth:`Repository.reveal`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    CompoundSelect,
    Table,
    and_,
    bindparam,
    case,
    delete,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from newscrawler import stats
from newscrawler.db import models
from newscrawler.dedup.decide import Outcome
from newscrawler.dedup.urls import clean_url, url_key
from newscrawler.items import clean_tags

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from newscrawler import items
    from newscrawler.dedup.decide import Decision, Fingerprint

logger = logging.getLogger(__name__)

# Called with the session and a batch about to be written, before its article rows.
BatchHook = Callable[["Session", "list[Entry]"], None]

IN_CHUNK = 500  # values per IN (...) list, well below every backend's parameter limit

ARTICLES: Table = models.Article.__table__  # type: ignore[assignment]
RAW: Table = models.RawDocument.__table__  # type: ignore[assignment]
VERSIONS: Table = models.ArticleVersion.__table__  # type: ignore[assignment]
BANDS: Table = models.MinHashBand.__table__  # type: ignore[assignment]
SIGHTINGS: Table = models.Sighting.__table__  # type: ignore[assignment]
URL_STATES: Table = models.UrlState.__table__  # type: ignore[assignment]

METADATA_COLUMNS = (
    "canonical_url", "title", "declared_language", "published_at", "authors", "site_name",
    "description", "tags", "source_credit", "image_url", "extractor",
)  # fmt: skip
TEXT_COLUMNS = (
    "text", "language", "language_confidence", "languages", "content_hash", "duplicate_of",
    "similarity", "raw_document_id", "minhash",
)  # fmt: skip
FILLED_COLUMNS = METADATA_COLUMNS + TEXT_COLUMNS
URL_STATE_COLUMNS = ("url", "etag", "last_modified", "http_status", "fetched_at", "article_id")
CREATED = (Outcome.NEW, Outcome.NEAR_DUPLICATE)


# Statements built once (building the expression cost more than running it).
@lru_cache(maxsize=4)
def lookup_query(bands: int) -> CompoundSelect[Any]:
    """Everything Dedup needs to know of a text, in one query.

    The articles with the same text or the same URL key (kind ``k``), and the
    articles sharing one of ``bands`` band hashes, with their content hashes and
    MinHash signatures (kind ``c``), not their texts: every member of a
    syndicated story's cluster shares its bands, and Dedup reads the texts only
    of the few it compares (:meth:`Repository.article_texts`). The band match
    is one OR of (band, hash) pairs: both SQLite and PostgreSQL answer it with
    index lookups on the primary key (a row-value IN makes SQLite scan).
    """
    known = select(
        literal("k").label("kind"), ARTICLES.c.id, ARTICLES.c.url_key, ARTICLES.c.content_hash,
        null().label("duplicate_of"), null().label("minhash"),
    ).where(
        or_(ARTICLES.c.content_hash == bindparam("hash"), ARTICLES.c.url_key == bindparam("key"))
    )  # fmt: skip
    matches = or_(
        *(and_(BANDS.c.band == band, BANDS.c.hash == bindparam(f"h{band}"))
          for band in range(bands))
    )  # fmt: skip
    near = select(
        literal("c").label("kind"), ARTICLES.c.id, null(), ARTICLES.c.content_hash,
        ARTICLES.c.duplicate_of, ARTICLES.c.minhash,
    ).where(ARTICLES.c.id.in_(select(BANDS.c.article_id).where(matches)))  # fmt: skip
    query = union_all(known, near) if bands else union_all(known)
    return query.order_by("kind", "id")


def is_conflict(error: DBAPIError) -> bool:
    """A unique-key clash or a deadlock with another writer, not a lost connection."""
    if isinstance(error, IntegrityError):
        return True
    message = str(error).lower()
    return (
        isinstance(error, OperationalError)
        and not error.connection_invalidated
        and ("deadlock" in message or "could not serialize" in message)
    )


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored article that shares at least one LSH band with a new text."""

    id: int
    content_hash: str  # its text's, which names the text's shingles too
    duplicate_of: int | None
    signature: bytes | None = None  # its MinHash signature, when stored with it


@dataclass(frozen=True, slots=True)
class Known:
    """A stored article found by its content hash or URL key."""

    id: int
    url_key: str
    content_hash: str


@dataclass(frozen=True, slots=True)
class Found:
    """What one lookup found: the same text, the earliest same URL, and near candidates."""

    same_text: Known | None
    same_url: Known | None
    candidates: list[Candidate]


@dataclass(slots=True)
class Entry:
    """A staged article: its decision, and the stats it counts once committed."""

    article: items.Article
    decision: Decision
    stat_keys: list[str]
    body_sha256: str | None  # None when no raw document is kept (a 304 answer)
    body_size: int = 0  # bytes of the page (the staged entry keeps it compressed only)
    story_how: str | None = None  # how the Story stage filed it (at the batch's write)

    @property
    def creates(self) -> bool:
        return self.decision.outcome in CREATED

    @property
    def reextracted(self) -> bool:
        return self.article.raw.replayed and self.decision.outcome is Outcome.UNCHANGED

    @property
    def article_id(self) -> int:
        assert self.decision.article_id is not None, "written entries know their article"
        return self.decision.article_id


@dataclass(slots=True)
class Overlay:
    """What staged, unwritten entries would add to the tables Dedup reads."""

    hashes: set[str] = field(default_factory=set)
    url_keys: set[str] = field(default_factory=set)
    bands: set[tuple[int, int]] = field(default_factory=set)
    updated_ids: set[int] = field(default_factory=set)

    def add(self, entry: Entry) -> None:
        decision = entry.decision
        if decision.content_hash:
            self.hashes.add(decision.content_hash)
        if entry.article.url_key:
            self.url_keys.add(entry.article.url_key)
        self.bands.update(enumerate(decision.bands))
        if decision.outcome is Outcome.UPDATED and decision.article_id is not None:
            self.updated_ids.add(decision.article_id)

    def touches(
        self, content_hash: str | None, key: str | None, bands: Sequence[int], ids: Iterable[int]
    ) -> bool:
        return (
            content_hash in self.hashes
            or key in self.url_keys
            or any(pair in self.bands for pair in enumerate(bands))
            or any(article_id in self.updated_ids for article_id in ids)
        )


def stat_keys(article: items.Article, decision: Decision) -> list[str]:
    """The stats a decision counts once its transaction commits."""
    if article.raw.replayed and decision.outcome is Outcome.UNCHANGED:
        return [stats.REEXTRACTED]
    if decision.outcome.is_duplicate:
        return [stats.duplicate_key(decision.outcome.value)]
    if decision.outcome is Outcome.UPDATED:
        return [stats.ARTICLES_UPDATED]
    near = decision.outcome is Outcome.NEAR_DUPLICATE
    return [stats.NEAR_DUPLICATES if near else stats.ARTICLES_NEW, language_key(article)]


def language_key(article: items.Article) -> str:
    return stats.language_key(article.language or "und")


class Repository:
    """Lookups and staged, batched writes in one session's open transaction."""

    def __init__(
        self, session: Session, run_id: int, before_articles: Sequence[BatchHook] = ()
    ) -> None:
        self.session = session
        self.run_id = run_id
        self.before_articles = before_articles  # e.g. the Story stage's filing
        self.dialect = session.get_bind().dialect.name
        self.entries: list[Entry] = []  # staged in the open transaction
        self.unwritten: list[Entry] = []
        self.overlay = Overlay()
        self.stale = False  # a write clashed: the staged batch must be decided again
        # URLs sighted in the open transaction. Those of committed ones are not kept (a set of
        # every URL of the run); the database's unique (url, run) key skips them.
        self._sighted_open: set[str] = set()

    # -- lookups ------------------------------------------------------------

    def lookup(self, content_hash: str, key: str, bands: Sequence[int] = ()) -> Found:
        """The article with this text, the earliest with this URL key, and the articles
        sharing a band hash with ``bands`` (band order matters): one query."""
        params: dict[str, Any] = {f"h{band}": value for band, value in enumerate(bands)}
        params.update(hash=content_hash, key=key)
        rows = self.session.execute(lookup_query(len(bands)), params).all()
        known = [Known(row.id, row.url_key, row.content_hash) for row in rows if row.kind == "k"]
        return Found(
            same_text=next((k for k in known if k.content_hash == content_hash), None),
            same_url=next((k for k in known if k.url_key == key), None),
            candidates=[
                Candidate(row.id, row.content_hash, row.duplicate_of, row.minhash)
                for row in rows
                if row.kind == "c"
            ],
        )

    def article_texts(self, article_ids: Collection[int]) -> dict[int, tuple[str, str]]:
        """The texts of these articles, with their content hashes, by id: one query."""
        query = select(ARTICLES.c.id, ARTICLES.c.content_hash, ARTICLES.c.text)
        rows = self.session.execute(query.where(ARTICLES.c.id.in_(sorted(article_ids))))
        return {row.id: (row.content_hash, row.text) for row in rows}

    def url_state(self, key: str) -> models.UrlState | None:
        """What the last stored fetch of a URL returned (always read afresh)."""
        return self.session.get(models.UrlState, key, populate_existing=True)

    def reveal(
        self,
        *,
        content_hash: str | None = None,
        key: str | None = None,
        bands: Sequence[int] = (),
        article_ids: Iterable[int] = (),
    ) -> bool:
        """Before a lookup that staged rows would answer: write them. True when it wrote.

        A clash with another writer here leaves the batch to be decided again
        when it is flushed (:attr:`stale`); Dedup goes on against what is committed.
        """
        if self.stale or not self.overlay.touches(content_hash, key, bands, article_ids):
            return False
        try:
            self.write_pending()
        except DBAPIError as error:
            if not is_conflict(error):
                raise
            logger.info("A concurrent writer clashed with this batch; it will be decided again")
            self.rollback()
            self.stale = True
        return True

    # -- staging and writing -------------------------------------------------

    def stage(self, article: items.Article, decision: Decision) -> Entry:
        """Add an article to the open batch (no SQL until a write).

        From here on the page is kept compressed only, as ``raw_documents``
        stores it: a batch of 100 pages would otherwise hold 34 MB of bytes
        that nothing reads again (the item that leaves the pipeline has none).
        """
        raw = article.raw
        digest, size = None, len(raw.body)
        if decision.outcome is not Outcome.NOT_MODIFIED:
            digest = hashlib.sha256(raw.body).hexdigest()
            raw.compressed_body()
            raw.body = b""
        return self._add(Entry(article, decision, stat_keys(article, decision), digest, size))

    def restage(self, entry: Entry, decision: Decision) -> Entry:
        """Stage an entry taken back (:meth:`take_entries`) again, with a new decision."""
        article = entry.article
        stats_of = stat_keys(article, decision)
        return self._add(Entry(article, decision, stats_of, entry.body_sha256, entry.body_size))

    def _add(self, entry: Entry) -> Entry:
        self.entries.append(entry)
        self.unwritten.append(entry)
        self.overlay.add(entry)
        return entry

    def write_pending(self) -> None:
        """Write every staged, unwritten entry into the open transaction."""
        batch = self.unwritten
        if not batch:
            return
        raw_ids = self._write_raw_documents(batch)
        for hook in self.before_articles:
            hook(self.session, batch)
        self._update_metadata([e for e in batch if e.reextracted])
        self._update_texts([e for e in batch if e.decision.outcome is Outcome.UPDATED], raw_ids)
        self._insert_articles([e for e in batch if e.creates], raw_ids)
        self._insert_bands([e for e in batch if e.creates or e.decision.outcome is Outcome.UPDATED])
        fetched = [e for e in batch if not e.article.raw.replayed]
        self._insert_sightings(fetched)
        self._upsert_url_states(fetched)
        self._touch([e for e in fetched if e.decision.outcome.is_duplicate])
        self.unwritten = []
        self.overlay = Overlay()

    def commit(self) -> list[Entry]:
        """Write what is staged and commit; return the committed entries."""
        self.write_pending()
        self.session.commit()
        committed, self.entries = self.entries, []
        self._sighted_open = set()
        return committed

    def rollback(self) -> None:
        """Undo the open transaction; staged entries are all unwritten again."""
        self.session.rollback()
        self._sighted_open = set()
        self.unwritten = list(self.entries)
        self.overlay = Overlay()
        for entry in self.entries:
            self.overlay.add(entry)

    def take_entries(self) -> list[Entry]:
        """Roll back and hand over the staged entries (to be decided and staged again)."""
        self.rollback()
        entries = self.entries
        self.discard()
        return entries

    def discard(self) -> None:
        """Forget the staged entries (their transaction is gone)."""
        self.entries, self.unwritten = [], []
        self.overlay = Overlay()
        self._sighted_open = set()
        self.stale = False

    # -- one statement per table ---------------------------------------------

    def _insert(self, table: Table) -> Any:
        """The dialect's INSERT, which knows ``ON CONFLICT``."""
        if self.dialect == "postgresql":
            return postgresql.insert(table)
        if self.dialect == "sqlite":
            return sqlite.insert(table)
        raise NotImplementedError(f"no ON CONFLICT support for {self.dialect}")

    def _write_raw_documents(self, batch: list[Entry]) -> dict[tuple[str, str], int]:
        """Keep the fetched bytes once per (url, content); return their ids."""
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for entry in batch:
            if entry.body_sha256 is not None:
                key = (entry.article.raw.url, entry.body_sha256)
                if key not in rows:
                    rows[key] = raw_values(entry, entry.body_sha256, self.run_id)
        if not rows:
            return {}
        self.session.execute(self._insert(RAW).on_conflict_do_nothing(), list(rows.values()))
        found = self._select_in(
            select(RAW.c.id, RAW.c.url, RAW.c.body_sha256), RAW.c.body_sha256,
            sorted({sha for _, sha in rows}),
        )  # fmt: skip
        return {
            (row.url, row.body_sha256): row.id
            for row in found
            if (row.url, row.body_sha256) in rows
        }

    def _select_in(self, query: Any, column: Any, values: Sequence[Any]) -> Iterator[Any]:
        for start in range(0, len(values), IN_CHUNK):
            yield from self.session.execute(
                query.where(column.in_(values[start : start + IN_CHUNK]))
            )

    def _update_metadata(self, batch: list[Entry]) -> None:
        """Re-extraction of an unchanged text: only what extraction found besides it."""
        if not batch:
            return
        statement = (
            update(ARTICLES)
            .where(ARTICLES.c.id == bindparam("b_id"))
            .values({name: _param(name) for name in METADATA_COLUMNS})
        )
        rows = [{"b_id": e.article_id, **_prefixed(metadata_values(e.article))} for e in batch]
        self.session.execute(statement, rows)

    def _update_texts(self, batch: list[Entry], raw_ids: dict[tuple[str, str], int]) -> None:
        """Same URL, new text: keep the old text as a version, then replace it."""
        if not batch:
            return
        ids = [{"b_id": e.article_id} for e in batch]
        replaced = bindparam("b_replaced", type_=VERSIONS.c.replaced_at.type)
        old = select(
            ARTICLES.c.id, ARTICLES.c.version, ARTICLES.c.title, ARTICLES.c.text,
            ARTICLES.c.content_hash, ARTICLES.c.raw_document_id, replaced,
        ).where(ARTICLES.c.id == bindparam("b_id"))  # fmt: skip
        columns = ["article_id", "version", "title", "text", "content_hash", "raw_document_id"]
        now = datetime.now(UTC)
        self.session.execute(
            VERSIONS.insert().from_select([*columns, "replaced_at"], old),
            [{**row, "b_replaced": now} for row in ids],
        )
        seen = bindparam("b_seen", type_=ARTICLES.c.last_seen_at.type)
        statement = (
            update(ARTICLES)
            .where(ARTICLES.c.id == bindparam("b_id"))
            .values({
                **{name: _param(name) for name in FILLED_COLUMNS},
                "version": ARTICLES.c.version + 1,
                "updated_at": _param("updated_at"),
                "last_seen_at": func.coalesce(seen, ARTICLES.c.last_seen_at),
                "story_id": func.coalesce(_param("story_id"), ARTICLES.c.story_id),
            })
        )  # fmt: skip
        rows = []
        for entry in batch:
            values = filled_values(entry.article, entry.decision, _raw_id(entry, raw_ids))
            fetched_at = entry.article.raw.fetched_at
            rows.append({
                "b_id": entry.article_id, **_prefixed(values), "b_updated_at": fetched_at,
                "b_seen": None if entry.article.raw.replayed else fetched_at,
                "b_story_id": entry.article.story_id,
            })  # fmt: skip
        self.session.execute(statement, rows)
        self.session.execute(delete(BANDS).where(BANDS.c.article_id == bindparam("b_id")), ids)

    def _insert_articles(self, batch: list[Entry], raw_ids: dict[tuple[str, str], int]) -> None:
        """New texts: one INSERT for the batch, one SELECT for their ids."""
        if not batch:
            return
        rows = [new_article_values(e.article, e.decision, _raw_id(e, raw_ids)) for e in batch]
        self.session.execute(ARTICLES.insert(), rows)
        hashes = [entry.decision.content_hash for entry in batch]
        query = select(ARTICLES.c.id, ARTICLES.c.content_hash)
        ids = {
            row.content_hash: row.id
            for row in self._select_in(query, ARTICLES.c.content_hash, hashes)
        }
        for entry in batch:
            entry.decision.article_id = ids[entry.decision.content_hash]

    def _insert_bands(self, batch: list[Entry]) -> None:
        rows = [
            {"band": band, "hash": value, "article_id": entry.article_id}
            for entry in batch
            for band, value in enumerate(entry.decision.bands)
        ]
        if rows:
            self.session.execute(BANDS.insert(), rows)

    def _insert_sightings(self, batch: list[Entry]) -> None:
        """Record that a URL yielded its article in this run; once per URL per run.

        A fetch is sighted once, whichever run stores it: a document replayed from the
        journal of a crawl killed after its commit, before the journal marked it done,
        already has its sighting (same URL, same fetch time).
        """
        recorded = self._sighted_fetches([e.article.raw for e in batch if e.article.raw.resumed])
        rows = []
        for entry in batch:
            raw = entry.article.raw
            if raw.url in self._sighted_open:
                continue
            if (raw.url, raw.fetched_at) in recorded:
                continue
            self._sighted_open.add(raw.url)
            rows.append({
                "article_id": entry.article_id, "url": raw.url, "spider": raw.spider,
                "crawl_run_id": self.run_id, "fetched_at": raw.fetched_at,
            })  # fmt: skip
        if rows:
            self.session.execute(self._insert(SIGHTINGS).on_conflict_do_nothing(), rows)

    def _sighted_fetches(self, raws: list[items.RawDocument]) -> set[tuple[str, datetime]]:
        """Which of these fetches (URL, fetch time) have a sighting already."""
        if not raws:
            return set()
        query = select(SIGHTINGS.c.url, SIGHTINGS.c.fetched_at)
        wanted = {(raw.url, raw.fetched_at) for raw in raws}
        found = self._select_in(query, SIGHTINGS.c.url, sorted({url for url, _ in wanted}))
        return {(row.url, row.fetched_at) for row in found} & wanted

    def _upsert_url_states(self, batch: list[Entry]) -> None:
        """What the fetch of the page (and of the URL that led to it) returned."""
        rows: dict[str, dict[str, Any]] = {}
        for entry in batch:
            raw = entry.article.raw
            requested = raw.hints.get("requested_url")
            for fetched in {raw.url, requested} if requested else {raw.url}:
                key = url_key(fetched)
                rows[key] = url_state_values(raw, key, entry.article_id)
        if not rows:
            return
        insert = self._insert(URL_STATES)
        statement = insert.on_conflict_do_update(
            index_elements=[URL_STATES.c.url_key],
            set_={name: insert.excluded[name] for name in URL_STATE_COLUMNS},
        )
        self.session.execute(statement, list(rows.values()))

    def _touch(self, batch: list[Entry]) -> None:
        """A duplicate was seen again: move its article's ``last_seen_at`` forward."""
        if not batch:
            return
        seen = bindparam("b_seen", type_=ARTICLES.c.last_seen_at.type)
        later = case((ARTICLES.c.last_seen_at < seen, seen), else_=ARTICLES.c.last_seen_at)
        statement = (
            update(ARTICLES).where(ARTICLES.c.id == bindparam("b_id")).values(last_seen_at=later)
        )
        rows = [{"b_id": e.article_id, "b_seen": e.article.raw.fetched_at} for e in batch]
        self.session.execute(statement, rows)


def rebuild_bands(
    session: Session, fingerprint_of: Callable[[str], Fingerprint], chunk: int = 500
) -> int:
    """Recompute every article's LSH bands and MinHash signature (after the band layout or
    the shingling changed); return how many.

    Articles are rewritten ``chunk`` at a time, each chunk in its own transaction.
    """
    done, last = 0, 0
    signed = update(ARTICLES).where(ARTICLES.c.id == bindparam("b_id"))
    signed = signed.values(minhash=bindparam("b_minhash", type_=ARTICLES.c.minhash.type))
    while True:
        query = select(ARTICLES.c.id, ARTICLES.c.text).where(ARTICLES.c.id > last)
        rows = session.execute(query.order_by(ARTICLES.c.id).limit(chunk)).all()
        if not rows:
            return done
        ids = [row.id for row in rows]
        fingerprints = {row.id: fingerprint_of(row.text) for row in rows}
        session.execute(delete(BANDS).where(BANDS.c.article_id.in_(ids)))
        bands = [
            {"band": band, "hash": value, "article_id": article_id}
            for article_id, known in fingerprints.items()
            for band, value in enumerate(known.bands)
        ]
        if bands:
            session.execute(BANDS.insert(), bands)
        session.execute(
            signed, [{"b_id": i, "b_minhash": known.signature} for i, known in fingerprints.items()]
        )
        session.commit()
        done, last = done + len(rows), ids[-1]


# -- mapping an item to rows -------------------------------------------------------


def _param(name: str) -> Any:
    return bindparam(f"b_{name}", type_=ARTICLES.c[name].type)


def _prefixed(values: dict[str, Any]) -> dict[str, Any]:
    return {f"b_{name}": value for name, value in values.items()}


def _raw_id(entry: Entry, raw_ids: dict[tuple[str, str], int]) -> int | None:
    if entry.body_sha256 is None:
        return None
    return raw_ids.get((entry.article.raw.url, entry.body_sha256))


def raw_values(entry: Entry, sha256: str, run_id: int) -> dict[str, Any]:
    """A ``raw_documents`` row: the fetched bytes, compressed."""
    raw = entry.article.raw
    return {
        "url": raw.url, "content_type": raw.content_type, "encoding": raw.encoding,
        "http_status": raw.status, "headers": raw.headers or None,
        "body": raw.compressed_body(), "compression": "zlib",
        "body_sha256": sha256, "size": entry.body_size, "spider": raw.spider,
        "fetched_at": raw.fetched_at, "crawl_run_id": run_id,
    }  # fmt: skip


def metadata_values(article: items.Article) -> dict[str, Any]:
    """What extraction found besides the text (title, authors, dates...)."""
    return {
        "canonical_url": article.canonical_url, "title": article.title,
        "declared_language": article.declared_language, "published_at": article.published_at,
        "authors": "; ".join(article.authors) or None, "site_name": article.site_name,
        "description": article.description, "tags": clean_tags(article.tags) or None,
        "source_credit": article.source_credit, "image_url": article.image_url,
        "extractor": article.extractor,
    }  # fmt: skip


def filled_values(
    article: items.Article, decision: Decision, raw_document_id: int | None
) -> dict[str, Any]:
    """The article's text, metadata, language and dedup links (every FILLED_COLUMNS value)."""
    return {
        **metadata_values(article),
        "text": article.text,
        "language": article.language or "und",
        "language_confidence": article.language_confidence or 0.0,
        "languages": article.languages or None,
        "content_hash": decision.content_hash,
        "duplicate_of": decision.duplicate_of,
        "similarity": decision.similarity,
        "raw_document_id": raw_document_id,
        "minhash": decision.signature,
    }


def new_article_values(
    article: items.Article, decision: Decision, raw_document_id: int | None
) -> dict[str, Any]:
    """An ``articles`` row for a text seen for the first time."""
    return {
        **filled_values(article, decision, raw_document_id),
        "url": clean_url(article.raw.url),  # the fetched spelling is kept in its sighting
        "url_key": article.url_key or article.raw.url,
        "first_seen_at": article.raw.fetched_at,
        "last_seen_at": article.raw.fetched_at,
        "version": 1,
        "story_id": article.story_id,
    }


def url_state_values(raw: items.RawDocument, key: str, article_id: int) -> dict[str, Any]:
    return {
        "url_key": key, "url": raw.url, "etag": raw.headers.get("ETag"),
        "last_modified": raw.headers.get("Last-Modified"), "http_status": raw.status,
        "fetched_at": raw.fetched_at, "article_id": article_id,
    }  # fmt: skip
