"""PLACEHOLDER until the Language stage lands (branch ``language``)."""

from typing import Any

import py3langid
from itemadapter import ItemAdapter


class LanguagePipeline:
    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        code, _ = py3langid.classify(adapter["text"])
        adapter["language"] = code
        adapter["language_confidence"] = 1.0
        return item
