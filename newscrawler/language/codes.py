"""Map the identifier's labels onto ISO 639-1, the codes the database stores.

py3langid labels most languages with ISO 639-1 codes already, but a few of its
classes are dialects or varieties with ISO 639-3 codes only (Egyptian Arabic,
Cantonese, ...). Downstream jobs route by ISO 639-1, so those varieties are
folded into their macrolanguage; labels with no ISO 639-1 home at all are left
out of the default candidates rather than emitted as non-standard codes.
"""

from __future__ import annotations

UNDETERMINED = "und"

# ISO 639-3 varieties the model knows -> ISO 639-1 macrolanguage.
MACROLANGUAGE_OF: dict[str, str] = {
    "arz": "ar",
    "ary": "ar",
    "wuu": "zh",
    "yue": "zh",
    "uzs": "uz",
    "gug": "gn",
    "hbo": "he",
    "grc": "el",
}


def to_iso639_1(label: str) -> str | None:
    """ISO 639-1 code for a model label, or None when there is none."""
    label = label.lower()
    if len(label) == 2:
        return label
    return MACROLANGUAGE_OF.get(label)


def labels_for(codes: set[str], model_labels: list[str]) -> list[str]:
    """Model labels whose ISO 639-1 code is among ``codes`` (varieties included)."""
    return [label for label in model_labels if to_iso639_1(label) in codes]


def parse_language_list(value: object) -> list[str] | None:
    """Read a LANGUAGES setting: a list, a comma-separated string, or empty for all."""
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    codes = [str(item).strip().lower() for item in items if str(item).strip()]
    return codes or None
