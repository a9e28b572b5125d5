"""Alembic migrations: they build exactly the models' schema, and a newer database is refused."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text

from newscrawler.cli import main
from newscrawler.db.engine import make_engine
from newscrawler.db.models import Base
from newscrawler.db.schema import UnknownSchemaVersion, current_revision, ensure_schema


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
