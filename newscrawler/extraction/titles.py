"""Finding a plain-text document's title, masthead and source credit around its body.

The body is chosen first (:mod:`.boilerplate`); the title is the
title-shaped line just before it, the site name the masthead on the
document's first line, and the credit the first copyright or "Source:"
line anywhere outside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from newscrawler.extraction.classify import (
    CHROME_PHRASE_KEYS,
    Kind,
    Line,
    classify,
    credit_holder,
    phrase_key,
)

LABEL_MAX_WORDS = 3
TITLE_MIN_WORDS = 3
TITLE_LOOKBACK = 3
# "Фото: РИА Новости", "Text: Jane Doe": a one-word label and a short name.
MASTHEAD_MAX_WORDS = 4
# What may follow the name on a masthead line: an edition, a slogan.
MASTHEAD_SEPARATOR = re.compile(r"\s+(?:--|[-–—|·•:])\s+")
# Letters (any script), with spaces, apostrophes, hyphens, dots and "&" inside a name.
MASTHEAD_NAME = re.compile(r"[^\W\d_](?:[^\W\d_]|[ '’.&-])*[^\W\d_.]|[^\W\d_]")
LABELLED_CREDIT = re.compile(r"^[^\W\d_]{2,20}\s*[:：]\s*(?:\S+\s*){1,3}$")


def title_before(lines: Sequence[Line], start: int) -> str | None:
    """The title-shaped line before the body, skipping chrome in between.

    A nearer two-word line ("News Desk") or a "Photo: Agency" credit is
    passed over for a fuller title-shaped line a little higher up; when there
    is none, the nearest title-shaped line is the title.
    """
    candidates = [
        line
        for line in reversed(lines[:start])
        if not (line.kind is Kind.CHROME or line.notice or _is_label(line))
    ][:TITLE_LOOKBACK]
    if not candidates or not candidates[0].title_shaped:
        return None
    for line in candidates:
        if not line.title_shaped:
            break
        if line.words >= TITLE_MIN_WORDS and not LABELLED_CREDIT.match(line.text):
            return line.text
    return candidates[0].text


def masthead(lines: Sequence[Line], start: int, title: str | None) -> str | None:
    """The site's name when the document opens with it ("The Daily Ledger").

    Only the first line, and only when it comes before the body and is not
    the title: a name of one to four capitalised words (all capitals count),
    letters only, none of them a chrome word ("Home", "Menu"), kept up to the
    first separator ("NEWSWIRE DIGEST -- Friday edition"). Menus,
    breadcrumbs, dates and prompts are not names; neither is a line in a
    script without capitals (a masthead there cannot be told from a headline
    by its shape).
    """
    if start == 0 or not lines or lines[0].notice:
        return None
    parts = MASTHEAD_SEPARATOR.split(lines[0].text.strip())
    if len(parts) > 2:  # "Accueil | Monde | Politique": a menu
        return None
    name = parts[0].strip()
    if not name or name == (title or "").strip() or not MASTHEAD_NAME.fullmatch(name):
        return None
    if classify(name, frozenset()).kind is Kind.CHROME:
        return None
    words = name.split()
    if not 1 <= len(words) <= MASTHEAD_MAX_WORDS or any(
        phrase_key(word) in CHROME_PHRASE_KEYS for word in words
    ):
        return None  # "Home News Sport" is a menu, not a name
    return name if all(_capitalised(word) for word in words) else None


def _capitalised(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and letters[0].isupper()


def _is_label(line: Line) -> bool:
    """A one- to three-word prompt ending in a colon ('Share:', '分享到：')."""
    return line.words <= LABEL_MAX_WORDS and line.text.rstrip().endswith((":", "："))


def first_credit(lines: Iterable[Line]) -> str | None:
    """The source named by the first credit line among ``lines``."""
    for line in lines:
        holder = credit_holder(line.text)
        if holder:
            return holder
    return None
