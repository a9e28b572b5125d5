"""``newscrawler stories``: recent stories (events) across languages, or ``--rebuild`` them."""

from __future__ import annotations

import argparse
import os
from typing import Any, TextIO

from newscrawler.db.engine import make_sessionmaker
from newscrawler.ops import language_argument, open_engine, open_for_reading, since


def register(commands: Any, common: list[argparse.ArgumentParser]) -> None:
    story = commands.add_parser(
        "stories",
        parents=common,
        help="recent stories (events) across languages",
        description="Recent stories: last seen, article count, languages, title; or --rebuild "
        "them from the stored articles.",
    )
    story.add_argument(
        "--since", type=since, help="only stories seen at or after this time (ISO, 2d, 6h…)"
    )
    story.add_argument(
        "--language", type=language_argument, help="only stories with an article in it"
    )
    story.add_argument("--limit", type=int, default=50)
    story.add_argument("--width", type=int, default=60, help="title characters to print")
    story.add_argument("--rebuild", action="store_true", help="recompute every story id")
    story.set_defaults(handler=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from scrapy.utils.project import get_project_settings

    from newscrawler.config import NewscrawlerConfig
    from newscrawler.db import stories
    from newscrawler.db.schema import ensure_schema
    from newscrawler.story.match import MatchRule

    if args.rebuild:
        engine = open_engine(args.database_url, writer=True)
        ensure_schema(engine)
    else:
        engine = open_for_reading(args.database_url)
    with make_sessionmaker(engine)() as session:
        if args.rebuild:
            os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawler.settings")
            rule = MatchRule.from_config(NewscrawlerConfig.from_settings(get_project_settings()))
            count = stories.rebuild(session, rule, args.since)
            print(f"rebuilt the stories of {count} articles", file=out)
            return 0
        found = stories.recent_stories(session, args.since, args.language, args.limit)
        print(f"{'story':>6}  {'last seen (UTC)':<16}  {'articles':>8}  {'languages':<14} title",
              file=out)  # fmt: skip
        for story in found:
            title = (story.title or "(no title)")[: args.width]
            print(f"{story.id:>6}  {story.last_seen_at:%Y-%m-%d %H:%M}  {story.article_count:>8}  "
                  f"{','.join(story.languages):<14} {title}", file=out)  # fmt: skip
    engine.dispose()
    return 0
