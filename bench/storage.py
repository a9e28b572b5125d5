"""Storage benchmark: articles written per second, batched vs one row per transaction.

    python -m bench.storage [--n 2000]

Writes the same synthetic articles (raw document, article, LSH bands and a
sighting each, as the Store stage does) into SQLite and into a throw-away
PostgreSQL server (when the Debian binaries are installed), once committing
every STORE_BATCH_SIZE articles and once committing every article.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from newscrawler.db.store import ArticleStore
from newscrawler.dedup.decide import Decision, Outcome
from newscrawler.items import Article, RawDocument
from pipelines.storage import new_row
from tests.postgres import postgres_bindir, running_postgres

BANDS = list(range(14))


def article(number: int) -> tuple[Article, Decision]:
    text = f"Synthetic article number {number}. " * 40
    raw = RawDocument(url=f"https://bench.example/{number}", body=text.encode(), spider="bench",
                      fetched_at=datetime.now(UTC), content_type="text/plain")  # fmt: skip
    digest = hashlib.sha256(text.encode()).hexdigest()
    item = Article(raw=raw, text=text, title=f"Article {number}", language="en",
                   url_key=raw.url, content_hash=digest)  # fmt: skip
    bands = [hash((number, band)) & 0x7FFFFFFFFFFFFFFF for band in BANDS]
    return item, Decision(Outcome.NEW, digest, bands=bands)


def write(database_url: str, count: int, batch_size: int) -> float:
    """Articles per second written into ``database_url`` committing every ``batch_size``."""
    store = ArticleStore(database_url)
    store.open("bench")
    items = [article(number) for number in range(count)]
    started = time.perf_counter()
    for number, (item, decision) in enumerate(items, 1):
        raw_row = store.save_raw_document(item.raw)
        row = store.add_article(new_row(item, decision, raw_row), decision.bands)
        store.add_sighting(row.id, item.raw.url, "bench", item.raw.fetched_at)
        if number % batch_size == 0:
            store.commit()
    store.commit()
    elapsed = time.perf_counter() - started
    store.close("finished", {}, {})
    return count / elapsed


def measure(name: str, make_url: callable, count: int, batch_size: int) -> None:
    batched = write(make_url(), count, batch_size)
    single = write(make_url(), count, 1)
    print(f"{name:<12} {batched:>10.0f} {single:>12.0f} {batched / single:>8.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000, help="articles per run")
    parser.add_argument("--batch", type=int, default=100, help="STORE_BATCH_SIZE")
    args = parser.parse_args()
    print(f"{args.n} articles; articles/s with batches of {args.batch} vs one per transaction")
    print(f"{'database':<12} {'batched':>10} {'per-row':>12} {'ratio':>9}")
    with tempfile.TemporaryDirectory() as folder:
        files = iter(range(1000))
        measure("sqlite", lambda: f"sqlite:///{Path(folder) / f'{next(files)}.db'}", args.n,
                args.batch)  # fmt: skip
    bindir = postgres_bindir()
    if bindir is None:
        print("postgresql   (not installed: skipped)")
        return
    with running_postgres(bindir, durable=True) as server:
        names = iter(range(1000))

        def fresh_database() -> str:
            from sqlalchemy import create_engine, text

            name = f"bench_{next(names)}"
            admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f"CREATE DATABASE {name}"))
            admin.dispose()
            return server.url(name)

        measure("postgresql", fresh_database, args.n, args.batch)


if __name__ == "__main__":
    main()
