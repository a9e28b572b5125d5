"""Words that mark a line as a byline or an ad slot, in the languages of the sites we know.

The plain-text rules and the HTML extractor both drop ad-slot labels, and
both the plain-text rules and the author cleaner recognise "By …" lines;
the word lists are kept here once.
"""

from __future__ import annotations

# Words that introduce the writer's name: "By Jane Doe", "Von Anna Müller", "Penulis: Rina".
BYLINE_WORDS = (
    "by", "von", "par", "por", "di", "da", "door", "przez", "z", "av", "af", "oleh", "penulis",
    "reporter", "editor", "yazan", "автор", "от", "بقلم", "作者", "記者", "文", "기자",
)  # fmt: skip
BYLINE_WORD_PATTERN = "|".join(BYLINE_WORDS)

# Labels of ad slots, alone on their line (compared as folded keys).
AD_LABELS = (
    "advertisement", "advertisements", "ad", "sponsored", "sponsored content", "anzeige",
    "werbung", "publicité", "publicidad", "pubblicità", "publicidade", "реклама", "广告",
    "広告", "إعلان", "reklama", "advertentie", "annons", "mainos", "reklam", "iklan",
    "advertisement scroll to continue", "story continues below advertisement",
    "article continues below this ad", "continue reading below",
)  # fmt: skip
