"""``scrapy crawl`` as a scheduled job sees it: exit codes, the last log line, the summary, -O.

Every test runs the real command in a subprocess against real parts: an
SQLite file, an HTTP server on 127.0.0.1, a port nobody listens on, a
PostgreSQL URL that cannot be reached.
"""

from __future__ import annotations

import csv
import io
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from newscrawler.db.engine import make_engine
from newscrawler.db.models import Article, Sighting

from .conftest import PROJECT_ROOT, CrawlRunner, crawl_command, write_articles

pytestmark = pytest.mark.slow  # real processes

FAST = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0")
HTML = (PROJECT_ROOT / "tests/fixtures/html/news_article.html").read_text(encoding="utf-8")
# The same tag spelled escaped and plain (as CMSs put it in JSON-LD), and in two cases.
TAGGED_HTML = HTML.replace(
    '"keywords": "Hafen, Logistik"', '"keywords": ["Food &amp; Drink", "food & drink", "Hafen"]'
)
# The contract's article fields, in the order a -O export writes them.
EXPORTED_FIELDS = [
    "id", "url", "canonical_url", "title", "text", "language", "language_confidence",
    "languages", "published_at", "authors", "site_name", "description", "tags",
    "source_credit", "image_url", "declared_language", "content_hash", "duplicate_of",
    "similarity", "story_id", "fetched_url", "fetched_at", "spider", "outcome",
]  # fmt: skip


@dataclass
class Server:
    base: str
    pages: dict[str, tuple[int, str]]


@pytest.fixture
def server() -> Iterator[Server]:
    """An HTTP server answering ``pages`` (path -> status, HTML); anything else is a 404."""
    pages: dict[str, tuple[int, str]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = pages.get(self.path.split("?")[0], (404, "<h1>Not found</h1>"))
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield Server(f"http://127.0.0.1:{http.server_address[1]}", pages)
    http.shutdown()
    http.server_close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    return result.stderr.strip().splitlines()[-1]


def test_missing_spider_argument_is_one_line_and_exit_2(run_crawl: CrawlRunner) -> None:
    result = run_crawl("feeds", returncode=2)
    assert "needs -a url=" in last_line(result)
    assert "Traceback" not in result.stderr
    assert "Task exception was never retrieved" not in result.stderr
    assert result.stderr.count("needs -a url=") == 1


def test_files_without_path_is_a_usage_error(run_crawl: CrawlRunner) -> None:
    result = run_crawl("files", returncode=2)
    assert "-a path=" in last_line(result) and "Traceback" not in result.stderr


def test_unknown_key_in_sources_file_is_named(run_crawl: CrawlRunner, tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text('[[site]]\nname = "x"\nfeed = ["http://127.0.0.1:1/rss.xml"]\n')
    result = run_crawl("sources", "-a", f"file={sources}", returncode=2)
    assert "unknown key 'feed'" in last_line(result)
    assert "feeds" in last_line(result)  # the known keys are listed
    missing = run_crawl("sources", "-a", f"file={tmp_path / 'none.toml'}", returncode=2)
    assert "none.toml" in last_line(missing) and "Traceback" not in missing.stderr


def test_every_fetch_failed_exits_4_with_statuses(server: Server, run_crawl: CrawlRunner) -> None:
    urls = f"{server.base}/gone.html,http://127.0.0.1:{closed_port()}/a.html"
    result = run_crawl("urls", "-a", f"url={urls}", *FAST, "-s", "ROBOTSTXT_OBEY=False",
                       returncode=4)  # fmt: skip
    line = last_line(result)
    assert "every fetch failed" in line
    assert "HTTP 404=1" in line and "ConnectionRefused" in line
    assert "failed fetches: 2" in result.stderr  # in the summary too
    assert "Traceback" not in result.stderr


def test_some_fetches_failing_is_still_a_run_that_did_its_job(
    server: Server, run_crawl: CrawlRunner
) -> None:
    server.pages["/news/hafen.html"] = (200, HTML)
    urls = f"{server.base}/news/hafen.html,{server.base}/gone.html"
    result = run_crawl("urls", "-a", f"url={urls}", *FAST, "-s", "ROBOTSTXT_OBEY=False")
    assert "1 documents, 1 stored" in last_line(result)
    assert "1 fetches failed (HTTP 404=1)" in last_line(result)


def test_database_down_exits_3_and_keeps_the_documents(
    run_crawl: CrawlRunner, spool_dir: Path
) -> None:
    url = f"postgresql+psycopg://news:s3cret-pw@127.0.0.1:{closed_port()}/news"
    result = run_crawl("seeds", "-s", "STORE_RECONNECT_SECONDS=0.2", "-L", "WARNING",
                       database_url=url, returncode=3)  # fmt: skip
    assert "database unavailable: 4 of 4 documents not stored" in last_line(result)
    assert "left in the journal for replay: 4" in result.stderr  # the summary at WARNING
    assert "s3cret-pw" not in result.stderr
    assert list(spool_dir.rglob("*.seg"))  # nothing fetched is lost


def test_summary_survives_loglevel_warning(run_crawl: CrawlRunner) -> None:
    result = run_crawl("seeds", "-L", "WARNING")
    assert "newscrawler summary:" in result.stderr
    assert "documents fetched: 4" in result.stderr
    assert "INFO" not in result.stderr


def test_scrapy_jsonl_export_writes_clean_article_fields(
    run_crawl: CrawlRunner, tmp_path: Path
) -> None:
    target = tmp_path / "out.jsonl"
    run_crawl("seeds", "-O", str(target))
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 4
    assert all(list(record) == EXPORTED_FIELDS for record in records)
    assert all(r["url"].startswith("file://") and r["text"] for r in records)
    assert {r["language"] for r in records} == {"de", "en"}
    assert {r["outcome"] for r in records} == {"new"}
    assert all(r["fetched_at"].endswith("+00:00") for r in records)


def test_scrapy_csv_export_has_no_internal_objects(
    run_crawl: CrawlRunner, tmp_path: Path, server: Server
) -> None:
    server.pages["/news/hafen.html"] = (200, TAGGED_HTML)
    target = tmp_path / "out.csv"
    run_crawl("urls", "-a", f"url={server.base}/news/hafen.html", *FAST, "-O", str(target))
    text = target.read_text(encoding="utf-8")
    assert "<RawDocument" not in text and "Decision(" not in text and "<Article" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == EXPORTED_FIELDS
    assert rows[0]["url"] == f"{server.base}/news/hafen.html"
    assert json.loads(rows[0]["tags"]) == ["Food & Drink", "Hafen", "Wirtschaft"]
    assert rows[0]["authors"] == "Birte Hansen; Ole Petersen"


def test_failed_feed_export_exits_5(run_crawl: CrawlRunner, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    result = run_crawl("seeds", "-O", str(blocker / "out.jsonl"), returncode=5)
    assert "feed export failed" in last_line(result)


def test_stored_url_drops_tracking_parameters_and_tags_are_folded(
    run_crawl: CrawlRunner, server: Server, sqlite_url: str
) -> None:
    server.pages["/news/hafen.html"] = (200, TAGGED_HTML)
    fetched = f"{server.base}/news/hafen.html?id=7&utm_source=newsletter&utm_medium=email"
    run_crawl("urls", "-a", f"url={fetched}", *FAST)
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        article = session.scalars(select(Article)).one()
        sighting = session.scalars(select(Sighting)).one()
        assert article.url == f"{server.base}/news/hafen.html?id=7"
        assert article.tags == ["Food & Drink", "Hafen", "Wirtschaft"]
        assert sighting.url == fetched  # the spelling it was fetched under is kept
    engine.dispose()


def test_reextract_summary_counts_changed_and_unchanged(
    run_crawl: CrawlRunner, sqlite_url: str
) -> None:
    run_crawl("seeds")
    result = subprocess.run(
        [sys.executable, "-m", "newscrawler.cli", "reextract", "--database-url", sqlite_url],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "documents re-extracted: 4" in result.stderr
    assert "changed (updated): 0, unchanged: 4" in result.stderr


def test_log_has_no_library_chatter(run_crawl: CrawlRunner, server: Server) -> None:
    # A link without href in the body makes trafilatura warn about each one, twice.
    server.pages["/news/hafen.html"] = (
        200,
        HTML.replace("Der Hafen bekommt", "Der <a>Hafen</a> bekommt"),
    )
    result = run_crawl("urls", "-a", f"url={server.base}/news/hafen.html", *FAST)
    assert "1 stored" in last_line(result)
    assert "Context impl" not in result.stderr
    assert "Will assume" not in result.stderr
    assert "missing link attribute" not in result.stderr
    assert "trafilatura" not in result.stderr


def test_long_runs_log_progress(run_crawl: CrawlRunner, tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "articles", 40)
    result = run_crawl("files", "-a", f"path={folder}", "-s", "LOGSTATS_INTERVAL=0.2")
    progress = [line for line in result.stderr.splitlines() if "Progress: " in line]
    assert progress, result.stderr[-2000:]
    assert all("documents (" in line and "/s)" in line and "stored" in line for line in progress)


def test_malformed_database_url_stops_the_crawl_at_once(run_crawl: CrawlRunner) -> None:
    result = run_crawl("seeds", database_url="news.sqlite3", returncode=2)
    assert "'news.sqlite3' is not a usable database URL" in last_line(result)
    assert "Traceback" not in result.stderr


def test_missing_postgres_driver_names_the_extra(run_crawl: CrawlRunner, tmp_path: Path) -> None:
    stub = tmp_path / "blocked" / "psycopg"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'psycopg'\", name='psycopg')\n"
    )
    result = run_crawl("seeds", database_url="postgresql+psycopg://news:pw@127.0.0.1:1/news",
                       env={"PYTHONPATH": str(stub.parent)}, returncode=2)  # fmt: skip
    assert "pip install 'newscrawler[postgres]'" in last_line(result)


def test_interrupted_crawl_exits_6(tmp_path: Path, sqlite_url: str, spool_dir: Path) -> None:
    folder = write_articles(tmp_path / "articles", 60)
    command = crawl_command("files", "-a", f"path={folder}", "-s", "CONCURRENT_REQUESTS=1",
                            "-s", "DOWNLOAD_DELAY=0.2", database_url=sqlite_url,
                            spool_dir=spool_dir)  # fmt: skip
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(spool_dir.rglob("*.seg")) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)  # what Ctrl-C or a polite scheduler stop does
    stderr = process.communicate(timeout=120)[1]
    assert process.returncode == 6, stderr[-2000:]
    assert "interrupted (shutdown)" in stderr.strip().splitlines()[-1]
