"""Bytes to text: respect what the transport and the document declare, then detect.

Mojibake that reaches the database poisons every later stage (dedup hashes,
language tags, search), so a document whose encoding cannot be told is
dropped with a clear reason instead of being guessed into garbage.
"""

from __future__ import annotations

from dataclasses import dataclass

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from newscrawler.extraction.errors import BinaryDocument, EmptyDocument, UndecodableDocument

# Share of control characters (other than whitespace) above which bytes are binary.
MAX_CONTROL_SHARE = 0.01
SNIFF_BYTES = 8192


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
    """Decode ``body`` using BOM, then declared encodings, then UTF-8, then detection."""
    if not body.strip():
        raise EmptyDocument("the document is empty or only whitespace")
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        return DecodedText(body[len(bom) :].decode(bom_encoding, "replace"), bom_encoding, False)
    _reject_binary(body)
    for encoding in _declared_encodings(body, content_type, declared_encoding, is_html):
        try:
            return DecodedText(body.decode(encoding), encoding, False)
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        return DecodedText(body.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError:
        pass
    return _detect(body)


def _declared_encodings(
    body: bytes, content_type: str | None, declared: str | None, is_html: bool
) -> list[str]:
    candidates = [declared, http_content_type_encoding(content_type)]
    if is_html:
        candidates.append(html_body_declared_encoding(body[:SNIFF_BYTES]))
    return [c for c in candidates if c]


def _reject_binary(body: bytes) -> None:
    sample = body[:SNIFF_BYTES]
    if b"\x00" in sample:
        raise BinaryDocument("the document contains NUL bytes: binary, not text")
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if controls / len(sample) > MAX_CONTROL_SHARE:
        raise BinaryDocument(f"{controls} control bytes in the first {len(sample)}: binary")


def _detect(body: bytes) -> DecodedText:
    best = from_bytes(body).best()
    if best is None or best.encoding is None:
        raise UndecodableDocument("not valid UTF-8 and no encoding could be detected")
    return DecodedText(str(best), best.encoding, True)
