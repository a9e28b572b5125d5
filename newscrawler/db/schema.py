"""Schema versions under Alembic: upgrade on demand, refuse databases from the future.

A crawl calls :func:`ensure_schema` before it writes: an empty or older
database is upgraded to this code's head revision; a database stamped with
a revision this code does not know (written by a newer newscrawler) is
refused with a clear message rather than written into.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, text

MIGRATIONS = Path(__file__).with_name("migrations")
MIGRATION_LOCK_KEY = 0x6E657773  # "news"


class UnknownSchemaVersion(RuntimeError):
    """The database was migrated by a newer newscrawler than this one."""

    def __init__(self, revision: str) -> None:
        super().__init__(
            f"the database is at schema revision {revision!r}, which this version of "
            "newscrawler does not know: a newer newscrawler upgraded it. Refusing to write "
            "into it; upgrade newscrawler instead."
        )
        self.revision = revision


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def ensure_schema(engine: Engine) -> str:
    """Upgrade the database to head; raise :class:`UnknownSchemaVersion` if it is newer.

    Several workers may start at once on an empty database: the upgrade runs
    under a lock (an advisory lock on PostgreSQL, a lock file beside an
    SQLite file), and whoever gets it second finds the work done.
    """
    config = alembic_config(engine)
    scripts = ScriptDirectory.from_config(config)
    head = scripts.get_current_head()
    assert head is not None
    if _check_revision(engine, scripts) == head:
        return head
    with migration_lock(engine):
        if _check_revision(engine, scripts) != head:
            command.upgrade(config, "head")
    return head


def _check_revision(engine: Engine, scripts: ScriptDirectory) -> str | None:
    current = current_revision(engine)
    if current is not None and not _is_known(scripts, current):
        raise UnknownSchemaVersion(current)
    return current


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Hold a database-wide lock so that only one process migrates at a time."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with Path(f"{database}.migrate-lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _is_known(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        return scripts.get_revision(revision) is not None
    except CommandError:
        return False
