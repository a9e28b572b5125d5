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
