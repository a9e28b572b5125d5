"""Stop-word lists per language (jusText's, a trafilatura dependency) for the prose test.

Which language a text is in is the caller's question: the rules take a
``language_of`` function as a parameter instead of loading a model here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import justext

from newscrawler.text.languages import JUSTEXT_STOPLIST

# Tells the language of a text (an ISO 639-1 code, or any label without a stop-word list).
LanguageOf = Callable[[str], str]
# Only the start of a document is read to tell its language.
LANGUAGE_SAMPLE_CHARS = 1000


@lru_cache(maxsize=64)
def stop_words(language: str) -> frozenset[str]:
    name = JUSTEXT_STOPLIST.get(language)
    if name is None:
        return frozenset()
    return frozenset(word.casefold() for word in justext.get_stoplist(name))


def stop_words_for(
    text: str, language: str | None, language_of: LanguageOf | None
) -> frozenset[str]:
    """The stop words of the given language, else of the one ``language_of`` finds, else none."""
    if language is None and language_of is not None:
        language = language_of(text[:LANGUAGE_SAMPLE_CHARS])
    return stop_words(language) if language else frozenset()
