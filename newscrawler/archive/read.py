"""Read WARC files as a stream of pages (HTTP 200 HTML or plain-text responses) and skips.

The ``warc`` spider replays archives such as CC-NEWS through the pipeline;
this module is the part that knows WARC. It reads record by record with
FastWARC (about six times warcio's records/s, see ``bench/warc.py``), never
a whole file, and tells for every record either the :class:`Page` to ingest
or why it was skipped (:class:`Skip`): another record type, a non-200 or
non-HTML response, a revisit whose original it has not seen, a target URI
that is not http(s), a record the crawler truncated (``WARC-Truncated``),
one cut short by the end of the file, one whose payload digest does not
match. A broken gzip member costs only itself: reading resumes at the next
gzip member (or, uncompressed, the next ``WARC/1.`` line).
"""

from __future__ import annotations

import base64
import hashlib
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

WARC_SUFFIXES = (".warc", ".warc.gz")
ARC_SUFFIXES = (".arc", ".arc.gz")  # FastWARC reads WARC only
GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_MAGIC = b"WARC/1."
SCAN_CHUNK = 1 << 20
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
WEB_SCHEMES = ("http", "https")
SNIFF_BYTES = 1024
HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)
# Headers that describe the bytes on the wire, not the decoded body we keep: renamed
# the way Common Crawl does, so that the headers still say what the server sent.
WIRE_HEADERS = ("Content-Encoding", "Transfer-Encoding", "Content-Length")
BAD_GZIP = "bad_gzip"
# Pages remembered for revisits (two keys each); beyond this the oldest are forgotten,
# so that memory stays flat over archives of any size.
MAX_ORIGINALS = 200_000

RECORD_TYPE_NAMES = {
    int(WarcRecordType.warcinfo): "warcinfo",
    int(WarcRecordType.request): "request",
    int(WarcRecordType.metadata): "metadata",
    int(WarcRecordType.resource): "resource",
    int(WarcRecordType.conversion): "conversion",
    int(WarcRecordType.continuation): "continuation",
    int(WarcRecordType.unknown): "unknown_type",
}


@dataclass(frozen=True, slots=True)
class Page:
    """An HTTP 200 HTML or plain-text response, its body decoded from transfer/content encodings."""

    url: str
    fetched_at: datetime
    status: int
    headers: dict[str, str]
    body: bytes
    content_type: str | None
    charset: str | None


@dataclass(frozen=True, slots=True)
class Skip:
    """A record (or a broken stretch of the file) that yields no page, and why.

    ``faulty`` marks broken or refused input (logged and counted as a drop),
    as opposed to a record that is simply not an article page (only counted).
    """

    reason: str
    offset: int
    url: str | None = None
    detail: str = ""
    faulty: bool = False

    @property
    def is_record(self) -> bool:
        return self.reason != BAD_GZIP


Outcome = Page | Skip


@dataclass(frozen=True, slots=True)
class Selection:
    """Which pages of an archive to keep: URL regexes, domains and a WARC-Date window."""

    allow: re.Pattern[str] | None = None
    deny: re.Pattern[str] | None = None
    domains: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None

    def url_refusal(self, url: str) -> str | None:
        """Why ``url`` is not wanted (``filtered_url``, ``filtered_domain``), else None."""
        if self.allow is not None and not self.allow.search(url):
            return "filtered_url"
        if self.deny is not None and self.deny.search(url):
            return "filtered_url"
        if self.domains and not on_domains(urlsplit(url).hostname or "", self.domains):
            return "filtered_domain"
        return None

    def date_refusal(self, when: datetime) -> str | None:
        if (self.since is not None and when < self.since) or (
            self.until is not None and when >= self.until
        ):
            return "filtered_date"
        return None


def on_domains(host: str, domains: tuple[str, ...]) -> bool:
    """``host`` is one of ``domains`` or a subdomain of one."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def is_archive(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


def is_arc(path: Path) -> bool:
    return path.name.lower().endswith(ARC_SUFFIXES)


@dataclass
class ArchiveReader:
    """Reads archives one after another; remembers where each page was, for revisits."""

    selection: Selection = field(default_factory=Selection)
    max_bytes: int = 20 * 1024 * 1024
    # payload digest or record ID of every page read -> (file, offset) to read it again
    originals: dict[str, tuple[Path, int]] = field(default_factory=dict)

    def read(self, path: Path) -> Iterator[Outcome]:
        """Every record of ``path`` as a :class:`Page` or a :class:`Skip`, in file order."""
        yield from records_resuming(path, partial(self.classify, path))

    def classify(self, path: Path, offset: int, record: WarcRecord) -> Outcome:
        kind = int(record.record_type)
        if kind in RECORD_TYPE_NAMES:
            return Skip(RECORD_TYPE_NAMES[kind], offset)
        url = record.headers.get("WARC-Target-URI")
        when = warc_date(record.headers.get("WARC-Date"))
        if not url or when is None:
            return Skip("malformed", offset, url, "no WARC-Target-URI or WARC-Date", faulty=True)
        url = url.strip().strip("<>")
        parts = urlsplit(url)
        if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
            return Skip("not_http", offset, url, "the target URI is not http(s)", faulty=True)
        if record.headers.get("WARC-Truncated"):
            reason = record.headers.get("WARC-Truncated")
            return Skip("truncated", offset, url, f"WARC-Truncated: {reason}", faulty=True)
        refusal = self.selection.url_refusal(url) or self.selection.date_refusal(when)
        if refusal:
            return Skip(refusal, offset, url)
        if kind == int(WarcRecordType.revisit):
            return self.revisit(record, offset, url, when)
        outcome = self.response(record, offset, url, when)
        if isinstance(outcome, Page):
            self.remember(record, path, offset)
        return outcome

    def response(self, record: WarcRecord, offset: int, url: str, when: datetime) -> Outcome:
        if not record.is_http or record.http_headers.status_code is None:
            if len(record.reader.read(record.content_length + 1)) < record.content_length:
                return Skip("incomplete", offset, url, "the file ends early", faulty=True)
            return Skip("not_http_response", offset, url)
        status = record.http_headers.status_code
        if status != 200:
            return Skip(f"http_{status}", offset, url)
        mime = (record.http_content_type or "").lower() or identified_type(record)
        if mime and mime not in PAGE_TYPES:
            return Skip("not_html", offset, url, mime)
        if record.content_length > self.max_bytes:
            detail = f"{record.content_length} bytes, over {self.max_bytes}"
            return Skip("too_large", offset, url, detail, faulty=True)
        raw = record.reader.read(record.content_length + 1)
        if len(raw) < record.content_length:
            detail = f"{len(raw)} of {record.content_length} payload bytes: the file ends early"
            return Skip("incomplete", offset, url, detail, faulty=True)
        return self.page(record, offset, url, when, raw, mime)

    def page(
        self, record: WarcRecord, offset: int, url: str, when: datetime, raw: bytes, mime: str
    ) -> Outcome:
        headers = header_dict(record.http_headers.items())
        try:
            body = decode_payload(raw, headers, self.max_bytes)
        except (ValueError, zlib.error) as error:
            return Skip("undecodable_payload", offset, url, str(error), faulty=True)
        if not digest_matches(record.headers.get("WARC-Payload-Digest"), raw, body):
            return Skip("digest_mismatch", offset, url, "WARC-Payload-Digest differs", faulty=True)
        if not mime and not HTML_START.match(body[:SNIFF_BYTES]):
            return Skip("not_html", offset, url, "no content type and no HTML start")
        return Page(
            url=url,
            fetched_at=when,
            status=200,
            headers=rename_wire_headers(headers, raw is not body),
            body=body,
            content_type=header(headers, "Content-Type") or mime or "text/html",
            charset=record.http_charset,
        )

    def remember(self, record: WarcRecord, path: Path, offset: int) -> None:
        for key in (record.headers.get("WARC-Payload-Digest"), record.record_id):
            if key:
                self.originals[key] = (path, offset)
        while len(self.originals) > MAX_ORIGINALS:
            del self.originals[next(iter(self.originals))]

    def revisit(self, record: WarcRecord, offset: int, url: str, when: datetime) -> Outcome:
        """A revisit of a page read earlier is that page again, at the revisit's URL and date."""
        keys = (record.headers.get("WARC-Refers-To"), record.headers.get("WARC-Payload-Digest"))
        where = next((self.originals[k] for k in keys if k and k in self.originals), None)
        original = self.reread(*where) if where is not None else None
        if not isinstance(original, Page):
            return Skip("revisit_unknown_original", offset, url)
        return Page(
            url=url,
            fetched_at=when,
            status=200,
            headers=original.headers,
            body=original.body,
            content_type=original.content_type,
            charset=original.charset,
        )

    def reread(self, path: Path, offset: int) -> Outcome | None:
        with path.open("rb") as stream:
            stream.seek(offset)
            for record in ArchiveIterator(stream, auto_decode="none"):
                url = record.headers.get("WARC-Target-URI") or ""
                return self.response(record, offset, url, _EPOCH)
        return None


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def records_resuming(
    path: Path, classify: Callable[[int, WarcRecord], Outcome]
) -> Iterator[Outcome]:
    """``classify(offset, record)`` of each record; a broken stretch becomes one ``bad_gzip`` Skip.

    FastWARC stops at the first broken gzip member; this resumes at the next
    member (or ``WARC/1.`` line) after the last record that began, so one bad
    member loses only itself. ``classify`` runs while the iterator stands on
    the record (it reads the payload), inside the same error handling.
    """
    with path.open("rb") as stream:
        marker = GZIP_MAGIC if stream.read(3) == GZIP_MAGIC else WARC_MAGIC
        start: int | None = 0
        broken: tuple[int, str] | None = None  # where the broken stretch began, and why
        while start is not None:
            stream.seek(start)
            last = start - 1
            try:
                for record in ArchiveIterator(stream, auto_decode="none"):
                    last = record.stream_pos
                    outcome = classify(last, record)
                    if broken is not None:
                        yield broken_stretch(broken, last)
                        broken = None
                    yield outcome
                return
            except OSError as error:
                if broken is None:
                    broken = (max(last, start), str(error))
                start = next_marker(stream, max(last, start) + 1, marker)
        if broken is not None:
            yield broken_stretch(broken, None)


def broken_stretch(broken: tuple[int, str], resumed_at: int | None) -> Skip:
    began, error = broken
    where = f"resumed at byte {resumed_at}" if resumed_at is not None else "nothing readable after"
    return Skip(BAD_GZIP, began, None, f"{error}; {where}", faulty=True)


def next_marker(stream: BinaryIO, position: int, marker: bytes) -> int | None:
    """The offset of the next ``marker`` at or after ``position``, else None."""
    stream.seek(position)
    carry = b""
    base = position
    while chunk := stream.read(SCAN_CHUNK):
        data = carry + chunk
        found = data.find(marker)
        if found >= 0:
            return base + found
        carry = data[-(len(marker) - 1) :]
        base += len(data) - len(carry)
    return None


def warc_date(value: str | None) -> datetime | None:
    """``WARC-Date`` (ISO 8601, ``Z`` for UTC) as an aware UTC datetime, else None."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def identified_type(record: WarcRecord) -> str:
    """What the archiver identified the payload as (Common Crawl sets it), lower-cased."""
    value = record.headers.get("WARC-Identified-Payload-Type") or ""
    return value.split(";", 1)[0].strip().lower()


def header_dict(items: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """HTTP headers as a dict; a repeated header's values joined with ``, ``."""
    headers: dict[str, str] = {}
    canonical: dict[str, str] = {}
    for name, value in items:
        key = canonical.setdefault(name.lower(), name)
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def header(headers: dict[str, str], name: str) -> str:
    return next((v for k, v in headers.items() if k.lower() == name.lower()), "")


def decode_payload(raw: bytes, headers: dict[str, str], limit: int) -> bytes:
    """The entity body: chunked transfer and gzip/deflate content encodings undone."""
    body = raw
    if "chunked" in header(headers, "Transfer-Encoding").lower():
        body = dechunk(body)
    codings = [c.strip().lower() for c in header(headers, "Content-Encoding").split(",")]
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip", "deflate"):
            body = inflate(body, coding, limit)
        elif coding not in ("", "identity"):
            raise ValueError(f"unsupported content encoding {coding!r}")
    return body


def dechunk(data: bytes) -> bytes:
    """Undo HTTP/1.1 chunked transfer coding."""
    parts: list[bytes] = []
    position = 0
    while True:
        end = data.find(b"\r\n", position)
        if end < 0:
            raise ValueError("chunked body without a chunk-size line")
        size = int(data[position:end].split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            return b"".join(parts)
        parts.append(data[end + 2 : end + 2 + size])
        position = end + 2 + size + 2


def inflate(data: bytes, coding: str, limit: int) -> bytes:
    """gzip or deflate (zlib-wrapped or raw) content, at most ``limit`` bytes."""
    gzip_bits = zlib.MAX_WBITS | 16
    attempts = (zlib.MAX_WBITS, -zlib.MAX_WBITS) if coding == "deflate" else (gzip_bits,)
    for wbits in attempts:
        try:
            decompressor = zlib.decompressobj(wbits)
            body = decompressor.decompress(data, limit + 1)
        except zlib.error:
            if wbits == attempts[-1]:
                raise
            continue
        if len(body) > limit:
            raise ValueError(f"the decoded body is over {limit} bytes")
        return body
    raise AssertionError("unreachable")


def digest_matches(declared: str | None, raw: bytes, decoded: bytes) -> bool:
    """``WARC-Payload-Digest`` agrees with the payload (as sent, or decoded), or is absent."""
    if not declared or ":" not in declared:
        return True
    algorithm, _, expected = declared.partition(":")
    name = algorithm.strip().lower().replace("-", "")
    if name not in hashlib.algorithms_available:
        return True  # an algorithm we do not know: nothing to check
    payloads = (raw,) if decoded is raw else (raw, decoded)
    return any(same_digest(hashlib.new(name, p).digest(), expected.strip()) for p in payloads)


def same_digest(digest: bytes, written: str) -> bool:
    """``written`` is ``digest`` in base32 (as WARC tools write it) or in hex."""
    return written.upper() == base64.b32encode(digest).decode() or written.lower() == digest.hex()


def rename_wire_headers(headers: dict[str, str], decoded: bool) -> dict[str, str]:
    """Headers of the kept body: wire-level ones become ``X-Crawler-…`` when the body changed."""
    if not decoded:
        return headers
    return {
        (f"X-Crawler-{name}" if name.lower() in {h.lower() for h in WIRE_HEADERS} else name): value
        for name, value in headers.items()
    }
