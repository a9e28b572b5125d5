"""A fleet as a deployment runs it: workers started together, killed, re-run on schedule.

Real parts only: a threaded news site with latency and a sitemap index on
127.0.0.1, a real Redis and a real PostgreSQL started by the fixtures, and
real ``scrapy crawl sitemap`` processes. What is checked is what the site
saw (fetches per URL, the rate) and what the database holds.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newscrawler.db.engine import make_engine
from newscrawler.db.models import Article, CrawlRun

from .conftest import PROJECT_ROOT, crawl_command
from .fleet_site import LatencySite, free_port, redis_process, running_redis, serve

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]

ARTICLES = 120
RUN_STAT = "newscrawler/frontier/run"
REQUEUED_STAT = "newscrawler/frontier/requeued_from_dead_workers"


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (scripts/test installs it as root)")
    with running_redis() as url:
        yield url


@pytest.fixture
def site() -> Iterator[LatencySite]:
    with serve(count=ARTICLES, latency=0.05) as running:
        yield running


def fleet_command(
    site: LatencySite, redis_url: str, database_url: str, spool: Path, run: str, *extra: str
) -> list[str]:
    return crawl_command(
        "sitemap", "-a", f"url={site.sitemap_url}",
        "-s", f"REDIS_URL={redis_url}", "-s", f"FRONTIER_RUN={run}",
        "-s", "FRONTIER_NAME=fleet-test", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "FRONTIER_HEARTBEAT_SECONDS=0.3", "-s", "FRONTIER_LEASE_TIMEOUT=2",
        "-s", "LOG_LEVEL=INFO", *extra,
        database_url=database_url, spool_dir=spool,
    )  # fmt: skip


def start(command: list[str], prefix: list[str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*(prefix or []), *command], cwd=PROJECT_ROOT, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONWARNINGS": "always::DeprecationWarning"},
        start_new_session=True,  # its own process group, as a systemd unit's cgroup
    )  # fmt: skip


def finish(
    processes: list[subprocess.Popen[str]], timeout: float = 240, allowed: tuple[int, ...] = (0,)
) -> list[str]:
    deadline = time.monotonic() + timeout
    logs = []
    for process in processes:
        try:
            logs.append(process.communicate(timeout=max(1, deadline - time.monotonic()))[1])
        except subprocess.TimeoutExpired:
            for running in processes:
                running.kill()
            logs += [running.communicate()[1] for running in processes[len(logs) :]]
            raise AssertionError("a worker did not finish:\n" + problems(logs)) from None
    assert all(process.returncode in allowed for process in processes), [
        log[-3000:] for log in logs
    ]
    return logs


def replay_journal(database_url: str, spool: Path) -> None:
    """Store what a worker journaled but could not commit (PostgreSQL deadlocks between
    workers' batches send a batch to the journal; see the durability section)."""
    command = crawl_command("replay", database_url=database_url, spool_dir=spool)
    finish([start(command)])


def problems(logs: list[str]) -> str:
    """The lines of the workers' logs worth reading when a check fails."""
    marks = ("ERROR", "WARNING", "Error", "journal", "summary", "stored:", "Spider closed",
             "joined", "Redis")  # fmt: skip
    return "\n".join(
        line for log in logs for line in log.splitlines() if any(m in line for m in marks)
    )


def runs_and_articles(database_url: str) -> tuple[list[CrawlRun], int]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        runs = list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
        stored = session.scalar(select(func.count(Article.id))) or 0
    engine.dispose()
    return runs, stored


def article_fetches(site: LatencySite) -> dict[str, int]:
    fetches = site.fetches()
    return {path: fetches[path] for path in site.article_paths()}


def wait_for_article_hits(site: LatencySite, count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while sum(article_fetches(site).values()) < count:
        assert time.monotonic() < deadline, "the crawl never got going"
        time.sleep(0.05)


def test_workers_started_together_share_the_run_and_a_rerun_fetches_only_new_articles(
    site: LatencySite, redis_url: str, postgres_url: str, tmp_path: Path
) -> None:
    command = fleet_command(site, redis_url, postgres_url, tmp_path / "spool", "slot-1")
    logs = finish([start(command) for _ in range(3)])
    replay_journal(postgres_url, tmp_path / "spool")

    runs, stored = runs_and_articles(postgres_url)
    assert stored == ARTICLES, problems(logs)
    fleet_runs = [run for run in runs if run.spider == "sitemap"]
    assert len(fleet_runs) == 3
    assert all(run.fetched > 0 for run in fleet_runs), [run.fetched for run in fleet_runs]
    assert sum(run.fetched for run in runs if run.spider == "sitemap") == ARTICLES
    assert set(article_fetches(site).values()) == {1}, "an article was fetched twice or never"
    assert site.fetches()["/sitemap_index.xml"] == 1
    assert {run.stats[RUN_STAT] for run in fleet_runs} == {"fleet-test/slot-1"}
    assert not any("ScrapyDeprecationWarning" in log for log in logs)

    # The next scheduled run: new articles appeared; the old ones are fresh in the database.
    site.count += 30
    site.reset_hits()
    command = fleet_command(site, redis_url, postgres_url, tmp_path / "spool", "slot-2")
    finish([start(command) for _ in range(2)])
    replay_journal(postgres_url, tmp_path / "spool")
    fetched = article_fetches(site)
    runs, stored = runs_and_articles(postgres_url)
    assert stored == ARTICLES + 30
    assert {path for path, hits in fetched.items() if hits} == set(site.article_paths()[ARTICLES:])
    assert max(fetched.values()) == 1
    second = [run for run in runs if (run.stats or {}).get(RUN_STAT) == "fleet-test/slot-2"]
    assert sum(run.fetched for run in second) == 30


def test_a_killed_worker_loses_nothing(
    site: LatencySite, redis_url: str, postgres_url: str, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    command = fleet_command(site, redis_url, postgres_url, spool, "kill-1")
    workers = [start(command) for _ in range(3)]
    wait_for_article_hits(site, 40)
    os.killpg(workers[0].pid, signal.SIGKILL)  # the worker and its extraction processes
    workers[0].communicate(timeout=30)
    logs = finish(workers[1:])
    # The killed worker's journal (fetched, not yet committed) is replayed by the next
    # worker on this host, which finds the run finished and stores only that; when the
    # kill came right after a commit there is nothing left, and that run exits 4.
    finish([start(command)], allowed=(0, 4))

    runs, stored = runs_and_articles(postgres_url)
    fetched = article_fetches(site)
    assert stored == ARTICLES
    assert min(fetched.values()) == 1, "an article was never fetched"
    refetched = sum(hits - 1 for hits in fetched.values())
    requeued = sum(run.stats.get(REQUEUED_STAT, 0) for run in runs if run.status == "finished")
    assert requeued > 0, "no survivor gave the dead worker's leases back to the queue"
    assert refetched <= requeued, (
        "an article was fetched twice that was not in the dead worker's hands"
    )
    assert any("queued again" in log for log in logs)
    assert {run.stats.get(RUN_STAT) for run in runs if run.status == "finished"} == {
        "fleet-test/kill-1"
    }


def _pid_namespaces_work() -> bool:
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    probe = subprocess.run(
        [unshare, "--pid", "--fork", "--mount-proc", "sh", "-c", "test $$ -eq 1"],
        capture_output=True,
        timeout=30,
    )
    return probe.returncode == 0


def _namespace_init(unshare_pid: int, timeout: float = 30) -> int:
    """The host PID of the process that is PID 1 inside ``unshare``'s new namespace."""
    deadline = time.monotonic() + timeout
    children = Path(f"/proc/{unshare_pid}/task/{unshare_pid}/children")
    while time.monotonic() < deadline:
        pids = children.read_text().split()
        if pids:
            return int(pids[0])
        time.sleep(0.05)
    raise AssertionError("unshare did not start its child")


def test_a_worker_running_as_pid_1_is_killed_and_its_share_recovered(
    site: LatencySite, redis_url: str, postgres_url: str, tmp_path: Path
) -> None:
    if not _pid_namespaces_work():
        pytest.skip("this machine does not allow PID namespaces (unshare --pid --fork)")
    # Batches of one: a released lease then means a committed article, so this test does not
    # depend on replaying a journal written by a PID-1 process (another module's concern).
    command = fleet_command(
        site, redis_url, postgres_url, tmp_path / "spool", "pid1-1", "-s", "STORE_BATCH_SIZE=1"
    )
    unshare = start(command, prefix=["unshare", "--pid", "--fork", "--mount-proc"])
    worker = _namespace_init(unshare.pid)
    wait_for_article_hits(site, 30)
    os.kill(worker, signal.SIGKILL)
    unshare.communicate(timeout=30)
    before = sum(article_fetches(site).values())
    assert before < ARTICLES, "the PID-1 worker finished before it was killed"

    logs = finish([start(command)])
    _, stored = runs_and_articles(postgres_url)
    assert stored == ARTICLES
    assert min(article_fetches(site).values()) == 1
    assert "queued again" in logs[0]


def test_the_fleet_together_keeps_one_workers_rate_per_site(
    redis_url: str, postgres_url: str, tmp_path: Path
) -> None:
    delay = 0.1
    with serve(count=60, latency=0.01) as small:
        command = fleet_command(small, redis_url, postgres_url, tmp_path / "spool", "polite-1")
        command = [*command, "-s", f"DOWNLOAD_DELAY={delay}", "-s", "FRONTIER_NAME=polite"]
        finish([start(command) for _ in range(3)])
        times = sorted(at for at, _ in small.hits)
    rate = (len(times) - 1) / (times[-1] - times[0])
    assert len(times) >= 60
    assert rate <= 1.1 / delay, f"{rate:.1f} requests/s, over the {1 / delay:.0f}/s of one worker"


def own_redis(tmp_path: Path) -> tuple[int, str, subprocess.Popen[bytes]]:
    """A Redis of this test's own (port, data folder, process), to stop and restart."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (scripts/test installs it as root)")
    port, datadir = free_port(), str(tmp_path / "redis")
    Path(datadir).mkdir()
    return port, datadir, redis_process(port, datadir)


def test_workers_wait_for_redis_and_resume(
    site: LatencySite, postgres_url: str, tmp_path: Path
) -> None:
    port, datadir, redis = own_redis(tmp_path)  # keeps its data across the restart
    command = fleet_command(
        site, f"redis://127.0.0.1:{port}", postgres_url, tmp_path / "spool", "outage-1"
    )
    workers = [start(command) for _ in range(2)]
    try:
        wait_for_article_hits(site, 30)
        redis.terminate()
        redis.wait(timeout=10)
        time.sleep(3)
        redis = redis_process(port, datadir)
        logs = finish(workers)
    finally:
        redis.terminate()
        redis.wait(timeout=10)
    replay_journal(postgres_url, tmp_path / "spool")
    _, stored = runs_and_articles(postgres_url)
    assert stored == ARTICLES, problems(logs)
    assert min(article_fetches(site).values()) == 1
    assert all("Redis unreachable" in log and "Redis is back" in log for log in logs)


def test_a_worker_that_loses_redis_for_good_exits_non_zero(
    site: LatencySite, postgres_url: str, tmp_path: Path
) -> None:
    port, _, redis = own_redis(tmp_path)
    command = fleet_command(
        site, f"redis://127.0.0.1:{port}", postgres_url, tmp_path / "spool", "gone-1",
        "-s", "FRONTIER_REDIS_OUTAGE_SECONDS=2",
    )  # fmt: skip
    worker = start(command)
    try:
        wait_for_article_hits(site, 10)
    finally:
        redis.kill()
        redis.wait(timeout=10)
    (log,) = finish([worker], timeout=120, allowed=(7,))
    assert "FAILED (exit 7): the Redis frontier stayed unreachable" in log.splitlines()[-1]


def test_a_worker_gives_up_on_redis_even_with_links_waiting_to_be_queued(
    postgres_url: str, tmp_path: Path
) -> None:
    """Links found after Redis went away wait in memory, so the engine never idles: the
    worker must still stop after the outage limit (it used to wait for ever)."""
    port, _, redis = own_redis(tmp_path)
    with serve(count=150, latency=1.0) as slow:
        command = fleet_command(
            slow, f"redis://127.0.0.1:{port}", postgres_url, tmp_path / "spool", "gone-2",
            "-s", "FRONTIER_REDIS_OUTAGE_SECONDS=2",
        )  # fmt: skip
        worker = start(command)
        try:  # Redis goes while a child sitemap (100 links) is on its way
            wait_for_hit(slow, "/sitemap-0.xml")
        finally:
            redis.kill()
            redis.wait(timeout=10)
        (log,) = finish([worker], timeout=120, allowed=(7,))
    assert "Redis unreachable for 2 s; stopping" in log
    assert "FAILED (exit 7): the Redis frontier stayed unreachable" in log.splitlines()[-1]


def wait_for_hit(site: LatencySite, path: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while path not in site.fetches():
        assert time.monotonic() < deadline, f"{path} was never requested"
        time.sleep(0.01)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
