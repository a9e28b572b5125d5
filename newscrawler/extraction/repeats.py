"""Collapse text that repeats itself.

Scraped and syndicated bodies often carry their paragraphs twice (a whole
body pasted twice, a block repeated after an ad, the lead repeated as a
teaser). A paragraph whose normalised form was already kept adds nothing,
so only its first occurrence stays.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_NON_WORD = re.compile(r"[\W_]+")


def paragraph_key(paragraph: str) -> str:
    """The form two paragraphs share when they say the same thing."""
    # casefold() turns Turkish "İ" into "i" + a combining dot; drop the dot.
    folded = unicodedata.normalize("NFKC", paragraph).casefold().replace("\u0307", "")
    return _NON_WORD.sub(" ", folded).strip()


def drop_repeated(paragraphs: Iterable[str]) -> list[str]:
    """Keep each paragraph once, at its first position."""
    seen: set[str] = set()
    kept = []
    for paragraph in paragraphs:
        key = paragraph_key(paragraph)
        if not key:
            continue
        if key in seen:
            continue
        seen.add(key)
        kept.append(paragraph)
    return kept
