"""``newscrawler show``: the latest stored articles, newest first, for a quick look."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from sqlalchemy import func, select

from newscrawler.db.engine import make_sessionmaker, mask_url
from newscrawler.db.models import Article
from newscrawler.ops import language_argument, open_for_reading


def register(commands: Any, common: list[argparse.ArgumentParser]) -> None:
    show = commands.add_parser(
        "show",
        parents=common,
        help="list stored articles, newest first",
        description="List stored articles, newest first: id, date, language, site, title, URL.",
    )
    show.add_argument("--limit", type=int, default=50, help="how many articles (default 50)")
    show.add_argument("--language", type=language_argument, help="only this ISO 639-1 language")
    show.add_argument("--width", type=int, default=60, help="title characters to print")
    show.set_defaults(handler=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    engine = open_for_reading(args.database_url)
    query = select(Article.id, Article.first_seen_at, Article.published_at, Article.language,
                   Article.site_name, Article.duplicate_of, Article.title, Article.url)  # fmt: skip
    count = select(func.count(Article.id))
    if args.language:
        query = query.where(Article.language == args.language)
        count = count.where(Article.language == args.language)
    query = query.order_by(Article.first_seen_at.desc(), Article.id.desc()).limit(args.limit)
    with make_sessionmaker(engine)() as session:
        total = session.scalar(count) or 0
        rows = session.execute(query).all()
    engine.dispose()
    shown = f"{len(rows)} newest of " if len(rows) < total else ""
    print(f"{shown}{total} articles in {mask_url(args.database_url)}", file=out)
    print(f"{'id':>6}  {'date (UTC)':<16}  lang  {'site':<20}  {'title':<{args.width}}  url",
          file=out)  # fmt: skip
    for row in rows:
        when = row.published_at or row.first_seen_at
        title = (row.title or "(no title)")[: args.width]
        if row.duplicate_of:
            title = f"≈{row.duplicate_of} {title}"[: args.width]
        site = (row.site_name or "-")[:20]
        print(f"{row.id:>6}  {when:%Y-%m-%d %H:%M}  {row.language:<4}  {site:<20}  "
              f"{title:<{args.width}}  {row.url}", file=out)  # fmt: skip
    return 0
