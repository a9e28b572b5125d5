"""The dead-letter file: documents the pipeline failed on too often, and damaged journal records.

A document that keeps failing (a stage raises on it every time, or it is
replayed again and again without ever being stored) would otherwise come
back in every crawl forever. After ``JOURNAL_MAX_FAILURES`` failures or
``JOURNAL_MAX_REPLAYS`` replays it is moved here instead, whole, with its
reason; so is any journal record whose checksum no longer matches. Nothing
is silently lost: ``newscrawler stats`` shows what is here and
``newscrawler quarantine list|retry`` lists it or sends documents back to
the journal (after a fix) for the next crawl to replay.

The file sits in the journal folder of its database
(``SPOOL_DIR/db-<identity>/quarantine.dead``), in the journal's record format.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newscrawler.journal.owners import FILE_MODE, make_private_dir, open_private, write_all
from newscrawler.journal.records import Damage, Kind, Record, encode, scan

FILE_NAME = "quarantine.dead"
LOCK_NAME = "quarantine.lock"
SEGMENT_SUFFIX = ".seg"


@dataclass(frozen=True, slots=True)
class Entry:
    """One quarantined document or damaged record, numbered from 1 in file order."""

    number: int
    kind: str  # "document" or "damaged"
    reason: str
    detail: str
    url: str
    quarantined_at: str
    record: Record


class Quarantine:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / FILE_NAME

    # -- adding -------------------------------------------------------------

    def add_document(self, header: dict[str, Any], body: bytes, reason: str, detail: str) -> None:
        """Keep a journal document record (header and compressed body) with why it is here."""
        header = {**header, "reason": reason, "detail": detail, "quarantined_at": _now()}
        self._append(encode(Kind.DOCUMENT, header, body))

    def add_damage(self, damage: Damage, source: Path) -> None:
        """Keep damaged journal bytes, and where they came from."""
        header = {
            "reason": "corrupt_record",
            "detail": f"{source.name} at byte {damage.offset}: {len(damage.data)} damaged bytes",
            "quarantined_at": _now(),
        }
        self._append(encode(Kind.CORRUPT, header, damage.data))

    def _append(self, record: bytes) -> None:
        make_private_dir(self.folder)
        with self._locked():
            fd = open_private(self.path, os.O_CREAT | os.O_WRONLY | os.O_APPEND)
            try:
                write_all(fd, record)
                os.fsync(fd)
            finally:
                os.close(fd)

    # -- reading ------------------------------------------------------------

    def entries(self) -> list[Entry]:
        if not self.path.is_file():
            return []
        found: list[Entry] = []
        for item in scan(self.path.read_bytes()):
            if not isinstance(item, Record):
                continue
            header = item.header
            found.append(
                Entry(
                    number=len(found) + 1,
                    kind="damaged" if item.kind is Kind.CORRUPT else "document",
                    reason=str(header.get("reason", "")),
                    detail=str(header.get("detail", "")),
                    url=str(header.get("url", "")),
                    quarantined_at=str(header.get("quarantined_at", "")),
                    record=item,
                )
            )
        return found

    def counts(self) -> Counter[str]:
        return Counter(entry.reason for entry in self.entries())

    # -- retrying -----------------------------------------------------------

    def retry(self, numbers: set[int] | None) -> tuple[int, list[Entry]]:
        """Send documents (all, or these numbers) back to the journal with fresh counters.

        Returns how many were sent back and the entries that cannot be
        (damaged records). They go into a segment no process owns, which the
        next crawl of this database (or ``newscrawler replay-spool``) replays.
        """
        with self._locked():
            entries = self.entries()
            chosen = [e for e in entries if numbers is None or e.number in numbers]
            documents = [e for e in chosen if e.kind == "document"]
            if documents:
                self._write_retry_segment(documents)
                kept = [e for e in entries if e not in documents]
                self._rewrite(kept)
        return len(documents), [e for e in chosen if e.kind != "document"]

    def _write_retry_segment(self, documents: list[Entry]) -> None:
        token = f"retry-{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"
        path = self.folder / f"{token}.1{SEGMENT_SUFFIX}"
        records = [encode(Kind.SEGMENT, {"retry_of": "quarantine", "created": _now()})]
        for number, entry in enumerate(documents):
            header = {
                k: v
                for k, v in entry.record.header.items()
                if k not in ("reason", "detail", "quarantined_at")
            }
            records.append(encode(Kind.DOCUMENT, {**header, "id": number}, entry.record.body))
        _write_file(path, b"".join(records))

    def _rewrite(self, kept: list[Entry]) -> None:
        data = b"".join(encode(e.record.kind, e.record.header, e.record.body) for e in kept)
        _write_file(self.path, data)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        make_private_dir(self.folder)
        fd = open_private(self.folder / LOCK_NAME, os.O_CREAT | os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)


def _write_file(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (write, fsync, rename)."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(3)}.tmp")
    fd = os.open(temporary, os.O_CREAT | os.O_WRONLY | os.O_TRUNC | os.O_CLOEXEC, FILE_MODE)
    try:
        write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    temporary.replace(path)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
