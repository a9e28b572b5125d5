"""The journal's record format and life cycle, in process and across real processes.

Records must survive what disks and kills do to them (a flipped byte, a line
of garbage, a write cut short) with only the damaged record lost; a segment
must be claimed only when its owner is gone, and be deleted only when none
of its documents is still waiting.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

from newscrawler.items import RawDocument
from newscrawler.journal import Journal, database_identity
from newscrawler.journal.journal import pending_documents
from newscrawler.journal.records import Damage, Kind, Record, encode, scan

from .conftest import PROJECT_ROOT

URL = "sqlite:////srv/news.sqlite3"


def document(number: int) -> RawDocument:
    return RawDocument(
        url=f"https://news.example/{number}", body=f"body {number} ".encode() * 50,
        spider="test", fetched_at=datetime(2026, 11, 30, 12, number % 60, tzinfo=UTC),
        hints={"published_at": datetime(2026, 11, 29, tzinfo=UTC), "title": "T"},
    )  # fmt: skip


def test_a_damaged_record_costs_only_itself() -> None:
    records = [encode(Kind.DOCUMENT, {"id": n}, bytes([n]) * 40) for n in range(5)]
    data = bytearray(b"".join(records))
    data[len(records[0]) + 25] ^= 0xFF  # a flipped bit in the second record's body
    found = list(scan(bytes(data[:-10])))  # and the last record cut short
    assert [r.header["id"] for r in found if isinstance(r, Record)] == [0, 2, 3]
    damage = [d for d in found if isinstance(d, Damage)]
    assert [d.truncated for d in damage] == [False, True]


def test_garbage_between_records_is_skipped() -> None:
    first, second = encode(Kind.DONE, {"ids": [1]}), encode(Kind.DONE, {"ids": [2]})
    found = list(scan(first + b"not a record\n\x93NC" + second))
    assert [r.header for r in found if isinstance(r, Record)] == [{"ids": [1]}, {"ids": [2]}]


def test_the_identity_ignores_the_password_and_the_driver() -> None:
    a = database_identity("postgresql+psycopg://news:secret@db:5432/news")
    assert a == database_identity("postgresql://news:other@db:5432/news")
    assert a != database_identity("postgresql+psycopg://news:secret@db:5432/archive")
    assert database_identity("sqlite:///var/x.sqlite3") != database_identity(
        "sqlite:////tmp/x.sqlite3"
    )


def test_committed_documents_are_not_replayed_and_open_ones_are(tmp_path: Path) -> None:
    journal = Journal(tmp_path, URL)
    journal.open("test")
    entries = [journal.append(document(n)) for n in range(6)]
    for entry in entries[:3]:
        journal.done_after_commit(entry)
    journal.committed()
    journal.done(entries[3])  # dropped as bad input
    assert pending_documents(tmp_path) == 2
    segments = list(journal.folder.glob("*.seg"))
    assert len(segments) == 1 and segments[0].stat().st_mode & 0o777 == 0o600
    assert journal.folder.stat().st_mode & 0o777 == 0o700


def test_a_dead_owners_documents_are_claimed_once_with_their_fields(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(PROJECT_ROOT)!r})
        from pathlib import Path
        from tests.test_journal import document, URL
        from newscrawler.journal import Journal
        journal = Journal(Path({str(tmp_path)!r}), URL)
        journal.open("writer")
        for n in range(4):
            journal.append(document(n))
        os._exit(0)  # dies without closing: its lock goes with it
    """)
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    first, second = Journal(tmp_path, URL), Journal(tmp_path, URL)
    first.open("reader")
    second.open("reader")
    claimed = first.claim_leftovers()
    assert len(claimed) == 1 and second.claim_leftovers() == []  # claimed once
    replayed = [raw for path in claimed for raw in first.adopt(path)]
    assert [(r.url, r.body, r.fetched_at, r.hints) for r in replayed] == [
        (d.url, d.body, d.fetched_at, d.hints) for d in map(document, range(4))
    ]
    for raw in replayed:
        first.done_after_commit(first.append(raw))  # append of a replayed document: its entry
    first.committed()
    assert pending_documents(tmp_path) == 0 and list(first.folder.glob("*.seg")) == []


def test_a_live_owners_segments_are_left_alone(tmp_path: Path) -> None:
    writer = Journal(tmp_path, URL)
    writer.open("writer")
    writer.append(document(1))
    reader = Journal(tmp_path, URL)
    reader.open("reader")
    assert reader.claim_leftovers() == []
    assert pending_documents(tmp_path) == 1


def test_a_document_failing_too_often_goes_to_quarantine_and_comes_back(tmp_path: Path) -> None:
    journal = Journal(tmp_path, URL, max_failures=2)
    journal.open("a")
    entry = journal.append(document(7))
    journal.failed(entry, "RuntimeError: boom")
    journal.failed(entry, "RuntimeError: boom")
    journal.owner.release(remove=False)  # type: ignore[union-attr]  # as if it had died
    journal.owner = None
    later = Journal(tmp_path, URL, max_failures=2)
    later.open("b")
    assert [raw for path in later.claim_leftovers() for raw in later.adopt(path)] == []
    [entry_] = later.quarantine.entries()
    assert entry_.reason == "failed" and "RuntimeError: boom" in entry_.detail
    assert entry_.url == "https://news.example/7"
    assert later.quarantine.retry(None)[0] == 1 and later.quarantine.entries() == []
    replayed = [raw for path in later.claim_leftovers() for raw in later.adopt(path)]
    assert [raw.url for raw in replayed] == ["https://news.example/7"]


def test_an_unwritable_journal_reports_once_and_stops(tmp_path: Path) -> None:
    failures: list[OSError] = []
    journal = Journal(tmp_path, URL, on_failure=failures.append)
    journal.open("full")
    assert journal.append(document(1)) is not None
    full = Path("/dev/full")
    segment = next(journal.folder.glob("*.seg"))
    assert journal._current is not None
    os.dup2(os.open(full, os.O_WRONLY), journal._current.fd)  # the disk is full from now on
    assert journal.append(document(2)) is None
    assert journal.append(document(3)) is None
    assert len(failures) == 1 and failures[0].errno == 28  # ENOSPC
    assert segment.exists()
