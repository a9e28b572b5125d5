"""The crawl's memory of recurring lines: bounded, and exact within its bound."""

from __future__ import annotations

from newscrawler.extraction.recurring import GENERATIONS, RecurringLines

CAPACITY = 800  # lines: generations of 100


def one_off_lines(document: int | str, count: int = 10) -> list[str]:
    return [f"line {line} of article {document}" for line in range(count)]


def test_the_bound_holds_however_many_lines_come() -> None:
    recurring = RecurringLines(capacity=CAPACITY)
    for document in range(1_000):  # 10,000 distinct lines
        recurring.observe(one_off_lines(document), f"article {document}")
        assert len(recurring) <= CAPACITY + 10  # plus the lines of one document


def test_a_line_in_three_documents_recurs_even_across_generations() -> None:
    recurring = RecurringLines(min_documents=3, capacity=CAPACITY)
    notice = "Subscribe to our newsletter"
    for document in range(3):
        assert not recurring.is_recurring(notice)
        recurring.observe([notice, *one_off_lines(document)], f"article {document}")
        for filler in range(30):  # 300 lines after each: the notice is packed between them
            recurring.observe(one_off_lines(f"{document}.{filler}"), f"filler {document} {filler}")
    assert recurring.is_recurring(notice)
    assert not recurring.is_recurring(one_off_lines(0)[0])


def test_the_same_document_three_times_is_not_chrome() -> None:
    recurring = RecurringLines(min_documents=3, capacity=CAPACITY)
    for _ in range(3):
        recurring.observe(one_off_lines(7), "article 7")
    assert not any(recurring.is_recurring(line) for line in one_off_lines(7))


def test_chrome_seen_again_is_kept_while_one_off_lines_are_forgotten() -> None:
    recurring = RecurringLines(min_documents=3, capacity=CAPACITY)
    menu = "Home | World | Sport | Culture"
    first_article = one_off_lines(0)
    recurring.observe([menu, *first_article], "article 0")
    for document in range(1, 1_000):  # 12 capacities of one-off lines, the menu in each
        recurring.observe([menu, *one_off_lines(document)], f"article {document}")
    assert recurring.is_recurring(menu)
    # The first article's lines were forgotten: seen in two more documents they are not
    # yet in three (they would be if the first sighting were still remembered).
    recurring.observe(first_article, "a copy")
    recurring.observe(first_article, "another copy")
    assert not recurring.is_recurring(first_article[0])


def test_a_line_is_remembered_for_most_of_the_capacity() -> None:
    recurring = RecurringLines(min_documents=2, capacity=CAPACITY)
    line = "Most read this week"
    recurring.observe([line], "article 0")
    kept = CAPACITY * (GENERATIONS - 1) // GENERATIONS - 10  # lines seen after it
    for document in range(kept // 10):
        recurring.observe(one_off_lines(document), f"article {document}")
    recurring.observe([line], "article 1")
    assert recurring.is_recurring(line)


def test_observations_of_another_worker_count_as_ones_own() -> None:
    worker, other = RecurringLines(share=True), RecurringLines(capacity=CAPACITY)
    worker.observe(["Cookie settings", "Article one"], "one")
    worker.observe(["Cookie settings", "Article two"], "two")
    other.merge(worker.take_observations())
    other.observe(["Cookie settings", "Article three"], "three")
    assert other.is_recurring("Cookie settings")
    assert not other.is_recurring("Article one")
    assert worker.take_observations() == ()
