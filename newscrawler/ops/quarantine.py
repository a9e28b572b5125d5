"""``newscrawler quarantine list|retry``: documents that failed too often, and damaged records.

The quarantine is a dead-letter file in the journal folder of one database
(:mod:`newscrawler.quarantine`); ``retry`` sends documents back to the journal,
so the next crawl into that database replays them. ``stats`` prints the same
folder's backlog through :func:`print_journal`.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any, TextIO

from scrapy.utils.project import get_project_settings

from newscrawler import verdict
from newscrawler.config import NewscrawlerConfig
from newscrawler.journal import database_identity
from newscrawler.journal.journal import pending_documents
from newscrawler.ops import CommandError
from newscrawler.quarantine import Quarantine


def register(commands: Any, common: list[argparse.ArgumentParser]) -> None:
    quarantine = commands.add_parser(
        "quarantine", help="documents that failed too often, and damaged journal records"
    )
    actions = quarantine.add_subparsers(dest="quarantine_command", required=True)
    actions.add_parser("list", parents=common, help="list them").set_defaults(handler=run_list)
    retry = actions.add_parser(
        "retry", parents=common, help="send documents back to the journal for the next crawl"
    )
    retry.add_argument("numbers", nargs="*", type=int, help="entry numbers from list")
    retry.add_argument("--all", action="store_true", help="every quarantined document")
    retry.set_defaults(handler=run_retry)


def project_config() -> NewscrawlerConfig:
    """The project's settings, from a checkout or an installed package."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawler.settings")
    return NewscrawlerConfig.from_settings(get_project_settings())


def spool_dir(args: argparse.Namespace) -> Path:
    """``--spool-dir``, else the project's ``SPOOL_DIR``."""
    given = getattr(args, "spool_dir", None)
    return Path(given) if given else Path(project_config().spool_dir)


def quarantine_of(args: argparse.Namespace) -> Quarantine:
    """The dead-letter file of ``--database-url`` (in its journal folder under SPOOL_DIR)."""
    return Quarantine(spool_dir(args) / f"db-{database_identity(args.database_url)}")


def print_journal(args: argparse.Namespace, out: TextIO) -> None:
    quarantine = quarantine_of(args)
    counts = quarantine.counts()
    pending = pending_documents(quarantine.folder.parent) if quarantine.folder.is_dir() else 0
    print(f"\njournal: {pending} document(s) waiting for replay in {quarantine.folder}", file=out)
    summary = ", ".join(f"{reason}={n}" for reason, n in sorted(counts.items())) or "empty"
    print(f"quarantine: {sum(counts.values())} ({summary})", file=out)


def run_list(args: argparse.Namespace, out: TextIO) -> int:
    """What is in the quarantine, one line each: number, kind, reason, URL, detail."""
    quarantine = quarantine_of(args)
    entries = quarantine.entries()
    print(f"{len(entries)} quarantined in {quarantine.path}", file=out)
    for entry in entries:
        print(f"{entry.number:>5}  {entry.quarantined_at}  {entry.kind:<8} {entry.reason:<20} "
              f"{entry.url or '-'}  {entry.detail}", file=out)  # fmt: skip
    return 0


def run_retry(args: argparse.Namespace, out: TextIO) -> int:
    """Send quarantined documents back to the journal; the next crawl replays them."""
    numbers = None if args.all else set(args.numbers)
    if numbers is not None and not numbers:
        raise CommandError("give entry numbers (see quarantine list) or --all", verdict.USAGE)
    sent, damaged = quarantine_of(args).retry(numbers)
    print(f"{sent} document(s) sent back to the journal for the next crawl", file=out)
    for entry in damaged:
        print(f"{entry.number}: damaged bytes, not a document: kept ({entry.detail})", file=out)
    return 0
