"""HTML extraction: body, metadata, fallbacks, encodings and hostile input."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.extraction import load_local_corpus, title_matches
from bench.scoring import score_document
from newscrawler.extraction.decode import decode_body
from newscrawler.extraction.document import extract_document
from newscrawler.extraction.errors import (
    BinaryDocument,
    EmptyDocument,
    ExtractionError,
    NoArticleText,
)
from newscrawler.extraction.html import extract_html, tidy_paragraphs
from newscrawler.extraction.html_metadata import PageMetadata
from newscrawler.text.dates import parse_datetime
from newscrawler.text.languages import normalise_language

FIXTURES = Path(__file__).parent / "fixtures" / "html"
ARTICLE_URL = "https://www.nordkurier-beispiel.de/wirtschaft/hafen-ausbau-4711.html?utm=x"
BODY_PARAGRAPH = (
    "Der Hafen bekommt zwei zusätzliche Liegeplätze für große Containerschiffe. Der "
    "Aufsichtsrat der Hafengesellschaft hat den Ausbau am Dienstag einstimmig beschlossen, "
    "wie ein Sprecher mitteilte."
)
FILLER = (
    "The council approved the budget after a long debate about schools, roads and the new "
    "library, and the mayor said the vote showed the city could still agree on big projects."
)


@pytest.fixture(scope="module")
def article_html() -> str:
    return (FIXTURES / "news_article.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def article(article_html: str):
    return extract_html(article_html, url=ARTICLE_URL)


def _page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


# --- body ---------------------------------------------------------------------------------


def test_body_keeps_the_article_paragraphs_separated_by_blank_lines(article) -> None:
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0] == BODY_PARAGRAPH
    assert paragraphs[-1].startswith("Die Hafengesellschaft will die Anwohner im April")
    assert "\n\n\n" not in article.text


def test_body_leaves_out_headline_chrome_teasers_embeds_and_comments(article) -> None:
    text = article.text
    for chrome in (
        "Hafen erweitert Containerterminal",  # the headline has its own column
        "Startseite",
        "Hafen meldet Rekordumschlag",  # "Mehr zum Thema" link teaser
        "Neue Fähre nach Dänemark",  # related links
        "Jetzt geht es los",  # embedded social post
        "Endlich!",  # reader comment
        "Cookies",
        "Alle Rechte vorbehalten",
    ):
        assert chrome not in text, chrome


def test_repeated_paragraph_is_kept_once(article) -> None:
    assert article.text.count("sichert der Ausbau etwa 300 Arbeitsplätze") == 1


STANDFIRST = "Ratsmehrheit stimmt nach langer Debatte für den neuen Haushalt der Stadt."


def _standfirst_page(shown: bool) -> str:
    head = f'<meta property="og:description" content="{STANDFIRST}">'
    dek = f'<p class="dek">{STANDFIRST}</p>' if shown else ""
    paragraphs = "".join(f"<p>{FILLER} ({n})</p>" for n in range(4))
    return _page(
        f"<header><h1>Haushalt beschlossen</h1>{dek}</header><article>{paragraphs}</article>", head
    )


def test_standfirst_shown_on_the_page_leads_the_body() -> None:
    text = extract_html(_standfirst_page(shown=True)).text
    assert text.split("\n\n")[0] == STANDFIRST


def test_description_only_declared_in_meta_stays_out_of_the_body() -> None:
    assert STANDFIRST not in extract_html(_standfirst_page(shown=False)).text


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("Sunday 17 December 2023 17:23, UK", False),
        ("ADVERTISEMENT", False),
        ("Anzeige", False),
        ("The meeting is on 12 March 2024 at 10:30.", True),
        ("The advertisement ran in three newspapers before the vote.", True),
    ],
)
def test_lines_without_prose_are_dropped_and_sentences_kept(line: str, kept: bool) -> None:
    paragraphs = "".join(f"<p>{FILLER} ({n})</p>" for n in range(3))
    text = extract_html(_page(f"<article>{paragraphs}<p>{line}</p><p>{FILLER}</p></article>")).text
    assert (line in text.split("\n\n")) is kept


def test_a_counter_at_the_edge_of_the_body_is_dropped() -> None:
    paragraphs = "".join(f"<p>{FILLER} ({n})</p>" for n in range(3))
    text = extract_html(_page(f"<article><p>1 234</p>{paragraphs}<p>567</p></article>")).text
    assert text.split("\n\n") == [f"{FILLER} ({n})" for n in range(3)]


def test_markup_leaked_as_text_is_stripped() -> None:
    leaked = "&lt;/div&gt;&lt;p&gt;Here is how the scheme works, step by step, for readers."
    paragraphs = "".join(f"<p>{FILLER} ({n})</p>" for n in range(3))
    text = extract_html(_page(f"<article>{paragraphs}<p>{leaked}</p></article>")).text
    assert "Here is how the scheme works" in text
    assert "<" not in text


# --- metadata -----------------------------------------------------------------------------


def test_metadata_from_json_ld_and_meta_tags(article) -> None:
    assert article.title == "Hafen erweitert Containerterminal um zwei Liegeplätze"
    assert article.authors == ["Birte Hansen", "Ole Petersen"]
    assert article.published_at == datetime(2024, 3, 5, 16, 30, tzinfo=UTC)
    assert article.site_name == "Nordkurier Beispiel"
    assert article.canonical_url == (
        "https://www.nordkurier-beispiel.de/wirtschaft/hafen-ausbau-4711.html"
    )
    assert (
        article.description == "Der Ausbau soll bis 2027 fertig sein und 300 Arbeitsplätze sichern."
    )
    assert {"Hafen", "Logistik"} <= set(article.tags)
    assert article.declared_language == "de"


def test_authors_from_a_json_ld_graph_with_references_and_name_lists() -> None:
    graph = (
        '{"@context": "https://schema.org", "@graph": ['
        '{"@type": "NewsArticle", "headline": "Budget", "author": [{"@id": "#p1"}, '
        '{"@type": "Person", "name": ["Ana Ruiz", "Li Wei"]}]},'
        '{"@type": "Person", "@id": "#p1", "name": "Sam O&#039;Neil"}]}'
    )
    head = f'<script type="application/ld+json">{graph}</script>'
    result = extract_html(_page(f"<article><p>{FILLER}</p></article>", head))
    assert result.authors == ["Sam O'Neil", "Ana Ruiz", "Li Wei"]


def test_title_drops_site_suffix_when_page_has_no_usable_h1() -> None:
    head = "<title>Budget passes after long night | The Daily Example</title>"
    html = _page(f"<h1>The Daily Example</h1><article><p>{FILLER}</p></article>", head)
    assert (
        extract_html(html, url="https://dailyexample.com/a").title
        == "Budget passes after long night"
    )


def test_no_canonical_url_when_the_page_declares_none() -> None:
    html = _page(f"<article><p>{FILLER}</p></article>")
    assert extract_html(html, url="https://example.com/story").canonical_url is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05T18:30:00+02:00", datetime(2024, 3, 5, 16, 30, tzinfo=UTC)),
        ("2024-03-05T18:30:00Z", datetime(2024, 3, 5, 18, 30, tzinfo=UTC)),
        ("2024-03-05 18:30:00+0200", datetime(2024, 3, 5, 16, 30, tzinfo=UTC)),
        ("Tue, 05 Mar 2024 18:30:00 GMT", datetime(2024, 3, 5, 18, 30, tzinfo=UTC)),
        ("2024-03-05", datetime(2024, 3, 5, tzinfo=UTC)),
        ("last Tuesday", None),
        ("", None),
        # Before year 1 in UTC, after 9999: not representable, so no date rather than an error.
        ("0001-01-01T00:00:00+01:00", None),
        ("9999-12-31T23:30:00-01:00", None),
        ("Fri, 31 Dec 9999 23:30:00 -0100", None),
    ],
)
def test_dates_become_aware_utc(value: str, expected: datetime | None) -> None:
    assert parse_datetime(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("en-US", "en"), ("pt_BR", "pt"), ("DE", "de"), ("deu", "de"), ("fr-FR, en", "fr"),
     ("klingon-ish", None), ("", None), (None, None)],
)  # fmt: skip
def test_declared_language_normalised_to_iso_639_1(value: str | None, expected: str | None) -> None:
    assert normalise_language(value) == expected


def test_declared_language_from_content_language_meta() -> None:
    head = '<meta http-equiv="content-language" content="es-ES">'
    html = _page(f"<article><p>{FILLER}</p></article>", head)
    assert extract_html(html).declared_language == "es"


# --- fallbacks and hostile input -----------------------------------------------------------


def test_json_ld_article_body_replaces_a_much_shorter_extraction() -> None:
    paragraphs = [f"{FILLER} Point {number}." for number in range(5)]
    body = "\\n".join([*paragraphs, paragraphs[0]])  # a JSON string with a repeated block
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Budget",'
        f' "articleBody": "{body}"}}</script>'
    )
    teaser = "<article><p>Subscribe to read the full story of the budget vote today.</p></article>"
    result = extract_html(_page(teaser, head))
    assert result.extractor == "json-ld"
    assert result.text.split("\n\n") == paragraphs


def test_json_ld_article_body_holding_escaped_markup_becomes_text() -> None:
    paragraphs = [f"{FILLER} Point {number}." for number in range(5)]
    markup = "".join(f"&lt;!-- wp:paragraph --&gt;&lt;p&gt;{p}&lt;/p&gt;" for p in paragraphs)
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Budget",'
        f' "articleBody": "{markup}"}}</script>'
    )
    teaser = "<article><p>Subscribe to read the full story of the budget vote today.</p></article>"
    result = extract_html(_page(teaser, head))
    assert result.text.split("\n\n") == paragraphs


def test_page_without_text_raises_no_article_text() -> None:
    with pytest.raises(NoArticleText):
        extract_html(_page('<div class="nav"><a href="/">Home</a></div>'))


def test_page_of_links_is_not_an_article() -> None:
    links = "".join(
        f'<li><a href="/story/{n}">Story number {n} of the day</a></li>' for n in range(300)
    )
    with pytest.raises(NoArticleText):
        extract_html(_page(f"<ul>{links}</ul>"))


@pytest.mark.parametrize("html", ["", "   ", "<html></html>", "\x00\x01garbage"])
def test_degenerate_input_raises_an_extraction_error(html: str) -> None:
    with pytest.raises(ExtractionError):
        extract_html(html)


def test_truncated_html_still_extracts_what_is_there(article_html: str) -> None:
    cut = article_html[: article_html.index("Nach Angaben der Gesellschaft") + 60]
    result = extract_html(cut, url=ARTICLE_URL)
    assert BODY_PARAGRAPH in result.text


def test_deeply_nested_html_does_not_crash() -> None:
    depth = 50_000
    html = _page("<div>" * depth + f"<p>{FILLER}</p>" + "</div>" * depth)
    try:
        result = extract_html(html)
    except NoArticleText:
        return  # the parser may cut the tree below its depth limit: a clean drop is fine
    assert "council approved the budget" in result.text


# --- encodings ------------------------------------------------------------------------------


def test_short_latin1_text_is_not_guessed_into_another_script() -> None:
    assert decode_body("Grüße".encode("latin-1")).text == "Grüße"


def test_http_header_encoding_is_respected() -> None:
    body = "Привет, мир! Новости дня.".encode("koi8_r")
    assert decode_body(body, content_type="text/html; charset=KOI8-R").text.startswith("Привет")


def test_meta_charset_is_respected() -> None:
    html = '<html><head><meta charset="windows-1251"></head><body><p>Новости дня</p></body></html>'
    decoded = decode_body(html.encode("cp1251"), is_html=True)
    assert "Новости дня" in decoded.text


def test_utf8_page_declared_latin1_is_read_as_utf8() -> None:
    body = "<p>Grüße aus München</p>".encode()
    assert (
        "Grüße aus München" in decode_body(body, content_type="text/html; charset=iso-8859-1").text
    )


def test_double_encoded_utf8_is_repaired() -> None:
    mojibake = "Das Café schließt – leider.".encode().decode("cp1252").encode()
    assert decode_body(mojibake).text == "Das Café schließt – leider."


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16"])
def test_byte_order_mark_wins_over_declarations(codec: str) -> None:
    body = "Ärger im Rathaus".encode(codec)
    assert decode_body(body, content_type="text/plain; charset=cp1251").text == "Ärger im Rathaus"


@pytest.mark.parametrize(
    ("body", "error"), [(b"", EmptyDocument), (b"\x89PNG\r\n\x1a\n\x00\x00\x00", BinaryDocument)]
)
def test_empty_and_binary_bodies_are_refused(body: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        decode_body(body)


# --- non-English pages ----------------------------------------------------------------------


@pytest.mark.parametrize("page", load_local_corpus(), ids=lambda page: page.name)
def test_non_english_page_body_and_metadata(page) -> None:
    result = extract_html(decode_body(page.body, is_html=True).text, url=page.url)
    score = score_document(result.text, page.expected_text)
    assert score.precision >= 0.9 and score.recall >= 0.9, page.name
    assert title_matches(result.title, page.title)
    assert result.published_at is not None and result.published_at.date() <= page.published
    assert result.declared_language == page.name.split("-")[0]


def test_plain_text_served_as_html_is_read_as_plain_text() -> None:
    text = (
        "Harbour terminal opens late\n\n"
        "The harbour authority confirmed on Friday that the new container terminal will open "
        "two years later than planned, after a dispute with the construction consortium.\n\n"
        "Shipping companies will be offered berths at the old terminal in the meantime.\n"
    )
    result = extract_document(
        text.encode(), url="https://example.com/story", content_type="text/html"
    )
    assert result.title == "Harbour terminal opens late"
    assert "two years later than planned" in result.text


# --- lead image, tables, data lines ---------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta property="og:image" content="/img/lead.jpg">', "https://news.example/img/lead.jpg"),
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Budget",'
            ' "image": [{"@type": "ImageObject", "url": "https://cdn.example/a.png"}]}</script>',
            "https://cdn.example/a.png",
        ),
        ('<meta property="og:image" content="data:image/gif;base64,R0lGOD">', None),
    ],
)
def test_lead_image_is_declared_and_absolute(head: str, expected: str | None) -> None:
    page = _page(f"<article><h1>Budget vote</h1><p>{FILLER}</p><p>{FILLER} Again.</p></article>")
    result = extract_html(page.replace("<head>", f"<head>{head}"), url="https://news.example/a/1")
    assert result.image_url == expected


def _results_page(rows: int) -> str:
    cells = "".join(
        f"<tr><td>Team {chr(65 + n)}</td><td>{30 - n}</td><td>{n + 2}</td></tr>"
        for n in range(rows)
    )
    intro = "The season ended on Sunday with the last round of matches across the league."
    return _page(
        f"<article><h1>Final standings</h1><p>{intro}</p>"
        f"<table><tr><th>Team</th><th>Points</th><th>Lost</th></tr>{cells}</table></article>"
    )


def test_a_table_that_is_the_article_is_extracted_row_by_row() -> None:
    text = extract_html(_results_page(12)).text
    assert "Team C | 28 | 4" in text.split("\n\n")
    assert text.startswith("The season ended on Sunday")


def test_a_small_table_beside_a_long_article_is_left_out() -> None:
    prose = "".join(f"<p>{FILLER} Part {n}.</p>" for n in range(8))
    table = "<table><tr><td>Price</td><td>$3,999</td></tr></table>"
    text = extract_html(_page(f"<article><h1>Review</h1>{prose}{table}</article>")).text
    assert "$3,999" not in text
    assert "Part 7." in text


def test_number_lines_inside_the_body_stay_and_repeat() -> None:
    body = f"<p>{FILLER}</p><p>2 : 1</p><p>{FILLER} Later.</p><p>2 : 1</p><p>{FILLER} End.</p>"
    paragraphs = extract_html(_page(f"<article><h1>Cup final</h1>{body}</article>")).text
    assert paragraphs.split("\n\n").count("2 : 1") == 2


def test_a_leading_headline_goes_with_its_kicker_but_a_lead_sentence_quoting_it_stays() -> None:
    title = "Stadtrat beschließt neuen Haushalt"
    metadata = PageMetadata(title=title)
    kicker = f"Nach langer Debatte{title}"  # kicker and headline glued by the markup
    assert tidy_paragraphs(f"{kicker}\n{BODY_PARAGRAPH}", metadata) == BODY_PARAGRAPH
    assert tidy_paragraphs(f"{title}\n{BODY_PARAGRAPH}", metadata) == BODY_PARAGRAPH
    lead = f"{title}: das meldeten am Dienstag mehrere Mitglieder des Aufsichtsrats der Stadt."
    assert tidy_paragraphs(f"{lead}\n{BODY_PARAGRAPH}", metadata).startswith(lead)
