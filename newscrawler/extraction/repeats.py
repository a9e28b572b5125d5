"""Collapse text that repeats itself.

Scraped and syndicated bodies often carry their paragraphs twice (a whole
body pasted twice, a block repeated after an ad, the lead repeated as a
teaser). A paragraph whose normalised form was already kept adds nothing,
so only its first occurrence stays.
"""

from __future__ import annotations

from collections.abc import Iterable

from newscrawler.text.normalise import paragraph_key


def is_data_line(paragraph: str) -> bool:
    """Numbers and symbols without a word: rows of a table or lines of code repeat legitimately."""
    return not any(character.isalpha() for character in paragraph)


def drop_repeated(paragraphs: Iterable[str], *, keep_data: bool = False) -> list[str]:
    """Keep each paragraph once, at its first position (data lines each time if asked)."""
    seen: set[str] = set()
    kept = []
    for paragraph in paragraphs:
        key = paragraph_key(paragraph)
        if not key:
            continue
        if key in seen and not (keep_data and is_data_line(paragraph)):
            continue
        seen.add(key)
        kept.append(paragraph)
    return kept
