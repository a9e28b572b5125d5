"""Tests of the language identifier on seed articles, mixed text and edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawler.language.identify import LanguageIdentifier, LanguageResult, supported_languages
from newscrawler.language.malay_indonesian import marker_balance

FIXTURES = Path(__file__).parent / "fixtures" / "language"


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier()


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("seed_000_de.txt", "de"),
        ("seed_001_en.txt", "en"),
        ("seed_002_de.txt", "de"),
        ("seed_003_en_in_id_chrome.txt", "en"),
    ],
)
def test_seed_articles_are_tagged_with_their_body_language(
    identifier: LanguageIdentifier, fixture: str, expected: str
) -> None:
    result = identifier.identify((FIXTURES / fixture).read_text(encoding="utf-8"))
    assert result.code == expected
    assert result.confidence >= 0.9


def test_indonesian_chrome_around_english_body_is_recorded_as_minor_share(
    identifier: LanguageIdentifier,
) -> None:
    text = (FIXTURES / "seed_003_en_in_id_chrome.txt").read_text(encoding="utf-8")
    result = identifier.identify(text)
    assert "id" in result.shares
    assert result.shares["en"] > result.shares["id"]


def test_short_english_body_wins_over_longer_menu_chrome(identifier: LanguageIdentifier) -> None:
    text = "\n".join(
        [
            "Beranda",
            "Berita Terkini",
            "Cari Berita",
            "Ekonomi dan Bisnis",
            "Olahraga Hari Ini",
            "Hiburan dan Gaya Hidup",
            "Masuk atau Daftar",
            "Baca juga berita lainnya",
            "The central bank raised its key interest rate by half a point on Tuesday.",
        ]
    )
    assert identifier.identify(text).code == "en"


def test_german_article_quoting_english_statement_stays_german(
    identifier: LanguageIdentifier,
) -> None:
    text = (
        "Die Bundesregierung hat am Mittwoch neue Hilfen für die Landwirtschaft beschlossen. "
        "Der Minister sagte vor Journalisten in Berlin, die Lage sei ernst.\n\n"
        "Der amerikanische Botschafter erklärte dazu auf Englisch: "
        '"We welcome this decision and look forward to working closely with our partners."\n\n'
        "Die Opposition kritisierte das Paket als zu klein und forderte weitere Maßnahmen "
        "für kleine Betriebe in den östlichen Bundesländern."
    )
    result = identifier.identify(text)
    assert result.code == "de"
    assert result.shares.get("en", 0.0) > 0.05
    assert result.shares["de"] > 0.5


def test_too_short_text_is_undetermined(identifier: LanguageIdentifier) -> None:
    assert identifier.identify("Live", title="Ok") == LanguageResult("und", 0.0, {})


def test_title_alone_can_decide_when_long_enough(identifier: LanguageIdentifier) -> None:
    result = identifier.identify("", title="Erdbeben erschüttert die Westküste der Türkei")
    assert result.code == "de"


def test_low_confidence_below_threshold_is_undetermined() -> None:
    strict = LanguageIdentifier(min_confidence=1.01)
    result = strict.identify("Der Minister sagte am Mittwoch, die Lage sei ernst.")
    assert result.code == "und"
    assert result.confidence > 0.5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("東京都は月曜日、新しい感染対策を発表し、飲食店に営業時間の短縮を要請した。", "ja"),
        ("国务院周一宣布了一系列新的经济刺激措施，以支持中小企业发展。", "zh"),
        ("정부는 월요일 새로운 부동산 대책을 발표하고 대출 규제를 강화했다.", "ko"),
        ("أعلنت الحكومة يوم الاثنين عن حزمة جديدة من الإجراءات الاقتصادية لدعم الشركات.", "ar"),
        ("सरकार ने सोमवार को छोटे व्यापारियों के लिए नई आर्थिक सहायता योजना की घोषणा की।", "hi"),
        ("Hükümet pazartesi günü küçük işletmeler için yeni bir destek paketi açıkladı.", "tr"),
        ("Правительство в понедельник объявило о новых мерах поддержки малого бизнеса.", "ru"),
        ("Pemerintah mengumumkan paket bantuan baru untuk usaha kecil pada hari Senin.", "id"),
    ],
)
def test_non_european_news_sentences(
    identifier: LanguageIdentifier, text: str, expected: str
) -> None:
    assert identifier.identify(text).code == expected


def test_restricted_candidates_only_return_those_languages() -> None:
    restricted = LanguageIdentifier(languages=["de", "fr"])
    assert restricted.identify("The minister said on Monday the talks had failed.").code in {
        "de",
        "fr",
        "und",
    }


def test_unknown_candidate_code_is_rejected() -> None:
    with pytest.raises(ValueError, match="xx"):
        LanguageIdentifier(languages=["en", "xx"])


def test_default_candidates_are_iso_639_1_codes() -> None:
    codes = supported_languages()
    assert {"en", "de", "zh", "ja", "ko", "ar", "hi", "id", "ms", "tr", "ru"} <= set(codes)
    assert all(len(code) == 2 for code in codes)


def test_malay_and_indonesian_vocabulary_pulls_in_opposite_directions() -> None:
    assert marker_balance("Pemerintah bisa menaikkan pajak karena uang negara menipis") > 0
    assert marker_balance("Kerajaan boleh menaikkan cukai kerana wang negara berkurangan") < 0


ENGLISH = [
    "The central bank kept interest rates unchanged on Thursday, citing slow progress on prices.",
    "Firefighters battled a blaze at a warehouse near the port for more than six hours overnight.",
    "The coach said his team had learned from last week's defeat and was ready for the final.",
    "Scientists have discovered a new species of frog in the rainforests of northern Peru.",
    "Heavy snow closed several mountain passes and left thousands of homes without electricity.",
]
GERMAN = [
    "Die Bundesregierung will die Förderung für Elektroautos im kommenden Jahr ausweiten.",
    "Nach dem Unwetter waren in mehreren Gemeinden Straßen und Keller überflutet.",
    "Der Trainer zeigte sich nach dem knappen Sieg erleichtert über die Leistung seiner Mannschaft.",
    "Forscher haben in der Antarktis die älteste bekannte Eisprobe der Welt geborgen.",
    "Die Gewerkschaft kündigte für die kommende Woche weitere Warnstreiks im Nahverkehr an.",
]


def _long_text(sentences: list[str], paragraphs: int) -> list[str]:
    """Paragraphs of two sentences each, cycling through ``sentences``."""
    count = len(sentences)
    return [f"{sentences[i % count]} {sentences[(i + 1) % count]}" for i in range(paragraphs)]


def test_long_article_keeps_chrome_in_another_language_at_either_end_as_a_share(
    identifier: LanguageIdentifier,
) -> None:
    """A long text is read on a sample; chrome before or after the body must still be seen."""
    body = _long_text(ENGLISH, 20)
    for chrome in (GERMAN[:2], GERMAN[2:4]):
        before = identifier.identify("\n".join(chrome + body))
        after = identifier.identify("\n".join(body + chrome))
        for result in (before, after):
            assert result.code == "en"
            assert 0.01 < result.shares.get("de", 0.0) < 0.2


def test_long_document_in_two_languages_reports_both_halves(
    identifier: LanguageIdentifier,
) -> None:
    text = "\n".join(_long_text(GERMAN, 50) + _long_text(ENGLISH, 30))
    result = identifier.identify(text)
    assert result.code == "de"
    assert 0.25 < result.shares["en"] < 0.5 < result.shares["de"]


# --- segmentation, against the plain per-sentence reading it replaces -----------------------


def reference_segments(text: str) -> list[tuple[str, float, float]]:
    """(text, weight, letters) per piece: each line split, each sentence counted by regex."""
    from newscrawler.text.scripts import LETTER_OR_MARK, WIDE_CHAR
    from newscrawler.text.sentences import SENTENCE_CLOSERS, SENTENCE_SPLIT

    segments = []
    for line in text.splitlines():
        pending: list[str] = []
        weight_sum = letters_sum = 0.0
        for sentence in (part.strip() for part in SENTENCE_SPLIT.split(line)):
            if not sentence:
                continue
            letters = len(LETTER_OR_MARK.findall(sentence)) + 2.0 * len(WIDE_CHAR.findall(sentence))
            fragment = (
                not sentence.endswith(SENTENCE_CLOSERS)
                and len(sentence.split()) <= 5
                and letters < 40
            )
            pending.append(sentence)
            weight_sum += letters * 0.25 if fragment else letters
            letters_sum += letters
            if weight_sum >= 120:
                segments.append((" ".join(pending), weight_sum, letters_sum))
                pending, weight_sum, letters_sum = [], 0.0, 0.0
        if pending:
            segments.append((" ".join(pending), weight_sum, letters_sum))
    return segments


SEGMENTED_TEXTS = [
    "",
    "\n\n\n",
    "Beranda\nBerita Terkini\nThe central bank raised its key rate. It said so on Tuesday!",
    "東京都は月曜日、新しい対策を発表した。飲食店に要請した！本当？　全角の空白も。",
    "أعلنت الحكومة عن خطة؟ نعم؟ لا۔ हाँ। ठीक है।",
    "\u3000\u3000Ideographic spaces lead this line.  And trail it.\u3000",
    "Line one\r\nLine two\rLine three\x0bfour\x0cfive\x1csix\x85seven\u2028eight\u2029nine",
    "Wait… what; really?No space after that. «Quoted.» (Bracketed.) “Curly.”",
    "𠀀𠀁 extension B and emoji 😀 count as the patterns say; so do 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 letters.",
    "lone \ud800 surrogate. e\u0301cole. नमस्ते दुनिया. ภาษาไทย สวัสดี.",
    " ".join(["A long line of many short sentences. Another one here."] * 12),
]


@pytest.mark.parametrize("text", SEGMENTED_TEXTS)
def test_segments_are_the_plain_per_sentence_reading(text: str) -> None:
    from newscrawler.language.segments import segments as _segments

    assert [tuple(segment) for segment in _segments(text)] == reference_segments(text)


SENTENCE_PIECES = st.sampled_from(
    ["Der Rat tagte", "政府は発表した", "حكومة", "नई योजना", "😀", "𠀀", "e\u0301", "\ud800", "x"]
)
SEPARATORS = st.sampled_from(
    [" ", ". ", "! ", "? ", "; ", "。", "！", "؟", "।", "…", "\n", "\r\n", "\u2028", "\u3000", "  ",
     ".", "..", ".\n", " .", "\t", "\x1c", "\r", "؟ ", "। \n", "。 ", "? \u3000x", ". \x1f"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(SENTENCE_PIECES, SEPARATORS), max_size=40), st.text(max_size=30))
def test_random_texts_segment_as_the_plain_reading(
    parts: list[tuple[str, str]], noise: str
) -> None:
    from newscrawler.language.segments import segments as _segments

    text = "".join(piece + separator for piece, separator in parts) + noise
    assert [tuple(segment) for segment in _segments(text)] == reference_segments(text)
