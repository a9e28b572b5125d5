"""Bytes to text: respect what the transport and the document declare, then detect.

Mojibake that reaches the database poisons every later stage (dedup hashes,
language tags, search), so a document whose encoding cannot be told is
dropped with a clear reason instead of being guessed into garbage.

Order: a byte-order mark; then strict UTF-8 when the bytes are valid UTF-8
(multi-byte UTF-8 sequences almost never occur by chance in legacy 8-bit
text, while pages declaring ``iso-8859-1`` but serving UTF-8 are common);
then the encodings declared by the caller, the HTTP ``Content-Type`` and the
document's ``<meta charset>``, resolved the way browsers do (``latin-1``
means windows-1252); then detection restricted to the encodings the web
actually uses, so that a short German text is not guessed as ``cp1006``.
Text that still shows UTF-8-read-as-windows-1252 sequences (``Ã¼``, ``â€™``)
is repaired by reversing that round trip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from charset_normalizer import from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

from newscrawler.extraction.errors import BinaryDocument, EmptyDocument, UndecodableDocument

# Share of control characters (other than whitespace) above which bytes are binary.
MAX_CONTROL_SHARE = 0.01
SNIFF_BYTES = 8192
# Encodings detection may choose from: what news sites serve, in charset_normalizer's names.
WEB_ENCODINGS = (
    "cp1252", "iso8859_15", "cp1250", "iso8859_2", "cp1251", "koi8_r", "iso8859_5", "cp1253",
    "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "cp874", "shift_jis", "cp932", "euc_jp",
    "iso2022_jp", "gb18030", "big5", "euc_kr", "utf_16", "utf_8",
)  # fmt: skip
# UTF-8 bytes of Latin-1 characters read as windows-1252: "Ã¼" for "ü", "â€™" for "’".
MOJIBAKE_LEADS = ("Ã", "Â", "â€")  # cheap substring test before the regex
MOJIBAKE = re.compile(
    "[ÂÃ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]|â€"
)


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str
    detected: bool  # True when the encoding was guessed rather than declared or UTF-8


def decode_body(
    body: bytes,
    *,
    content_type: str | None = None,
    declared_encoding: str | None = None,
    is_html: bool = False,
) -> DecodedText:
    """Decode ``body``: BOM, else (binary refused) strict UTF-8, declared encodings, detection.

    Mojibake left by an upstream UTF-8-as-windows-1252 round trip is repaired last.
    """
    if not body.strip():
        raise EmptyDocument("the document is empty or only whitespace")
    bom_encoding, bom = read_bom(body)
    if bom_encoding and bom is not None:
        return DecodedText(body[len(bom) :].decode(bom_encoding, "replace"), bom_encoding, False)
    _reject_binary(body)
    decoded = _decode_declared(body, content_type, declared_encoding, is_html) or _detect(body)
    return repair_mojibake(decoded)


def _decode_declared(
    body: bytes, content_type: str | None, declared: str | None, is_html: bool
) -> DecodedText | None:
    try:
        return DecodedText(body.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError:
        pass
    for encoding in _declared_encodings(body, content_type, declared, is_html):
        try:
            return DecodedText(body.decode(encoding), encoding, False)
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def repair_mojibake(decoded: DecodedText) -> DecodedText:
    """Undo UTF-8 that was decoded as windows-1252 (or Latin-1) somewhere upstream."""
    text = decoded.text
    if not any(lead in text for lead in MOJIBAKE_LEADS) or not MOJIBAKE.search(text):
        return decoded
    for wrong in ("cp1252", "latin-1"):
        try:
            repaired = decoded.text.encode(wrong).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        return DecodedText(repaired, f"utf-8 (repaired from {wrong})", decoded.detected)
    return decoded


def _declared_encodings(
    body: bytes, content_type: str | None, declared: str | None, is_html: bool
) -> list[str]:
    candidates = [declared, http_content_type_encoding(content_type)]
    if is_html:
        candidates.append(html_body_declared_encoding(body[:SNIFF_BYTES]))
    return [resolve_encoding(c) or c for c in candidates if c]


def _reject_binary(body: bytes) -> None:
    sample = body[:SNIFF_BYTES]
    if b"\x00" in sample:
        raise BinaryDocument("the document contains NUL bytes: binary, not text")
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if controls / len(sample) > MAX_CONTROL_SHARE:
        raise BinaryDocument(f"{controls} control bytes in the first {len(sample)}: binary")


def _detect(body: bytes) -> DecodedText:
    best = from_bytes(body, cp_isolation=list(WEB_ENCODINGS)).best()
    if best is None or best.encoding is None:
        raise UndecodableDocument("not valid UTF-8 and no encoding could be detected")
    return DecodedText(str(best), best.encoding, True)
