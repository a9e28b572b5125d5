"""The title an HTML page gets, on synthetic pages of layouts beyond news articles.

Each page is a general layout (a blog whose ``<h1>`` is the blog's name, a
documentation page, a shop's category and product pages, a page in a script
without capitals, a page declaring no ``og:title``) whose right title is
plain from the page itself; none is copied from a development-set page.
"""

from __future__ import annotations

import pytest

from newscrawler.extraction.html import extract_html, parse_html
from newscrawler.extraction.html_metadata import read_metadata
from newscrawler.extraction.title_choice import tidy_title

BODY = (
    "<p>The first paragraph of the page says what it is about in a full sentence, "
    "long enough to be read as text.</p><p>A second paragraph follows with more detail "
    "about the subject, so that the page has a body.</p>"
)


def page(head: str, body: str, *, lang: str = "en") -> str:
    return f'<html lang="{lang}"><head>{head}</head><body>{body}{BODY}</body></html>'


def title_of(html: str, url: str) -> str | None:
    return read_metadata(parse_html(html), url).title


def test_blog_whose_h1_is_the_blog_name_linking_home_gets_the_post_title() -> None:
    html = page(
        "<title>Pruning apple trees in winter – Notes from the Allotment</title>"
        '<meta property="og:title" content="Pruning apple trees in winter">'
        '<meta property="og:type" content="article">',
        '<header><h1><a href="https://allotment-notes.example/">Notes from the Allotment</a>'
        "</h1></header><article><h2>Pruning apple trees in winter</h2></article>",
    )
    assert title_of(html, "https://allotment-notes.example/2026/01/pruning/") == (
        "Pruning apple trees in winter"
    )


def test_documentation_page_keeps_its_short_heading_without_the_project_segment() -> None:
    html = page(
        "<title>Installation — Widgetlib 2.3 documentation</title>",
        '<div role="main"><h1>Installation</h1></div>',
    )
    assert title_of(html, "https://widgetlib.readthedocs.example/en/latest/install.html") == (
        "Installation"
    )


def test_category_label_in_the_h1_of_a_product_page_is_not_the_title() -> None:
    html = page(
        '<meta property="og:title" content="Trailblazer 40L hiking backpack">'
        '<meta property="og:type" content="product">'
        "<title>Trailblazer 40L hiking backpack | Summit Gear</title>",
        "<nav><h1>Hiking Backpacks</h1></nav><main><h2>Trailblazer 40L hiking backpack</h2>"
        "<p>£89.00</p></main>",
    )
    assert title_of(html, "https://summitgear.example/p/trailblazer-40") == (
        "Trailblazer 40L hiking backpack"
    )


def test_product_page_h1_naming_the_product_is_the_title() -> None:
    html = page(
        '<meta property="og:site_name" content="Summit Gear">'
        '<meta property="og:title" content="Trailblazer 40L Hiking Backpack | Summit Gear">'
        '<meta property="og:type" content="product">',
        "<main><h1>Trailblazer 40L Hiking Backpack</h1></main>",
    )
    assert title_of(html, "https://summitgear.example/p/trailblazer-40") == (
        "Trailblazer 40L Hiking Backpack"
    )


def test_page_that_declares_no_article_keeps_its_declared_title_over_a_related_heading() -> None:
    """Sharing words is not enough on a page that does not say it is an article."""
    html = page(
        '<meta property="og:title" content="Trailblazer 40L hiking backpack">'
        '<meta property="og:type" content="website">',
        "<main><h1>Trailblazer backpack: customer reviews</h1></main>",
    )
    assert title_of(html, "https://summitgear.example/p/trailblazer-40/reviews") == (
        "Trailblazer 40L hiking backpack"
    )


def test_article_page_keeps_its_visible_headline_over_a_rewritten_social_title() -> None:
    html = page(
        '<meta property="og:title" content="City centre cycle lanes approved by council">'
        '<meta property="og:type" content="article">',
        "<article><h1>Council approves cycle lanes across the city centre</h1></article>",
    )
    assert title_of(html, "https://riverside-herald.example/news/cycle-lanes") == (
        "Council approves cycle lanes across the city centre"
    )


def test_several_related_h1s_fall_back_to_the_declared_title() -> None:
    html = page(
        '<meta property="og:title" content="Council budget: what changes this year">'
        '<meta property="og:type" content="article">',
        "<h1>Council budget: the vote tonight</h1><h1>Council budget: reactions from residents</h1>",
    )
    assert title_of(html, "https://riverside-herald.example/budget") == (
        "Council budget: what changes this year"
    )


def test_section_kicker_set_off_by_a_bar_is_dropped_but_a_declared_kicker_stays() -> None:
    section = page(
        '<meta property="og:title" content="Opinion | Why the library must stay open">'
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "headline": "Why the library must stay open"}</script>',
        "<h1><span>Opinion</span> <span>Why the library must stay open</span></h1>",
    )
    assert title_of(section, "https://riverside-herald.example/opinion/library") == (
        "Why the library must stay open"
    )
    kicker = page(
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "headline": "Flood warning: river expected to peak on Sunday"}</script>'
        "<title>River expected to peak on Sunday | Riverside Herald</title>",
        "<h1>Flood warning: river expected to peak on Sunday</h1>",
    )
    assert title_of(kicker, "https://riverside-herald.example/flood") == (
        "Flood warning: river expected to peak on Sunday"
    )


def test_heading_cut_short_in_the_declared_title_is_the_title() -> None:
    html = page(
        '<meta property="og:title" content="Harbour authority confirms the new ferry timetable…">'
        '<meta property="og:type" content="article">',
        "<h1>Harbour authority confirms the new ferry timetable for the summer season</h1>",
    )
    assert title_of(html, "https://coastal-times.example/ferry") == (
        "Harbour authority confirms the new ferry timetable for the summer season"
    )


def test_japanese_page_without_og_title_gets_its_heading_without_the_site_name() -> None:
    html = page(
        "<title>東京で桜が満開に、平年より早く | 毎日ニュース</title>",
        "<h1>東京で桜が満開に、平年より早く</h1>",
        lang="ja",
    )
    assert title_of(html, "https://mainichi-news.example/articles/1") == (
        "東京で桜が満開に、平年より早く"
    )


def test_russian_page_whose_h1_is_the_site_name_gets_the_declared_headline() -> None:
    html = page(
        '<meta property="og:site_name" content="Вечерний город">'
        '<meta property="og:title" content="В городе открыли новый мост через реку">'
        "<title>В городе открыли новый мост через реку — Вечерний город</title>",
        "<h1>Вечерний город</h1><h2>В городе открыли новый мост через реку</h2>",
        lang="ru",
    )
    assert title_of(html, "https://vechernij-gorod.example/most") == (
        "В городе открыли новый мост через реку"
    )


def test_heading_that_mentions_the_site_is_not_taken_for_the_site_name() -> None:
    html = page(
        '<meta property="og:site_name" content="Harbour">'
        '<meta property="og:title" content="Tide tables">'
        '<meta property="og:type" content="article">'
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "headline": "Why Harbour readers asked for printed tide tables again"}</script>',
        "<h1>Why Harbour readers asked for printed tide tables again</h1>",
    )
    assert title_of(html, "https://harbour.example/tides") == (
        "Why Harbour readers asked for printed tide tables again"
    )


def test_korean_site_segment_after_a_hangul_bar_is_dropped() -> None:
    html = page(
        '<meta property="og:title" content="서울 지하철 새 노선 개통 앞두고 시범 운행ㅣ한빛일보">'
        '<meta property="og:site_name" content="한빛일보">',
        "<div>기사</div>",
        lang="ko",
    )
    assert (
        title_of(html, "https://hanbit-ilbo.example/a/1")
        == "서울 지하철 새 노선 개통 앞두고 시범 운행"
    )


@pytest.mark.parametrize(
    ("raw", "tidy"),
    [
        ("Rates &#8216;on hold&#8217; until spring", "Rates ‘on hold’ until spring"),
        ("Verfassungs\u00adbeschwerde eingelegt\u200b", "Verfassungsbeschwerde eingelegt"),
        ("  Two\n lines  ", "Two lines"),
        ("\u2060", None),
    ],
)
def test_declared_titles_are_tidied(raw: str, tidy: str | None) -> None:
    assert tidy_title(raw) == tidy


def test_entities_in_a_json_ld_headline_do_not_reach_the_title() -> None:
    html = page(
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "headline": "Mayor&#39;s plan for the &quot;green mile&quot; approved"}</script>',
        "<div>no heading here</div>",
    )
    result = extract_html(html, url="https://riverside-herald.example/green-mile")
    assert result.title == 'Mayor\'s plan for the "green mile" approved'


def test_soft_hyphens_of_a_visible_heading_do_not_reach_the_title() -> None:
    html = page(
        '<meta property="og:title" content="Stadtrat beschließt neues Verkehrskonzept">'
        '<meta property="og:type" content="article">',
        "<h1>Stadtrat beschließt neues Ver&shy;kehrs&shy;konzept</h1>",
        lang="de",
    )
    assert title_of(html, "https://stadtblatt.example/verkehr") == (
        "Stadtrat beschließt neues Verkehrskonzept"
    )


def test_product_name_inside_a_longer_declared_shop_title_is_the_title() -> None:
    html = page(
        '<meta property="og:title" content="Buy Trailblazer 40L Hiking Backpack Online | Summit">'
        '<meta property="og:type" content="product">',
        "<main><h1>Trailblazer 40L Hiking Backpack</h1></main>",
    )
    assert title_of(html, "https://shop.example/p/trailblazer-40") == (
        "Trailblazer 40L Hiking Backpack"
    )


def test_documentation_heading_loses_its_permalink_symbol() -> None:
    html = page(
        "<title>Configuring the cache — Widgetlib 2.3 documentation</title>",
        '<section><h1>Configuring the cache<a class="headerlink" href="#configuring-the-cache">'
        "¶</a></h1></section>",
    )
    assert title_of(html, "https://widgetlib.readthedocs.example/en/latest/cache.html") == (
        "Configuring the cache"
    )


def test_json_ld_naming_an_author_of_a_web_page_does_not_make_it_an_article() -> None:
    html = page(
        '<meta property="og:title" content="Trailblazer 40L hiking backpack">'
        '<script type="application/ld+json">{"@type": "WebPage",'
        ' "author": {"@type": "Person", "name": "Sam Reviewer"}}</script>',
        "<main><h1>Trailblazer backpack: customer reviews</h1></main>",
    )
    assert title_of(html, "https://summitgear.example/p/trailblazer-40/reviews") == (
        "Trailblazer 40L hiking backpack"
    )
