"""``newscrawler db upgrade|reband``: create or upgrade the schema; rebuild the band index."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from sqlalchemy.exc import DBAPIError

from newscrawler import verdict
from newscrawler.credentials import mask_credentials
from newscrawler.db.engine import make_sessionmaker, mask_url
from newscrawler.db.repository import rebuild_bands
from newscrawler.db.schema import ensure_schema
from newscrawler.dedup.decide import FingerprintSettings, fingerprint, lsh_parameters
from newscrawler.ops import CommandError, open_engine
from newscrawler.ops.quarantine import project_config


def register(commands: Any, common: list[argparse.ArgumentParser]) -> None:
    db = commands.add_parser("db", help="database schema management")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    db_commands.add_parser(
        "upgrade",
        parents=common,
        help="create or upgrade the schema to this version",
        description="Create the schema in an empty database, or upgrade an older one.",
    ).set_defaults(handler=run_upgrade)
    db_commands.add_parser(
        "reband",
        parents=common,
        help="recompute the near-duplicate index with this version's band layout",
        description="Recompute the LSH bands and MinHash signatures of every stored article "
        "(once, after an upgrade that changed the band layout or the signatures, or after "
        "changing DEDUP_NUM_PERM or DEDUP_SHINGLE_SIZE).",
    ).set_defaults(handler=run_reband)


def run_reband(args: argparse.Namespace, out: TextIO) -> int:
    config = project_config()
    params = lsh_parameters(config.dedup_threshold, config.dedup_num_perm)
    settings = FingerprintSettings(params, config.dedup_shingle_size)
    engine = open_engine(args.database_url, writer=True)
    try:
        ensure_schema(engine)
        with make_sessionmaker(engine)() as session:
            done = rebuild_bands(session, lambda text: fingerprint(text, settings))
    finally:
        engine.dispose()
    print(f"{done} articles re-banded ({params.bands} bands of {params.rows} rows)", file=out)
    return 0


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
