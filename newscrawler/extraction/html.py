"""PLACEHOLDER until the HTML extractor lands (branch ``html``)."""

import trafilatura

from newscrawler.extraction.result import Extraction


def extract_html(html: str, *, url: str | None = None, recurring: object = None) -> Extraction:
    return Extraction(text=trafilatura.extract(html) or "", extractor="trafilatura")
