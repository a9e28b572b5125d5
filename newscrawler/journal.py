"""A write-ahead journal of fetched documents, so that nothing fetched is ever lost.

Every raw document is appended to a journal file the moment it reaches the
pipeline, and forgotten only once the transaction that stored its article
has committed. Whatever the crawl could not store (the database was down,
the process was killed, a stage crashed) therefore stays on disk, and the
next crawl, or ``newscrawler replay-spool``, feeds it through the pipeline
again before its own requests. Deduplication makes that replay idempotent:
an article already stored is recognised and not stored twice.

Journal files are segments named ``<time>-<pid>-<n>.jsonl`` under
``SPOOL_DIR``; a segment is deleted when every document in it is done. A
crawl claims leftover segments by renaming them, so two workers sharing a
spool folder never replay the same file.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from newscrawler.items import RawDocument

logger = logging.getLogger(__name__)

SEGMENT_SUFFIX = ".jsonl"
CLAIMED_MARK = ".replaying-"


def encode(raw: RawDocument) -> str:
    """One JSON line holding everything needed to process ``raw`` again."""
    return json.dumps(
        {
            "url": raw.url,
            "body": base64.b64encode(raw.body).decode("ascii"),
            "spider": raw.spider,
            "fetched_at": raw.fetched_at.isoformat(),
            "content_type": raw.content_type,
            "encoding": raw.encoding,
            "status": raw.status,
            "headers": raw.headers,
            "hints": raw.hints,
        },
        default=_encode_value,
        ensure_ascii=False,
    )


def decode(line: str) -> RawDocument:
    data = json.loads(line, object_hook=_decode_value)
    data["body"] = base64.b64decode(data["body"])
    data["fetched_at"] = datetime.fromisoformat(data["fetched_at"])
    return RawDocument(**data)


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    raise TypeError(f"cannot journal a {type(value).__name__}")


def _decode_value(value: dict[str, Any]) -> Any:
    if set(value) == {"$datetime"}:
        return datetime.fromisoformat(value["$datetime"])
    return value


class Journal:
    """Append raw documents; forget them once stored; keep the rest for replay."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._handle: IO[str] | None = None
        self._segment: Path | None = None
        self._segments = 0
        self._next_id = 0
        self._open_ids: dict[Path, set[int]] = {}
        self._committing: list[int] = []
        self._segment_of: dict[int, Path] = {}

    # -- writing ------------------------------------------------------------

    def append(self, raw: RawDocument) -> int:
        """Write ``raw`` to the current segment; return its journal id."""
        handle = self._current_handle()
        handle.write(encode(raw) + "\n")
        handle.flush()
        entry = self._next_id
        self._next_id += 1
        assert self._segment is not None
        self._open_ids[self._segment].add(entry)
        self._segment_of[entry] = self._segment
        return entry

    def done(self, entry: int) -> None:
        """``entry`` needs no replay (it was dropped as bad input)."""
        segment = self._segment_of.pop(entry, None)
        if segment is None:
            return
        self._open_ids[segment].discard(entry)
        if not self._open_ids[segment] and segment != self._segment:
            self._remove(segment)

    def done_after_commit(self, entry: int) -> None:
        """``entry`` is written in the open transaction: done once it commits."""
        self._committing.append(entry)

    def committed(self) -> None:
        """The open transaction committed: its entries are done; start a new segment."""
        entries, self._committing = self._committing, []
        self._rotate()
        for entry in entries:
            self.done(entry)

    def rolled_back(self) -> None:
        """The open transaction failed: its entries stay in the journal for replay."""
        self._committing = []

    def close(self) -> None:
        """Close the current segment; delete it if nothing in it needs replay."""
        self._rotate()

    def _current_handle(self) -> IO[str]:
        if self._handle is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._segments += 1
            name = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{self._segments}"
            self._segment = self.folder / f"{name}{SEGMENT_SUFFIX}"
            self._handle = self._segment.open("a", encoding="utf-8")
            self._open_ids[self._segment] = set()
        return self._handle

    def _rotate(self) -> None:
        if self._handle is None or self._segment is None:
            return
        self._handle.close()
        segment, self._handle, self._segment = self._segment, None, None
        if not self._open_ids[segment]:
            self._remove(segment)

    def _remove(self, segment: Path) -> None:
        self._open_ids.pop(segment, None)
        segment.unlink(missing_ok=True)


# -- replay -----------------------------------------------------------------


def claim_leftovers(folder: Path) -> list[Path]:
    """Take over the segments no running process owns, by renaming them."""
    if not folder.is_dir():
        return []
    claimed = []
    for path in sorted(folder.iterdir()):
        if not _is_leftover(path):
            continue
        target = path.with_name(f"{_segment_name(path)}{CLAIMED_MARK}{os.getpid()}")
        try:
            path.rename(target)
        except FileNotFoundError:  # another worker was faster
            continue
        claimed.append(target)
    return claimed


def read_segment(path: Path) -> Iterator[RawDocument]:
    """The documents of a segment; a line cut short by a kill is skipped."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.endswith("\n"):
                logger.warning("%s:%d: incomplete journal line skipped", path, number)
                continue
            yield decode(line)


def _segment_name(path: Path) -> str:
    return path.name.split(CLAIMED_MARK, 1)[0].removesuffix(SEGMENT_SUFFIX)


def _is_leftover(path: Path) -> bool:
    """A segment of a process that is gone, or one claimed by a process that is gone."""
    name = path.name
    if CLAIMED_MARK in name:
        return not process_alive(int(name.rsplit(CLAIMED_MARK, 1)[1] or 0))
    if not name.endswith(SEGMENT_SUFFIX):
        return False
    parts = name.removesuffix(SEGMENT_SUFFIX).split("-")
    return len(parts) == 3 and parts[1].isdigit() and not process_alive(int(parts[1]))


def process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
