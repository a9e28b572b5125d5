"""Schema versions under Alembic: upgrade on demand, refuse databases from the future.

A crawl calls :func:`ensure_schema` before it writes: an empty or older
database is upgraded to this code's head revision; a database stamped with
a revision this code does not know (written by a newer newscrawler) is
refused with a clear message rather than written into.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


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


def head_revision(engine: Engine) -> str:
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def ensure_schema(engine: Engine) -> str:
    """Upgrade the database to head; raise :class:`UnknownSchemaVersion` if it is newer."""
    config = alembic_config(engine)
    scripts = ScriptDirectory.from_config(config)
    current = current_revision(engine)
    if current is not None and not _is_known(scripts, current):
        raise UnknownSchemaVersion(current)
    if current != scripts.get_current_head():
        command.upgrade(config, "head")
    return head_revision(engine)


def _is_known(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        return scripts.get_revision(revision) is not None
    except CommandError:
        return False
