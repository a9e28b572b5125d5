"""Where sentences end, in the scripts news is written in.

The characters are one list; the patterns built from it serve the callers'
different questions (does a line end a sentence, does one end inside it,
where to split).
"""

from __future__ import annotations

import re

# Full stops, question and exclamation marks, ellipsis (Latin, CJK, Arabic, Devanagari).
SENTENCE_END_CHARS = (".", "!", "?", "。", "！", "？", "…", "؟")
# A sentence end followed by closing quotes or brackets, at the end of the text.
SENTENCE_END = re.compile(r"[.!?。！？؟।…](?:[\"'”’»」』)\]]*)$")
# A sentence end followed by more text: the line holds more than one sentence.
SENTENCE_INSIDE = re.compile(r"[.!?。！？؟।][\"'”’»」』)\]]*\s+\S")
# Split points between sentences (language identification votes per sentence).
SENTENCE_SPLIT = re.compile(r"(?<=[.!?;…])\s+(?=\S)|(?<=[。！？；])|(?<=[؟۔।])\s*")
# A line ending in one of these closes a sentence (or a quotation of one).
SENTENCE_CLOSERS = tuple(".!?…。！？؟۔।\"'”»)")
