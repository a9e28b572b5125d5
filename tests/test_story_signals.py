"""Story signals: names across scripts and inflections, numbers and dates, the match rule."""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from anyascii import anyascii
from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawler.story import quantities as quantities_module
from newscrawler.story.match import MatchRule, Similarity, similarity
from newscrawler.story.names import entity_key, fold
from newscrawler.story.quantities import dates, month_days, quantities
from newscrawler.story.signals import QUOTED, SENTENCE_START, WORD, SignalExtractor, Signals


@pytest.mark.parametrize(
    "spellings",
    [
        ["Merkel", "Merkels", "Меркель", "MERKEL"],
        ["Navalny", "Nawalny", "Навальный", "Навального"],
        ["Tusk", "Tusks", "Туск", "Туском"],
        ["Erdoğan", "Erdogan", "Эрдоган", "Эрдогана"],
        ["Tsipras", "Τσίπρας"],
    ],
)
def test_one_name_one_key_across_languages_and_scripts(spellings: list[str]) -> None:
    assert len({entity_key(word) for word in spellings}) == 1


def test_different_names_get_different_keys() -> None:
    keys = [entity_key(word) for word in ("Merkel", "Macron", "Meloni", "Modi", "Milei")]
    assert len(set(keys)) == len(keys)


def test_acronyms_keep_their_letters_across_scripts() -> None:
    assert entity_key("OPEC") == entity_key("ОПЕК") == "a:opek"
    assert entity_key("G20") != entity_key("G7")


def date_keys(text: str) -> set[str]:
    return {found.key for found in dates(text)}


@pytest.mark.parametrize(
    "text",
    [
        "am 17. März",
        "on March 17",
        "on 17th March",
        "le 17 mars",
        "el 17 de marzo",
        "il 17 marzo",
        "17 марта",
        "Mar. 17",
    ],
)
def test_a_day_and_month_in_any_language_is_one_key(text: str) -> None:
    assert date_keys(text) == {"d:03-17"}


def test_a_range_of_days_gives_both_ends() -> None:
    assert (
        date_keys("vom 12. bis 14. Juli")
        == date_keys("from July 12 to 14")
        == {
            "d:07-12",
            "d:07-14",
        }
    )


def quantity_keys(text: str) -> set[str]:
    spans = [(found.start, found.end) for found in dates(text)]
    return {found.key for found in quantities(text, spans)}


@pytest.mark.parametrize(
    "text",
    [
        "3,2 Milliarden Euro",
        "3.2 billion euros",
        "3.200 millones de euros",
        "3,2 млрд евро",
        "3,2 milliards d'euros",
        "a €3.2bn deal",
    ],
)
def test_amounts_with_a_scale_word_are_one_key(text: str) -> None:
    assert quantity_keys(text) == {"n:3.2e+09"}


def test_thousands_separators_and_decimal_commas() -> None:
    assert quantity_keys("4.750 Menschen") == quantity_keys("4,750 people") == {"n:4750"}
    assert quantity_keys("um 0,25 Prozentpunkte") != quantity_keys("um 25 Prozentpunkte")
    assert quantity_keys("6,5 Prozent") == quantity_keys("6.5 percent") == {"p:6.5"}


def test_years_and_small_counts_are_no_signal() -> None:
    assert quantity_keys("between 1998 and 2004, three or 4 times") == set()


def test_capitalised_nouns_and_sentence_openers_weigh_less_than_names() -> None:
    text = (
        "Die Regierung in Wellington hat am Montag entschieden. Wellington will die Steuer senken, "
        "sagte Finanzministerin Nicola Willis. Heute beginnt die Debatte im Parlament."
    )
    keys = SignalExtractor().extract(text, None, "de").keys
    assert keys[entity_key("Willis") or ""] > keys.get(entity_key("Regierung") or "", 0.0)
    assert entity_key("Heute") not in keys  # opens a sentence, an everyday word
    assert entity_key("Montag") not in keys  # a weekday is no name
    assert entity_key("Wellington") in keys  # opens a sentence, but also mid-sentence


def test_quoted_names_count_whatever_their_case() -> None:
    keys = SignalExtractor().extract('The plan, called "moonshot", was approved.', None, "en").keys
    assert entity_key("Moonshot") in keys


def test_signals_of_a_translation_overlap() -> None:
    extractor = SignalExtractor()
    english = extractor.extract(
        "Chilean President Gabriel Boric announced on Oct 9 a 2.1 billion dollar lithium "
        "partnership between Codelco and SQM in the Atacama salt flat.",
        None,
        "en",
    )
    spanish = extractor.extract(
        "El presidente de Chile, Gabriel Boric, anunció el 9 de octubre una alianza de 2.100 "
        "millones de dólares entre Codelco y SQM para el litio del salar de Atacama.",
        None,
        "es",
    )
    shared = english.keys.keys() & spanish.keys.keys()
    assert {"d:10-09", "n:2.1e+09", entity_key("Codelco"), entity_key("Atacama")} <= shared
    assert MatchRule(min_shared=3.0, min_overlap=0.3).same_story(similarity(english, spanish))


def test_numbers_that_disagree_require_a_stronger_match() -> None:
    names = {"e:aaa": 1.0, "e:bbb": 1.0, "e:ccc": 1.0, "e:ddd": 1.0, "e:eee": 1.0}
    first = Signals({**names, "n:5e+11": 1.0})
    agreeing = Signals({**names, "n:5e+11": 1.0})
    disagreeing = Signals({**names, "d:11-07": 0.8})
    rule = MatchRule(min_shared=4.0, min_overlap=0.3, min_keys=3)
    assert rule.same_story(similarity(first, agreeing))
    assert similarity(first, disagreeing).quantities_disagree
    assert not rule.same_story(similarity(first, disagreeing))


def test_the_rule_needs_weight_share_and_count_together() -> None:
    rule = MatchRule(min_shared=4.0, min_overlap=0.3, min_keys=3)
    assert rule.same_story(Similarity(shared=4.5, overlap=0.5, keys=5))
    assert not rule.same_story(Similarity(shared=3.5, overlap=0.9, keys=5))
    assert not rule.same_story(Similarity(shared=9.0, overlap=0.1, keys=12))
    assert not rule.same_story(Similarity(shared=4.5, overlap=0.9, keys=2))


def test_the_time_window() -> None:
    rule = MatchRule(window=timedelta(hours=72))
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert rule.in_window(now, now - timedelta(hours=71))
    assert not rule.in_window(now, now + timedelta(hours=73))


# --- the faster scans give what the plain patterns give ------------------------------------

# The patterns as first written: each tried at every position of the text.
PLAIN_WORD = re.compile(r"[^\W\d_](?:[^\W_]|['’.](?=[^\W\d_]))*")
PLAIN_DAY = r"(?<![\d.,])(\d{1,2})(?:st|nd|rd|th|\.)?"
PLAIN_DAY_MONTH = re.compile(
    PLAIN_DAY + quantities_module.RANGE + r"\s*(?:de\s+)?(" + quantities_module.MONTH_WORD + r")",
    re.IGNORECASE,
)
PLAIN_QUANTITY = re.compile(
    r"(?<![\w.,])(" + quantities_module.NUMBER + r")(?:\s*-\s*|\s*)("
    + quantities_module.WORD + r"(?:\s+de)?|%)?",
    re.IGNORECASE,
)  # fmt: skip

# Pieces that make the scans' corner cases: month words and their abbreviations, ordinal
# suffixes glued to words, digits next to points and commas, quotes, apostrophes.
SIGNAL_PIECES = st.sampled_from(
    ["March", "Mar.", "mars", "марта", "Juli", "février", "Okt", "May", "th", "st", "thursday",
     "12", "5", "123", "1.500", "2,5", "2026", "3rd", "9th", "de", "bis", "to", "-", "–", "%",
     "Trump's", "O'Neill", "U.S.", "«Stargate»", '"moonshot"', "„Zeit“", "iPhone", "3Com",
     "Меркель", "Zürich", "x", "A", "Ab", "_", "ﬁ", "²", "Ⅻ", "Ⓐ", "ǅemal", "ß", "É",
     "𝐀𝐁c", "𐐀𐐨", "𝐚", "😀", "'Neill", ".Com", "1A", "a1B", "9.Zeit", "’Arc"]
)  # fmt: skip
GLUE = st.sampled_from(["", " ", "  ", ". ", ".", ",", "\n", "\u00a0", "-", "'", "’", "(", " de "])
SIGNAL_TEXT = st.lists(st.tuples(SIGNAL_PIECES, GLUE), max_size=30).map(
    lambda parts: "".join(piece + glue for piece, glue in parts)
)


def spans_and_groups(
    matches: Iterable[re.Match[str]],
) -> list[tuple[tuple[int, int], tuple[Any, ...]]]:
    return [(match.span(), match.groups()) for match in matches]


@settings(max_examples=400, deadline=None)
@given(SIGNAL_TEXT)
def test_the_scans_find_what_the_plain_patterns_find(text: str) -> None:
    assert [m.span() for m in WORD.finditer(text)] == [m.span() for m in PLAIN_WORD.finditer(text)]
    assert spans_and_groups(quantities_module.DAY_MONTH.finditer(text)) == spans_and_groups(
        PLAIN_DAY_MONTH.finditer(text)
    )
    assert spans_and_groups(quantities_module.QUANTITY.finditer(text)) == spans_and_groups(
        PLAIN_QUANTITY.finditer(text)
    )
    assert spans_and_groups(month_days(text)) == spans_and_groups(
        quantities_module.MONTH_DAY.finditer(text)
    )


@pytest.mark.parametrize(
    "text",
    [
        "Jan 5thMarch 3",  # a match that ends inside a word: the search resumes right there
        "Jan 5thursday 12",
        "on " + "x" * 100 + "March 3",  # a word longer than one look back
        "Mar.  17, Mar.. 17, mar 1234, March\n17, March\u00a017",
        "",
        "17",
    ],
)
def test_month_day_corner_cases_match_the_plain_pattern(text: str) -> None:
    assert spans_and_groups(month_days(text)) == spans_and_groups(
        quantities_module.MONTH_DAY.finditer(text)
    )


def plain_fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return anyascii(stripped).lower().replace("'", "").replace("`", "")


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=20))
def test_ascii_words_fold_as_any_other(word: str) -> None:
    assert fold(word) == plain_fold(word)


def test_repeated_texts_get_the_signals_of_a_fresh_extractor() -> None:
    """What the extractor keeps of a word (keys, frequencies, weights) never changes a result."""
    texts = [
        ("Die Regierung in Wellington hat am Montag entschieden. Wellington will sparen.", "de"),
        ('The plan, called "moonshot", was approved by NASA on March 3 for $2.1 billion.', "en"),
        ("Vertrauensverhältnis und Regierungserklärung: Merkel sprach am 6. Februar.", "de"),
        ("Wellington and Willis: the minister spoke on Monday in Wellington.", "en"),
    ]
    shared = SignalExtractor()
    for text, language in texts + texts[::-1]:
        assert shared.extract(text, "Titel", language) == SignalExtractor().extract(
            text, "Titel", language
        )


def plain_candidates(
    extractor: SignalExtractor, text: str, title_end: int
) -> list[tuple[str, str, bool]]:
    """Capitalised or quoted words, each looking its quote up anew (bisect)."""
    quoted = [match.span(1) for match in QUOTED.finditer(text)]
    starts = [start for start, _ in quoted]
    found = []
    for match in PLAIN_WORD.finditer(text):
        word = match.group(0).strip(".'’")
        at = bisect.bisect_right(starts, match.start()) - 1
        in_quote = at >= 0 and match.start() < quoted[at][1]
        key = entity_key(word)
        if not (word[:1].isupper() or in_quote) or key is None:
            continue
        before = text[max(0, match.start() - 3) : match.start()]
        initial = match.start() < title_end or bool(SENTENCE_START.search(before))
        found.append((key, word, initial and not in_quote))
    return found


@settings(max_examples=300, deadline=None)
@given(SIGNAL_TEXT, st.integers(min_value=0, max_value=40))
def test_candidate_words_are_the_plain_readings(text: str, title_end: int) -> None:
    extractor = SignalExtractor()
    assert extractor._candidates(text, title_end) == plain_candidates(extractor, text, title_end)
