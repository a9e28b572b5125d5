"""The numpy reading of py3langid's model against py3langid's own walk and scores.

The reference is py3langid itself: its byte-by-byte ``visit_counts`` for the
features and counts (and their order), its ``_decide``/``classify``/``rank``
for the scores, on texts chosen to stress the byte automaton (scripts of one
to four UTF-8 bytes, emoji, lone surrogates, NUL bytes, texts shorter than a
window) and on random ones.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py3langid.langid import LanguageIdentifier as Py3LangId
from py3langid.langid import visit_counts

from newscrawler.language.identify import shared_automaton, shared_model
from newscrawler.language.scores import (
    Automaton,
    ModelScorer,
    _widen_negative_normal,
    aho_corasick_depth,
    encode,
)

VARIED_TEXTS = [
    "",
    "a",
    "ab",
    "The central bank raised its key interest rate by half a point on Tuesday.",
    "DIE REGIERUNG HAT AM DIENSTAG ENTSCHIEDEN",  # all upper case: py3langid lower-cases it
    "Der Stadtrat beschloss am Montag den Ausbau der Straßenbahn.",
    "Le conseil municipal a approuvé le projet de tramway à l'unanimité.",
    "e\u0301cole cafe\u0301 nai\u0308ve",  # combining marks: py3langid composes them (NFC)
    "Правительство объявило о строительстве нового моста через реку.",
    "الحكومة تعلن عن خطة جديدة لبناء مكتبة عامة في المدينة",
    "政府は新しい新幹線の路線を発表した。東京と大阪を結ぶ。",
    "市政府宣布新的地铁线路将于明年开通。",
    "정부는 새로운 고속철도 노선을 발표했다.",
    "सरकार ने नई रेल लाइन की घोषणा की।",
    "ข่าววันนี้ รัฐบาลประกาศแผนใหม่",
    "Emoji news 😀🎉👍🏽 and flags 🇩🇪🇫🇷 between words",
    "lone surrogates \ud800 and \udfff inside text",
    "\ud83d",  # half of an emoji pair, alone
    "NUL\x00bytes\x00\x00inside and \x01\x02 control characters",
    "𠀀𠀁 CJK extension B, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math letters",
    "mixed: English, Deutsch, русский, العربية, 日本語, हिन्दी in one line",
    "   \n\t  spaces and \r\n line breaks \u2028 \u2029 \x85  ",
    "1234567890 !!! ??? ... --- 2026-11-30",
    "x" * 3000,  # one feature over and over
    "Der Stadtrat beschloss am Montag den Ausbau der Straßenbahn. " * 40,
]


@pytest.fixture(scope="module")
def model() -> Py3LangId:
    return shared_model()


@pytest.fixture(scope="module")
def scorer(model: Py3LangId) -> ModelScorer:
    automaton = shared_automaton()
    assert automaton is not None, "the installed model should be window-walkable"
    return ModelScorer(model, automaton)


def walk_counts(model: Py3LangId, text: str) -> list[tuple[int, int]]:
    """py3langid's own feature counts for ``text``, in the order its walk meets them."""
    found = visit_counts(model.tk_nextmove, model._rowbase, model.tk_output, encode(text))
    return list((found or {}).items())


def test_every_varied_text_yields_the_walks_features_in_the_walks_order(
    model: Py3LangId, scorer: ModelScorer
) -> None:
    counted = scorer.feature_counts([encode(text) for text in VARIED_TEXTS])
    for index, text in enumerate(VARIED_TEXTS):
        assert list(counted.of(index).items()) == walk_counts(model, text), repr(text[:40])


def test_each_text_is_read_alone_whatever_comes_before_it_in_the_batch(
    model: Py3LangId, scorer: ModelScorer
) -> None:
    """The separator resets the walk: a text after another counts as if it came first."""
    batch = ["政府は新しい", "ab", "", "e", "Straßenbahn und Brücke"]
    counted = scorer.feature_counts([encode(text) for text in batch])
    assert [list(counted.of(i).items()) for i in range(len(batch))] == [
        walk_counts(model, text) for text in batch
    ]


def test_a_batch_without_any_feature_scores_as_py3langid(
    model: Py3LangId, scorer: ModelScorer
) -> None:
    batch = ["", "\x00", " "]
    for text, found in zip(batch, scorer.scores(batch), strict=True):
        assert np.array_equal(found, model._decide(text)), repr(text)


def test_scores_are_bit_for_bit_py3langids(model: Py3LangId, scorer: ModelScorer) -> None:
    scores = scorer.scores(VARIED_TEXTS)
    for text, found in zip(VARIED_TEXTS, scores, strict=True):
        assert np.array_equal(found, model._decide(text)), repr(text[:40])
        assert scorer.classify(found) == model.classify(text)
        assert scorer.rank(found) == model.rank(text)


@pytest.mark.parametrize("languages", [["de", "en", "fr", "ru", "ja"], ["sr", "hr", "bs"]])
def test_a_language_restricted_model_scores_as_py3langid_restricted(
    model: Py3LangId, languages: list[str]
) -> None:
    restricted = copy.copy(model)
    restricted.set_languages(languages)
    scorer = ModelScorer(model, shared_automaton(), set(languages))
    assert scorer.labels == restricted.nb_classes
    for text, found in zip(VARIED_TEXTS, scorer.scores(VARIED_TEXTS), strict=True):
        assert np.array_equal(found, restricted._decide(text)), repr(text[:40])
        assert scorer.rank(found) == restricted.rank(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=80), min_size=1, max_size=6))
def test_random_texts_score_as_py3langid(texts: list[str]) -> None:
    model = shared_model()
    scorer = ModelScorer(model, shared_automaton())
    for text, found in zip(texts, scorer.scores(texts), strict=True):
        assert np.array_equal(found, model._decide(text))


def test_without_an_automaton_the_scorer_walks_bytes_and_agrees(model: Py3LangId) -> None:
    scorer = ModelScorer(model, None)
    for text, found in zip(VARIED_TEXTS, scorer.scores(VARIED_TEXTS), strict=True):
        assert np.array_equal(found, model._decide(text)), repr(text[:40])


def test_the_bit_shift_widening_is_numpys_conversion_for_every_negative_normal_half() -> None:
    bits = np.arange(0x8400, 0xFC00, dtype=np.uint16)  # sign set, exponent 1..30
    halves = bits.view(np.float16)
    assert np.array_equal(_widen_negative_normal(halves), halves.astype(np.float32))


def _transitions(table: dict[int, dict[int, int]], states: int) -> np.ndarray:
    rows = np.zeros((states, 256), dtype=np.uint32)
    for state, moves in table.items():
        for byte, target in moves.items():
            rows[state, byte] = target
    return rows


def test_a_hand_built_aho_corasick_automaton_is_accepted_with_its_depth() -> None:
    # Trie of "ab" and "b" (a=97, b=98): 0 root, 1 "a", 2 "ab", 3 "b".
    a, b = 97, 98
    moves = {0: {a: 1, b: 3}, 1: {a: 1, b: 2}, 2: {a: 1, b: 3}, 3: {a: 1, b: 3}}
    rows = _transitions(moves, 4)
    assert aho_corasick_depth(rows, np.arange(4, dtype=np.int64)) == 2


def test_an_automaton_that_remembers_beyond_its_trie_is_refused() -> None:
    # As above, but after "ab" a "b" goes to "ab" again: the state then depends on
    # more than the trie's longest suffix, and windows would read it wrongly.
    a, b = 97, 98
    moves = {0: {a: 1, b: 3}, 1: {a: 1, b: 2}, 2: {a: 1, b: 2}, 3: {a: 1, b: 3}}
    rows = _transitions(moves, 4)
    assert aho_corasick_depth(rows, np.arange(4, dtype=np.int64)) is None


def test_the_installed_model_is_walked_in_windows(model: Py3LangId) -> None:
    automaton = Automaton.of(model)
    assert automaton is not None
    assert 2 <= automaton.depth <= 8
    assert automaton.output[0] < 0  # the root, where the separator leads, emits nothing
