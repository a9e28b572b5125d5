"""Text-folding keys: the forms two strings share when they say the same thing.

Repeat detection, chrome phrases, title and standfirst matching and the
deduplication fingerprint all compare texts across markup, case, Unicode
forms and punctuation; the folding rules live here so they agree.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD_OR_UNDERSCORE = re.compile(r"[\W_]+")
_NON_WORD = re.compile(r"\W+")
_WORD = re.compile(r"\w+")


def paragraph_key(paragraph: str) -> str:
    """NFKC, case-folded, words separated by single spaces (punctuation and ``_`` dropped)."""
    # casefold() turns Turkish "İ" into "i" + a combining dot; drop the dot.
    folded = unicodedata.normalize("NFKC", paragraph).casefold().replace("\u0307", "")
    return _NON_WORD_OR_UNDERSCORE.sub(" ", folded).strip()


def squash(text: str) -> str:
    """Lower case without punctuation or spaces, for comparing texts across markup."""
    return _NON_WORD.sub("", text.casefold())


def word_string(text: str) -> str:
    """NFKC, case-folded words joined by one space: the exact-duplicate form of a text."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(folded))
