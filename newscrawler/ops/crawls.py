"""Commands that run a crawl: ``reextract``, ``replay-spool``, and ``crawl`` (``scrapy crawl``).

They run the project's spiders in this process with the project settings
(``newscrawler.settings`` unless ``SCRAPY_SETTINGS_MODULE`` says otherwise,
so they work from an installed package, outside a checkout), and exit with
the run's verdict like ``scrapy crawl`` does.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, TextIO

from scrapy.utils.project import get_project_settings

from newscrawler.commands.crawl import crawler_process, run_crawler
from newscrawler.ops import open_for_reading, since

SETTINGS_MODULE = "newscrawler.settings"


def register(commands: Any, common: list[argparse.ArgumentParser]) -> None:
    reextract = commands.add_parser(
        "reextract",
        parents=common,
        help="re-run extraction over stored raw documents, fetching nothing",
        description="Re-run extraction, language and dedup links over stored raw documents.",
    )
    reextract.add_argument(
        "--since",
        type=since,
        help="only articles first seen at or after this time: ISO date/time, 2d, 6h, yesterday",
    )
    reextract.add_argument("--spider", help="only documents fetched by this spider")
    reextract.set_defaults(handler=run_reextract)

    commands.add_parser(
        "replay-spool",
        parents=common,
        help="store documents left in the journal by crashed or offline crawls",
        description="Store the documents earlier crawls journaled but could not store.",
    ).set_defaults(handler=run_replay_spool)

    crawl = commands.add_parser(
        "crawl",
        help="scrapy crawl SPIDER [options], from anywhere (the installed project settings)",
        description="Run scrapy crawl with newscrawler's settings, e.g. newscrawler crawl "
        "files -a path=DIR. Every scrapy crawl option works; the exit codes are the same.",
    )
    crawl.add_argument("arguments", nargs=argparse.REMAINDER, help="SPIDER and scrapy options")
    crawl.set_defaults(handler=run_scrapy_crawl, needs_database=False)


def project_settings(database_url: str) -> Any:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", SETTINGS_MODULE)
    settings = get_project_settings()
    settings.set("DATABASE_URL", database_url, priority="cmdline")
    settings.set("PROGRESS_BAR", sys.stderr.isatty(), priority="cmdline")
    return settings


def run_spider(
    database_url: str, spider_name: str, spool_dir: str | None = None, **arguments: Any
) -> int:
    """Run one of the project's spiders in this process; its verdict's exit code."""
    settings = project_settings(database_url)
    if spool_dir:
        settings.set("SPOOL_DIR", spool_dir, priority="cmdline")
    process = crawler_process(settings)
    return run_crawler(process, spider_name, **arguments)


def run_reextract(args: argparse.Namespace, out: TextIO) -> int:
    open_for_reading(args.database_url).dispose()  # nothing to re-extract in a missing database
    start = args.since.isoformat() if args.since else None
    return run_spider(args.database_url, "reextract", since=start, spider=args.spider)


def run_replay_spool(args: argparse.Namespace, out: TextIO) -> int:
    return run_spider(args.database_url, "replay", spool_dir=getattr(args, "spool_dir", None))


def run_scrapy_crawl(args: argparse.Namespace, out: TextIO) -> int:
    from scrapy.cmdline import execute

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", SETTINGS_MODULE)
    try:
        execute(["scrapy", "crawl", *args.arguments])
    except SystemExit as done:
        return int(done.code or 0) if not isinstance(done.code, str) else 2
    return 0
