"""Single-line rules of the chrome classifier, each with the body sentence it must spare.

Every rule that drops a line by its shape has a twin here: a real article
sentence of similar shape that must stay.
"""

from __future__ import annotations

import pytest

from newscrawler.extraction.classify import Kind, classify, credit_holder, is_byline, word_count
from newscrawler.extraction.document import model_language
from newscrawler.extraction.plaintext import extract_plain_text, split_paragraphs


@pytest.mark.parametrize(
    "line",
    ["By Jane Doe", "Von Anna Müller | Lesezeit: 4 Min.", "Penulis: Rina Sari | Editor: Budi"],
)
def test_bylines_are_chrome_in_plain_text(line: str) -> None:
    assert classify(line, frozenset()).kind is Kind.CHROME


@pytest.mark.parametrize(
    "line",
    ["By Tuesday, prices rose.", "Di Jawa Barat.", "By the end of the year the plant had closed."],
)
def test_sentences_starting_like_a_byline_are_not_bylines(line: str) -> None:
    assert not is_byline(line, word_count(line))


@pytest.mark.parametrize(
    ("line", "holder"),
    [
        ("© Reuters 2024", "Reuters"),
        ("Copyright © 2024 Portal Berita. All rights reserved.", "Portal Berita"),
        ("© dpa-infocom, dpa:240612-99-123456/3", "dpa-infocom"),
        ("来源：新华社　作者：王明", "新华社"),
        ("© KYODO", "KYODO"),
    ],
)
def test_credit_names_only_the_source(line: str, holder: str) -> None:
    assert credit_holder(line) == holder


def test_follow_us_prompt_is_a_notice_but_a_sentence_about_the_platform_is_not() -> None:
    assert classify("Yuk, gabung di kanal WhatsApp kami.", frozenset()).notice
    assert not classify(
        "WhatsApp said on Monday that it would appeal the fine in court.", frozenset()
    ).notice


def test_byline_under_a_title_is_not_joined_to_it() -> None:
    text = "Il Comune approva il piano per le piste ciclabili in centro\ndi Marco Rossi\n"
    assert split_paragraphs(text) == [
        "Il Comune approva il piano per le piste ciclabili in centro",
        "di Marco Rossi",
    ]


def test_title_is_found_above_a_colon_label() -> None:
    body = "Die Regierung hat am Mittwoch ein neues Paket für ältere Häuser beschlossen. " * 2
    result = extract_plain_text(
        language_of=model_language, text=f"Neues Paket für alte Häuser\nTeilen:\n{body}\n{body}x\n"
    )
    assert result.title == "Neues Paket für alte Häuser"


@pytest.mark.parametrize(
    "line",
    [
        "Para seguir leyendo, suscríbete por solo 1 euro al mes.",
        "To continue reading, subscribe now.",
        "この記事は会員限定です。続きを読むにはログインしてください。",
    ],
)
def test_paywall_prompts_are_chrome(line: str) -> None:
    assert classify(line, frozenset()).kind is Kind.CHROME


def test_a_sentence_about_reading_on_is_not_a_paywall_prompt() -> None:
    line = "She said she would continue reading the report before deciding on the merger."
    assert classify(line, frozenset()).kind is Kind.PROSE


def test_turkish_dotted_capital_matches_its_phrase() -> None:
    assert classify("İLGİLİ HABERLER", frozenset()).kind is Kind.CHROME


PARAGRAPH = (
    "Die Regierung hat am Mittwoch ein neues Paket für ältere Häuser beschlossen, "
    "das Eigentümern in den kommenden Jahren hilft."
)


def test_a_credit_line_closes_the_article() -> None:
    tail = "Bu habere henüz yorum yapılmamış ve ilk yorumu siz yapabilirsiniz."
    result = extract_plain_text(
        language_of=model_language, text=f"{PARAGRAPH}\n{PARAGRAPH} Mehr.\n© Agentur\n{tail}\n"
    )
    assert tail not in result.text
    assert result.source_credit == "Agentur"


def test_a_short_last_paragraph_after_a_related_label_stays() -> None:
    last = "Ekonomistler, faiz indiriminin yılın ikinci yarısından önce beklemiyor."
    result = extract_plain_text(
        language_of=model_language,
        text=f"{PARAGRAPH}\n{PARAGRAPH} Mehr.\nİLGİLİ HABERLER\n{last}\n",
    )
    assert result.text.endswith(last)


def test_title_is_preferred_over_a_nearer_desk_name_and_photo_credit() -> None:
    text = f"Neues Paket für alte Häuser\nFoto: Agentur\nNachrichten Redaktion\n{PARAGRAPH}\n"
    assert (
        extract_plain_text(language_of=model_language, text=f"{text}{PARAGRAPH} Mehr.\n").title
        == "Neues Paket für alte Häuser"
    )


@pytest.mark.parametrize(
    "line", ["Il y a 3 heures", "Maksimal 1 tahun yang lalu", "12.03.2024 14:05", "2小时前"]
)
def test_time_and_date_lines_are_chrome(line: str) -> None:
    assert classify(line, frozenset()).kind is Kind.CHROME


@pytest.mark.parametrize("line", ["Fed holds rates at 5.5%", "한국은행, 기준금리 연 3.5% 동결"])
def test_short_headlines_with_a_number_are_not_chrome(line: str) -> None:
    assert classify(line, frozenset()).kind is not Kind.CHROME


def test_a_bulleted_list_inside_the_article_does_not_cut_it() -> None:
    items = "\n".join(f"- Item number {n} of the plan for buses" for n in range(4))
    result = extract_plain_text(
        language_of=model_language,
        text=f"{PARAGRAPH}\nHere is what changes:\n{items}\n{PARAGRAPH} Mehr.\n",
    )
    assert result.text.startswith(PARAGRAPH)
    assert "- Item number 3 of the plan for buses" in result.text
