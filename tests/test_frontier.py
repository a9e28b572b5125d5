"""Scale-out: the frontier's parts against a real Redis, and two workers sharing one frontier.

The fleet as a deployment runs it (workers started together, killed, re-run)
is in ``tests/test_fleet.py``.
"""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from redis import Redis
from scrapy import Request, Spider
from scrapy.settings import Settings
from scrapy.utils.request import request_from_dict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newscrawler.cli import main as cli_main
from newscrawler.db.engine import make_engine
from newscrawler.db.models import Article, CrawlRun
from newscrawler.frontier import RedisFrontier, serializer
from newscrawler.frontier.fleet import Fleet
from newscrawler.frontier.keys import RunKeys, resolve_run_name, slot_run_name

from .conftest import crawl_command, run_at_once, write_articles


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (scripts/test installs it as root)")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


@pytest.fixture
def articles_folder(tmp_path: Path) -> Path:
    return write_articles(tmp_path / "docs", 60, seed=7)


def test_addon_is_inert_without_redis_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSCRAWLER_REDIS_URL", raising=False)
    settings = Settings({"SCHEDULER": "scrapy.core.scheduler.Scheduler"})
    RedisFrontier().update_settings(settings)
    assert settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"


def test_two_workers_share_the_frontier(
    redis_url: str, articles_folder: Path, postgres_url: str, tmp_path: Path
) -> None:
    command = crawl_command(
        "files", "-a", f"path={articles_folder}",
        "-s", f"REDIS_URL={redis_url}", "-s", "FRONTIER_NAME=test-two-workers",
        "-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.05",
        database_url=postgres_url, spool_dir=tmp_path / "spool",
    )  # fmt: skip
    logs = run_at_once(command)
    engine = make_engine(postgres_url)
    with Session(engine) as session:
        runs = list(session.scalars(select(CrawlRun)))
        stored = session.scalar(select(func.count(Article.id)))
    engine.dispose()
    assert stored == 60
    assert len(runs) == 2
    assert sum(run.fetched for run in runs) == 60, "a file was fetched by both workers"
    assert all("newscrawler.frontier.scheduler.RedisScheduler" in log for log in logs)


# -- run names ------------------------------------------------------------------


def test_workers_a_few_seconds_apart_agree_on_the_run() -> None:
    boundary = 1_796_000_400.0  # a multiple of 900 s
    assert boundary % 900 == 0
    names = {slot_run_name(boundary + offset, 900) for offset in (-7.5, -0.2, 0, 3, 60, 440)}
    assert len(names) == 1
    assert slot_run_name(boundary + 900, 900) != slot_run_name(boundary, 900)


def test_an_explicit_run_name_is_kept_but_made_key_safe() -> None:
    assert resolve_run_name("hourly 2026-11-23T10:00", 0, 900) == "hourly-2026-11-23T10-00"
    assert resolve_run_name("auto", 1_796_000_400.0, 900) == slot_run_name(1_796_000_400.0, 900)
    with pytest.raises(ValueError):
        resolve_run_name(":::", 0, 900)


# -- serializer -----------------------------------------------------------------


class _Spider(Spider):
    name = "serializer-test"

    def parse_article(self, response: object) -> None:
        return None


def test_json_serializer_round_trips_a_request_with_bytes_and_dates() -> None:
    spider = _Spider()
    published = datetime(2026, 11, 30, 8, 15, tzinfo=UTC)
    request = Request(
        "https://example.com/a?x=1", callback=spider.parse_article, method="POST", body=b"\x00\xffdata",
        headers={"If-None-Match": '"abc"'}, cb_kwargs={"hints": {"published_at": published}},
        meta={"newscrawler_article": True}, priority=3, dont_filter=True,
    )  # fmt: skip
    data = serializer.dumps(request.to_dict(spider=spider))
    assert isinstance(data, bytes) and b"\x80" not in data[:2]  # not a pickle
    back = request_from_dict(serializer.loads(data), spider=spider)
    assert (back.url, back.method, back.body, back.priority, back.dont_filter) == (
        request.url, "POST", b"\x00\xffdata", 3, True,
    )  # fmt: skip
    assert back.headers.get("If-None-Match") == b'"abc"'
    assert back.cb_kwargs == {"hints": {"published_at": published}}
    assert back.callback == spider.parse_article


def test_json_serializer_refuses_foreign_classes_and_drops_proxies() -> None:
    forged = b'{"url": "https://example.com/", "_class": "subprocess.Popen", "meta": {}}'
    with pytest.raises(serializer.UnsafeRequest):
        serializer.loads(forged)
    proxied = serializer.loads(
        b'{"url": "https://example.com/", "meta": {"proxy": "http://evil:1"}}'
    )
    assert "proxy" not in proxied["meta"]


# -- the fleet's Redis scripts ------------------------------------------------------


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[Redis]:
    client = Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.close()


def _fleet(client: Redis, worker: str, timeout: float = 30.0) -> Fleet:
    return Fleet(
        client, RunKeys("unit", "r1"), lease_timeout=timeout, keep_seconds=60, worker=worker
    )


def test_enqueue_filters_duplicates_and_a_lease_keeps_the_request(redis_client: Redis) -> None:
    fleet = _fleet(redis_client, "a")
    fleet.join()
    assert fleet.enqueue(b"req-1", 0, "fp-1")
    assert not fleet.enqueue(b"req-1 again", 0, "fp-1")
    assert fleet.enqueue(b"start", -1, None)  # not filtered; better priority
    assert fleet.enqueue(b"start", -1, None)
    assert fleet.queued() == 2
    leased = fleet.lease()
    assert leased is not None and leased[1] == b"start"
    status = fleet.status()
    assert (status.queued, status.leased, status.starting) == (1, 1, 1)
    fleet.started()
    fleet.release([leased[0]])
    assert fleet.status().leased == 0
    assert fleet.status().busy  # req-1 still queued


def test_a_dead_workers_leases_go_back_to_the_queue(redis_client: Redis) -> None:
    dead, alive = _fleet(redis_client, "dead", timeout=5), _fleet(redis_client, "alive", timeout=5)
    dead.join()
    alive.join()
    for number in range(3):
        dead.enqueue(f"req-{number}".encode(), number, f"fp-{number}")
    held = [dead.lease(), dead.lease()]
    assert all(held) and dead.queued() == 1
    assert alive.heartbeat() == (0, 0)  # everybody beat just now
    seconds, _ = redis_client.time()
    redis_client.zadd(dead.keys.workers, {"dead": seconds - 60})  # silent for a minute
    assert alive.heartbeat() == (1, 2)
    assert alive.queued() == 3
    assert sorted(redis_client.zrange(alive.keys.requests, 0, -1)) == [b"req-0", b"req-1", b"req-2"]
    assert redis_client.zrange(alive.keys.workers, 0, -1) == [b"alive"]


def test_leaving_gives_unfinished_leases_back(redis_client: Redis) -> None:
    fleet = _fleet(redis_client, "a")
    fleet.join()
    fleet.enqueue(b"req", 5, "fp")
    assert fleet.lease() is not None
    assert fleet.leave() == 1
    assert redis_client.zrange(fleet.keys.requests, 0, -1, withscores=True) == [(b"req", 5.0)]
    assert 0 < redis_client.ttl(fleet.keys.requests) <= 60


def test_a_lease_whose_answer_was_lost_goes_back_to_the_queue(redis_client: Redis) -> None:
    # Redis ran the lease script, then the connection dropped: the worker never got the
    # request. Once Redis is back, only the leases the worker knows stay leased.
    fleet = _fleet(redis_client, "a")
    fleet.join()
    fleet.enqueue(b"kept", 1, "fp-kept")
    fleet.enqueue(b"lost", 2, "fp-lost")
    kept = fleet.lease()
    assert kept is not None and kept[1] == b"kept"
    assert fleet.lease() is not None  # its answer "never arrived"
    assert fleet.requeue_unknown({kept[0]}) == 1
    assert redis_client.zrange(fleet.keys.requests, 0, -1) == [b"lost"]
    assert fleet.held() == [kept[0]]


def test_frontier_status_and_reset_commands(redis_url: str, redis_client: Redis) -> None:
    fleet = _fleet(redis_client, "w1")
    fleet.join()
    fleet.enqueue(b"a", 0, "fa")
    fleet.enqueue(b"b", 0, "fb")
    fleet.lease()
    out = io.StringIO()
    assert cli_main(["frontier", "--redis-url", redis_url, "status", "unit"], out=out) == 0
    row = next(line for line in out.getvalue().splitlines() if line.startswith("r1 "))
    assert row.split()[1:6] == ["1", "1", "1", "0", "1"]  # queued, leased, alive, dead, starting
    out = io.StringIO()
    assert cli_main(["frontier", "--redis-url", redis_url, "reset", "unit"], out=out) == 1
    assert "alive" in out.getvalue() and fleet.queued() == 1
    out = io.StringIO()
    assert (
        cli_main(["frontier", "--redis-url", redis_url, "reset", "unit", "--force"], out=out) == 0
    )
    assert redis_client.keys("newscrawler:unit:*") == []
