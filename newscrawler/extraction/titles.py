"""Finding a plain-text document's title and source credit around its body.

The body is chosen first (:mod:`.boilerplate`); the title is the
title-shaped line just before it and the credit the first copyright or
"Source:" line anywhere outside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from newscrawler.extraction.classify import Kind, Line, credit_holder

LABEL_MAX_WORDS = 3
TITLE_MIN_WORDS = 3
TITLE_LOOKBACK = 3
# "Фото: РИА Новости", "Text: Jane Doe": a one-word label and a short name.
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
