"""Language-code tables: model labels, declared codes and stop-word lists onto ISO 639-1.

The database stores ISO 639-1 codes. py3langid labels a few varieties with
ISO 639-3 codes only, pages declare ``en-US``, ``pt_BR`` or ``deu``, and
jusText names its stop-word lists in English; every mapping is here once.
Labels with no ISO 639-1 home at all are left out of the default candidates
rather than emitted as non-standard codes.
"""

from __future__ import annotations

import re

UNDETERMINED = "und"

# ISO 639-3 varieties the language model knows -> ISO 639-1 macrolanguage.
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

# ISO 639-2/3 codes of the languages news sites commonly declare that way.
THREE_LETTER_CODES: dict[str, str] = {
    "eng": "en", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "spa": "es", "ita": "it",
    "por": "pt", "nld": "nl", "dut": "nl", "rus": "ru", "ukr": "uk", "pol": "pl", "ces": "cs",
    "cze": "cs", "swe": "sv", "dan": "da", "nor": "no", "nob": "nb", "fin": "fi", "tur": "tr",
    "ara": "ar", "heb": "he", "fas": "fa", "per": "fa", "hin": "hi", "ben": "bn", "urd": "ur",
    "zho": "zh", "chi": "zh", "jpn": "ja", "kor": "ko", "vie": "vi", "tha": "th", "ind": "id",
    "msa": "ms", "may": "ms", "ell": "el", "gre": "el", "hun": "hu", "ron": "ro", "rum": "ro",
    "bul": "bg", "hrv": "hr", "srp": "sr", "slk": "sk", "slo": "sk", "slv": "sl", "cat": "ca",
}  # fmt: skip

# ISO 639-1 -> the name of jusText's stop-word list for that language.
JUSTEXT_STOPLIST: dict[str, str] = {
    "af": "Afrikaans", "sq": "Albanian", "ar": "Arabic", "hy": "Armenian", "az": "Azerbaijani",
    "eu": "Basque", "be": "Belarusian", "bn": "Bengali", "bs": "Bosnian", "br": "Breton",
    "bg": "Bulgarian", "ca": "Catalan", "hr": "Croatian", "cs": "Czech", "da": "Danish",
    "nl": "Dutch", "en": "English", "eo": "Esperanto", "et": "Estonian", "fi": "Finnish",
    "fr": "French", "gl": "Galician", "ka": "Georgian", "de": "German", "el": "Greek",
    "gu": "Gujarati", "ht": "Haitian", "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian",
    "is": "Icelandic", "id": "Indonesian", "ga": "Irish", "it": "Italian", "jv": "Javanese",
    "kn": "Kannada", "kk": "Kazakh", "ko": "Korean", "ku": "Kurdish", "ky": "Kyrgyz",
    "la": "Latin", "lv": "Latvian", "lt": "Lithuanian", "lb": "Luxembourgish",
    "mk": "Macedonian", "ms": "Malay", "ml": "Malayalam", "mt": "Maltese", "mr": "Marathi",
    "ne": "Nepali", "nb": "Norwegian_Bokmal", "no": "Norwegian_Bokmal",
    "nn": "Norwegian_Nynorsk", "oc": "Occitan", "fa": "Persian", "pl": "Polish",
    "pt": "Portuguese", "qu": "Quechua", "ro": "Romanian", "ru": "Russian", "sr": "Serbian",
    "sk": "Slovak", "sl": "Slovenian", "es": "Spanish", "su": "Sundanese", "sw": "Swahili",
    "sv": "Swedish", "tl": "Tagalog", "ta": "Tamil", "te": "Telugu", "tr": "Turkish",
    "tk": "Turkmen", "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese",
    "cy": "Welsh", "fy": "West_Frisian", "yo": "Yoruba",
}  # fmt: skip

_LANGUAGE_TAG = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]+)*$", re.IGNORECASE)


def to_iso639_1(label: str) -> str | None:
    """ISO 639-1 code for a language-model label, or None when there is none."""
    label = label.lower()
    if len(label) == 2:
        return label
    return MACROLANGUAGE_OF.get(label)


def labels_for(codes: set[str], model_labels: list[str]) -> list[str]:
    """Model labels whose ISO 639-1 code is among ``codes`` (varieties included)."""
    return [label for label in model_labels if to_iso639_1(label) in codes]


def normalise_language(value: str | None) -> str | None:
    """``en-US``, ``pt_BR``, ``deu`` or ``EN`` into an ISO 639-1 code, else None."""
    match = _LANGUAGE_TAG.match((value or "").strip().split(",")[0].strip())
    if not match:
        return None
    code = match.group(1).lower()
    if len(code) == 2:
        return code
    return THREE_LETTER_CODES.get(code)
