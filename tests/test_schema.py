"""Alembic migrations: they build exactly the models' schema, and a newer database is refused."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from newscrawler.cli import main
from newscrawler.db.engine import make_engine
from newscrawler.db.models import Base
from newscrawler.db.schema import (
    UnknownSchemaVersion,
    alembic_config,
    current_revision,
    ensure_schema,
)


def test_migrations_match_the_models(sqlite_engine: Engine) -> None:
    ensure_schema(sqlite_engine)
    with sqlite_engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_upgrade_is_idempotent(sqlite_engine: Engine) -> None:
    first = ensure_schema(sqlite_engine)
    assert ensure_schema(sqlite_engine) == first == current_revision(sqlite_engine)


def test_database_from_a_newer_version_is_refused(
    sqlite_engine: Engine, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ensure_schema(sqlite_engine)
    with sqlite_engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed'"))
    with pytest.raises(UnknownSchemaVersion, match="f00dfeed"):
        ensure_schema(sqlite_engine)
    assert main(["--database-url", sqlite_url, "db", "upgrade"]) == 2
    assert "newer newscrawler" in capsys.readouterr().err


def test_cli_upgrade_creates_the_database(sqlite_url: str, sqlite_engine: Engine) -> None:
    assert current_revision(sqlite_engine) is None
    assert main(["--database-url", sqlite_url, "db", "upgrade"]) == 0
    assert current_revision(sqlite_engine) is not None


def test_migrations_on_postgresql(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    try:
        head = ensure_schema(engine)
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == []
        assert current_revision(engine) == head
    finally:
        engine.dispose()


def test_every_revision_upgrades_a_database_holding_data(database_url: str) -> None:
    """Walk the migration chain one revision at a time, with rows in the tables, and back."""
    engine = make_engine(database_url)
    config = alembic_config(engine)
    revisions = [
        r.revision for r in reversed(list(ScriptDirectory.from_config(config).walk_revisions()))
    ]
    try:
        for revision in revisions:
            command.upgrade(config, revision)
            assert current_revision(engine) == revision
            with engine.begin() as connection:
                connection.execute(
                    text("INSERT INTO crawl_runs (spider, started_at, status, fetched, stored, "
                         "duplicates, dropped, errors) VALUES ('t', CURRENT_TIMESTAMP, 'finished', "
                         "0, 0, 0, 0, 0)")
                )  # fmt: skip
        with engine.connect() as connection:
            runs = connection.execute(text("SELECT count(*) FROM crawl_runs")).scalar_one()
        assert runs == len(revisions)
        command.downgrade(config, "base")
        assert current_revision(engine) is None
        assert ensure_schema(engine) == revisions[-1]
    finally:
        engine.dispose()
