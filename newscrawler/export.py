"""Streaming export of articles for downstream jobs: JSON lines, CSV or Parquet.

Rows are read with ``yield_per`` (a server-side cursor on PostgreSQL) and
written as they come, so an export never holds the table in memory. Every
column of the ``articles`` table is exported, in the table's order, under
the same names in all three formats (a column added by a migration is
exported too), but the near-duplicate index's signature (``minhash``, bytes
only Dedup reads). JSON values (``languages``, ``tags``) stay JSON in JSON lines
and are JSON text in CSV and Parquet; times are ISO 8601 in UTC.

The same CSV cell rules serve Scrapy's own feed export (``scrapy crawl …
-O out.csv``) through :class:`FeedCsvExporter`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

from scrapy.exporters import CsvItemExporter
from sqlalchemy import JSON, Float, Integer, Select, select

from newscrawler.db.models import Article, UTCDateTime

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

FORMATS = ("jsonl", "csv", "parquet")
BATCH = 1000
INDEX_COLUMNS = frozenset({"minhash"})  # Dedup's own data, not the article's
EXPORTED = [c for c in Article.__table__.columns if c.name not in INDEX_COLUMNS]
COLUMNS = tuple(column.name for column in EXPORTED)
ProgressCallback = Callable[[int], None]


def article_query(
    *, since: datetime | None = None, language: str | None = None, one_per_story: bool = False
) -> Select[Article]:
    """Articles first seen at or after ``since``, in ``language``, one per story if asked."""
    query = select(Article).order_by(Article.id).execution_options(yield_per=BATCH)
    if since is not None:
        query = query.where(Article.first_seen_at >= since)
    if language:
        query = query.where(Article.language == language)
    if one_per_story:
        query = query.where(Article.duplicate_of.is_(None))
    return query


def rows(session: Session, query: Select[Article]) -> Iterator[dict[str, Any]]:
    for article in session.scalars(query):
        yield {column: getattr(article, column) for column in COLUMNS}
        session.expunge(article)


def json_value(value: Any) -> Any:
    """``json.dumps`` default: times as ISO 8601."""
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot export a {type(value).__name__}")


def text_cell(value: Any) -> Any:
    """A value as CSV or Parquet text: ISO times, JSON for lists and mappings."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_jsonl(
    records: Iterator[dict[str, Any]], out: IO[str], progress: ProgressCallback | None = None
) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, default=json_value, ensure_ascii=False) + "\n")
        count += 1
        if progress is not None:
            progress(count)
    return count


def write_csv(
    records: Iterator[dict[str, Any]], out: IO[str], progress: ProgressCallback | None = None
) -> int:
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    count = 0
    for record in records:
        writer.writerow({key: text_cell(value) for key, value in record.items()})
        count += 1
        if progress is not None:
            progress(count)
    return count


def parquet_schema() -> Any:
    """The Parquet schema of :data:`COLUMNS`, typed from the table's column types."""
    import pyarrow as pa  # optional dependency: newscrawler[parquet]

    def arrow_type(column: Any) -> Any:
        if isinstance(column.type, Integer):
            return pa.int64()
        if isinstance(column.type, Float):
            return pa.float64()
        if isinstance(column.type, UTCDateTime):
            return pa.timestamp("us", tz="UTC")
        return pa.string()

    return pa.schema([(c.name, arrow_type(c)) for c in EXPORTED])


def write_parquet(
    records: Iterator[dict[str, Any]], path: str, progress: ProgressCallback | None = None
) -> int:
    import pyarrow as pa  # optional dependency: newscrawler[parquet]
    import pyarrow.parquet as pq

    schema = parquet_schema()
    json_columns = {c.name for c in Article.__table__.columns if isinstance(c.type, JSON)}
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict[str, Any]] = []
        for record in records:
            batch.append({k: text_cell(v) if k in json_columns else v for k, v in record.items()})
            if len(batch) >= BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
                if progress is not None:
                    progress(count)
        if batch:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
            if progress is not None:
                progress(count)
    return count


class FeedCsvExporter(CsvItemExporter):
    """Scrapy's CSV feed exporter with our cells: lists and mappings as JSON, not ``a,b``."""

    def _join_if_needed(self, value: Any) -> Any:
        return text_cell(value)
