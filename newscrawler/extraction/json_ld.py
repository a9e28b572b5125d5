"""JSON-LD (schema.org) blocks of a page: the article object and what it declares.

News pages describe their article in ``<script type="application/ld+json">``
blocks, often as a ``@graph`` of several objects referring to each other by
``@id``; this module finds the article object among them and reads its
names and body text, leaving meta tags and visible markup to
:mod:`.html_metadata`.
"""

from __future__ import annotations

import html
import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lxml.html import HtmlElement

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "report",
        "scholarlyarticle",
        "techarticle",
        "review",
    }
)
MARKUP_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
BLOCK_TAG = re.compile(r"</?(?:p|div|br|h[1-6]|li|ul|ol|figure|blockquote|section)\b[^<>]*>", re.I)
MARKUP_TAG = re.compile(r"<[^<>]+>")


def json_ld_article(tree: HtmlElement) -> dict[str, Any]:
    """The first JSON-LD object typed as an article (any schema.org article subtype).

    When the article object names no author, the first author named by another
    object (a ``WebPage``, an untyped block) is borrowed.
    """
    objects = [item for data in _json_ld_blocks(tree) for item in _json_ld_objects(data)]
    article = next((item for item in objects if ARTICLE_TYPES & ld_types(item)), {})
    author = article.get("author") or next((o["author"] for o in objects if o.get("author")), None)
    if author:
        article = {**article, "author": _resolve_references(author, objects)}
    return article


def _resolve_references(value: Any, objects: list[dict[str, Any]]) -> Any:
    """Replace ``{"@id": …}`` references (Yoast-style graphs) by the objects they name."""
    by_id = {item["@id"]: item for item in objects if isinstance(item.get("@id"), str)}
    values = value if isinstance(value, list) else [value]
    return [
        by_id.get(v["@id"], v) if isinstance(v, dict) and "name" not in v and "@id" in v else v
        for v in values
    ]


def _json_ld_blocks(tree: HtmlElement) -> Iterator[Any]:
    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        try:
            yield json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue


def _json_ld_objects(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _json_ld_objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        yield from _json_ld_objects(data.get("@graph"), depth + 1)
        yield from _json_ld_objects(data.get("mainEntity"), depth + 1)


def ld_types(item: dict[str, Any]) -> set[str]:
    types = item.get("@type")
    types = types if isinstance(types, list) else [types]
    return {t.lower() for t in types if isinstance(t, str)}


def ld_image(value: Any) -> str | None:
    """The first image URL of a JSON-LD ``image``: a string, an ``ImageObject`` or a list."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return value.strip() if isinstance(value, str) and value.strip() else None


def ld_name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return value if isinstance(value, str) else None


def ld_authors(value: Any) -> list[str]:
    """Author names from JSON-LD; organisations only when no person is named."""
    values = value if isinstance(value, list) else [value]
    people = [v for v in values if not (isinstance(v, dict) and "organization" in ld_types(v))]
    names: list[str] = []
    for person in people or values:
        name = person.get("name") if isinstance(person, dict) else person
        for part in name if isinstance(name, list) else [name]:  # some sites list names
            if isinstance(part, str):
                names += split_names(part)
    return names


def split_names(value: str | None) -> list[str]:
    """Names from one string listing several ("A, B and C", "A; B", "A | B")."""
    parts = re.split(r";|,| and | & |\|", html.unescape(value or ""))
    return [" ".join(part.split()) for part in parts if part.strip()]


def article_body(ld: dict[str, Any]) -> str | None:
    """JSON-LD ``articleBody`` as text, its line breaks and block tags separating paragraphs.

    Some CMSs put the stored markup there, even escaped twice.
    """
    body = ld.get("articleBody")
    if not isinstance(body, str):
        return None
    text = html.unescape(html.unescape(body))
    if "<" in text:
        text = MARKUP_COMMENT.sub("", text)
        text = MARKUP_TAG.sub("", BLOCK_TAG.sub("\n", text))
    return text.strip() or None
