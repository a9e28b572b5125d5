"""The precise and recall passes are combined by paragraph-level evidence, not by length."""

from __future__ import annotations

from newscrawler.extraction.reconcile import declared_body_wins, reconcile

PROSE = [
    "The council voted on the budget late on Tuesday, after residents spoke for hours.",
    "Schools will receive more money for repairs, while road works wait another year.",
    "Opposition members called the plan short-sighted and promised to fight it.",
    "A final reading is planned for next month, when the mayor returns from abroad.",
    "Local businesses welcomed the lower fees for market stalls in the old town.",
    "Critics pointed to the rising cost of the new bridge, now twice the estimate.",
]


def test_recall_paragraphs_between_agreed_ones_are_kept() -> None:
    precise = [PROSE[0], PROSE[3]]
    recall = PROSE[:4]
    assert reconcile(precise, recall, None) == PROSE[:4]


def test_recall_prose_right_after_the_agreed_span_is_kept_until_chrome() -> None:
    recall = [PROSE[0], PROSE[1], PROSE[2], "Most read", PROSE[4]]
    assert reconcile(PROSE[:2], recall, None) == PROSE[:3]


def test_a_subheading_after_the_agreed_span_does_not_end_the_body_when_prose_follows() -> None:
    recall = [PROSE[0], PROSE[1], PROSE[2], "Outspoken on trade", PROSE[4], PROSE[5]]
    assert reconcile(PROSE[:2], recall, None) == recall
    teaser_block = [PROSE[0], PROSE[1], "Outspoken on trade", PROSE[4], "Share this article"]
    assert reconcile(PROSE[:2], teaser_block, None) == PROSE[:2]


def test_recall_lines_outside_the_span_need_the_declared_body_when_there_is_one() -> None:
    recall = [PROSE[0], PROSE[1], PROSE[5]]
    declared = " ".join(PROSE[:2])
    assert reconcile(PROSE[:2], recall, declared) == PROSE[:2]
    assert reconcile(PROSE[:2], recall, declared + " " + PROSE[5]) == recall


def test_precise_paragraphs_the_recall_pass_lacks_stay() -> None:
    assert reconcile([PROSE[0], PROSE[1]], [PROSE[0]], None) == [PROSE[0], PROSE[1]]


def test_no_shared_paragraph_keeps_the_precise_pass() -> None:
    assert reconcile([PROSE[0]], [PROSE[1], PROSE[2]], None) == [PROSE[0]]


def test_declared_body_repeating_the_article_does_not_replace_it() -> None:
    dom = "\n".join(PROSE)
    twice_glued = "".join(PROSE) + "".join(PROSE)  # no spaces between sentences
    assert not declared_body_wins(dom, twice_glued)


def test_declared_body_replaces_a_dom_pass_that_missed_the_article() -> None:
    assert declared_body_wins("Kicker\nA headline of five words", " ".join(PROSE))
    assert declared_body_wins(PROSE[0], " ".join(PROSE))  # agrees and brings more
    assert not declared_body_wins(" ".join(PROSE), " ".join(PROSE[:5]))
