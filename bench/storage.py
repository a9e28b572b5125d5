"""Storage benchmark: the Store stage's writes, batched vs one transaction per article.

    python -m bench.storage [--n 2000] [--batch 100]

Stages the same synthetic articles (raw document, article, LSH bands,
sighting and URL state each, as the Store stage does) through
:class:`~newscrawler.db.repository.Repository` into SQLite and into a
throw-away PostgreSQL server (when the Debian binaries are installed), once
committing every STORE_BATCH_SIZE articles and once committing every
article, and prints articles/s and SQL statements per article (counted with
a ``before_cursor_execute`` listener). Then the raw-body codec: zlib level 1
(what we store) against level 6 (what we stored before) over the real pages
of ``/work/shared/extraction-dev*/html``: ms per document and bytes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import tempfile
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text

from newscrawler.db.store import ArticleStore
from newscrawler.dedup.decide import Decision, Outcome
from newscrawler.items import BODY_COMPRESSION_LEVEL as COMPRESSION_LEVEL
from newscrawler.items import Article, RawDocument
from tests.postgres import postgres_bindir, running_postgres

BANDS = list(range(21))
PAGES = [Path("/work/shared/extraction-dev/html"), Path("/work/shared/extraction-dev-fundus/html")]


def article(number: int) -> tuple[Article, Decision]:
    text = f"Synthetic article number {number}. " * 40
    raw = RawDocument(url=f"https://bench.example/{number}", body=text.encode(), spider="bench",
                      fetched_at=datetime.now(UTC), content_type="text/plain")  # fmt: skip
    digest = hashlib.sha256(text.encode()).hexdigest()
    item = Article(raw=raw, text=text, title=f"Article {number}", language="en",
                   url_key=raw.url, content_hash=digest)  # fmt: skip
    bands = [hash((number, band)) & 0x7FFFFFFFFFFFFFFF for band in BANDS]
    return item, Decision(Outcome.NEW, digest, bands=bands)


def write(database_url: str, count: int, batch_size: int) -> tuple[float, float]:
    """(articles per second, statements per article) committing every ``batch_size``."""
    store = ArticleStore(database_url)
    store.open("bench")
    assert store.engine is not None
    statements = [0]

    def counted(*_args: Any) -> None:
        statements[0] += 1

    items = [article(number) for number in range(count)]
    event.listen(store.engine, "before_cursor_execute", counted)
    started = time.perf_counter()
    for number, (item, decision) in enumerate(items, 1):
        store.repository.stage(item, decision)
        if number % batch_size == 0:
            store.repository.commit()
    store.repository.commit()
    elapsed = time.perf_counter() - started
    event.remove(store.engine, "before_cursor_execute", counted)
    store.close("finished", {}, {})
    return count / elapsed, statements[0] / count


def measure(name: str, make_url: Callable[[], str], count: int, batch_size: int) -> None:
    batched, batched_statements = write(make_url(), count, batch_size)
    single, single_statements = write(make_url(), count, 1)
    print(f"{name:<12} {batched:>10.0f} {single:>12.0f} {batched / single:>8.1f}x "
          f"{batched_statements:>12.2f} {single_statements:>10.2f}")  # fmt: skip


def pages(limit: int) -> list[bytes]:
    files = sorted(path for folder in PAGES if folder.is_dir() for path in folder.iterdir())
    return [gzip.decompress(path.read_bytes()) for path in files[:limit]]


def codecs(bodies: list[bytes]) -> None:
    """ms per document and stored bytes of zlib at our level against level 6."""
    raw_bytes = sum(map(len, bodies))
    print(f"\nraw body codec over {len(bodies)} real pages ({raw_bytes / 1e6:.1f} MB)")
    print(f"{'codec':<12} {'ms/doc':>8} {'MB stored':>10} {'of raw':>7}")
    results = {}
    for level in (COMPRESSION_LEVEL, 6):
        started = time.process_time()
        stored = sum(len(zlib.compress(body, level)) for body in bodies)
        results[level] = (time.process_time() - started) * 1000 / len(bodies), stored
        ms, size = results[level]
        print(f"zlib -{level:<7} {ms:>8.2f} {size / 1e6:>10.2f} {size / raw_bytes:>7.1%}")
    ours, old = results[COMPRESSION_LEVEL], results[6]
    ratio = f"time {ours[0] / old[0]:.2f}, bytes {ours[1] / old[1]:.2f}"
    print(f"level {COMPRESSION_LEVEL} / level 6: {ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000, help="articles per run")
    parser.add_argument("--batch", type=int, default=100, help="STORE_BATCH_SIZE")
    parser.add_argument("--pages", type=int, default=700, help="real pages for the codec")
    args = parser.parse_args()
    print(f"{args.n} articles; articles/s with batches of {args.batch} vs one per transaction")
    print(f"{'database':<12} {'batched':>10} {'per-row':>12} {'ratio':>9} "
          f"{'stmts/batched':>12} {'stmts/row':>10}")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        files = iter(range(1000))
        measure("sqlite", lambda: f"sqlite:///{Path(folder) / f'{next(files)}.db'}", args.n,
                args.batch)  # fmt: skip
    bindir = postgres_bindir()
    if bindir is None:
        print("postgresql   (not installed: skipped)")
    else:
        with running_postgres(bindir, durable=True) as server:
            names = iter(range(1000))

            def fresh_database() -> str:
                name = f"bench_{next(names)}"
                admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
                with admin.connect() as connection:
                    connection.execute(text(f"CREATE DATABASE {name}"))
                admin.dispose()
                return server.url(name)

            measure("postgresql", fresh_database, args.n, args.batch)
    codecs(pages(args.pages))


if __name__ == "__main__":
    main()
