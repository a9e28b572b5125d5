"""Streaming export of articles for downstream jobs: JSON lines, CSV or Parquet.

Rows are read with ``yield_per`` (a server-side cursor on PostgreSQL) and
written as they come, so an export never holds the table in memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import Select, select

from newscrawler.db.models import Article

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

FORMATS = ("jsonl", "csv", "parquet")
BATCH = 1000
COLUMNS = (
    "id", "url", "canonical_url", "title", "text", "language", "language_confidence",
    "published_at", "authors", "site_name", "description", "content_hash", "duplicate_of",
    "similarity", "first_seen_at", "last_seen_at",
)  # fmt: skip


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


def write_jsonl(records: Iterator[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, default=_json_value, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(records: Iterator[dict[str, Any]], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    count = 0
    for record in records:
        writer.writerow({k: _json_value(v) if isinstance(v, datetime) else v
                         for k, v in record.items()})  # fmt: skip
        count += 1
    return count


def write_parquet(records: Iterator[dict[str, Any]], path: str) -> int:
    import pyarrow as pa  # optional dependency: newscrawler[parquet]
    import pyarrow.parquet as pq

    schema = pa.schema(
        [(c, pa.int64()) for c in ("id", "duplicate_of")]
        + [(c, pa.float64()) for c in ("language_confidence", "similarity")]
        + [(c, pa.timestamp("us", tz="UTC")) for c in ("published_at", "first_seen_at",
                                                         "last_seen_at")]
        + [(c, pa.string()) for c in ("url", "canonical_url", "title", "text", "language",
                                      "authors", "site_name", "description", "content_hash")]
    )  # fmt: skip
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict[str, Any]] = []
        for record in records:
            batch.append(record)
            if len(batch) >= BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
        if batch:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot export a {type(value).__name__}")
