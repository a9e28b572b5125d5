"""Random-kill drills: is "nothing fetched is lost" true? Measured on SQLite and PostgreSQL.

    python -m bench.drills [--cycles 20] [--articles 60] [--database sqlite|postgresql|both]

Each cycle serves a fresh news site (one RSS feed, ``--articles`` pages) on
127.0.0.1, starts ``scrapy crawl feeds`` with a ``JOBDIR`` into a fresh
database, SIGKILLs it at a random moment, then restarts the same command
until a run finishes. It then counts, against what the site published:

* lost: articles published but not stored;
* stored twice: article rows beyond one per published URL or text;
* extra sightings: sightings beyond one per URL (a replay counted twice);
* journal leftovers: documents still waiting in the journal, and quarantined ones.

The goal is 0 in every column; "articles published" is what there was to lose.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from newscrawler.db.engine import make_engine
from newscrawler.db.models import Article, CrawlRun, Sighting
from newscrawler.journal.journal import pending_documents
from newscrawler.quarantine import Quarantine

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WORDS = (
    "minister council harbour budget school river election market company report police court "
    "weather festival hospital train bridge energy museum farmers strike tunnel airport"
).split()


def article_html(number: int) -> bytes:
    rng = random.Random(number)
    paragraphs = "".join(
        "<p>" + " ".join(rng.choice(WORDS) for _ in range(30)).capitalize() + ".</p>"
        for _ in range(6)
    )
    return (
        f"<html><head><title>Report {number}</title></head><body><article>"
        f"<h1>Report number {number}</h1>{paragraphs}</article></body></html>"
    ).encode()


class NewsSite(BaseHTTPRequestHandler):
    """A feed of ``articles`` pages, each answered after ``delay`` seconds."""

    articles = 0
    delay = 0.0
    base = ""

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/feed.xml":
            items = "".join(
                f"<item><title>Report {n}</title><link>{self.base}/a/{n}.html</link></item>"
                for n in range(self.articles)
            )
            return self.answer(f"<rss><channel>{items}</channel></rss>".encode(), "application/xml")
        if path.startswith("/a/") and path.removeprefix("/a/").removesuffix(".html").isdigit():
            number = int(path.removeprefix("/a/").removesuffix(".html"))
            if number < self.articles:
                time.sleep(self.delay)
                return self.answer(article_html(number), "text/html; charset=utf-8")
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()
        return None

    def answer(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def news_site(articles: int, delay: float = 0.1) -> Iterator[str]:
    """Serve the site on 127.0.0.1; yields the feed URL."""
    handler = type("Site", (NewsSite,), {"articles": articles, "delay": delay})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    handler.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{handler.base}/feed.xml"
    finally:
        server.shutdown()
        server.server_close()


def crawl_command(feed: str, database_url: str, spool: Path, jobdir: Path) -> list[str]:
    return [sys.executable, "-m", "scrapy", "crawl", "feeds", "-a", f"url={feed}",
            "-s", f"DATABASE_URL={database_url}", "-s", f"SPOOL_DIR={spool}",
            "-s", f"JOBDIR={jobdir}", "-s", "TELNETCONSOLE_ENABLED=False",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
            "-s", "CONCURRENT_REQUESTS=4", "-s", "STORE_BATCH_SIZE=10",
            "-s", "ROBOTSTXT_OBEY=False", "-s", "LOG_LEVEL=WARNING"]  # fmt: skip


@dataclass
class Outcome:
    published: int
    stored_urls: int
    stored_twice: int
    extra_sightings: int
    pending: int
    quarantined: int
    runs: int
    statuses: list[str]

    @property
    def lost(self) -> int:
        return self.published - self.stored_urls


def measure(database_url: str, spool: Path, published: int, quarantine: Quarantine) -> Outcome:
    engine = make_engine(database_url)
    with Session(engine) as session:
        articles = session.scalar(select(func.count(Article.id))) or 0
        urls = session.scalar(select(func.count(func.distinct(Article.url)))) or 0
        hashes = session.scalar(select(func.count(func.distinct(Article.content_hash)))) or 0
        sightings = session.scalar(select(func.count(Sighting.id))) or 0
        sighted = session.scalar(select(func.count(func.distinct(Sighting.url)))) or 0
        statuses = [r.status for r in session.scalars(select(CrawlRun).order_by(CrawlRun.id))]
    engine.dispose()
    return Outcome(
        published=published,
        stored_urls=urls,
        stored_twice=articles - min(urls, hashes),
        extra_sightings=sightings - sighted,
        pending=pending_documents(spool),
        quarantined=len(quarantine.entries()),
        runs=len(statuses),
        statuses=statuses,
    )


def cycle(database_url: str, articles: int, rng: random.Random, folder: Path) -> Outcome:
    """One crawl SIGKILLed at a random moment, then restarted until a run finishes."""
    from newscrawler.journal import database_identity

    spool, jobdir = folder / "spool", folder / "job"
    with news_site(articles) as feed:
        command = crawl_command(feed, database_url, spool, jobdir)
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, stderr=subprocess.DEVNULL)
        _wait_for_run(database_url, process)
        # A random moment of the crawl, however fast it runs here: once a random share of
        # the articles is committed, plus up to one batch's worth of time.
        target = rng.randrange(articles)
        while process.poll() is None and _stored(database_url) < target:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.5))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        for _ in range(5):
            result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, timeout=600)
            if result.returncode == 0 and _last_status(database_url) == "finished":
                break
    quarantine = Quarantine(spool / f"db-{database_identity(database_url)}")
    return measure(database_url, spool, articles, quarantine)


def _stored(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return session.scalar(select(func.count(Article.id))) or 0
    except Exception:  # no schema yet
        return 0
    finally:
        engine.dispose()


def _wait_for_run(database_url: str, process: subprocess.Popen[bytes]) -> None:
    """Until the crawl has recorded its run (it is past start-up), or it ended."""
    while process.poll() is None and _last_status(database_url) is None:
        time.sleep(0.05)


def _last_status(database_url: str) -> str | None:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
            return run.status if run is not None else None
    except Exception:  # no schema yet
        return None
    finally:
        engine.dispose()


def drill(name: str, fresh_database: Callable[[Path], str], cycles: int, articles: int,
          seed: int) -> list[Outcome]:  # fmt: skip
    rng = random.Random(seed)
    outcomes = []
    for number in range(1, cycles + 1):
        with tempfile.TemporaryDirectory(prefix="newscrawler-drill-") as temporary:
            folder = Path(temporary)
            outcome = cycle(fresh_database(folder), articles, rng, folder)
        outcomes.append(outcome)
        print(f"  {name} cycle {number:>2}: lost {outcome.lost}, stored twice "
              f"{outcome.stored_twice}, extra sightings {outcome.extra_sightings}, journal "
              f"{outcome.pending}, quarantined {outcome.quarantined}, runs "
              f"{','.join(outcome.statuses)}", flush=True)  # fmt: skip
    return outcomes


def report(name: str, outcomes: list[Outcome]) -> str:
    total = sum(o.published for o in outcomes)
    return (
        f"| {name} | {len(outcomes)} | {total} | {sum(o.lost for o in outcomes)} | "
        f"{sum(o.stored_twice for o in outcomes)} | {sum(o.extra_sightings for o in outcomes)} | "
        f"{sum(o.pending for o in outcomes)} / {sum(o.quarantined for o in outcomes)} | "
        f"{sum(o.statuses.count('killed') for o in outcomes)} |"
    )


@contextmanager
def postgres_databases() -> Iterator[Callable[[Path], str] | None]:
    from tests.postgres import postgres_bindir, running_postgres

    bindir = postgres_bindir()
    if bindir is None:
        yield None
        return
    with running_postgres(bindir) as server:
        admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)

        def fresh(_: Path) -> str:
            name = f"drill_{uuid.uuid4().hex[:10]}"
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            return server.url(name)

        yield fresh
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--articles", type=int, default=80)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    rows = []
    if args.database in ("sqlite", "both"):
        outcomes = drill("SQLite", lambda f: f"sqlite:///{f / 'news.sqlite3'}", args.cycles,
                         args.articles, args.seed)  # fmt: skip
        rows.append(report("SQLite", outcomes))
    if args.database in ("postgresql", "both"):
        with postgres_databases() as fresh:
            if fresh is None:
                print("PostgreSQL is not installed: skipped")
            else:
                outcomes = drill("PostgreSQL", fresh, args.cycles, args.articles, args.seed)
                rows.append(report("PostgreSQL", outcomes))
    print("\n| database | cycles | articles published | lost | stored twice | extra sightings "
          "| journal left / quarantined | runs marked killed |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
