"""Write stored raw documents as a WARC file any archive tool can read.

``newscrawler export-raw --format warc`` hands what we fetched to other
tools (and back to our own ``warc`` spider, which rebuilds the same
articles from it): a ``warcinfo`` record first, then one ``response``
record per raw document with its original fetch time (``WARC-Date``), HTTP
status and headers, and ``WARC-Block-Digest``/``WARC-Payload-Digest``;
each record is its own gzip member, as crawlers write them, so a reader
can seek to any record and a damaged member costs only itself.

WARC is a simple text format; writing it directly keeps the output exactly
as specified (WARC 1.1) without a second library. Local files
(``file://`` URLs) are left out: a WARC record is an HTTP exchange.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import uuid
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import IO, TYPE_CHECKING
from urllib.parse import urlsplit

from sqlalchemy import select

from newscrawler import __version__
from newscrawler.db.engine import make_engine, make_sessionmaker
from newscrawler.db.models import RawDocument
from newscrawler.db.schema import ensure_schema

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

WARC_VERSION = b"WARC/1.1"
BATCH = 200
# Headers that no longer describe the stored (decoded) body; Content-Length is rewritten.
DROPPED_HEADERS = {"content-length", "content-encoding", "transfer-encoding"}


def digest(data: bytes) -> str:
    """``sha1:`` and the base32 SHA-1, the form WARC tools write and check."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def warc_date(when: datetime) -> str:
    aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def header_bytes(name: str, value: str) -> bytes:
    text = f"{name}: {' '.join(value.split())}\r\n"
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8")


def record_bytes(headers: Iterable[tuple[str, str]], block: bytes) -> bytes:
    """One WARC record: version line, headers, Content-Length, block, two CRLFs."""
    lines = [WARC_VERSION + b"\r\n", *(header_bytes(n, v) for n, v in headers)]
    lines.append(header_bytes("Content-Length", str(len(block))))
    return b"".join([*lines, b"\r\n", block, b"\r\n\r\n"])


def record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def http_response_block(status: int, headers: dict[str, str], body: bytes) -> bytes:
    """The HTTP response as it goes into a WARC ``response`` record."""
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    lines = [f"HTTP/1.1 {status} {reason}".rstrip().encode("ascii") + b"\r\n"]
    lines += [header_bytes(n, v) for n, v in headers.items() if n.lower() not in DROPPED_HEADERS]
    lines.append(header_bytes("Content-Length", str(len(body))))
    return b"".join([*lines, b"\r\n", body])


class WarcWriter:
    """Appends records to a ``.warc.gz`` (one gzip member each) or an uncompressed ``.warc``."""

    def __init__(self, stream: IO[bytes], compress: bool = True) -> None:
        self.stream = stream
        self.compress = compress
        self.warcinfo_id: str | None = None

    def write(self, headers: list[tuple[str, str]], block: bytes) -> None:
        data = record_bytes(headers, block)
        self.stream.write(gzip.compress(data, compresslevel=6, mtime=0) if self.compress else data)

    def warcinfo(self, filename: str, fields: dict[str, str]) -> None:
        self.warcinfo_id = record_id()
        block = "".join(f"{k}: {v}\r\n" for k, v in fields.items()).encode("utf-8")
        self.write(
            [
                ("WARC-Type", "warcinfo"),
                ("WARC-Record-ID", self.warcinfo_id),
                ("WARC-Date", warc_date(datetime.now(UTC))),
                ("WARC-Filename", filename),
                ("Content-Type", "application/warc-fields"),
                ("WARC-Block-Digest", digest(block)),
            ],
            block,
        )

    def response(
        self, url: str, fetched_at: datetime, status: int, headers: dict[str, str], body: bytes
    ) -> None:
        block = http_response_block(status, headers, body)
        warc_headers = [
            ("WARC-Type", "response"),
            ("WARC-Record-ID", record_id()),
            ("WARC-Date", warc_date(fetched_at)),
            ("WARC-Target-URI", url),
            ("Content-Type", "application/http; msgtype=response"),
            ("WARC-Block-Digest", digest(block)),
            ("WARC-Payload-Digest", digest(body)),
        ]
        if self.warcinfo_id:
            warc_headers.append(("WARC-Warcinfo-ID", self.warcinfo_id))
        self.write(warc_headers, block)


@dataclass(slots=True)
class ExportCounts:
    written: int = 0
    local_files: int = 0  # file:// documents, left out


def stored_documents(session: Session, since: datetime | None) -> Iterator[RawDocument]:
    """Raw documents in the order they were stored (fetched at or after ``since``)."""
    query = select(RawDocument).order_by(RawDocument.id).execution_options(yield_per=BATCH)
    if since is not None:
        query = query.where(RawDocument.fetched_at >= since)
    yield from session.scalars(query)


def response_headers(row: RawDocument) -> dict[str, str]:
    headers = {str(k): str(v) for k, v in (row.headers or {}).items()}
    if row.content_type and not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = row.content_type
    return headers


def export_raw(session: Session, output: Path, since: datetime | None = None) -> ExportCounts:
    """Write the stored raw documents to ``output`` (gzip per record unless it ends in .warc)."""
    counts = ExportCounts()
    with output.open("wb") as stream:
        writer = WarcWriter(stream, compress=not output.name.lower().endswith(".warc"))
        writer.warcinfo(output.name, warcinfo_fields(since))
        for row in stored_documents(session, since):
            if urlsplit(row.url).scheme not in ("http", "https"):
                counts.local_files += 1
                continue
            body = zlib.decompress(row.body) if row.compression == "zlib" else row.body
            writer.response(
                row.url, row.fetched_at, row.http_status or 200, response_headers(row), body
            )
            counts.written += 1
    return counts


def warcinfo_fields(since: datetime | None) -> dict[str, str]:
    fields = {
        "software": f"newscrawler/{__version__}",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "description": "raw documents exported from a newscrawler database",
    }
    if since is not None:
        fields["description"] += f", fetched at or after {since.isoformat()}"
    return fields


def export_database(database_url: str, output: Path, since: datetime | None) -> ExportCounts:
    """:func:`export_raw` from the database at ``database_url`` (schema checked first)."""
    engine = make_engine(database_url)
    try:
        ensure_schema(engine)
        with make_sessionmaker(engine)() as session:
            return export_raw(session, output, since)
    finally:
        engine.dispose()
