"""Scale-out benchmark: 1, 2 and 4 workers sharing one Redis frontier and one PostgreSQL.

    python -m bench.fleet [--articles 200] [--latency 0.5] [--concurrency 2] [--workers 1,2,4]

Each worker is a real ``scrapy crawl sitemap`` process against the latency
site of the tests (a threaded server on 127.0.0.1: sitemap index, child
sitemaps, HTML articles, every answer after ``--latency`` seconds). Each
worker may have ``--concurrency`` requests open, so one worker can fetch at
most concurrency / latency pages a second: with the defaults 4 pages/s,
far below what the 2 cores here extract, so latency, not CPU, is the
bottleneck (the CPU column shows how much of the two cores the workers
used). Pages/s is what the site saw, counted two ways: while every worker
was fetching (from the last worker's first article to the first worker's
last; each worker sends its own User-Agent), which is what scaling is about,
and over the whole run from the first article to the last, which also
carries the workers' staggered start-up on a shared machine. Efficiency is
pages/s over N times one worker's, measured in the same run. Every run also
checks exactly-once: each article fetched once and stored once.

A second table shows fleet-wide politeness: 4 workers with a per-site
``DOWNLOAD_DELAY``, with the Redis rate limit and without it (Scrapy's
per-process delay only), beside the rate one worker is allowed.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from newscrawler.db.models import Article
from tests.fleet_site import LatencySite, running_redis, serve
from tests.postgres import PostgresServer, postgres_bindir, running_postgres

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class FleetRun:
    workers: int
    pages_per_second: float
    whole_run_pages_per_second: float
    wall_seconds: float
    startup_seconds: float
    cpu_share: float
    fetched_once: bool
    stored: int


def new_database(server: PostgresServer) -> str:
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.url(name)


def stored_articles(database_url: str) -> int:
    engine = create_engine(database_url, poolclass=NullPool)
    with Session(engine) as session:
        count = session.scalar(select(func.count(Article.id))) or 0
    engine.dispose()
    return count


def worker_command(
    site: LatencySite, redis_url: str, database_url: str, spool: Path, run: str, *settings: str
) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", "sitemap", "-a", f"url={site.sitemap_url}"]
    for setting in (
        f"DATABASE_URL={database_url}", f"SPOOL_DIR={spool}", f"REDIS_URL={redis_url}",
        f"FRONTIER_RUN={run}", "FRONTIER_NAME=bench", "TELNETCONSOLE_ENABLED=False",
        "AUTOTHROTTLE_ENABLED=False", "LOG_LEVEL=WARNING", *settings,
    ):  # fmt: skip
        command += ["-s", setting]
    return command


def run_workers(commands: list[list[str]]) -> float:
    """Start the workers at the same instant; wall seconds until the last one exits."""
    started = time.monotonic()
    processes = [
        subprocess.Popen(command, cwd=PROJECT_ROOT, stderr=subprocess.PIPE, text=True)
        for command in commands
    ]
    for process in processes:
        _, log = process.communicate(timeout=1800)
        if process.returncode != 0:
            raise SystemExit(f"a worker failed:\n{log[-3000:]}")
    return time.monotonic() - started


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(
    workers: int, args: argparse.Namespace, redis_url: str, postgres: PostgresServer, tmp: Path
) -> FleetRun:
    database_url = new_database(postgres)
    with serve(count=args.articles, latency=args.latency) as site:
        launched = time.monotonic()
        command = worker_command(
            site, redis_url, database_url, tmp / f"spool-{workers}", f"n{workers}",
            "DOWNLOAD_DELAY=0", f"CONCURRENT_REQUESTS={args.concurrency}",
            f"CONCURRENT_REQUESTS_PER_DOMAIN={args.concurrency}",
        )  # fmt: skip
        commands = [[*command, "-s", f"USER_AGENT=bench-worker-{n}"] for n in range(workers)]
        cpu_before = children_cpu()
        wall = run_workers(commands)
        cpu = children_cpu() - cpu_before
        articles = set(site.article_paths())
        hits = [(at, agent) for (at, path), agent in zip(site.hits, site.agents, strict=True)
                if path in articles]  # fmt: skip
        fetches = site.fetches()
    times = sorted(at for at, _ in hits)
    return FleetRun(
        workers=workers,
        pages_per_second=all_working_rate(hits),
        whole_run_pages_per_second=(len(times) - 1) / (times[-1] - times[0]),
        wall_seconds=wall,
        startup_seconds=times[0] - launched,
        cpu_share=cpu / wall / (os.cpu_count() or 1),
        fetched_once=all(fetches[path] == 1 for path in articles),
        stored=stored_articles(database_url),
    )


def all_working_rate(hits: list[tuple[float, str]]) -> float:
    """Articles/s while every worker was fetching: from the moment the last one fetched its
    first article to the moment the first one fetched its last (start-up on a shared
    machine staggers the workers by seconds, and that is not what scaling measures)."""
    by_worker: dict[str, list[float]] = {}
    for at, agent in hits:
        by_worker.setdefault(agent, []).append(at)
    begin = max(min(times) for times in by_worker.values())
    end = min(max(times) for times in by_worker.values())
    inside = sum(1 for at, _ in hits if begin <= at <= end)
    return (inside - 1) / (end - begin)


def politeness(
    shared: bool, delay: float, redis_url: str, postgres: PostgresServer, tmp: Path
) -> float:
    """Requests/s the site saw from 4 workers with a per-site ``delay``."""
    database_url = new_database(postgres)
    with serve(count=80, latency=0.01) as site:
        command = worker_command(
            site, redis_url, database_url, tmp / f"spool-polite-{shared}", f"polite-{shared}",
            f"DOWNLOAD_DELAY={delay}", f"FRONTIER_POLITENESS={shared}",
            "RANDOMIZE_DOWNLOAD_DELAY=False",
        )  # fmt: skip
        run_workers([command] * 4)
        times = sorted(at for at, _ in site.hits)
    return (len(times) - 1) / (times[-1] - times[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.5, help="seconds per answer")
    parser.add_argument("--concurrency", type=int, default=2, help="open requests per worker")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--delay", type=float, default=0.2, help="DOWNLOAD_DELAY, politeness table")
    args = parser.parse_args()
    bindir = postgres_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL is not installed (scripts/test installs it as root)")
    counts = [int(part) for part in args.workers.split(",")]
    with (
        TemporaryDirectory() as folder,
        running_redis() as redis_url,
        running_postgres(bindir) as postgres,
    ):
        tmp = Path(folder)
        runs = [measure(count, args, redis_url, postgres, tmp) for count in counts]
        polite = {shared: politeness(shared, args.delay, redis_url, postgres, tmp)
                  for shared in (True, False)}  # fmt: skip
    print_tables(args, runs, polite)


def print_tables(args: argparse.Namespace, runs: list[FleetRun], polite: dict[bool, float]) -> None:
    base = runs[0].pages_per_second / runs[0].workers
    print(
        f"\n{args.articles} articles, {args.latency * 1000:.0f} ms latency, {args.concurrency} "
        f"open requests per worker (at most {args.concurrency / args.latency:.1f} pages/s each)\n"
    )
    whole = runs[0].whole_run_pages_per_second / runs[0].workers
    print(
        "| workers | pages/s, all working | efficiency | pages/s, whole run | efficiency "
        "| wall s | first article after s | CPU (of 2 cores) | each fetched once | stored |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for run in runs:
        efficiency = run.pages_per_second / (run.workers * base)
        whole_efficiency = run.whole_run_pages_per_second / (run.workers * whole)
        print(
            f"| {run.workers} | {run.pages_per_second:.2f} | {efficiency:.2f} | "
            f"{run.whole_run_pages_per_second:.2f} | {whole_efficiency:.2f} | "
            f"{run.wall_seconds:.1f} | {run.startup_seconds:.1f} | {run.cpu_share:.0%} | "
            f"{'yes' if run.fetched_once else 'NO'} | {run.stored} |"
        )
    limit = 1 / args.delay
    print(f"\nPoliteness, 4 workers, DOWNLOAD_DELAY {args.delay} s (one worker: {limit:.1f}/s):\n")
    print("| per-site rate | requests/s the site saw | ratio to one worker's limit |")
    print("|---|---|---|")
    for shared, label in ((True, "fleet-wide (Redis)"), (False, "per process (Scrapy's own)")):
        print(f"| {label} | {polite[shared]:.2f} | {polite[shared] / limit:.2f}× |")


if __name__ == "__main__":
    main()
