"""Script-rendered pages: the article HTML held as a JSON string in a script is read."""

from __future__ import annotations

import json

from newscrawler.extraction.document import extract_document
from newscrawler.extraction.html import parse_html
from newscrawler.extraction.script_html import script_html

PARAGRAPHS = [
    "Die Stadtwerke erhöhen zum ersten Januar die Preise für Fernwärme um neun Prozent, "
    "wie ein Sprecher am Montag mitteilte.",
    "Grund seien die gestiegenen Kosten für Gas und für den Ausbau des Netzes im Norden "
    "der Stadt, der bis 2027 dauern soll.",
    "Der Mieterverein kritisierte die Erhöhung als zu hoch und forderte eine Härtefallregelung "
    "für Haushalte mit kleinen Einkommen.",
]


def _page(state: dict[str, object], body: str = '<div id="root"></div>') -> bytes:
    script = f"<script>window.__STATE__ = {json.dumps(state)};</script>"
    head = "<head><title>Fernwärme wird teurer</title></head>"
    return f"<!doctype html><html>{head}<body>{body}{script}</body></html>".encode()


def _article_html() -> str:
    return "".join(f'<p class="editor-p">{text}</p>' for text in PARAGRAPHS)


def test_an_empty_body_with_the_article_in_the_state_script_gives_the_article() -> None:
    state = {"article": {"id": 7, "content": _article_html()}, "teasers": ["short"]}
    result = extract_document(_page(state), url="https://stadt.example/a/7")
    assert result.extractor == "script-html"
    assert result.text.split("\n\n") == PARAGRAPHS


def test_the_payload_found_twice_is_read_once() -> None:
    state = {"a": {"content": _article_html()}, "b": {"content": _article_html()}}
    result = extract_document(_page(state), url="https://stadt.example/a/7")
    assert result.text.split("\n\n") == PARAGRAPHS


def test_a_page_whose_markup_holds_the_article_does_not_use_its_scripts() -> None:
    decoy = "<p>" + "Anzeige für ein ganz anderes Angebot mit vielen Worten darin. " * 6 + "</p>"
    state = {"ad": {"content": decoy * 3}}
    body = "<article>" + _article_html() + "</article>"
    result = extract_document(_page(state, body), url="https://stadt.example/a/7")
    assert result.extractor != "script-html"
    assert "Anzeige" not in result.text


def test_broken_escapes_and_scripts_without_paragraphs_are_passed_over() -> None:
    broken = '"' + "\\u00zz<p>x</p><p>y</p>" + "a" * 300 + '"'
    tree = parse_html(
        "<html><body><script>var a = "
        + broken
        + ";</script><script>var b = "
        + json.dumps("no tags " * 60)
        + ";</script></body></html>"
    )
    assert script_html(tree) is None
