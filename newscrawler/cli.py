"""The operator's command line: ``newscrawler <command>``.

Commands work on ``DATABASE_URL`` (``--database-url`` or the
``NEWSCRAWLER_DATABASE_URL`` environment variable, else the project default)
without starting a crawl.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings
from sqlalchemy import func, select

from newscrawler.config import default_database_url
from newscrawler.db.engine import make_engine, make_sessionmaker, mask_url
from newscrawler.db.models import Article
from newscrawler.db.schema import UnknownSchemaVersion, ensure_schema

Command = Callable[[argparse.Namespace, TextIO], int]


def cmd_db_upgrade(args: argparse.Namespace, out: TextIO) -> int:
    engine = make_engine(args.database_url)
    revision = ensure_schema(engine)
    print(f"{mask_url(args.database_url)} is at schema revision {revision}", file=out)
    return 0


def cmd_show(args: argparse.Namespace, out: TextIO) -> int:
    """A table of the stored articles: id, language, length, title, URL."""
    engine = make_engine(args.database_url)
    ensure_schema(engine)
    with make_sessionmaker(engine)() as session:
        total = session.scalar(select(func.count(Article.id))) or 0
        rows = session.execute(
            select(
                Article.id,
                Article.language,
                Article.language_confidence,
                func.length(Article.text).label("length"),
                Article.duplicate_of,
                Article.title,
                Article.url,
            )
            .order_by(Article.id)
            .limit(args.limit)
        ).all()
    print(f"{total} articles in {mask_url(args.database_url)}", file=out)
    print(f"{'id':>5}  {'lang':<4} {'conf':>4}  {'chars':>6}  {'dup of':>6}  title", file=out)
    for row in rows:
        title = (row.title or "(no title)")[: args.width]
        dup = str(row.duplicate_of or "")
        print(
            f"{row.id:>5}  {row.language:<4} {row.language_confidence:>4.2f}  {row.length:>6}  "
            f"{dup:>6}  {title}",
            file=out,
        )
    return 0


def run_spider(database_url: str, spider_name: str, **arguments: Any) -> int:
    """Run one of the project's spiders in this process, as ``scrapy crawl`` would."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawler.settings")
    settings = get_project_settings()
    settings.set("DATABASE_URL", database_url, priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(spider_name, **arguments)
    process.start()
    return 0


def cmd_reextract(args: argparse.Namespace, out: TextIO) -> int:
    """Stored raw documents through today's pipeline (the ``reextract`` spider)."""
    return run_spider(args.database_url, "reextract", since=args.since, spider=args.spider)


def cmd_replay_spool(args: argparse.Namespace, out: TextIO) -> int:
    """Store what earlier crawls journaled but could not store (the ``replay`` spider)."""
    return run_spider(args.database_url, "replay")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newscrawler", description=__doc__)
    parser.add_argument(
        "--database-url",
        default=None,
        help="SQLAlchemy URL (default: NEWSCRAWLER_DATABASE_URL, else var/news.sqlite3)",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    db = commands.add_parser("db", help="database schema management")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="upgrade the schema to this version").set_defaults(
        handler=cmd_db_upgrade
    )

    show = commands.add_parser("show", help="list stored articles")
    show.add_argument("--limit", type=int, default=50)
    show.add_argument("--width", type=int, default=70, help="title characters to print")
    show.set_defaults(handler=cmd_show)

    reextract = commands.add_parser(
        "reextract", help="re-run extraction over stored raw documents, fetching nothing"
    )
    reextract.add_argument("--since", help="only articles first seen at or after this ISO time")
    reextract.add_argument("--spider", help="only documents fetched by this spider")
    reextract.set_defaults(handler=cmd_reextract)

    commands.add_parser(
        "replay-spool", help="store documents left in the journal by crashed or offline crawls"
    ).set_defaults(handler=cmd_replay_spool)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    args = build_parser().parse_args(argv)
    args.database_url = args.database_url or default_database_url()
    handler: Command = args.handler
    try:
        return handler(args, out)
    except UnknownSchemaVersion as error:
        print(f"newscrawler: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
