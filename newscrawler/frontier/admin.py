"""``newscrawler frontier status|reset``: look at and clear a fleet's state in Redis.

An operator needs to see, without reading Redis by hand, which runs of a
frontier exist, how much is queued and leased, which workers are alive and
when the keys expire; and to clear a frontier (or one run of it) after a
broken deployment. A reset refuses while workers of the run are alive,
unless ``--force``: clearing a running fleet's queue would make it close
with work undone.
"""

from __future__ import annotations

import argparse
import os
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from redis import Redis

from newscrawler.frontier.fleet import Fleet
from newscrawler.frontier.keys import KEY_ROOT, RunKeys, clean_name, frontier_pattern

if TYPE_CHECKING:
    from collections.abc import Iterable

REDIS_URL_ENV = "NEWSCRAWLER_REDIS_URL"
ROW = "{:<22} {:>7} {:>7} {:>6} {:>5} {:>6} {:>9} {:>9}"


@dataclass(frozen=True, slots=True)
class RunSummary:
    run: str
    queued: int
    leased: int
    alive: int
    dead: int
    starting: int
    fingerprints: int
    expires_in: int


def run_names(server: Redis, frontier: str) -> list[str]:
    """The runs of ``frontier`` that have any key in Redis."""
    runs: set[str] = set()
    for key in server.scan_iter(match=frontier_pattern(frontier), count=500):
        parts = _text(key).split(":")
        if len(parts) >= 4 and parts[0] == KEY_ROOT:
            runs.add(parts[2])
    return sorted(runs)


def summarize(server: Redis, frontier: str, run: str, lease_timeout: float) -> RunSummary:
    keys = RunKeys(frontier, run)
    fleet = Fleet(server, keys, lease_timeout=lease_timeout, keep_seconds=1, worker="admin")
    status = fleet.status()
    seconds, micros = server.time()
    alive = server.zcount(keys.workers, seconds + micros / 1e6 - lease_timeout, "+inf")
    return RunSummary(
        run=run,
        queued=status.queued,
        leased=status.leased,
        alive=int(alive),
        dead=status.workers - int(alive),
        starting=status.starting,
        fingerprints=int(server.scard(keys.dupefilter)),
        expires_in=max(int(server.ttl(keys.dupefilter)), int(server.ttl(keys.requests)), -1),
    )


def print_status(summaries: Iterable[RunSummary], frontier: str, out: TextIO) -> None:
    print(f"frontier {frontier}:", file=out)
    print(
        ROW.format("run", "queued", "leased", "alive", "dead", "start", "seen", "ttl (s)"), file=out
    )
    for s in summaries:
        print(
            ROW.format(s.run, s.queued, s.leased, s.alive, s.dead, s.starting, s.fingerprints,
                       s.expires_in),
            file=out,
        )  # fmt: skip


def reset(server: Redis, frontier: str, run: str | None) -> int:
    """Delete every key of ``frontier`` (or of one run of it); returns how many."""
    pattern = RunKeys(frontier, run).all_pattern() if run else frontier_pattern(frontier)
    deleted = 0
    batch: list[Any] = []
    for key in server.scan_iter(match=pattern, count=500):
        batch.append(key)
        if len(batch) >= 500:
            deleted += int(server.delete(*batch))
            batch = []
    if batch:
        deleted += int(server.delete(*batch))
    return deleted


def cmd_status(args: argparse.Namespace, out: TextIO) -> int:
    server = _server(args)
    frontiers = [clean_name(args.name)] if args.name else _frontiers(server)
    if not frontiers:
        print("no frontier in Redis", file=out)
    for frontier in frontiers:
        runs = run_names(server, frontier)
        print_status((summarize(server, frontier, run, args.lease_timeout) for run in runs),
                     frontier, out)  # fmt: skip
    return 0


def cmd_reset(args: argparse.Namespace, out: TextIO) -> int:
    server = _server(args)
    frontier = clean_name(args.name)
    runs = [clean_name(args.run)] if args.run else run_names(server, frontier)
    busy = [run for run in runs if summarize(server, frontier, run, args.lease_timeout).alive]
    if busy and not args.force:
        print(f"newscrawler: workers of {frontier} run(s) {', '.join(busy)} are alive; "
              "stop them first or use --force", file=out)  # fmt: skip
        return 1
    deleted = reset(server, frontier, clean_name(args.run) if args.run else None)
    print(f"deleted {deleted} key(s) of frontier {frontier}", file=out)
    return 0


def register(commands: Any, common: list[Any] | None = None) -> None:
    """Add ``frontier status`` and ``frontier reset`` to the ``newscrawler`` parser."""
    frontier = commands.add_parser("frontier", help="inspect or reset a fleet's Redis frontier")
    frontier.add_argument("--redis-url", help=f"default: ${REDIS_URL_ENV}")
    frontier.add_argument(
        "--lease-timeout", type=float, default=30.0, help="seconds of silence that mean dead"
    )
    actions = frontier.add_subparsers(dest="frontier_command", required=True)
    status = actions.add_parser("status", help="runs, queued and leased requests, workers")
    status.add_argument("name", nargs="?", help="frontier name (default: all)")
    status.set_defaults(handler=cmd_status)
    clear = actions.add_parser("reset", help="delete a frontier's keys (all runs, or --run)")
    clear.add_argument("name")
    clear.add_argument("--run", help="only this run")
    clear.add_argument("--force", action="store_true", help="even while workers are alive")
    clear.set_defaults(handler=cmd_reset)


def _server(args: argparse.Namespace) -> Redis:
    url = args.redis_url or os.environ.get(REDIS_URL_ENV)
    if not url:
        raise SystemExit(f"newscrawler: give --redis-url or set {REDIS_URL_ENV}")
    server: Redis = Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
    return server


def _frontiers(server: Redis) -> list[str]:
    names: defaultdict[str, int] = defaultdict(int)
    for key in server.scan_iter(match=f"{KEY_ROOT}:*", count=500):
        parts = _text(key).split(":")
        if len(parts) >= 4 and parts[1] != "polite":
            names[parts[1]] += 1
    return sorted(names)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
