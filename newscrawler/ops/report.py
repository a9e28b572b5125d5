"""``newscrawler stats``: recent crawl runs and their exit codes; articles per language, site."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from sqlalchemy import func, or_, select

from newscrawler import stats
from newscrawler.db.engine import make_sessionmaker
from newscrawler.db.models import Article, CrawlRun
from newscrawler.ops import open_for_reading
from newscrawler.ops.quarantine import print_journal

RUN_ROW = "{:>5}  {:<12} {:<12} {:<19} {:>7} {:>6} {:>5} {:>7} {:>6} {:>4}"


def register(commands: Any, common: list[argparse.ArgumentParser]) -> None:
    report = commands.add_parser(
        "stats",
        parents=common,
        help="counts per crawl run, language and site",
        description="Recent crawl runs (newest first, with their exit code), then articles "
        "per language and per site (all / one per story).",
    )
    report.add_argument("--runs", type=int, default=20, help="how many recent runs")
    report.add_argument("--sites", type=int, default=30, help="how many sites")
    report.add_argument(
        "--hide-empty",
        action="store_true",
        help="leave out runs that fetched nothing or never finished",
    )
    report.set_defaults(handler=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    engine = open_for_reading(args.database_url)
    with make_sessionmaker(engine)() as session:
        print("crawl runs (newest first):", file=out)
        print(RUN_ROW.format("id", "spider", "status", "started (UTC)", "fetched", "stored",
                             "dups", "dropped", "errors", "exit"), file=out)  # fmt: skip
        recent = select(CrawlRun).order_by(CrawlRun.id.desc()).limit(args.runs)
        if args.hide_empty:
            recent = recent.where(CrawlRun.fetched > 0, CrawlRun.finished_at.is_not(None))
        for crawl_run in session.scalars(recent):
            print(_run_line(crawl_run), file=out)
        print_journal(args, out)
        _print_counts(session, out, "articles per language", Article.language)
        _print_counts(session, out, "articles per site", Article.site_name, limit=args.sites)
    engine.dispose()
    return 0


def _run_line(crawl_run: CrawlRun) -> str:
    exit_code = (crawl_run.stats or {}).get(stats.EXIT_CODE)
    return RUN_ROW.format(crawl_run.id, crawl_run.spider[:12], crawl_run.status[:12],
                          f"{crawl_run.started_at:%Y-%m-%d %H:%M:%S}", crawl_run.fetched,
                          crawl_run.stored, crawl_run.duplicates, crawl_run.dropped,
                          crawl_run.errors, "-" if exit_code is None else exit_code)  # fmt: skip


def _print_counts(session: Any, out: TextIO, heading: str, column: Any, limit: int = 50) -> None:
    print(f"\n{heading} (all / one per story):", file=out)
    stories = func.count(Article.id).filter(or_(Article.duplicate_of.is_(None)))
    query = (
        select(column, func.count(Article.id), stories)
        .group_by(column)
        .order_by(func.count(Article.id).desc())
        .limit(limit)
    )
    for value, total, unique in session.execute(query):
        print(f"  {value or '(unknown)':<40} {total:>8} {unique:>8}", file=out)
