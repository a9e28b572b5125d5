"""``newscrawler export-raw``: the stored raw documents as a WARC file any archive tool reads.

The writing itself is :mod:`newscrawler.archive.write`; a round trip through
``scrapy crawl warc`` gives the same articles back.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from newscrawler.archive import write as archive_write
from newscrawler.ops import open_for_reading, since


def register(commands: Any, common: list[argparse.ArgumentParser]) -> None:
    raw = commands.add_parser(
        "export-raw", parents=common, help="write stored raw documents as a WARC file"
    )
    raw.add_argument("--format", choices=["warc"], default="warc")
    raw.add_argument(
        "--since", type=since, help="only documents fetched at or after this time (ISO, 2d, 6h)"
    )
    raw.add_argument("--output", required=True, help="FILE.warc.gz (gzip per record) or FILE.warc")
    raw.set_defaults(handler=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    open_for_reading(args.database_url).dispose()  # never create a database to export from
    output = Path(args.output)
    counts = archive_write.export_database(args.database_url, output, args.since)
    left_out = f" ({counts.local_files} local files left out)" if counts.local_files else ""
    print(f"exported {counts.written} raw documents to {output}{left_out}", file=sys.stderr)
    return 0 if counts.written else 1
