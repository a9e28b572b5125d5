"""``newscrawler db upgrade``: create or upgrade the schema on demand."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from sqlalchemy.exc import DBAPIError

from newscrawler import verdict
from newscrawler.credentials import mask_credentials
from newscrawler.db.engine import mask_url
from newscrawler.db.schema import ensure_schema
from newscrawler.ops import CommandError, open_engine


def register(commands: Any, common: list[argparse.ArgumentParser]) -> None:
    db = commands.add_parser("db", help="database schema management")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    db_commands.add_parser(
        "upgrade",
        parents=common,
        help="create or upgrade the schema to this version",
        description="Create the schema in an empty database, or upgrade an older one.",
    ).set_defaults(handler=run_upgrade)


def run_upgrade(args: argparse.Namespace, out: TextIO) -> int:
    engine = open_engine(args.database_url)
    try:
        revision = ensure_schema(engine)
    except DBAPIError as error:
        reason = mask_credentials(str(error.orig or error).strip().splitlines()[0])
        raise CommandError(
            f"cannot upgrade {mask_url(args.database_url)}: {reason}", verdict.DATABASE
        ) from error
    finally:
        engine.dispose()
    print(f"{mask_url(args.database_url)} is at schema revision {revision}", file=out)
    return 0
