"""The article HTML that a script-rendered page carries inside its scripts.

Pages built with client-side frameworks (React Query or Redux state, Next.js
data, Nuxt payloads) often ship an almost empty ``<body>`` and the article as
an HTML string inside a JSON object in a ``<script>``: ``"content":"\\u003cp
class=\\"editor-p\\"\\u003e…"``. The DOM passes then find nothing. This
module finds such string literals (long, holding several paragraph tags),
decodes them as the JSON strings they are, and joins them, in page order and
each once, into a document the ordinary extractor can read. It is a last
resort, used only when the page's own markup gave no article.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# A double-quoted string literal of at least this many characters (escapes count as two).
MIN_LITERAL_CHARS = 200
STRING_LITERAL = re.compile(rf'"((?:[^"\\\n]|\\.){{{MIN_LITERAL_CHARS},}})"')
# A paragraph tag, as written in HTML or escaped the ways JSON and JavaScript escape "<".
PARAGRAPH_TAG = re.compile(r"(?:<|\\u003c|\\x3c)p[\s>/\\]", re.IGNORECASE)
# A literal is article HTML when it holds at least this many paragraph tags.
MIN_PARAGRAPHS = 2


def script_html(tree: HtmlElement) -> str | None:
    """One HTML document of the article markup found in the page's scripts, or None."""
    fragments: dict[str, None] = {}  # insertion-ordered set: a payload often appears twice
    for script in tree.iter("script"):
        code = script.text or ""
        if len(code) < MIN_LITERAL_CHARS or PARAGRAPH_TAG.search(code) is None:
            continue
        for fragment in _html_literals(code):
            fragments.setdefault(fragment, None)
    if not fragments:
        return None
    body = "".join(f"<div>{fragment}</div>" for fragment in fragments)
    return f"<html><body>{body}</body></html>"


def _html_literals(code: str) -> list[str]:
    found = []
    for match in STRING_LITERAL.finditer(code):
        literal = match.group(1)
        if len(PARAGRAPH_TAG.findall(literal)) < MIN_PARAGRAPHS:
            continue
        decoded = _decoded(literal)
        if decoded is not None and decoded.count("<p") >= MIN_PARAGRAPHS:
            found.append(decoded)
    return found


def _decoded(literal: str) -> str | None:
    """The string a JSON (or JavaScript) double-quoted literal stands for."""
    literal = literal.replace("\\'", "'").replace("\\x3c", "\\u003c").replace("\\x3C", "\\u003c")
    try:
        value = json.loads(f'"{literal}"')
    except ValueError:
        return None
    return value if isinstance(value, str) else None
