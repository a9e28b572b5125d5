"""The operator's command line: newscrawler COMMAND [options].

Commands work on DATABASE_URL: --database-url (before or after the command),
else the NEWSCRAWLER_DATABASE_URL environment variable, else the default
database under the data directory (NEWSCRAWLER_HOME). Read-only commands
(show, stats, export) never create a database; every command exits non-zero
with one line on standard error when it could not do its job.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any, TextIO

from newscrawler import verdict
from newscrawler.config import default_database_url
from newscrawler.credentials import mask_credentials
from newscrawler.db.schema import UnknownSchemaVersion
from newscrawler.frontier import admin as frontier_admin
from newscrawler.ops import (
    CommandError,
    archive,
    crawls,
    exporting,
    quarantine,
    report,
    schema,
    show,
    stories,
)

Command = Callable[[argparse.Namespace, TextIO], int]
Register = Callable[[Any, list[argparse.ArgumentParser]], None]

# The one place subcommands are registered: each module adds its own parser(s)
# with ``register(commands, common)`` and keeps its logic to itself.
SUBCOMMANDS: tuple[Register, ...] = (
    show.register,
    report.register,
    exporting.register,
    archive.register,
    stories.register,
    quarantine.register,
    frontier_admin.register,
    crawls.register,
    schema.register,
)
BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell tool exits with after `| head`


def package_version() -> str:
    try:
        return version("newscrawler")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown"


def common_options() -> argparse.ArgumentParser:
    """Options every command takes, before or after its name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        default=argparse.SUPPRESS,
        help="SQLAlchemy URL (default: $NEWSCRAWLER_DATABASE_URL, else the data directory's "
        "news.sqlite3)",
    )
    common.add_argument(
        "--spool-dir",
        default=argparse.SUPPRESS,
        help="the journal folder (default: the SPOOL_DIR setting)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = argparse.ArgumentParser(
        prog="newscrawler",
        description=__doc__,
        parents=[common],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"newscrawler {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in SUBCOMMANDS:
        register(commands, [common])
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    args = build_parser().parse_args(argv)
    args.database_url = getattr(args, "database_url", None) or default_database_url()
    handler: Command = args.handler
    try:
        return handler(args, out)
    except CommandError as error:
        return fail(str(error), error.code)
    except UnknownSchemaVersion as error:
        return fail(str(error), verdict.USAGE)
    except BrokenPipeError:
        # The reader (e.g. `| head`) is gone: stop quietly, and keep Python's own
        # flush at exit from raising again on the closed pipe.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return BROKEN_PIPE


def fail(message: str, code: int) -> int:
    print(f"newscrawler: {mask_credentials(message)}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
