"""WARC replay benchmark: records/s of each reader library, pages/s through the pipeline.

    python -m bench.warc [--n 3000] [--big]

Builds a CC-NEWS-shaped archive of ``--n`` records (gzip per record, written
with warcio): news pages made from the HTML corpus (``bench/corpora/html``),
each with its paragraphs in an order of its own (distinct texts, near
copies), plus a 404 and a request record every twentieth. Then, in the same run:

* records/s reading every record's payload with FastWARC and with warcio
  (the two libraries we could have used), and with our reader
  (:class:`newscrawler.archive.read.ArchiveReader`: FastWARC plus checks);
* pages/s end to end: ``scrapy crawl warc`` into a fresh SQLite database
  (the crawl's own elapsed time, start-up excluded), against bare
  ``trafilatura.extract`` over the same payloads;
* ``--big``: the archive repeated into a file of about 1 GB in a temporary
  folder, read by our reader in a child process, and its peak RSS beside a
  child reading the small archive (flat memory: it streams); then the crawl
  of the 1 GB file for ``--big-seconds``, whose peak RSS stays that of the
  small archive's crawl (the spider reads only as fast as the pipelines
  take documents).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import trafilatura
from fastwarc.warc import ArchiveIterator as FastIterator
from sqlalchemy import select
from sqlalchemy.orm import Session
from warcio.archiveiterator import ArchiveIterator as WarcioIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newscrawler.archive.read import ArchiveReader, Page
from newscrawler.db.engine import make_engine
from newscrawler.db.models import CrawlRun

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / "corpora" / "html"
CANONICAL = re.compile(r'(<link rel="canonical" href=")[^"]*(")')
PARAGRAPH = re.compile(r"<p\b[^>]*>.*?</p>", re.S)
MIN_PROSE = 80
BIG_BYTES = 1 << 30


def page(template: str, url: str, rng: random.Random) -> bytes:
    """The template with its prose paragraphs in a new order: a distinct text, a near copy."""
    html = CANONICAL.sub(rf"\g<1>{url}\g<2>", template)
    prose = [p for p in PARAGRAPH.findall(html) if len(p) > MIN_PROSE]
    shuffled = iter(rng.sample(prose, len(prose)))
    return PARAGRAPH.sub(lambda m: next(shuffled) if len(m[0]) > MIN_PROSE else m[0], html).encode()


def build_archive(path: Path, count: int) -> list[bytes]:
    """Write ``count`` records; return the payloads of the 200 HTML ones."""
    templates = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.html"))]
    rng = random.Random(17)
    payloads = []
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"isPartOf": "CC-NEWS"}))
        for number in range(count - 1):
            url = f"https://site{number % 40}.example/news/{number}.html"
            if number % 20 == 19:
                http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True)
                record = writer.create_warc_record(url, "request", payload=io.BytesIO(b""),
                                                   http_headers=http)  # fmt: skip
            else:
                status, body = "200 OK", page(templates[number % len(templates)], url, rng)
                if number % 20 == 9:
                    status, body = "404 Not Found", b"<html><body>gone</body></html>"
                else:
                    payloads.append(body)
                http = StatusAndHeaders(status, [("Content-Type", "text/html; charset=utf-8")],
                                        protocol="HTTP/1.1")  # fmt: skip
                record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                   http_headers=http)  # fmt: skip
            writer.write_record(record)
    return payloads


def fastwarc_rate(path: Path) -> float:
    started, count = time.perf_counter(), 0
    with path.open("rb") as stream:
        for record in FastIterator(stream, auto_decode="none"):
            record.reader.read()
            count += 1
    return count / (time.perf_counter() - started)


def warcio_rate(path: Path) -> float:
    started, count = time.perf_counter(), 0
    with path.open("rb") as stream:
        for record in WarcioIterator(stream):
            record.content_stream().read()
            count += 1
    return count / (time.perf_counter() - started)


def reader_rate(path: Path) -> tuple[float, int]:
    started, count, pages = time.perf_counter(), 0, 0
    for outcome in ArchiveReader().read(path):
        count += 1
        pages += isinstance(outcome, Page)
    return count / (time.perf_counter() - started), pages


def trafilatura_rate(payloads: list[bytes]) -> float:
    started = time.perf_counter()
    for body in payloads:
        trafilatura.extract(body.decode("utf-8"))
    return len(payloads) / (time.perf_counter() - started)


@dataclass(frozen=True, slots=True)
class CrawlResult:
    pages_per_second: float
    documents: int
    stored: int
    peak_rss_mb: float  # the crawl's main process (the reactor, the spider, the pipelines)


def vm_hwm_mb(pid: int) -> float:
    """A running process's own peak RSS (``VmHWM``), 0 once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"VmHWM:\s+(\d+)", status)
    return int(match[1]) / 1024 if match else 0.0


def crawl(path: Path, folder: Path, *settings: str) -> CrawlResult:
    """``scrapy crawl warc`` into a fresh SQLite database; rates from the crawl's own stats."""
    number = len(list(folder.glob("*.sqlite3")))
    database = f"sqlite:///{folder / f'bench-{number}.sqlite3'}"
    process = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "warc", "-a", f"path={path}",
         "-s", f"DATABASE_URL={database}", "-s", f"SPOOL_DIR={folder / 'spool'}",
         "-s", "LOG_LEVEL=WARNING", "-s", "TELNETCONSOLE_ENABLED=False", *settings],
        cwd=ROOT,
    )  # fmt: skip
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, vm_hwm_mb(process.pid))
        time.sleep(0.5)
    if process.returncode:
        raise SystemExit(f"the crawl failed ({process.returncode})")
    engine = make_engine(database)
    with Session(engine) as session:
        run = session.scalars(select(CrawlRun)).one()
        stats, stored = dict(run.stats or {}), run.stored
    engine.dispose()
    documents = int(stats["newscrawler/documents"])
    return CrawlResult(documents / stats["elapsed_time_seconds"], documents, stored, peak)


def big_copy(path: Path, folder: Path) -> Path:
    """``path`` repeated (gzip members concatenate) into a file of about 1 GB."""
    big = folder / "big.warc.gz"
    size = path.stat().st_size
    with big.open("wb") as out:
        for _ in range(max(1, BIG_BYTES // size)):
            with path.open("rb") as source:
                shutil.copyfileobj(source, out)
    return big


def child_peak_rss(path: Path) -> tuple[int, float]:
    """Records read and peak RSS (MB) of a child process reading ``path`` with our reader.

    The peak is the child's own ``VmHWM`` (``ru_maxrss`` would carry the
    parent's peak over the exec).
    """
    code = (
        "import json, re, sys; from pathlib import Path; "
        "from newscrawler.archive.read import ArchiveReader; "
        "n = sum(1 for _ in ArchiveReader().read(Path(sys.argv[1]))); "
        "status = Path('/proc/self/status').read_text(); "
        "print(json.dumps([n, int(re.search(r'VmHWM:\\s+(\\d+)', status)[1]) / 1024]))"
    )
    output = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout  # fmt: skip
    records, peak = json.loads(output)
    return int(records), float(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=3000, help="records in the archive")
    parser.add_argument("--big", action="store_true", help="also the ~1 GB flat-memory run")
    parser.add_argument("--big-seconds", type=int, default=120, help="how long to crawl the 1 GB")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        archive = folder / "CC-NEWS-bench.warc.gz"
        payloads = build_archive(archive, args.n)
        size = archive.stat().st_size / 1e6
        print(f"{args.n} records ({len(payloads)} pages), {size:.1f} MB gzip per record")
        fast, slow = fastwarc_rate(archive), warcio_rate(archive)
        ours, pages = reader_rate(archive)
        print(f"records/s  FastWARC {fast:,.0f}   warcio {slow:,.0f}   ratio {fast / slow:.1f}x")
        print(f"records/s  our reader (FastWARC + checks) {ours:,.0f}, {pages} pages")
        bare = trafilatura_rate(payloads)
        replay = crawl(archive, folder)
        rate = replay.pages_per_second
        print(f"pages/s    pipeline {rate:,.1f} ({replay.stored} stored)   "
              f"bare trafilatura {bare:,.1f}   ratio {rate / bare:.2f}x")  # fmt: skip
        if args.big:
            big = big_copy(archive, folder)
            small_records, small_rss = child_peak_rss(archive)
            big_records, big_rss = child_peak_rss(big)
            print(f"peak RSS   {small_records:,} records ({size:.0f} MB): {small_rss:.0f} MB   "
                  f"{big_records:,} records ({big.stat().st_size / 1e9:.2f} GB): {big_rss:.0f} MB"
                  f"   ratio {big_rss / small_rss:.2f}x")  # fmt: skip
            paced = crawl(big, folder, "-s", f"CLOSESPIDER_TIMEOUT={args.big_seconds}")
            small_mb, big_mb = replay.peak_rss_mb, paced.peak_rss_mb
            print(f"crawl RSS  {args.n:,}-record archive: {small_mb:.0f} MB   "
                  f"1 GB archive, first {args.big_seconds} s ({paced.documents:,} documents): "
                  f"{big_mb:.0f} MB   ratio {big_mb / small_mb:.2f}x")  # fmt: skip
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"(benchmark process peak RSS {own_peak} MB)")


if __name__ == "__main__":
    main()
