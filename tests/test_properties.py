"""Property tests: no input makes URL keying, date parsing, feed/sitemap parsing or Retry-After raise.

Feeds, sitemaps, canonical links and headers come from servers we do not
control; one odd value must cost only that value, never the document or
the rest of the feed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawler.dedup.urls import article_url_key, url_key, url_problem
from newscrawler.middlewares import retry_after_seconds
from newscrawler.spiders.links import (
    feed_links,
    is_web_url,
    parse_datetime,
    parse_xml,
    sitemap_entries,
)

REPORTED_URLS = [
    "http://127.0.0.1:99999/story", "http://host:PORT/story", "http://[::1/story",
    "http://:184998", "HTTP://::", "HTTP://[6:", "http://[::1]:0/x", "https://a.example:-1/",
]  # fmt: skip
URL_TEXT = st.text(alphabet=st.sampled_from(list(":/[]?#@%.-_ 0123456789abcHTP\x00é")), max_size=40)
ANY_URL = st.one_of(st.text(max_size=60), URL_TEXT.map(lambda tail: "http://" + tail))
DATE_TEXT = st.one_of(
    st.text(max_size=40),
    st.datetimes().map(lambda d: d.isoformat()),
    st.from_regex(
        r"\A[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{1,5} \d\d:\d\d:\d\d( [+-]\d{4}| GMT)?\Z"
    ),
    st.from_regex(r"\A\d{1,6}-\d{1,2}-\d{1,2}T\d\d:\d\d:\d\d[+-]\d{2}:?\d{2}\Z"),
)


@pytest.mark.parametrize("url", REPORTED_URLS)
def test_reported_malformed_urls_are_keyed_and_flagged(url: str) -> None:
    assert isinstance(url_key(url), str)
    assert url_problem(url) is not None
    assert not is_web_url(url)
    page = "https://news.example/world/story-1"
    assert article_url_key(page, url) == url_key(page)  # the bad canonical is ignored


@given(ANY_URL, st.one_of(st.none(), ANY_URL))
def test_url_keying_never_raises(url: str, canonical: str | None) -> None:
    key = article_url_key(url, canonical)
    assert isinstance(key, str)
    assert isinstance(url_key(url), str)
    url_problem(url)
    is_web_url(url)


@given(
    st.sampled_from(["http", "https", "HTTP"]),
    st.from_regex(r"\A[a-z]{1,10}(\.[a-z]{2,5}){1,2}\Z"),
    st.one_of(st.none(), st.integers(min_value=1, max_value=65535)),
    st.from_regex(r"\A(/[a-z0-9-]{1,8}){0,3}/?\Z"),
    st.text(alphabet="abcxyz", max_size=6),
)
def test_cosmetic_variants_of_a_valid_url_share_its_key(
    scheme: str, host: str, port: int | None, path: str, fragment: str
) -> None:
    netloc = host if port is None else f"{host}:{port}"
    plain = f"{scheme}://{netloc}{path}"
    variant = (
        f"{scheme.upper()}://{host.upper()}{'' if port is None else f':{port}'}{path}#{fragment}"
    )
    assert url_key(plain) == url_key(variant)
    assert url_problem(plain) is None


@given(DATE_TEXT)
def test_feed_date_parsing_never_raises(text: str) -> None:
    parsed = parse_datetime(text)
    assert parsed is None or parsed.tzinfo is not None


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_make_feed_or_sitemap_parsing_raise(body: bytes) -> None:
    root = parse_xml(body).root
    if root is not None:
        feed_links(root, "https://news.example/feed")
        sitemap_entries(root, "https://news.example/sitemap.xml")


@settings(max_examples=60)
@given(st.lists(st.tuples(DATE_TEXT, URL_TEXT), min_size=1, max_size=6))
def test_every_good_feed_entry_survives_bad_dates_and_links(entries: list[tuple[str, str]]) -> None:
    items = "".join(
        f"<item><link>https://news.example/a{n}</link><pubDate>{escape(date)}</pubDate>"
        f"<guid isPermaLink='true'>{escape('http://' + junk)}</guid></item>"
        for n, (date, junk) in enumerate(entries)
    )
    root = parse_xml(f"<rss><channel>{items}</channel></rss>".encode()).root
    assert root is not None
    links = feed_links(root, "https://news.example/rss.xml")
    assert [link.url for link in links] == [
        f"https://news.example/a{n}" for n in range(len(entries))
    ]


@settings(max_examples=60)
@given(st.lists(st.tuples(DATE_TEXT, DATE_TEXT), min_size=1, max_size=6))
def test_every_sitemap_entry_survives_bad_dates(dates: list[tuple[str, str]]) -> None:
    urls = "".join(
        f"<url><loc>https://news.example/s{n}</loc><lastmod>{escape(a)}</lastmod>"
        "<news:news xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'>"
        f"<news:publication_date>{escape(b)}</news:publication_date></news:news></url>"
        for n, (a, b) in enumerate(dates)
    )
    root = parse_xml(f"<urlset>{urls}</urlset>".encode()).root
    assert root is not None
    found = [entry.link.url for entry in sitemap_entries(root, "https://news.example/")]
    assert found == [f"https://news.example/s{n}" for n in range(len(dates))]


@given(st.binary(max_size=60))
def test_retry_after_never_raises(value: bytes) -> None:
    seconds = retry_after_seconds(value)
    assert seconds is None or seconds >= 0


@pytest.mark.parametrize("zone", ["-0000", "", "GMT", "+0000"])
def test_retry_after_http_date_in_any_zone_spelling(zone: str) -> None:
    when = datetime.now(UTC) + timedelta(seconds=90)
    header = f"{when:%a, %d %b %Y %H:%M:%S} {zone}".strip().encode()
    seconds = retry_after_seconds(header)
    assert seconds is not None and 80 <= seconds <= 91
