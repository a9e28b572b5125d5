"""Plain-text extraction on labelled documents in several languages and site styles.

Each fixture pairs a raw ``.txt`` with hand-written expectations: the title,
the credited source, fragments of paragraphs that must be kept (once) and
fragments of chrome that must be gone. None of them shares the seeds' words.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newscrawler.extraction.boilerplate import clean_paragraphs
from newscrawler.extraction.document import model_language
from newscrawler.extraction.plaintext import extract_plain_text, split_paragraphs
from newscrawler.extraction.recurring import RecurringLines
from newscrawler.extraction.repeats import drop_repeated

FIXTURES = Path(__file__).parent / "fixtures" / "plaintext"
CASES = sorted(path.stem for path in FIXTURES.glob("*.txt"))


def load(name: str) -> tuple[str, dict]:
    raw = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    return raw, json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", CASES)
def test_labelled_document(name: str) -> None:
    raw, expected = load(name)
    result = extract_plain_text(language_of=model_language, text=raw)
    assert result.title == expected["title"]
    assert result.source_credit == expected.get("credit")
    for fragment in expected["kept"]:
        assert fragment in result.text, f"lost paragraph {fragment!r}"
    for fragment in expected.get("once", []):
        assert result.text.count(fragment) == 1, f"{fragment!r} not exactly once"
    for fragment in expected["dropped"]:
        assert fragment not in result.text, f"chrome {fragment!r} left in"
    assert result.title not in result.text.split("\n\n")


def test_hard_wrapped_paragraphs_are_joined() -> None:
    paragraph = (
        "The harbour authority confirmed on Friday that the new container terminal will open "
        "next year, two years later than planned, after a dispute with the construction "
        "consortium over the cost of dredging the approach channel and the quay walls."
    )
    wrapped = "\n".join(_wrap(paragraph, 72))
    variants = [wrapped, wrapped.replace("harbour", "airport"), wrapped.replace("Friday", "Monday")]
    text = "\n\n".join(variants)
    assert split_paragraphs(text) == [
        paragraph,
        paragraph.replace("harbour", "airport"),
        paragraph.replace("Friday", "Monday"),
    ]


def _wrap(text: str, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current]


def test_repeats_keep_first_occurrence_ignoring_case_and_punctuation() -> None:
    assert drop_repeated(["One story.", "Two", "ONE STORY", "three"]) == [
        "One story.",
        "Two",
        "three",
    ]


def test_lines_recurring_across_a_crawl_are_dropped_but_not_a_repeated_article() -> None:
    recurring = RecurringLines(min_documents=3)
    notice = "Our journalism is funded by readers like you and we rely on your support every day."
    bodies = [
        f"Story {n}: the council met on day {n} to discuss the harbour, the schools and the "
        f"budget, and agreed to meet again next week to vote on proposal number {n}."
        for n in range(4)
    ]
    for body in bodies[:3]:
        clean_paragraphs(language_of=model_language, paragraphs=[body, notice], recurring=recurring)
    assert clean_paragraphs(
        language_of=model_language, paragraphs=[bodies[3], notice], recurring=recurring
    ) == [bodies[3]]
    # The same article seen again and again is not chrome of itself.
    article = [bodies[0], bodies[1]]
    for _ in range(4):
        assert (
            clean_paragraphs(language_of=model_language, paragraphs=article, recurring=recurring)
            == article
        )


def test_document_of_only_chrome_has_no_text() -> None:
    result = extract_plain_text(
        language_of=model_language,
        text="Home | News | Sport\nSearch\n3 hours ago\n5 0 0\nLeave a Reply\n",
    )
    assert result.text == ""


PAYWALL_BODY = (
    "Council approves budget after long debate\n\n"
    "The city council approved the budget on Tuesday after residents spoke for hours about "
    "schools and roads.\n\n"
    "Schools will receive more money for repairs, while road works will wait another year, "
    "the mayor said.\n\n"
    "Opposition members called the plan short-sighted and promised to fight it at the next "
    "session.\n"
)


@pytest.mark.parametrize(
    "prompt",
    [
        "Continue reading with a digital subscription. Already a subscriber? Log in.",
        "You have reached your limit of free articles this month, subscribe now for unlimited "
        "access to all our journalism, and if you are already a subscriber log in here to "
        "keep reading.",
        "Weiterlesen mit Z+. Sie sind bereits Abonnent? Hier anmelden.",
        "Dieser Artikel ist nur für Abonnenten verfügbar.",
        "Il vous reste 57.09% de cet article à lire. La suite est réservée aux abonnés.",
        "Sigue leyendo con una suscripción. ¿Ya eres suscriptor? Inicia sesión.",
        "Este contenido es exclusivo para suscriptores.",
        "Continua a leggere con un abbonamento. Sei già abbonato? Accedi.",
        "Lees verder met een abonnement. Al abonnee? Log in.",
        "Этот материал доступен только для подписчиков. Уже подписаны? Войдите.",
    ],
)
def test_a_subscription_prompt_after_the_body_goes_in_any_language(prompt: str) -> None:
    result = extract_plain_text(f"{PAYWALL_BODY}\n{prompt}\n", language_of=model_language)
    assert prompt[:30] not in result.text
    assert result.text.rstrip().endswith("at the next session.")


def test_a_body_sentence_about_subscribers_stays() -> None:
    sentence = (
        "The newspaper said the share of readers who pay rose, and that the offer reserved "
        "for students would be extended to pensioners next year after a survey of readers."
    )
    result = extract_plain_text(f"{PAYWALL_BODY}\n{sentence}\n", language_of=model_language)
    assert sentence in result.text


MASTHEAD_BODY = PAYWALL_BODY


@pytest.mark.parametrize(
    ("first_line", "site_name"),
    [
        ("The Daily Ledger", "The Daily Ledger"),
        ("NEWSWIRE DIGEST -- Friday edition", "NEWSWIRE DIGEST"),
        ("Märkische Allgemeine | Die Zeitung für Brandenburg", "Märkische Allgemeine"),
        ("Le Petit Journal — édition du soir", "Le Petit Journal"),
    ],
)
def test_a_masthead_line_names_the_site(first_line: str, site_name: str) -> None:
    result = extract_plain_text(f"{first_line}\n\n{MASTHEAD_BODY}", language_of=model_language)
    assert result.site_name == site_name
    assert result.title == "Council approves budget after long debate"


@pytest.mark.parametrize(
    "first_line",
    [
        "Home | News | Sport | Weather",
        "Accueil | Monde | Politique | Économie",
        "Anasayfa | Gündem | Ekonomi | Spor",
        "Startseite › Politik › Ausland",
        "Tuesday, 12 March 2024",
        "Sign in",
        "breaking news from our correspondents",
    ],
)
def test_menus_dates_and_prompts_are_not_a_masthead(first_line: str) -> None:
    result = extract_plain_text(f"{first_line}\n\n{MASTHEAD_BODY}", language_of=model_language)
    assert result.site_name is None


def test_a_document_that_opens_with_its_headline_has_no_masthead() -> None:
    assert extract_plain_text(MASTHEAD_BODY, language_of=model_language).site_name is None
