"""A news site on 127.0.0.1 with latency, for the fleet tests and ``bench/fleet.py``.

A threaded HTTP server (each request sleeps ``latency`` seconds on its own
thread, as a remote site would, so latency and not CPU is what a crawler
waits for) serving ``robots.txt``, a sitemap index, child sitemaps of 100
URLs and ``count`` distinct HTML articles. Every request is recorded with
its arrival time, so tests can count fetches per URL and the rate a site saw.
``count`` can grow between runs (new articles appear in the last sitemap).
"""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PER_SITEMAP = 100
WORDS = (
    "minister council harbour budget school river election market company report police court "
    "weather festival hospital train bridge energy museum farmers strike tunnel airport library "
    "station ferry garden tower village mayor teachers nurses workers bakery orchestra"
).split()


@dataclass
class LatencySite:
    count: int
    latency: float
    host: str = "127.0.0.1"
    port: int = 0
    hits: list[tuple[float, str]] = field(default_factory=list)
    agents: list[str] = field(default_factory=list)  # the User-Agent of each hit
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def sitemap_url(self) -> str:
        return f"{self.base}/sitemap_index.xml"

    def article_path(self, number: int) -> str:
        return f"/news/{number:05}.html"

    def article_paths(self) -> list[str]:
        return [self.article_path(number) for number in range(self.count)]

    def fetches(self) -> Counter[str]:
        with self.lock:
            return Counter(path for _, path in self.hits)

    def record(self, path: str, agent: str = "") -> None:
        with self.lock:
            self.hits.append((time.monotonic(), path))
            self.agents.append(agent)

    def reset_hits(self) -> None:
        with self.lock:
            self.hits.clear()
            self.agents.clear()

    # -- pages -------------------------------------------------------------------

    def page(self, path: str) -> tuple[int, str, bytes]:
        if path == "/robots.txt":
            return (
                200,
                "text/plain",
                f"User-agent: *\nAllow: /\nSitemap: {self.sitemap_url}\n".encode(),
            )
        if path == "/sitemap_index.xml":
            return 200, "application/xml", self.sitemap_index()
        if path.startswith("/sitemap-") and path.endswith(".xml"):
            return 200, "application/xml", self.child_sitemap(int(path[9:-4]))
        if path.startswith("/news/") and path.endswith(".html"):
            number = int(path[6:-5])
            if number < self.count:
                return 200, "text/html; charset=utf-8", article_html(number)
        return 404, "text/plain", b"not found"

    def sitemap_index(self) -> bytes:
        children = (self.count + PER_SITEMAP - 1) // PER_SITEMAP
        entries = "".join(
            f"<sitemap><loc>{self.base}/sitemap-{child}.xml</loc></sitemap>"
            for child in range(children)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'
        ).encode()

    def child_sitemap(self, child: int) -> bytes:
        numbers = range(child * PER_SITEMAP, min(self.count, (child + 1) * PER_SITEMAP))
        entries = "".join(
            f"<url><loc>{self.base}{self.article_path(number)}</loc></url>" for number in numbers
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
        ).encode()


def article_html(number: int) -> bytes:
    """A distinct article: a headline and five paragraphs of prose, stable per number."""
    rng = random.Random(number)
    title = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
    paragraphs = "".join(
        "<p>"
        + " ".join(
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 16))).capitalize() + "."
            for _ in range(3)
        )
        + "</p>"
        for _ in range(5)
    )
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{title} {number}</h1>"
        f"<p>Story number {number} of the test site.</p>{paragraphs}</article></body></html>"
    ).encode()


def _handler(site: LatencySite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            site.record(self.path, self.headers.get("User-Agent", ""))
            time.sleep(site.latency)
            status, content_type, body = site.page(self.path)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def serve(count: int, latency: float) -> Iterator[LatencySite]:
    """Run a :class:`LatencySite` on a free port of 127.0.0.1 until the block ends."""
    site = LatencySite(count=count, latency=latency)
    server = ThreadingHTTPServer((site.host, 0), _handler(site))
    server.daemon_threads = True
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def redis_process(port: int, datadir: str | None = None) -> subprocess.Popen[bytes]:
    """Start ``redis-server`` on 127.0.0.1:``port``; with ``datadir`` it keeps its data on disk."""
    server = shutil.which("redis-server")
    if server is None:
        raise RuntimeError("redis-server is not installed (scripts/test installs it as root)")
    persistence = (
        ["--dir", datadir, "--appendonly", "yes", "--appendfsync", "always"]
        if datadir
        else ["--appendonly", "no"]
    )
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", *persistence],
        stdout=subprocess.DEVNULL,
    )
    wait_for_port(port)
    return process


@contextmanager
def running_redis(port: int | None = None, datadir: str | None = None) -> Iterator[str]:
    """A throw-away ``redis-server`` on 127.0.0.1 for the duration of the block."""
    port = port or free_port()
    process = redis_process(port, datadir)
    try:
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
