"""WARC in and out: ``scrapy crawl warc`` replays archives, ``newscrawler export-raw`` writes them.

The archives are written here with warcio, another library than the
reader's (FastWARC), gzip per record as crawlers write them: articles in
several languages, a request, a metadata record, a 404, an image, a
truncated record, a revisit of an article and one of an unknown original,
a record whose charset header is wrong, a ``file://`` target, and a gzip
member broken in the middle of the file. Crawls run as real subprocesses
into real SQLite files; the cross-source test serves the same page on a
real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import random
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from warcio.archiveiterator import ArchiveIterator as WarcioIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newscrawler.archive.read import ArchiveReader, Page, Skip
from newscrawler.db.engine import make_engine
from newscrawler.db.models import Article, CrawlRun, RawDocument, Sighting

from .conftest import PROJECT_ROOT, CrawlRunner, crawl_command

OLD_DATE = "2026-11-20T08:00:00Z"  # older than REVISIT_INTERVAL: our crawl may ask again
TOPICS = {
    "en": (
        "The harbour authority approved a new ferry terminal on Tuesday after months of debate. "
        "Councillors said the building would open next spring and carry twice as many travellers. "
        "Local shop owners welcomed the decision but asked for more parking near the quay. "
        "The regional government will pay for most of the work from its transport budget."
    ),
    "de": (
        "Der Stadtrat hat am Dienstag den Bau einer neuen Fähranlegestelle beschlossen. "
        "Nach monatelanger Debatte soll das Gebäude im kommenden Frühjahr eröffnet werden. "
        "Die Geschäftsleute am Hafen begrüßten die Entscheidung, forderten aber mehr Parkplätze. "
        "Das Land übernimmt den größten Teil der Kosten aus seinem Verkehrshaushalt."
    ),
    "fr": (
        "Le conseil municipal a approuvé mardi la construction d'un nouveau terminal de ferry. "
        "Après des mois de débat, le bâtiment doit ouvrir au printemps prochain et accueillir "
        "deux fois plus de voyageurs. Les commerçants du port ont salué la décision mais "
        "réclament davantage de places de stationnement près du quai."
    ),
    "es": (
        "El ayuntamiento aprobó el martes la construcción de una nueva terminal de transbordadores. "
        "Tras meses de debate, el edificio abrirá la próxima primavera y recibirá el doble de "
        "viajeros. Los comerciantes del puerto celebraron la decisión, aunque piden más "
        "aparcamiento cerca del muelle."
    ),
}


def article_html(title: str, body: str, lang: str = "en") -> bytes:
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in body.split(". ") if sentence)
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title>"
        f"</head><body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{paragraphs}"
        "</article></body></html>"
    ).encode()


def prose(seed: int, sentences: int = 6) -> str:
    """Distinct English-looking prose (so that no two fixture articles are near copies)."""
    rng = random.Random(seed)
    words = (
        "minister council harbour budget school river election market company report police "
        "court weather festival hospital train bridge energy museum farmers strike tunnel "
        "airport library theatre village ferry mayor teachers nurses workers island"
    ).split()
    return ". ".join(
        " ".join(rng.choice(words) for _ in range(15)).capitalize() for _ in range(sentences)
    )


@dataclass
class ArchiveBuilder:
    """Writes a WARC file record by record with warcio, remembering where each record starts."""

    path: Path
    compress: bool = True
    offsets: list[int] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.stream = self.path.open("wb")
        self.writer = WARCWriter(self.stream, gzip=self.compress)

    def write(self, record: Any, name: str = "") -> None:
        self.offsets.append(self.stream.tell())
        self.writer.write_record(record)
        if name:
            self.ids[name] = record.rec_headers.get_header("WARC-Record-ID")

    def warcinfo(self, **info: str) -> None:
        self.write(self.writer.create_warcinfo_record(self.path.name, info or {"software": "t"}))

    def response(
        self,
        url: str,
        body: bytes,
        *,
        status: str = "200 OK",
        content_type: str | None = "text/html; charset=utf-8",
        date: str = OLD_DATE,
        extra: dict[str, str] | None = None,
        http_extra: list[tuple[str, str]] | None = None,
        name: str = "",
    ) -> None:
        headers = [("Content-Type", content_type)] if content_type else []
        headers += [*(http_extra or []), ("Content-Length", str(len(body)))]
        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        record = self.writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": date, **(extra or {})},
        )
        self.write(record, name)

    def request(self, url: str) -> None:
        http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True)
        self.write(self.writer.create_warc_record(url, "request", payload=io.BytesIO(b""),
                                                  http_headers=http))  # fmt: skip

    def metadata(self, url: str) -> None:
        record = self.writer.create_warc_record(
            url, "metadata", payload=io.BytesIO(b"fetchTimeMs: 120\r\n"),
            warc_content_type="application/warc-fields",
        )  # fmt: skip
        self.write(record)

    def revisit(self, url: str, of_url: str, body: bytes, date: str, refers_to: str = "") -> None:
        digest = "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()
        http = StatusAndHeaders("304 Not Modified", [("ETag", '"v1"')], protocol="HTTP/1.1")
        record = self.writer.create_revisit_record(
            url, digest, of_url, OLD_DATE, http_headers=http,
            warc_headers_dict={"WARC-Date": date, **({"WARC-Refers-To": refers_to} if refers_to else {})},
        )  # fmt: skip
        self.write(record)

    def close(self) -> Path:
        self.stream.close()
        return self.path

    def break_record(self, index: int) -> None:
        """Overwrite the middle of record ``index``'s gzip member with zeros."""
        data = bytearray(self.path.read_bytes())
        start, end = self.offsets[index], self.offsets[index + 1]
        middle = (start + end) // 2
        data[middle : middle + 16] = bytes(16)
        self.path.write_bytes(bytes(data))


BASE = "https://herald.example/news"
WRONG_CHARSET_TEXT = (
    "Die Bürgermeisterin eröffnete am Freitag die größte Brücke der Region über die Weser. "
    "Für die Anwohner bedeutet das künftig kürzere Wege zur Arbeit und weniger Lärm im Ort. "
    "Die Bauarbeiten hatten fast vier Jahre gedauert und mehr gekostet als zunächst geplant."
)


@pytest.fixture
def mixed_archive(tmp_path: Path) -> Path:
    """A crawler's WARC with every kind of record the spider must handle."""
    out = ArchiveBuilder(tmp_path / "archive" / "mixed.warc.gz")
    out.warcinfo(software="test-crawler/1.0", format="WARC File Format 1.1")
    for number, (lang, text) in enumerate(TOPICS.items()):
        url = f"{BASE}/{lang}-ferry.html"
        out.request(url)
        out.response(url, article_html(f"Ferry terminal {lang}", text, lang), name=lang)
        if number == 0:
            out.metadata(url)
    out.response(
        f"{BASE}/gone.html", b"<html><body>Not found</body></html>", status="404 Not Found"
    )
    out.response(f"{BASE}/photo.jpg", b"\xff\xd8\xff\xe0" + bytes(200), content_type="image/jpeg")
    out.response(f"{BASE}/plain.txt", f"City budget approved\n\n{prose(7)}.\n".encode(),
                 content_type="text/plain")  # fmt: skip
    out.response(
        f"{BASE}/cut.html", article_html("Cut", prose(8)), extra={"WARC-Truncated": "length"}
    )
    out.response(f"{BASE}/weser-bruecke.html", article_html("Neue Weserbrücke", WRONG_CHARSET_TEXT, "de"),
                 content_type="text/html; charset=iso-8859-2")  # fmt: skip
    out.response(
        "file:///etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n", content_type="text/plain"
    )
    broken = len(out.offsets)
    out.response(f"{BASE}/broken.html", article_html("Broken member", prose(9)))
    out.response(f"{BASE}/after-broken.html", article_html("After the break", prose(10)))
    en_body = article_html("Ferry terminal en", TOPICS["en"], "en")
    out.revisit(f"{BASE}/en-ferry.html?amp=1", f"{BASE}/en-ferry.html", en_body,
                "2026-11-21T08:00:00Z", refers_to=out.ids["en"])  # fmt: skip
    out.revisit(f"{BASE}/never-seen.html", f"{BASE}/never-seen.html", b"other", OLD_DATE)
    out.response(f"{BASE}/last.html", article_html("Last story", prose(11)))
    out.close()
    out.break_record(broken)
    (out.path.parent / "warc.paths").write_text("mixed.warc.gz\n", encoding="utf-8")  # not WARC
    return out.path


EXPECTED_MIXED = {"en-ferry.html", "de-ferry.html", "fr-ferry.html", "es-ferry.html",
                  "plain.txt", "weser-bruecke.html", "after-broken.html", "last.html"}  # fmt: skip


def name_of(url: str) -> str:
    return url.rsplit("/", 1)[-1].split("?")[0]


SIGHTINGS = select(
    Sighting.url, Sighting.article_id, Sighting.spider, Sighting.fetched_at, Sighting.crawl_run_id
).order_by(Sighting.id)


def db_state(database_url: str) -> dict[str, Any]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        articles = list(session.scalars(select(Article).order_by(Article.id)))
        state = {
            "articles": {name_of(a.url): a for a in articles},
            "pairs": {(a.url, a.content_hash) for a in articles},
            "sightings": list(session.execute(SIGHTINGS)),
            "raw": session.scalar(select(func.count(RawDocument.id))),
            "runs": list(session.scalars(select(CrawlRun).order_by(CrawlRun.id))),
        }
        session.expunge_all()
    engine.dispose()
    return state


@pytest.mark.slow
def test_replay_of_a_crawler_archive_stores_its_articles_and_counts_the_rest(
    run_crawl: CrawlRunner, sqlite_url: str, mixed_archive: Path
) -> None:
    result = run_crawl("warc", "-a", f"path={mixed_archive.parent}")
    first = db_state(sqlite_url)
    articles = first["articles"]
    assert set(articles) == EXPECTED_MIXED
    assert {articles[f"{lang}-ferry.html"].language for lang in TOPICS} == set(TOPICS)
    assert articles["en-ferry.html"].first_seen_at.isoformat().startswith("2026-11-20T08:00")
    weser = articles["weser-bruecke.html"].text  # served as iso-8859-2, really UTF-8
    assert "Bürgermeisterin eröffnete" in weser and "größte Brücke" in weser
    # The revisit is the English article again under another URL: a second sighting, no article.
    en_sightings = [s for s in first["sightings"] if s.article_id == articles["en-ferry.html"].id]
    assert sorted(s.url.rsplit("/", 1)[-1] for s in en_sightings) == [
        "en-ferry.html",
        "en-ferry.html?amp=1",
    ]
    assert {s.fetched_at.isoformat()[:10] for s in en_sightings} == {"2026-11-20", "2026-11-21"}
    run_stats = first["runs"][0].stats
    skipped = {k.rsplit("/", 1)[-1]: v for k, v in run_stats.items() if "/warc/skipped/" in k}
    assert skipped == {"warcinfo": 1, "request": 4, "metadata": 1, "http_404": 1, "not_html": 1,
                       "revisit_unknown_original": 1}  # fmt: skip
    dropped = {k.rsplit("/", 1)[-1]: v for k, v in run_stats.items() if "/dropped/" in k}
    assert dropped == {"truncated": 1, "not_http": 1, "bad_gzip": 1, "not_warc": 1}
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    for marker in ("cut.html", "file:///etc/passwd", "bad_gzip", "warc.paths"):
        assert len([line for line in warnings if marker in line]) == 1, marker
    assert "root:x:0:0" not in result.stderr
    assert first["runs"][0].fetched == len(EXPECTED_MIXED) + 1  # the revisit is a document too

    # A second replay: nothing new is stored; each URL is seen again in the new run.
    run_crawl("warc", "-a", f"path={mixed_archive}")
    second = db_state(sqlite_url)
    assert second["pairs"] == first["pairs"]
    assert second["raw"] == first["raw"]
    runs = [run.id for run in second["runs"]]
    per_run = {run: [(s.url, s.fetched_at) for s in second["sightings"] if s.crawl_run_id == run]
               for run in runs}  # fmt: skip
    assert sorted(per_run[runs[1]]) == sorted(per_run[runs[0]])  # same URLs, same WARC dates
    assert second["runs"][1].stored == 0
    assert second["runs"][1].duplicates == len(EXPECTED_MIXED) + 1


def run_failing(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    command = crawl_command("warc", *args, database_url=f"sqlite:///{tmp_path / 'f.sqlite3'}",
                            spool_dir=tmp_path / "spool")  # fmt: skip
    return subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)


def test_a_missing_or_empty_path_is_one_error_and_a_failed_run(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    for path in (tmp_path / "empty", tmp_path / "none-*.warc.gz"):
        result = run_failing("-a", f"path={path}", tmp_path=tmp_path)
        assert result.returncode != 0
        assert f"{path}: no such file, folder or glob match" in result.stderr
    result = run_failing(tmp_path=tmp_path)
    assert result.returncode != 0
    assert "needs -a path=" in result.stderr


def cc_news_archive(path: Path) -> Path:
    """Shaped like a CC-NEWS file: a warcinfo, then only responses, three sites over three days."""
    out = ArchiveBuilder(path)
    out.warcinfo(isPartOf="CC-NEWS", publisher="Common Crawl", operator="Common Crawl Admin",
                 format="WARC File Format 1.1", software="StormCrawler 2.x")  # fmt: skip
    sites = ("herald.example", "www.tageblatt.example", "wire.example")
    for number in range(9):
        host = sites[number % 3]
        section = "video" if number == 6 else "politics"
        url = f"https://{host}/{section}/story-{number}.html"
        out.response(
            url,
            article_html(f"Story {number}", prose(100 + number)),
            content_type=None if number == 3 else "text/html; charset=UTF-8",
            date=f"2026-11-0{1 + number // 3}T0{number}:15:00Z",
            extra={"WARC-Identified-Payload-Type": "text/html", "WARC-IP-Address": "192.0.2.1"},
            http_extra=[("X-Crawler-Content-Encoding", "gzip"), ("Server", "nginx")],
        )
    return out.close()


def test_cc_news_replay_with_filters_and_limit(
    run_crawl: CrawlRunner, sqlite_url: str, tmp_path: Path
) -> None:
    archive = cc_news_archive(tmp_path / "CC-NEWS-20261101000000-00001.warc.gz")
    run_crawl("warc", "-a", f"path={tmp_path}/CC-NEWS-*.warc.gz", "-a", "domains=herald.example,tageblatt.example",
              "-a", "deny=/video/", "-a", "since=2026-11-02", "-a", "until=2026-11-03T06:00")  # fmt: skip
    state = db_state(sqlite_url)
    # story-3..5 are of 2 November, story-7 (07:15) is after until; wire.example and /video/ are out.
    assert set(state["articles"]) == {"story-3.html", "story-4.html"}
    story = state["articles"]["story-4.html"]
    assert story.url == "https://www.tageblatt.example/politics/story-4.html"
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        raw = session.scalars(select(RawDocument).where(RawDocument.url == story.url)).one()
        sniffed = session.scalars(select(RawDocument).where(RawDocument.url.like("%story-3%")))
        assert sniffed.one().content_type == "text/html"  # from WARC-Identified-Payload-Type
    engine.dispose()
    assert raw.headers["Server"] == "nginx" and raw.http_status == 200
    assert raw.content_type == "text/html; charset=UTF-8" and raw.encoding == "utf-8"
    skipped = {k.rsplit("/", 1)[-1]: v for k, v in state["runs"][0].stats.items() if "skipped" in k}
    assert skipped == {"warcinfo": 1, "filtered_domain": 3, "filtered_url": 1, "filtered_date": 3}

    limited = f"sqlite:///{tmp_path / 'limited.sqlite3'}"
    run_crawl("warc", "-a", f"path={archive}", "-a", "limit=4", database_url=limited)
    assert set(db_state(limited)["articles"]) == {"story-0.html", "story-1.html", "story-2.html"}


def test_a_replay_closed_early_stops_once_its_pipelines_are_empty(
    sqlite_url: str, spool_dir: Path, tmp_path: Path
) -> None:
    # CLOSESPIDER_ITEMCOUNT closes the spider with documents still in the pipelines; the
    # close must wait for them (stored, not lost) and then end the run, not hang.
    out = ArchiveBuilder(tmp_path / "big.warc.gz")
    for number in range(150):
        out.response(f"https://herald.example/story-{number}.html", article_html(
            f"Story {number}", prose(500 + number)))  # fmt: skip
    archive = out.close()
    command = crawl_command("warc", "-a", f"path={archive}", "-s", "CLOSESPIDER_ITEMCOUNT=10",
                            database_url=sqlite_url, spool_dir=spool_dir)  # fmt: skip
    result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Spider closed (closespider_itemcount)" in result.stderr
    runs = db_state(sqlite_url)["runs"]
    fetched = runs[0].stats["newscrawler/documents"]
    assert 10 <= fetched < 150  # closed early, yet everything that came in was stored
    assert len(db_state(sqlite_url)["articles"]) == fetched


def test_reader_decodes_chunked_gzip_payloads_and_checks_digests(tmp_path: Path) -> None:
    body = article_html("Chunked", prose(3))
    packed = gzip.compress(body)
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(part), part)
                       for part in (packed[:50], packed[50:])) + b"0\r\n\r\n"  # fmt: skip
    out = ArchiveBuilder(tmp_path / "wire.warc", compress=False)
    out.response("https://a.example/chunked", chunked,
                 http_extra=[("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip")])  # fmt: skip
    out.response("https://a.example/tampered", article_html("Tampered", prose(4)))
    out.response("https://a.example/sniffed", body, content_type=None)
    out.close()
    data = out.path.read_bytes()  # one byte changed after the digest was written
    out.path.write_bytes(data.replace(b"<title>Tampered", b"<title>Tempered"))
    outcomes = list(ArchiveReader().read(out.path))
    pages = [o for o in outcomes if isinstance(o, Page)]
    assert [p.url.rsplit("/", 1)[-1] for p in pages] == ["chunked", "sniffed"]
    assert pages[0].body == body
    assert "Content-Encoding" not in pages[0].headers
    assert pages[0].headers["X-Crawler-Content-Encoding"] == "gzip"
    assert [o.reason for o in outcomes if isinstance(o, Skip)] == ["digest_mismatch"]


@dataclass
class OnePageSite:
    page: bytes
    hits: list[str] = field(default_factory=list)


@pytest.fixture
def one_page_site() -> Iterator[tuple[str, OnePageSite]]:
    site = OnePageSite(article_html("Harbour terminal opens", TOPICS["en"], "en"))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(site.page)))
            self.end_headers()
            self.wfile.write(site.page)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", site
    server.shutdown()
    server.server_close()


WEB = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "ROBOTSTXT_OBEY=False")


@pytest.mark.slow
def test_an_archived_page_and_our_own_fetch_are_one_article_with_two_sightings(
    run_crawl: CrawlRunner, sqlite_url: str, tmp_path: Path, one_page_site: tuple[str, OnePageSite]
) -> None:
    base, site = one_page_site
    url = f"{base}/news/harbour.html"
    out = ArchiveBuilder(tmp_path / "cc" / "news.warc.gz")
    out.response(url, site.page)
    out.close()
    run_crawl("warc", "-a", f"path={out.path}")
    assert site.hits == []  # replaying fetches nothing
    run_crawl("urls", "-a", f"url={url}", *WEB)  # the WARC's date is old: asked again
    assert site.hits == ["/news/harbour.html"]
    # Our fetch is fresh now; a replay still counts (items never meet the revisit middleware).
    run_crawl("warc", "-a", f"path={out.path}")
    assert site.hits == ["/news/harbour.html"]
    state = db_state(sqlite_url)
    assert len(state["articles"]) == 1
    assert [s.spider for s in state["sightings"]] == ["warc", "urls", "warc"]
    assert {s.article_id for s in state["sightings"]} == {state["articles"]["harbour.html"].id}


def warcio_records(path: Path) -> list[Any]:
    """Every record as warcio reads it (headers and payload), as another tool would."""
    records = []
    with path.open("rb") as stream:
        for record in WarcioIterator(stream):
            payload = record.content_stream().read()
            records.append((record.rec_type, record.rec_headers, record.http_headers, payload))
    return records


def gzip_members(data: bytes) -> int:
    count = 0
    while data:
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        inflater.decompress(data)
        data = inflater.unused_data
        count += 1
    return count


def export_raw(database_url: str, output: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "newscrawler.cli", "--database-url", database_url,
               "export-raw", "--format", "warc", "--output", str(output), *extra]  # fmt: skip
    return subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_export_raw_round_trip_rebuilds_the_same_articles(
    run_crawl: CrawlRunner, sqlite_url: str, mixed_archive: Path, tmp_path: Path
) -> None:
    run_crawl("warc", "-a", f"path={mixed_archive}")
    local = tmp_path / "local"
    local.mkdir()
    (local / "note.txt").write_text(f"Local note\n\n{prose(55)}.\n", encoding="utf-8")
    run_crawl("files", "-a", f"path={local}")
    original = db_state(sqlite_url)

    exported = tmp_path / "export.warc.gz"
    result = export_raw(sqlite_url, exported)
    assert result.returncode == 0, result.stderr
    assert "(1 local files left out)" in result.stderr
    records = warcio_records(exported)
    assert records[0][0] == "warcinfo"
    responses = records[1:]
    assert {r[0] for r in responses} == {"response"}
    assert gzip_members(exported.read_bytes()) == len(records)
    for _, warc_headers, http_headers, payload in responses:
        expected = "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode()
        assert warc_headers.get_header("WARC-Payload-Digest") == expected
        assert http_headers.get_statuscode() == "200"
    dates = {r[1].get_header("WARC-Target-URI"): r[1].get_header("WARC-Date") for r in responses}
    assert dates[f"{BASE}/en-ferry.html"] == OLD_DATE
    assert dates[f"{BASE}/en-ferry.html?amp=1"] == "2026-11-21T08:00:00Z"

    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    run_crawl("warc", "-a", f"path={exported}", database_url=fresh)
    web_pairs = {(url, digest) for url, digest in original["pairs"] if url.startswith("http")}
    assert db_state(fresh)["pairs"] == web_pairs
    assert len(web_pairs) == len(EXPECTED_MIXED)

    newer = tmp_path / "newer.warc.gz"
    assert export_raw(sqlite_url, newer, "--since", "2026-11-21").returncode == 0
    later = [r[1].get_header("WARC-Target-URI") for r in warcio_records(newer)[1:]]
    assert later == [f"{BASE}/en-ferry.html?amp=1"]
