"""Deciding between trafilatura's precise and recall passes, and the page's declared body.

trafilatura's precision mode prunes hard: on a long article it sometimes keeps
one box of many, while its default (recall) pass keeps the whole body and, on
other pages, comments and teasers. Neither length nor a fixed threshold tells
which is right; the evidence here is how the two passes agree paragraph by
paragraph:

* paragraphs both passes keep are the article, and so is whatever the recall
  pass finds *between* two of them (the precise pass dropped part of the body);
* paragraphs the recall pass adds right before or after the agreed span stay
  while they read as prose (sentences, not link rows or labels) or, when the
  page declares a JSON-LD ``articleBody``, while that body holds them; the
  first one that does not ends the body there;
* when the passes share nothing, the precise pass stands.

The declared ``articleBody`` replaces the DOM text only when it brings much
new text and either agrees with what the DOM pass found or the DOM pass
plainly missed the article; a declared body that merely repeats the article
(some CMSs put it there twice, words glued together) brings no new text and
is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from difflib import SequenceMatcher

from newscrawler.extraction.classify import Kind, classify
from newscrawler.text.normalise import paragraph_key
from newscrawler.text.sentences import SENTENCE_END_CHARS

TOKEN = re.compile(r"\w+")
SHINGLE_SIZE = 4
# A recall-only paragraph outside the agreed span is kept when this share of its
# shingles is in the declared body.
DECLARED_SUPPORT = 0.5
# The declared body replaces the DOM text when it has this many times the DOM's
# distinct shingles, and holds this share of them (it agrees with the page) ...
DECLARED_GAIN = 1.5
DECLARED_AGREEMENT = 0.5
# ... or when the DOM text has less than this share of the declared body's (it missed it).
DOM_MISSED_SHARE = 0.35
NO_STOP_WORDS: frozenset[str] = frozenset()
# A subheading inside the run is passed over when this many supported lines follow it.
SECTION_PARAGRAPHS = 2
SUBHEADING_MAX_CHARS = 60


def shingle_set(text: str) -> set[tuple[str, ...]]:
    """Distinct runs of four word tokens (the whole text when shorter)."""
    tokens = TOKEN.findall(text.casefold())
    if len(tokens) < SHINGLE_SIZE:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + SHINGLE_SIZE]) for i in range(len(tokens) - SHINGLE_SIZE + 1)}


def reconcile(precise: Sequence[str], recall: Sequence[str], declared: str | None) -> list[str]:
    """The precise pass's paragraphs plus the recall pass's that the evidence supports.

    The two passes are aligned paragraph by paragraph; the result keeps page order.
    """
    precise_keys = [paragraph_key(line) for line in precise]
    recall_keys = [paragraph_key(line) for line in recall]
    matcher = SequenceMatcher(None, precise_keys, recall_keys, autojunk=False)
    blocks = [block for block in matcher.get_matching_blocks() if block.size]
    if not blocks:
        return list(precise)
    declared_shingles = shingle_set(declared) if declared else None
    first_shared, last_shared = blocks[0].b, blocks[-1].b + blocks[-1].size - 1
    merged = _supported_run(reversed(recall[:first_shared]), declared_shingles)[::-1]
    for tag, p_start, p_end, r_start, r_end in matcher.get_opcodes():
        inside = first_shared <= r_start and r_end <= last_shared + 1
        if tag in ("insert", "replace") and inside:
            merged += recall[r_start:r_end]  # inside the agreed span: the body continues
        else:
            merged += precise[p_start:p_end]
    merged += _supported_run(iter(recall[last_shared + 1 :]), declared_shingles)
    return merged


def _supported_run(lines: Iterator[str], declared: set[tuple[str, ...]] | None) -> list[str]:
    """The supported lines next to the agreed span, up to the first unsupported one.

    A subheading (a short line without closing punctuation) does not end the
    run when the lines after it are supported again: the body goes on past it.
    """
    candidates = list(lines)
    supported = [_supported_outside(line, declared) for line in candidates]
    run = []
    for index, line in enumerate(candidates):
        if not supported[index]:
            ahead = supported[index + 1 : index + 1 + SECTION_PARAGRAPHS]
            if not (_is_subheading(line) and len(ahead) == SECTION_PARAGRAPHS and all(ahead)):
                break
        run.append(line)
    return run


def _is_subheading(line: str) -> bool:
    text = line.strip()
    return 0 < len(text) <= SUBHEADING_MAX_CHARS and not text.endswith(SENTENCE_END_CHARS)


def _supported_outside(line: str, declared: set[tuple[str, ...]] | None) -> bool:
    if declared is not None:
        shingles = shingle_set(line)
        return bool(shingles) and len(shingles & declared) / len(shingles) > DECLARED_SUPPORT
    return classify(line, NO_STOP_WORDS, layout=False).kind is Kind.PROSE


def declared_body_wins(dom_text: str, declared: str | None) -> bool:
    """Whether the JSON-LD ``articleBody`` should replace the text the DOM pass found."""
    if not declared:
        return False
    dom, body = shingle_set(dom_text), shingle_set(declared)
    if not dom:
        return bool(body)
    if len(body) <= DECLARED_GAIN * len(dom):
        return False
    agrees = len(dom & body) / len(dom) >= DECLARED_AGREEMENT
    return agrees or len(dom) < DOM_MISSED_SHARE * len(body)
