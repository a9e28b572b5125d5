"""PLACEHOLDER until the plain-text classifier lands (branch ``plaintext``)."""

from newscrawler.extraction.result import Extraction


class RecurringLines:
    def __init__(self, min_documents: int = 3) -> None:
        self.min_documents = min_documents


def extract_plain_text(text: str, *, recurring: RecurringLines | None = None) -> Extraction:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return Extraction(text="\n\n".join(lines[1:]), title=lines[0], extractor="plaintext")
