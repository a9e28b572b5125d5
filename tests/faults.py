"""Fault injection for the durability drills: a pipeline stage that raises on marked documents.

Enabled only by the tests (``-s ITEM_PIPELINES=...``): it stands for any
stage bug that makes one document raise every time it is processed.
"""

from __future__ import annotations

from typing import Any

MARKER = b"<!-- drill: raise here -->"
PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.dedup.DedupPipeline": 200,
    "tests.faults.RaiseOnMarker": 250,
    "pipelines.language.LanguagePipeline": 300,
    "pipelines.storage.StoragePipeline": 400,
}


class RaiseOnMarker:
    def process_item(self, item: Any) -> Any:
        if MARKER in item.raw.body:
            raise RuntimeError("drill: this stage always fails on this document")
        return item
