"""Unicode ranges of scripts that need their own counting rules.

Chinese, Japanese, Korean and Thai are written without spaces between words,
so word counts, shingles and language evidence count characters there.
"""

from __future__ import annotations

import re

# Kana, CJK ideographs (with extension A), Hangul syllables and Thai.
UNSPACED_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f"
UNSPACED_CHAR = re.compile(f"[{UNSPACED_RANGES}]")
# Han, kana and Hangul: one character carries about as much as a short word.
WIDE_CHAR = re.compile(r"[\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF]")
# Letters, plus the vowel signs of Indic, Thai, Hebrew and Arabic scripts.
LETTER_OR_MARK = re.compile(r"[^\W\d_]|[\u0591-\u05C7\u064B-\u065F\u0900-\u0DFF\u0E31-\u0E4E]")
LETTER = re.compile(r"[^\W\d_]")
