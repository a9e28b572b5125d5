"""What the operator's commands share: opening the database for reading, and their errors.

A read-only command (``show``, ``stats``, ``export``) must never create a
database, a folder or a schema: :func:`open_for_reading` checks that the
database exists and carries newscrawler's schema, and otherwise raises a
:class:`CommandError` whose one-line message says what is wrong (with any
password masked) and what to do. Times given on the command line
(``--since``) are read by :func:`parse_since`.
"""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from newscrawler import verdict
from newscrawler.credentials import mask_credentials
from newscrawler.db.engine import make_engine, mask_url
from newscrawler.db.schema import alembic_config, current_revision
from newscrawler.text.languages import UNDETERMINED, normalise_language
from newscrawler.usage import install_hint

DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class CommandError(Exception):
    """A command cannot do what was asked: one line for the operator, and an exit code."""

    def __init__(self, message: str, code: int = verdict.FAILED) -> None:
        super().__init__(message)
        self.code = code


def missing_extra(error: ModuleNotFoundError) -> CommandError:
    """The error for an optional dependency that is not installed, naming the extra."""
    hint = install_hint(error.name or "")
    if hint is None:
        return CommandError(f"a required module is missing: {error}")
    return CommandError(hint, verdict.USAGE)


def open_engine(url: str, writer: bool = False) -> Engine:
    """An engine for ``url``, or a :class:`CommandError` for a URL or driver that cannot work."""
    try:
        return make_engine(url, writer=writer)
    except ModuleNotFoundError as error:
        raise missing_extra(error) from error
    except (ArgumentError, NoSuchModuleError, ValueError) as error:
        raise CommandError(
            f"DATABASE_URL {mask_url(url)!r} is not a usable database URL ({error})",
            verdict.USAGE,
        ) from error


def open_for_reading(url: str) -> Engine:
    """An engine on an existing newscrawler database; nothing is created."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise CommandError(
            f"DATABASE_URL {mask_credentials(url)!r} is not a database URL", verdict.USAGE
        ) from error
    database = parsed.database
    local = parsed.get_backend_name() == "sqlite" and database and database != ":memory:"
    if local and not Path(str(database)).expanduser().is_file():
        raise CommandError(
            f"no database at {database}: nothing has been stored there yet "
            "(run a crawl, or give --database-url)",
            verdict.DATABASE,
        )
    engine = open_engine(url)
    revision = _revision(engine, url)
    if revision is None:
        raise CommandError(
            f"{mask_url(url)} has no newscrawler tables (run a crawl or newscrawler db upgrade)",
            verdict.DATABASE,
        )
    scripts = ScriptDirectory.from_config(alembic_config(engine))
    known = {script.revision for script in scripts.walk_revisions()}
    if revision in known and revision != scripts.get_current_head():
        raise CommandError(
            f"{mask_url(url)} is at an older schema revision ({revision}): "
            "run newscrawler db upgrade",
            verdict.DATABASE,
        )
    return engine


def _revision(engine: Engine, url: str) -> str | None:
    try:
        return current_revision(engine)
    except DBAPIError as error:
        engine.dispose()
        first = str(error.orig or error).strip().splitlines()
        reason = mask_credentials(first[0]) if first else type(error).__name__
        raise CommandError(f"cannot read {mask_url(url)}: {reason}", verdict.DATABASE) from error


def parse_since(value: str | None, now: datetime | None = None) -> datetime | None:
    """``--since``: an ISO date or time (UTC if naive), an age (``2d``, ``6h``, ``30m``),
    ``today`` or ``yesterday`` (midnight UTC). Raises ``ValueError`` with the accepted forms."""
    if not value:
        return None
    now = now or datetime.now(UTC)
    word = value.strip().lower()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if word == "today":
        return midnight
    if word == "yesterday":
        return midnight - timedelta(days=1)
    match = DURATION.match(word)
    if match is not None:
        return now - timedelta(**{UNITS[match.group(2).lower()]: float(match.group(1))})
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(
            f"{value!r} is not a time: give an ISO date or time (2026-11-30, "
            "2026-11-30T06:00), an age (2d, 6h, 30m) or today / yesterday"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def language_code(value: str) -> str:
    """``--language``: ISO 639-1 in any spelling (``DE``, ``de-AT``, ``deu``), or ``und``."""
    if value.strip().lower() == UNDETERMINED:
        return UNDETERMINED
    code = normalise_language(value)
    if code is None:
        raise ValueError(
            f"{value!r} is not an ISO 639-1 language code: give two letters, e.g. de, en, fr "
            "(newscrawler stats lists the stored languages)"
        )
    return code


def since(value: str) -> datetime | None:
    """:func:`parse_since` for argparse: a bad value is a one-line usage error."""
    try:
        return parse_since(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def language_argument(value: str) -> str:
    try:
        return language_code(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
