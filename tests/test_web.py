"""Web spiders against a fixture news site served on 127.0.0.1 by a real HTTP server.

The site (tests/fixtures/site) has RSS 2.0, RSS 1.0 and Atom feeds, a broken
feed, a sitemap index with a gzipped Google News sitemap and an old
sitemap, robots.txt with a disallowed folder, articles in several
languages, a page that fails once with 500, one that answers 429 with
Retry-After, a redirect chain, an article with ETag/Last-Modified, and
links to file:///etc/passwd and to another host.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newscrawler.db.engine import make_engine
from newscrawler.db.models import Article, CrawlRun, Sighting

from .conftest import CrawlRunner

SITE = Path(__file__).parent / "fixtures" / "site"
TEST_SETTINGS = (
    "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=2",
    "-s", "RETRY_AFTER_MAX=1", "-s", "LOG_LEVEL=INFO",
)  # fmt: skip
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml",
                 ".txt": "text/plain", ".gz": "application/x-gzip"}  # fmt: skip
ETAG = '"harbour-v1"'


@dataclass
class SiteLog:
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    hits: Counter[str] = field(default_factory=Counter)

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


class FixtureSite(BaseHTTPRequestHandler):
    base = ""
    log_book = SiteLog()

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        self.log_book.requests.append((path, dict(self.headers)))
        self.log_book.hits[path] += 1
        hits = self.log_book.hits[path]
        if path == "/news/flaky.html" and hits == 1:
            return self.answer(500, b"temporary failure")
        if path == "/news/slow.html" and hits == 1:
            return self.answer(429, b"slow down", {"Retry-After": "1"})
        if path == "/redirect-1":
            return self.answer(301, b"", {"Location": "/redirect-2"})
        if path == "/redirect-2":
            return self.answer(302, b"", {"Location": f"{self.base}/news/fr-budget.html"})
        if path == "/news/etag-article.html" and self.headers.get("If-None-Match") == ETAG:
            return self.answer(304, b"", {"ETag": ETAG})
        if path == "/sitemap-news.xml.gz":
            return self.answer(200, gzip.compress(self.render("sitemap-news.xml")),
                               {"Content-Type": CONTENT_TYPES[".gz"]})  # fmt: skip
        file = SITE / path.lstrip("/")
        if not file.is_file():
            return self.answer(404, b"not found")
        headers = {"Content-Type": CONTENT_TYPES.get(file.suffix, "application/octet-stream")}
        if path == "/news/etag-article.html":
            headers |= {"ETag": ETAG, "Last-Modified": "Fri, 20 Nov 2026 09:00:00 GMT"}
        return self.answer(200, self.render(path.lstrip("/")), headers)

    def render(self, name: str) -> bytes:
        return (SITE / name).read_text(encoding="utf-8").replace("{base}", self.base).encode()

    def answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # keep pytest output quiet
        pass


@dataclass
class Site:
    base: str
    log: SiteLog


@pytest.fixture
def site() -> Iterator[Site]:
    log = SiteLog()
    handler = type("Handler", (FixtureSite,), {"log_book": log})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    handler.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Site(handler.base, log)
    server.shutdown()
    server.server_close()


def stored(database_url: str) -> dict[str, Article]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        articles = {
            a.url.rsplit("/", 1)[-1].split("?")[0]: a for a in session.scalars(select(Article))
        }
        session.expunge_all()
    engine.dispose()
    return articles


def first_run_stats(database_url: str) -> dict[str, object]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        run = session.scalars(select(CrawlRun).order_by(CrawlRun.id)).first()
        assert run is not None and run.stats is not None
        stats = dict(run.stats)
    engine.dispose()
    return stats


def sightings(database_url: str) -> int:
    engine = make_engine(database_url)
    with Session(engine) as session:
        count = session.scalar(select(func.count(Sighting.id))) or 0
    engine.dispose()
    return count


def test_feeds_crawl_then_incremental_revisits(
    site: Site, run_crawl: CrawlRunner, sqlite_url: str
) -> None:
    feeds = ",".join(
        f"{site.base}/{name}" for name in ("rss.xml", "atom.xml", "rdf.xml", "broken.xml")
    )
    first = run_crawl("feeds", "-a", f"url={feeds}", *TEST_SETTINGS)
    articles = stored(sqlite_url)
    assert set(articles) == {"en-budget.html", "de-verkehr.html", "flaky.html", "slow.html",
                             "fr-budget.html", "etag-article.html", "es-lluvias.html"}  # fmt: skip
    assert {a.language for a in articles.values()} == {"en", "de", "fr", "es"}
    assert articles["de-verkehr.html"].language == "de"
    assert articles["etag-article.html"].authors  # from the page or the Atom entry
    assert "/private/secret.html" not in site.log.paths()  # robots.txt obeyed
    assert (
        "file:///etc/passwd" not in first.stderr
        or "refused" in first.stderr
        or ("not an http(s) URL" in first.stderr)
    )
    assert "broken.xml: malformed feed XML, 0 entry link(s) recovered" in first.stderr
    assert site.log.hits["/news/flaky.html"] == 2 and site.log.hits["/news/slow.html"] == 2
    run_stats = first_run_stats(sqlite_url)
    assert run_stats["offsite/filtered"] == 1  # elsewhere.invalid was not asked
    assert run_stats.get("newscrawler/dropped/not_http") == 1, sorted(run_stats)
    first_sightings = sightings(sqlite_url)  # one per URL: en-budget came under two URLs
    assert first_sightings == len(articles) + 1
    user_agents = {headers.get("User-Agent", "") for _, headers in site.log.requests}
    assert all(agent.startswith("newscrawler/") for agent in user_agents)

    # Second run, revisit interval 0: every article is asked again, conditionally when possible.
    before = len(site.log.requests)
    run_crawl("feeds", "-a", f"url={feeds}", *TEST_SETTINGS, "-s", "REVISIT_INTERVAL=0")
    second = site.log.requests[before:]
    etag_requests = [h for p, h in second if p == "/news/etag-article.html"]
    assert etag_requests and etag_requests[0].get("If-None-Match") == ETAG
    assert set(stored(sqlite_url)) == set(articles)  # 304 and unchanged pages: nothing new
    assert sightings(sqlite_url) == 2 * first_sightings

    # Third run with the default revisit interval: no article page is fetched again.
    before = len(site.log.requests)
    run_crawl("feeds", "-a", f"url={feeds}", *TEST_SETTINGS)
    third = [path for path, _ in site.log.requests[before:]]
    assert not [path for path in third if path.startswith("/news/")]
    assert sightings(sqlite_url) == 2 * first_sightings


def test_sitemap_via_robots_with_since(site: Site, run_crawl: CrawlRunner, sqlite_url: str) -> None:
    run_crawl("sitemap", "-a", f"url={site.base}/robots.txt", "-a", "since=2026-01-01",
              *TEST_SETTINGS)  # fmt: skip
    articles = stored(sqlite_url)
    assert set(articles) == {"ja-factory.html", "de-verkehr.html"}
    assert articles["ja-factory.html"].language == "ja"
    assert "/sitemap-2019.xml" not in site.log.paths()  # older than since: not even fetched
    assert "/private/secret.html" not in site.log.paths()


def test_url_list_never_opens_local_files(
    site: Site, run_crawl: CrawlRunner, sqlite_url: str, tmp_path: Path
) -> None:
    url_file = tmp_path / "urls.txt"
    url_file.write_text(
        f"# morning list\n{site.base}/news/en-budget.html\n\nfile:///etc/passwd\n"
        f"{site.base}/news/es-lluvias.html  # Spanish\n",
        encoding="utf-8",
    )
    result = run_crawl("urls", "-a", f"file={url_file}", *TEST_SETTINGS)
    assert set(stored(sqlite_url)) == {"en-budget.html", "es-lluvias.html"}
    assert "file:///etc/passwd: not an http(s) URL, not followed" in result.stderr
    assert "root:" not in result.stderr


def test_sources_file_with_per_site_rules(
    site: Site, run_crawl: CrawlRunner, sqlite_url: str, tmp_path: Path
) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[site]]\nname = "herald"\nfeeds = ["{site.base}/rss.xml", "{site.base}/rdf.xml"]\n'
        f'sitemaps = ["{site.base}/sitemap_index.xml"]\ndeny = "/news/(es|fr)-|redirect"\n'
        'since = "2026-01-01"\n',
        encoding="utf-8",
    )
    run_crawl("sources", "-a", f"file={sources}", *TEST_SETTINGS)
    assert set(stored(sqlite_url)) == {"en-budget.html", "de-verkehr.html", "flaky.html",
                                       "slow.html", "ja-factory.html"}  # fmt: skip
    assert "/news/es-lluvias.html" not in site.log.paths()


def test_a_stopped_crawl_resumes_from_its_jobdir_without_refetching_what_it_stored(
    site: Site, run_crawl: CrawlRunner, sqlite_url: str, tmp_path: Path
) -> None:
    feeds = f"{site.base}/rss.xml,{site.base}/atom.xml"
    jobdir = f"JOBDIR={tmp_path / 'job'}"
    settings = (*TEST_SETTINGS, "-s", jobdir, "-s", "CONCURRENT_REQUESTS=1")
    run_crawl("feeds", "-a", f"url={feeds}", *settings, "-s", "CLOSESPIDER_ITEMCOUNT=2")
    first = set(stored(sqlite_url))
    assert 1 <= len(first) < 6
    before = len(site.log.requests)
    run_crawl("feeds", "-a", f"url={feeds}", *settings)
    again = [path for path, _ in site.log.requests[before:]]
    assert set(stored(sqlite_url)) == {"en-budget.html", "de-verkehr.html", "flaky.html",
                                       "slow.html", "fr-budget.html", "etag-article.html"}  # fmt: skip
    refetched = {path for path in again if path.rsplit("/", 1)[-1] in first}
    assert not refetched, f"stored before the stop, fetched again after resuming: {refetched}"


# -- ports, sitemap depth, deadlines, bad dates (issue 15) ---------------------------------

ARTICLE = (
    "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    + "<p>The harbour council met on Monday to discuss the budget for the new school and the "
    "river bridge, and the minister promised a report before the election.</p>"
    * 4
    + "</article></body></html>"
)


class Routes(BaseHTTPRequestHandler):
    """Answers from ``routes`` (path: callable(handler) or (status, headers, body))."""

    routes: dict[str, object] = {}  # noqa: RUF012
    hits: Counter[str] = Counter()  # noqa: RUF012

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        self.hits[path] += 1
        route = self.routes.get(path)
        if route is None:
            route = next(
                (r for p, r in self.routes.items() if p.endswith("*") and path.startswith(p[:-1])),
                None,
            )
        if callable(route):
            return route(self, path)
        status, headers, body = route or (404, {}, b"")
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Server:
    base: str
    routes: dict[str, object]
    hits: Counter[str]


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    """Two HTTP servers on 127.0.0.1, on two ports."""
    started = []
    for _ in range(2):
        routes: dict[str, object] = {}
        hits: Counter[str] = Counter()
        handler = type("Handler", (Routes,), {"routes": routes, "hits": hits})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append(
            (server, Server(f"http://127.0.0.1:{server.server_address[1]}", routes, hits))
        )
    yield [site for _, site in started]
    for server, _ in started:
        server.shutdown()
        server.server_close()


def page(title: str) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "text/html; charset=utf-8"}, ARTICLE.format(title=title).encode()


def xml(body: str) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "application/xml"}, body.encode()


def test_another_port_of_an_allowed_host_is_not_fetched(
    servers: list[Server], run_crawl: CrawlRunner, sqlite_url: str
) -> None:
    home, other = servers
    home.routes["/rss.xml"] = xml(
        f"<rss><channel><item><link>{home.base}/news/home.html</link></item>"
        f"<item><link>{other.base}/news/elsewhere.html</link></item>"
        f"<item><link>{home.base}/moved</link></item></channel></rss>"
    )
    home.routes["/news/home.html"] = page("Budget news from home")
    home.routes["/moved"] = (301, {"Location": f"{other.base}/news/redirected.html"}, b"")
    other.routes["/news/elsewhere.html"] = page("Another port")
    other.routes["/news/redirected.html"] = page("Redirected to another port")
    run_crawl("feeds", "-a", f"url={home.base}/rss.xml", *TEST_SETTINGS)
    assert set(stored(sqlite_url)) == {"home.html"}
    assert not [path for path in other.hits if path.startswith("/news/")]
    assert first_run_stats(sqlite_url)["newscrawler/dropped/offsite_port"] == 2


def test_an_endless_chain_of_sitemap_indexes_ends_at_the_depth_limit(
    servers: list[Server], run_crawl: CrawlRunner, sqlite_url: str
) -> None:
    site = servers[0]

    def index(handler: Routes, path: str) -> None:
        level = int(path.rsplit("/", 1)[1].removesuffix(".xml"))
        body = (f"<sitemapindex><sitemap><loc>{site.base}/maps/{level + 1}.xml</loc></sitemap>"
                f"<sitemap><loc>{site.base}/urls/{level}.xml</loc></sitemap></sitemapindex>").encode()  # fmt: skip
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    site.routes["/maps/*"] = index
    site.routes["/urls/*"] = xml("<urlset></urlset>")
    run_crawl(  # a chain of indexes and empty url sets: nothing came in, exit 4
        "sitemap", "-a", f"url={site.base}/maps/0.xml", *TEST_SETTINGS, "-s", "SITEMAP_MAX_DEPTH=3",
        returncode=4,
    )  # fmt: skip
    assert sorted(p for p in site.hits if p.startswith("/maps/")) == [
        f"/maps/{n}.xml" for n in range(4)
    ]
    assert (
        first_run_stats(sqlite_url)["newscrawler/dropped/sitemap_too_deep"] == 2
    )  # 3.xml lists two


def test_a_trickling_server_is_given_up_at_the_request_deadline(
    servers: list[Server], run_crawl: CrawlRunner, sqlite_url: str
) -> None:
    site = servers[0]

    def trickle(handler: Routes, path: str) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        for _ in range(100):
            try:
                handler.wfile.write(b" ")
                handler.wfile.flush()
            except OSError:
                return
            time.sleep(0.5)

    site.routes["/news/slow.html"] = trickle
    site.routes["/news/fast.html"] = page("A fast page about the harbour budget")
    run_crawl("urls", "-a", f"url={site.base}/news/slow.html,{site.base}/news/fast.html",
              *TEST_SETTINGS, "-s", "RETRY_TIMES=3", "-s", "DOWNLOAD_TIMEOUT=2",
              "-s", "REQUEST_DEADLINE=3")  # fmt: skip
    assert site.hits["/news/slow.html"] == 2  # without the deadline: 1 + RETRY_TIMES attempts
    assert set(stored(sqlite_url)) == {"fast.html"}
    assert first_run_stats(sqlite_url)["newscrawler/dropped/deadline"] == 1


def test_bad_dates_cost_nothing_and_retry_after_dates_in_any_zone_are_honoured(
    servers: list[Server], run_crawl: CrawlRunner, sqlite_url: str
) -> None:
    site = servers[0]
    dates = ["Mon, 31 Feb 99999 25:61:00 +9999", "0000-00-00T00:00:00", "yesterday", "",
             "Tue, 01 Dec 2026 09:00:00 -0000"]  # fmt: skip
    site.routes["/rss.xml"] = xml(
        "<rss><channel>"
        + "".join(
            f"<item><link>{site.base}/news/a{n}.html</link><pubDate>{d}</pubDate></item>"
            for n, d in enumerate(dates)
        )
        + "</channel></rss>"
    )
    for number in range(len(dates)):
        site.routes[f"/news/a{number}.html"] = page(f"Harbour story number {number} of the week")
    when = datetime.now(UTC) + timedelta(seconds=1)
    first = {"done": False}

    def busy(handler: Routes, path: str) -> None:
        if first["done"]:
            return _answer(handler, page("Busy at first, then fine"))
        first["done"] = True
        return _answer(handler, (429, {"Retry-After": f"{when:%a, %d %b %Y %H:%M:%S} -0000"}, b""))

    site.routes["/news/busy.html"] = busy
    site.routes["/rss.xml"] = (
        200,
        {},
        site.routes["/rss.xml"][2].replace(  # type: ignore[index]
            b"</channel>",
            f"<item><link>{site.base}/news/busy.html</link></item></channel>".encode(),
        ),
    )
    run_crawl("feeds", "-a", f"url={site.base}/rss.xml", *TEST_SETTINGS)
    assert set(stored(sqlite_url)) == {f"a{n}.html" for n in range(len(dates))} | {"busy.html"}
    assert site.hits["/news/busy.html"] == 2


def _answer(handler: Routes, route: tuple[int, dict[str, str], bytes]) -> None:
    status, headers, body = route
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
