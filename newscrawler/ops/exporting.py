"""``newscrawler export``: stream stored articles to a file or standard output."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import func, select

from newscrawler import export, verdict
from newscrawler.db.engine import make_sessionmaker
from newscrawler.db.models import Article
from newscrawler.ops import CommandError, language_argument, missing_extra, open_for_reading, since
from newscrawler.progress import terminal_bar


def register(commands: Any, common: list[argparse.ArgumentParser]) -> None:
    exporter = commands.add_parser(
        "export",
        parents=common,
        help="stream articles for downstream jobs",
        description="Stream stored articles (every column of the articles table, in the same "
        "order in all formats) as JSON lines, CSV or Parquet.",
    )
    exporter.add_argument("--format", choices=export.FORMATS, default="jsonl")
    exporter.add_argument(
        "--since",
        type=since,
        help="only articles first seen at or after this time: ISO date/time, 2d, 6h, yesterday",
    )
    exporter.add_argument("--language", type=language_argument, help="only this ISO 639-1 language")
    exporter.add_argument("--one-per-story", action="store_true", help="leave out near-duplicates")
    exporter.add_argument("--output", help="file to write (default: standard output)")
    exporter.set_defaults(handler=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.format == "parquet" and (not args.output or args.output == "-"):
        raise CommandError("--format parquet needs --output PATH", verdict.USAGE)
    if args.format == "parquet":
        try:
            import pyarrow  # noqa: F401  (optional dependency: newscrawler[parquet])
        except ModuleNotFoundError as error:
            raise missing_extra(error) from error
    engine = open_for_reading(args.database_url)
    query = export.article_query(
        since=args.since, language=args.language, one_per_story=args.one_per_story
    )
    with make_sessionmaker(engine)() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        bar = terminal_bar(sys.stderr, "exporting", total)
        progress = bar.update if bar is not None else None
        records = export.rows(session, query)
        if args.format == "parquet":
            count = export.write_parquet(records, args.output, progress)
        else:
            writer = export.write_jsonl if args.format == "jsonl" else export.write_csv
            with _open_output(args.output, out) as stream:
                count = writer(records, stream, progress)
        if bar is not None:
            bar.finish()
        hint = _empty_hint(session, args) if count == 0 else ""
    engine.dispose()
    print(f"exported {count} articles{hint}", file=sys.stderr)
    return 0


def _empty_hint(session: Any, args: argparse.Namespace) -> str:
    """Why nothing matched, when a language filter is the likely reason."""
    if not args.language:
        return ""
    stored = sorted(session.scalars(select(Article.language).distinct()))
    return f" (no articles in {args.language!r}; stored languages: {', '.join(stored) or 'none'})"


@contextmanager
def _open_output(path: str | None, default: TextIO) -> Iterator[TextIO]:
    if not path or path == "-":
        yield default
        return
    with Path(path).open("w", encoding="utf-8", newline="") as stream:
        yield stream
