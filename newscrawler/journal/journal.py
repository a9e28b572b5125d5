"""The write-ahead journal of fetched documents, so that nothing fetched is ever lost.

Every raw document is appended to the current segment the moment it reaches
the pipeline, and marked done once the transaction that stored its article
has committed (or once it was dropped as bad input). At each commit the
journal is fsynced, then done markers are appended; a segment whose
documents are all done is deleted. Whatever the crawl could not store (the
database was down, the process was killed, a stage crashed) stays on disk,
and the next crawl of the same database replays it before its own requests.

Segments are ``<owner token>.<n>.seg`` in the database's own folder
(``SPOOL_DIR/db-<identity>``, see :mod:`newscrawler.journal.owners`); the
owner holds an flock while alive. A crawl claims a dead owner's segments by
renaming them to its own token, so two workers never replay the same file,
and a claim interrupted by another kill is simply claimed again later.

A document that failed ``max_failures`` times, or was replayed
``max_replays`` times without being stored, and any damaged record, go to
the :mod:`quarantine <newscrawler.quarantine>` instead of being replayed.
When the journal cannot be written (a full disk) the ``on_failure``
callback is called once: the crawl must stop fetching, since what it
fetches from then on is no longer protected.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from newscrawler.items import RawDocument
from newscrawler.journal import records
from newscrawler.journal.owners import (
    OWNERS,
    OwnerLock,
    database_identity,
    lock_held,
    make_private_dir,
    open_private,
    taken_over,
    write_all,
)
from newscrawler.journal.records import Damage, Kind, Record
from newscrawler.quarantine import SEGMENT_SUFFIX, Quarantine

logger = logging.getLogger(__name__)

LEGACY_SUFFIX = ".jsonl"
STALE_LOCK_SECONDS = 60
REPLAY_MARK = "r"
DOCUMENT_FIELDS = ("url", "spider", "content_type", "encoding", "status", "headers", "hints")


class JournalWriteError(OSError):
    """The journal could not be written; documents fetched now are not protected."""


@dataclass(slots=True)
class Segment:
    path: Path
    open_ids: set[int] = field(default_factory=set)
    fd: int | None = None  # only the current segment is open for writing
    next_id: int = 0
    unmarked: list[int] = field(default_factory=list)  # done, marker not yet written


@dataclass(frozen=True, slots=True)
class Entry:
    segment: Segment
    local_id: int


class Journal:
    """Append raw documents; mark them done once stored; keep the rest for replay."""

    def __init__(
        self,
        spool_root: Path,
        database_url: str,
        *,
        job: str = "",
        max_failures: int = 3,
        max_replays: int = 10,
        on_failure: Callable[[OSError], None] | None = None,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self.identity = database_identity(database_url)
        self.folder = spool_root / f"db-{self.identity}"
        self.spool_root = spool_root
        self.database_url = database_url
        self.job = job
        self.max_failures = max_failures
        self.max_replays = max_replays
        self.on_failure = on_failure
        self.on_commit = on_commit
        self.quarantine = Quarantine(self.folder)
        self.owner: OwnerLock | None = None
        self.broken: OSError | None = None
        self.stats: Counter[str] = Counter()
        self._current: Segment | None = None
        self._segments: list[Segment] = []
        self._entries: dict[int, Entry] = {}
        self._committing: list[int] = []
        self._next_entry = 0
        self._numbers = 0

    # -- life cycle ---------------------------------------------------------

    def open(self, job: str | None = None) -> None:
        """Create the database's folder (0700) and take this process's owner lock."""
        if self.owner is not None:
            return
        self.job = job if job is not None else self.job
        try:
            make_private_dir(self.folder)
            self._describe_folder()
            self.owner = OwnerLock(self.folder)
        except OSError as error:
            self._fail(error)

    def _describe_folder(self) -> None:
        from newscrawler.db.engine import mask_url  # the journal itself needs no database

        note = self.folder / "database.txt"
        if not note.exists():
            note.write_text(f"{mask_url(self.database_url)}\n", encoding="utf-8")
            note.chmod(0o600)

    def close(self) -> None:
        """Close the current segment; delete it if nothing in it needs replay."""
        self._rotate()
        if self.owner is not None:
            mine = list(self.folder.glob(f"{self.owner.token}.*{SEGMENT_SUFFIX}"))
            self.owner.release(remove=not mine)
            self.owner = None

    # -- writing ------------------------------------------------------------

    def append(self, raw: RawDocument) -> int | None:
        """Journal ``raw`` (once); its entry id, or None when the journal cannot be written."""
        if raw.journal_entry is not None:
            return raw.journal_entry  # replayed from a segment: it is journaled already
        if self.broken is not None:
            return None
        segment = self._current_segment()
        if segment is None:
            return None
        entry = self._new_entry(segment)
        header = {"id": entry.local_id, "fetched_at": raw.fetched_at.isoformat()}
        header |= {name: getattr(raw, name) for name in DOCUMENT_FIELDS}
        if not self._write(segment, records.encode(Kind.DOCUMENT, header, raw.compressed_body())):
            return None
        number = self._register(entry)
        raw.journal_entry = number
        return number

    def done(self, entry: int | None) -> None:
        """``entry`` needs no replay (dropped as bad input, or stored and committed)."""
        found = self._entries.pop(entry, None) if entry is not None else None
        if found is None:
            return
        found.segment.open_ids.discard(found.local_id)
        if not found.segment.open_ids and found.segment is not self._current:
            self._remove(found.segment)
        elif found.segment is not self._current:
            self._mark(found.segment, Kind.DONE, {"ids": [found.local_id]})
        else:  # in the current segment, the marker is written when it is closed
            found.segment.unmarked.append(found.local_id)

    def done_after_commit(self, entry: int | None) -> None:
        """``entry`` is written in the open transaction: done once it commits."""
        if entry is not None:
            self._committing.append(entry)

    def committed(self) -> None:
        """The open transaction committed: fsync, mark its entries done, start a new segment."""
        self._sync_current()
        entries, self._committing = self._committing, []
        by_segment: dict[int, list[Entry]] = {}
        for number in entries:
            found = self._entries.pop(number, None)
            if found is not None:
                by_segment.setdefault(id(found.segment), []).append(found)
        current = self._current
        self._current = None
        for group in by_segment.values():
            segment = group[0].segment
            segment.open_ids.difference_update(e.local_id for e in group)
            if segment.open_ids:
                self._mark(segment, Kind.DONE, {"ids": [e.local_id for e in group]})
        self._close_segment(current)
        for segment in list(self._segments):
            if not segment.open_ids and segment is not self._current:
                self._remove(segment)
        if self.on_commit is not None:
            self.on_commit()

    def rolled_back(self) -> None:
        """The open transaction failed: its entries stay in the journal for replay."""
        self._committing = []

    def failed(self, entry: int | None, reason: str) -> None:
        """A stage raised on ``entry``: count it, so that a poison document ends in quarantine."""
        found = self._entries.get(entry) if entry is not None else None
        if found is not None:
            self._mark(found.segment, Kind.FAILED, {"id": found.local_id, "reason": reason[:500]})

    # -- replay -------------------------------------------------------------

    def claim_leftovers(self) -> list[Path]:
        """Take over the segments of owners that are gone, by renaming them to this owner."""
        self._warn_about_legacy_files()
        if self.owner is None or not self.folder.is_dir():
            return []
        claimed = []
        for token in sorted(self._dead_owner_tokens()):
            with taken_over(self.folder / OWNERS / f"{token}.lock") as ours:
                if not ours:
                    continue
                for path in sorted(self.folder.glob(f"{token}.*{SEGMENT_SUFFIX}")):
                    self._numbers += 1
                    target = self.folder / (
                        f"{self.owner.token}.{REPLAY_MARK}{self._numbers}{SEGMENT_SUFFIX}"
                    )
                    with contextlib.suppress(FileNotFoundError):
                        path.rename(target)
                        claimed.append(target)
        return claimed

    def _dead_owner_tokens(self) -> set[str]:
        """Owners with segments and no live lock; stale locks of owners without segments go."""
        assert self.owner is not None
        tokens = {p.name.split(".", 1)[0] for p in self.folder.glob(f"*{SEGMENT_SUFFIX}")}
        tokens.discard(self.owner.token)
        for lock in self.folder.glob(f"{OWNERS}/*.lock"):
            if lock.stem in tokens or lock.stem == self.owner.token or lock_held(lock):
                continue
            with contextlib.suppress(OSError):  # a minute old: not one being taken right now
                if time.time() - lock.stat().st_mtime > STALE_LOCK_SECONDS:
                    lock.unlink()
        return tokens

    def adopt(self, path: Path) -> Iterator[RawDocument]:
        """The documents of a claimed segment still to be stored, now entries of this journal.

        Damaged records and documents that failed or were replayed too often
        go to the quarantine; a record cut short at the end (a kill in the
        middle of a write) is skipped: its document was never acknowledged.
        """
        try:
            data = path.read_bytes()
        except OSError as error:
            logger.error("%s: journal segment unreadable (%s), left in place", path, error)
            return
        state = _read_state(path, data, self.quarantine)
        if state.database not in (None, self.identity):
            logger.error("%s: segment of another database, not replayed here", path)
            path.rename(path.with_suffix(".foreign"))
            return
        segment = Segment(path)
        self._segments.append(segment)
        if not self._mark(segment, Kind.CLAIMED, {"by": self._token(), "at": time.time()}):
            return
        # Every open document is registered before the first is yielded, so that the
        # segment is not deleted while the replay is still going through it.
        waiting = [
            (record, number)
            for local_id, record in state.documents.items()
            if local_id not in state.done
            and (number := self._screen(segment, local_id, record, state)) is not None
        ]
        if not segment.open_ids:
            self._remove(segment)
        for record, number in waiting:
            raw = _document(record)
            if raw is None:
                self._send_to_quarantine(
                    segment, self._entries[number].local_id, record, "undecodable_record",
                    "the record's fields or body cannot be read",
                )  # fmt: skip
                self.done(number)
                continue
            raw.journal_entry, raw.resumed = number, True
            yield raw

    def _screen(
        self, segment: Segment, local_id: int, record: Record, state: SegmentState
    ) -> int | None:
        """The document's entry number if it is to be replayed, or None once quarantined."""
        failures = state.failures.get(local_id, [])
        if len(failures) >= self.max_failures:
            detail = f"failed {len(failures)} times; last: {failures[-1]}"
            self._send_to_quarantine(segment, local_id, record, "failed", detail)
            return None
        if state.claims > self.max_replays:
            detail = f"replayed {state.claims - 1} times, never stored"
            self._send_to_quarantine(segment, local_id, record, "replayed_too_often", detail)
            return None
        return self._register(self._new_entry(segment, local_id))

    def _send_to_quarantine(
        self, segment: Segment, local_id: int, record: Record, reason: str, detail: str
    ) -> None:
        url = record.header.get("url")
        logger.error("%s: quarantined (%s: %s)", url, reason, detail)
        try:
            self.quarantine.add_document(record.header, record.body, reason, detail)
        except OSError as error:
            self._fail(error)
            return
        self.stats[f"quarantined/{reason}"] += 1
        self._mark(segment, Kind.DONE, {"ids": [local_id]})

    def _warn_about_legacy_files(self) -> None:
        legacy = [p for p in self.spool_root.glob(f"*{LEGACY_SUFFIX}*") if p.is_file()]
        if legacy:
            logger.warning(
                "%d journal file(s) of the old format in %s are not tied to a database and "
                "are not replayed; see README, Durability",
                len(legacy),
                self.spool_root,
            )

    # -- internals ----------------------------------------------------------

    def _token(self) -> str:
        return self.owner.token if self.owner is not None else f"pid-{os.getpid()}"

    def _new_entry(self, segment: Segment, local_id: int | None = None) -> Entry:
        if local_id is None:
            local_id, segment.next_id = segment.next_id, segment.next_id + 1
        return Entry(segment, local_id)

    def _register(self, entry: Entry) -> int:
        number = self._next_entry
        self._next_entry += 1
        self._entries[number] = entry
        entry.segment.open_ids.add(entry.local_id)
        return number

    def _current_segment(self) -> Segment | None:
        if self._current is not None:
            return self._current
        if self.owner is None:
            self.open()
            if self.owner is None:
                return None
        self._numbers += 1
        path = self.folder / f"{self.owner.token}.{self._numbers}{SEGMENT_SUFFIX}"
        try:
            fd = open_private(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND)
        except OSError as error:
            self._fail(error)
            return None
        segment = Segment(path, fd=fd)
        header = {"database": self.identity, "job": self.job, "owner": self.owner.token}
        if not self._write(segment, records.encode(Kind.SEGMENT, header)):
            return None
        self._current = segment
        self._segments.append(segment)
        return segment

    def _write(self, segment: Segment, data: bytes) -> bool:
        """Append ``data``; on failure cut the file back and report the journal broken."""
        fd = segment.fd
        opened_here = fd is None
        try:
            if fd is None:
                fd = open_private(segment.path, os.O_WRONLY | os.O_APPEND)
            start = os.lseek(fd, 0, os.SEEK_END)
            try:
                write_all(fd, data)
            except OSError:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, start)
                raise
        except OSError as error:
            self._fail(error)
            return False
        finally:
            if opened_here and fd is not None:
                os.close(fd)
        return True

    def _mark(self, segment: Segment, kind: Kind, header: dict[str, Any]) -> bool:
        if self.broken is not None:
            return False
        return self._write(segment, records.encode(kind, header))

    def _sync_current(self) -> None:
        segment = self._current
        if segment is None or segment.fd is None or self.broken is not None:
            return
        try:
            os.fsync(segment.fd)
            directory = os.open(self.folder, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        except OSError as error:
            self._fail(error)

    def _rotate(self) -> None:
        self._sync_current()
        current, self._current = self._current, None
        self._close_segment(current)

    def _close_segment(self, segment: Segment | None) -> None:
        if segment is None:
            return
        if segment.open_ids and segment.unmarked:
            self._mark(segment, Kind.DONE, {"ids": segment.unmarked})
        segment.unmarked = []
        if segment.fd is not None:
            with contextlib.suppress(OSError):
                os.close(segment.fd)
            segment.fd = None
        if not segment.open_ids:
            self._remove(segment)

    def _remove(self, segment: Segment) -> None:
        if segment in self._segments:
            self._segments.remove(segment)
        if segment.fd is not None:
            with contextlib.suppress(OSError):
                os.close(segment.fd)
            segment.fd = None
        segment.path.unlink(missing_ok=True)

    def _fail(self, error: OSError) -> None:
        if self.broken is not None:
            return
        self.broken = error
        logger.error(
            "The journal in %s cannot be written (%s): fetching stops, because documents "
            "fetched from now on would not be protected",
            self.folder,
            error,
        )
        if self.on_failure is not None:
            self.on_failure(error)


@dataclass(slots=True)
class SegmentState:
    database: str | None = None
    documents: dict[int, Record] = field(default_factory=dict)
    done: set[int] = field(default_factory=set)
    failures: dict[int, list[str]] = field(default_factory=dict)
    claims: int = 0


def _read_state(path: Path, data: bytes, quarantine: Quarantine) -> SegmentState:
    """What a segment holds: its documents, which are done, which failed, how often claimed."""
    state = SegmentState()
    for item in records.scan(data):
        if isinstance(item, Damage):
            _damaged(path, item, quarantine)
            continue
        header = item.header
        if item.kind is Kind.SEGMENT:
            state.database = header.get("database")
        elif item.kind is Kind.DOCUMENT and isinstance(header.get("id"), int):
            state.documents[header["id"]] = item
        elif item.kind is Kind.DONE:
            state.done.update(i for i in header.get("ids", []) if isinstance(i, int))
        elif item.kind is Kind.FAILED and isinstance(header.get("id"), int):
            state.failures.setdefault(header["id"], []).append(str(header.get("reason", "")))
        elif item.kind is Kind.CLAIMED:
            state.claims += 1
    state.claims += 1  # this claim
    return state


def _damaged(path: Path, damage: Damage, quarantine: Quarantine) -> None:
    if damage.truncated:
        logger.warning(
            "%s: a record cut short at byte %d (a kill during a write) skipped",
            path,
            damage.offset,
        )
        return
    logger.error(
        "%s: %d damaged bytes at byte %d skipped and quarantined; the rest is replayed",
        path,
        len(damage.data),
        damage.offset,
    )
    quarantine.add_damage(damage, path)


def _document(record: Record) -> RawDocument | None:
    header = record.header
    try:
        fields = {name: header[name] for name in DOCUMENT_FIELDS}
        return RawDocument(
            body=records.decompress(record.body),
            fetched_at=datetime.fromisoformat(header["fetched_at"]),
            _compressed=record.body,
            **fields,
        )
    except (KeyError, TypeError, ValueError, zlib.error):
        return None


def pending_documents(spool_root: Path) -> int:
    """Documents still to be stored in every segment under ``spool_root`` (reads only)."""
    count = 0
    for path in spool_root.glob(f"db-*/*{SEGMENT_SUFFIX}"):
        documents: set[int] = set()
        done: set[int] = set()
        for item in records.scan(path.read_bytes()):
            if isinstance(item, Record) and item.kind is Kind.DOCUMENT:
                documents.add(int(item.header.get("id", -1)))
            elif isinstance(item, Record) and item.kind is Kind.DONE:
                done.update(item.header.get("ids", []))
        count += len(documents - done)
    return count
