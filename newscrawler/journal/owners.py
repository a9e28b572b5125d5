"""Which database a journal belongs to, and which live process owns a segment.

Segments live in one folder per database (``SPOOL_DIR/db-<identity>``), the
identity being a hash of the database URL without its password (and with a
SQLite path made absolute), so a crawl only ever replays documents fetched
for the database it writes to.

A segment's owner is not identified by its PID, which a container's PID 1 or
a reused PID makes ambiguous, but by an ``flock`` the owning process holds on
``owners/<token>.lock`` for as long as it lives. The kernel drops the lock
when the process dies, however it dies; a segment whose owner's lock can be
taken is a leftover.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import secrets
import time
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DIR_MODE = 0o700
FILE_MODE = 0o600
OWNERS = "owners"


def database_identity(database_url: str) -> str:
    """16 hex digits naming the database (backend, user, host, port, database; no password)."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        canonical = database_url.split("@")[-1]
    else:
        database = url.database or ""
        if url.get_backend_name() == "sqlite" and database and database != ":memory:":
            database = str(Path(database).expanduser().resolve())
        canonical = (
            f"{url.get_backend_name()}://{url.username or ''}@{url.host or ''}:"
            f"{url.port or ''}/{database}"
        )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def make_private_dir(path: Path) -> Path:
    """``path`` (and missing parents) created readable by the owner only."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    with contextlib.suppress(OSError):
        path.chmod(DIR_MODE)
    return path


def open_private(path: Path, flags: int) -> int:
    """``os.open`` with mode 0600 for new files."""
    return os.open(path, flags | os.O_CLOEXEC, FILE_MODE)


class OwnerLock:
    """An flock held for the life of this process, naming the segments it writes."""

    def __init__(self, folder: Path) -> None:
        self.token = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{secrets.token_hex(3)}"
        self.path = make_private_dir(folder / OWNERS) / f"{self.token}.lock"
        self._fd: int | None = open_private(self.path, os.O_CREAT | os.O_RDWR)
        fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.write(self._fd, f"pid {os.getpid()} started {time.time():.0f}\n".encode())

    def describe(self) -> dict[str, Any]:
        """What a crawl run records so that a later run can tell whether it is still alive."""
        return {"owner_lock": str(self.path)}

    def release(self, remove: bool) -> None:
        if self._fd is None:
            return
        if remove:
            self.path.unlink(missing_ok=True)
        os.close(self._fd)
        self._fd = None


def lock_held(path: Path) -> bool:
    """True while a live process holds the flock on ``path`` (this one included)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def owner_alive(owner: dict[str, Any]) -> bool:
    """Whether the process described by a crawl run's ``owner_lock`` (else ``pid``) still runs."""
    lock = owner.get("owner_lock")
    if lock:
        return lock_held(Path(lock))
    return process_alive(int(owner.get("pid", 0) or 0))


def process_alive(pid: int) -> bool:
    """A PID check, for runs recorded before owner locks (ambiguous for PID 1 and reused PIDs)."""
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


@contextlib.contextmanager
def taken_over(lock_path: Path) -> Any:
    """Hold a dead owner's lock while its segments are claimed (None if it is alive)."""
    try:
        fd = open_private(lock_path, os.O_CREAT | os.O_RDWR)
    except OSError:
        yield False
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        yield False
        return
    try:
        yield True
    finally:
        lock_path.unlink(missing_ok=True)
        os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    """``os.write`` until every byte is written (it may write fewer)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
