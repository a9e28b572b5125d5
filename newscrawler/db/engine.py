"""Engines and sessions for ``DATABASE_URL``, with the per-backend settings they need.

SQLite runs in WAL mode with a busy timeout so that readers (downstream jobs,
``newscrawler export``) never block a crawl; every URL printed anywhere goes
through :func:`mask_url` so that credentials stay out of logs.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from newscrawler.credentials import mask_credentials

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000


def mask_url(url: str) -> str:
    """The URL with its password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a SQLAlchemy URL
        return mask_credentials(url)


def make_engine(url: str, *, writer: bool = False, **kwargs: Any) -> Engine:
    """Create an engine; for SQLite files, create the folder and switch on WAL.

    SQLite transactions are begun by SQLAlchemy rather than by the driver
    (which would otherwise let SAVEPOINT start, and RELEASE commit, a
    transaction); a ``writer`` engine begins them IMMEDIATE, so that a
    second writing process waits for the lock instead of failing.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            _make_folder_of(Path(database).expanduser())
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _configure_sqlite)
        begin = "BEGIN IMMEDIATE" if writer else "BEGIN"
        event.listen(engine, "begin", lambda connection: connection.exec_driver_sql(begin))
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def _make_folder_of(database: Path) -> None:
    """Create the SQLite file's folder; when it cannot be, say why (SQLite only says it can't open).

    Opening then fails as an unreachable database does: a crawl journals its
    documents and exits 3, a command reports the database; no traceback.
    """
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        logger.error("Cannot create the folder of the SQLite database %s: %s", database, error)
