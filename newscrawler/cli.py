"""The operator's command line: ``newscrawler <command>``.

Commands work on ``DATABASE_URL`` (``--database-url`` or the
``NEWSCRAWLER_DATABASE_URL`` environment variable, else the project default)
without starting a crawl.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings
from sqlalchemy import func, select

from newscrawler import export
from newscrawler.archive import write as archive_write
from newscrawler.config import NewscrawlerConfig, default_database_url
from newscrawler.db.engine import make_engine, make_sessionmaker, mask_url
from newscrawler.db.models import Article, CrawlRun
from newscrawler.db.schema import UnknownSchemaVersion, ensure_schema
from newscrawler.journal import database_identity
from newscrawler.journal.journal import pending_documents
from newscrawler.quarantine import Quarantine
from newscrawler.spiders.reextract import parse_since

Command = Callable[[argparse.Namespace, TextIO], int]
RUN_ROW = "{:>5}  {:<12} {:<12} {:<20} {:>7} {:>6} {:>5} {:>7} {:>6}"


def cmd_db_upgrade(args: argparse.Namespace, out: TextIO) -> int:
    engine = make_engine(args.database_url)
    revision = ensure_schema(engine)
    print(f"{mask_url(args.database_url)} is at schema revision {revision}", file=out)
    return 0


def cmd_db_reband(args: argparse.Namespace, out: TextIO) -> int:
    """Recompute the near-duplicate index with this version's band layout."""
    from newscrawler.config import NewscrawlerConfig
    from newscrawler.db.repository import rebuild_bands
    from newscrawler.dedup.decide import lsh_parameters, shingle_bands
    from newscrawler.dedup.fingerprint import shingles

    config = NewscrawlerConfig.from_settings(get_project_settings())
    params = lsh_parameters(config.dedup_threshold, config.dedup_num_perm)
    engine = make_engine(args.database_url, writer=True)
    ensure_schema(engine)
    with make_sessionmaker(engine)() as session:
        done = rebuild_bands(
            session, lambda text: shingle_bands(shingles(text, config.dedup_shingle_size), params)
        )
    engine.dispose()
    print(f"{done} articles re-banded ({params.bands} bands of {params.rows} rows)", file=out)
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


def project_config() -> NewscrawlerConfig:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawler.settings")
    return NewscrawlerConfig.from_settings(get_project_settings())


def run_spider(
    database_url: str, spider_name: str, spool_dir: str | None = None, **arguments: Any
) -> int:
    """Run one of the project's spiders in this process, as ``scrapy crawl`` would."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawler.settings")
    settings = get_project_settings()
    settings.set("DATABASE_URL", database_url, priority="cmdline")
    if spool_dir:
        settings.set("SPOOL_DIR", spool_dir, priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(spider_name, **arguments)
    process.start()
    return 0


def cmd_reextract(args: argparse.Namespace, out: TextIO) -> int:
    """Stored raw documents through today's pipeline (the ``reextract`` spider)."""
    return run_spider(args.database_url, "reextract", since=args.since, spider=args.spider)


def cmd_replay_spool(args: argparse.Namespace, out: TextIO) -> int:
    """Store what earlier crawls journaled but could not store (the ``replay`` spider)."""
    return run_spider(args.database_url, "replay", spool_dir=args.spool_dir)


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    """Stream articles to a file or standard output."""
    if args.format == "parquet" and not args.output:
        print("newscrawler: --format parquet needs --output PATH", file=sys.stderr)
        return 2
    engine = make_engine(args.database_url)
    ensure_schema(engine)
    query = export.article_query(
        since=parse_since(args.since), language=args.language, one_per_story=args.one_per_story
    )
    with make_sessionmaker(engine)() as session:
        records = export.rows(session, query)
        if args.format == "parquet":
            count = export.write_parquet(records, args.output)
        else:
            writer = export.write_jsonl if args.format == "jsonl" else export.write_csv
            with _open_output(args.output, out) as stream:
                count = writer(records, stream)
    print(f"exported {count} articles", file=sys.stderr)
    return 0


def cmd_export_raw(args: argparse.Namespace, out: TextIO) -> int:
    """Stored raw documents as a WARC file (:mod:`newscrawler.archive.write`)."""
    output = Path(args.output)
    counts = archive_write.export_database(args.database_url, output, parse_since(args.since))
    left_out = f" ({counts.local_files} local files left out)" if counts.local_files else ""
    print(f"exported {counts.written} raw documents to {output}{left_out}", file=sys.stderr)
    return 0 if counts.written else 1


@contextmanager
def _open_output(path: str | None, default: TextIO) -> Iterator[TextIO]:
    if not path or path == "-":
        yield default
        return
    with Path(path).open("w", encoding="utf-8", newline="") as stream:
        yield stream


def cmd_stats(args: argparse.Namespace, out: TextIO) -> int:
    """Counts per crawl run, per site and per language."""
    engine = make_engine(args.database_url)
    ensure_schema(engine)
    with make_sessionmaker(engine)() as session:
        print("crawl runs (newest first):", file=out)
        print(RUN_ROW.format("id", "spider", "status", "started (UTC)", "fetched", "stored",
                             "dups", "dropped", "errors"), file=out)  # fmt: skip
        recent = select(CrawlRun).order_by(CrawlRun.id.desc()).limit(args.runs)
        for run in session.scalars(recent):
            started = f"{run.started_at:%Y-%m-%d %H:%M:%S}"
            print(RUN_ROW.format(run.id, run.spider, run.status, started, run.fetched,
                                 run.stored, run.duplicates, run.dropped, run.errors),
                  file=out)  # fmt: skip
        _print_journal(args, out)
        _print_counts(session, out, "articles per language", Article.language)
        _print_counts(session, out, "articles per site", Article.site_name, limit=args.sites)
    return 0


def quarantine_of(args: argparse.Namespace) -> Quarantine:
    """The dead-letter file of ``--database-url`` (in its journal folder under SPOOL_DIR)."""
    return Quarantine(Path(args.spool_dir) / f"db-{database_identity(args.database_url)}")


def _print_journal(args: argparse.Namespace, out: TextIO) -> None:
    quarantine = quarantine_of(args)
    counts = quarantine.counts()
    pending = pending_documents(quarantine.folder.parent) if quarantine.folder.is_dir() else 0
    print(f"\njournal: {pending} document(s) waiting for replay in {quarantine.folder}", file=out)
    summary = ", ".join(f"{reason}={n}" for reason, n in sorted(counts.items())) or "empty"
    print(f"quarantine: {sum(counts.values())} ({summary})", file=out)


def cmd_quarantine_list(args: argparse.Namespace, out: TextIO) -> int:
    """What is in the quarantine, one line each: number, kind, reason, URL, detail."""
    entries = quarantine_of(args).entries()
    print(f"{len(entries)} quarantined in {quarantine_of(args).path}", file=out)
    for entry in entries:
        print(f"{entry.number:>5}  {entry.quarantined_at}  {entry.kind:<8} {entry.reason:<20} "
              f"{entry.url or '-'}  {entry.detail}", file=out)  # fmt: skip
    return 0


def cmd_quarantine_retry(args: argparse.Namespace, out: TextIO) -> int:
    """Send quarantined documents back to the journal; the next crawl replays them."""
    numbers = None if args.all else set(args.numbers)
    if numbers is not None and not numbers:
        print("newscrawler: give entry numbers (see quarantine list) or --all", file=sys.stderr)
        return 2
    sent, damaged = quarantine_of(args).retry(numbers)
    print(f"{sent} document(s) sent back to the journal for the next crawl", file=out)
    for entry in damaged:
        print(f"{entry.number}: damaged bytes, not a document: kept ({entry.detail})", file=out)
    return 0


def _print_counts(session: Any, out: TextIO, heading: str, column: Any, limit: int = 50) -> None:
    print(f"\n{heading} (all / one per story):", file=out)
    stories = func.count(Article.id).filter(Article.duplicate_of.is_(None))
    query = (
        select(column, func.count(Article.id), stories)
        .group_by(column)
        .order_by(func.count(Article.id).desc())
        .limit(limit)
    )
    for value, total, unique in session.execute(query):
        print(f"  {value or '(unknown)':<40} {total:>8} {unique:>8}", file=out)


def cmd_stories(args: argparse.Namespace, out: TextIO) -> int:
    """Recent stories with their article counts and languages; or ``--rebuild`` them."""
    from newscrawler.config import NewscrawlerConfig
    from newscrawler.db import stories
    from newscrawler.story.match import MatchRule

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawler.settings")
    since = parse_since(args.since)
    engine = make_engine(args.database_url, writer=args.rebuild)
    ensure_schema(engine)
    with make_sessionmaker(engine)() as session:
        if args.rebuild:
            rule = MatchRule.from_config(NewscrawlerConfig.from_settings(get_project_settings()))
            count = stories.rebuild(session, rule, since)
            print(f"rebuilt the stories of {count} articles", file=out)
            return 0
        found = stories.recent_stories(session, since, args.language, args.limit)
        print(
            f"{'story':>6}  {'last seen (UTC)':<16}  {'articles':>8}  {'languages':<14} title",
            file=out,
        )
        for story in found:
            title = (story.title or "(no title)")[: args.width]
            print(f"{story.id:>6}  {story.last_seen_at:%Y-%m-%d %H:%M}  {story.article_count:>8}  "
                  f"{','.join(story.languages):<14} {title}", file=out)  # fmt: skip
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newscrawler", description=__doc__)
    parser.add_argument(
        "--database-url",
        default=None,
        help="SQLAlchemy URL (default: NEWSCRAWLER_DATABASE_URL, else var/news.sqlite3)",
    )
    parser.add_argument("--spool-dir", default=None, help="the journal folder (SPOOL_DIR)")
    commands = parser.add_subparsers(dest="command", required=True)

    db = commands.add_parser("db", help="database schema management")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="upgrade the schema to this version").set_defaults(
        handler=cmd_db_upgrade
    )
    db_commands.add_parser(
        "reband", help="recompute the near-duplicate index (once, after the band layout changed)"
    ).set_defaults(handler=cmd_db_reband)

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

    exporter = commands.add_parser("export", help="stream articles for downstream jobs")
    exporter.add_argument("--format", choices=export.FORMATS, default="jsonl")
    exporter.add_argument("--since", help="only articles first seen at or after this ISO time")
    exporter.add_argument("--language", help="only articles in this ISO 639-1 language")
    exporter.add_argument("--one-per-story", action="store_true", help="leave out near-duplicates")
    exporter.add_argument("--output", help="file to write (default: standard output)")
    exporter.set_defaults(handler=cmd_export)

    raw = commands.add_parser("export-raw", help="write stored raw documents as a WARC file")
    raw.add_argument("--format", choices=["warc"], default="warc")
    raw.add_argument("--since", help="only documents fetched at or after this ISO time")
    raw.add_argument("--output", required=True, help="FILE.warc.gz (gzip per record) or FILE.warc")
    raw.set_defaults(handler=cmd_export_raw)

    stats = commands.add_parser("stats", help="counts per crawl run, site and language")
    stats.add_argument("--runs", type=int, default=20, help="how many recent runs")
    stats.add_argument("--sites", type=int, default=30, help="how many sites")
    stats.set_defaults(handler=cmd_stats)

    story = commands.add_parser("stories", help="recent stories (events) across languages")
    story.add_argument("--since", help="only stories seen at or after this ISO time")
    story.add_argument("--language", help="only stories with an article in this language")
    story.add_argument("--limit", type=int, default=50)
    story.add_argument("--width", type=int, default=60, help="title characters to print")
    story.add_argument("--rebuild", action="store_true", help="recompute every story id")
    story.set_defaults(handler=cmd_stories)
    quarantine = commands.add_parser(
        "quarantine", help="documents that failed too often, and damaged journal records"
    )
    quarantine_commands = quarantine.add_subparsers(dest="quarantine_command", required=True)
    quarantine_commands.add_parser("list", help="list them").set_defaults(
        handler=cmd_quarantine_list
    )
    retry = quarantine_commands.add_parser("retry", help="send documents back to the journal")
    retry.add_argument("numbers", nargs="*", type=int, help="entry numbers from list")
    retry.add_argument("--all", action="store_true", help="every quarantined document")
    retry.set_defaults(handler=cmd_quarantine_retry)

    commands.add_parser(
        "replay-spool", help="store documents left in the journal by crashed or offline crawls"
    ).set_defaults(handler=cmd_replay_spool)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    args = build_parser().parse_args(argv)
    args.database_url = args.database_url or default_database_url()
    args.spool_dir = args.spool_dir or project_config().spool_dir
    handler: Command = args.handler
    try:
        return handler(args, out)
    except UnknownSchemaVersion as error:
        print(f"newscrawler: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
