"""The journal's on-disk record format: cheap to write, corruption detected per record.

A record is a fixed 17-byte frame followed by a JSON header and a body::

    magic (4) | kind (1) | header length (4) | body length (4) | CRC-32 (4) | header | body

The CRC covers the kind, both lengths, the header and the body, so a record
damaged anywhere (a flipped bit, a torn write, a line of garbage) is
detected. Document bodies are stored zlib-compressed at level 1 (raw bytes,
no base64). A reader that meets a damaged record looks for the next magic
number and goes on: one bad record costs that record only.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any

MAGIC = b"\x93NCJ"
FRAME = struct.Struct(">4sBIII")
MAX_HEADER = 1 << 20
MAX_BODY = 1 << 31


class Kind(IntEnum):
    SEGMENT = 1  # header: database identity, job, owner
    DOCUMENT = 2  # header: entry id and fields; body: zlib of the document bytes
    DONE = 3  # header: entry ids stored (or dropped as bad input)
    FAILED = 4  # header: entry id and why a stage failed on it
    CLAIMED = 5  # header: which process took the segment over for a replay
    CORRUPT = 6  # quarantine only: body holds the damaged bytes


@dataclass(frozen=True, slots=True)
class Record:
    kind: Kind
    header: dict[str, Any]
    body: bytes
    offset: int


@dataclass(frozen=True, slots=True)
class Damage:
    """Bytes that are no valid record; ``truncated`` when a write was cut off at the end."""

    offset: int
    data: bytes
    truncated: bool


def encode(kind: Kind, header: dict[str, Any], body: bytes = b"") -> bytes:
    head = json.dumps(header, default=_encode_value, ensure_ascii=False).encode("utf-8")
    crc = _crc(kind, head, body)
    return FRAME.pack(MAGIC, kind, len(head), len(body), crc) + head + body


def decompress(body: bytes) -> bytes:
    return zlib.decompress(body)


def scan(data: bytes) -> Iterator[Record | Damage]:
    """Every record of ``data`` in order, and every damaged stretch between them."""
    position = 0
    while position < len(data):
        record = _record_at(data, position)
        if isinstance(record, Record):
            yield record
            position += FRAME.size + len(_raw_header(data, position)) + _body_length(data, position)
            continue
        following = data.find(MAGIC, position + 1)
        end = len(data) if following < 0 else following
        yield Damage(position, data[position:end], truncated=following < 0 and record)
        position = end


def _record_at(data: bytes, position: int) -> Record | bool:
    """The record at ``position``, else whether it looks like a record cut short."""
    if len(data) - position < FRAME.size:
        return data[position : position + len(MAGIC)] == MAGIC[: len(data) - position]
    magic, kind, head_length, body_length, crc = FRAME.unpack_from(data, position)
    if magic != MAGIC or head_length > MAX_HEADER or body_length > MAX_BODY:
        return False
    start = position + FRAME.size
    end = start + head_length + body_length
    if end > len(data):
        return True  # a write cut off by a kill: the frame is fine, the rest is missing
    head, body = data[start : start + head_length], data[start + head_length : end]
    if kind not in Kind._value2member_map_ or _crc(kind, head, body) != crc:
        return False
    try:
        header = json.loads(head, object_hook=_decode_value)
    except ValueError:
        return False
    if not isinstance(header, dict):
        return False
    return Record(Kind(kind), header, body, position)


def _raw_header(data: bytes, position: int) -> bytes:
    head_length = FRAME.unpack_from(data, position)[2]
    start = position + FRAME.size
    return data[start : start + head_length]


def _body_length(data: bytes, position: int) -> int:
    return int(FRAME.unpack_from(data, position)[3])


def _crc(kind: int, head: bytes, body: bytes) -> int:
    crc = zlib.crc32(struct.pack(">BII", kind, len(head), len(body)))
    return zlib.crc32(body, zlib.crc32(head, crc))


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)  # never fail a write over one odd hint value


def _decode_value(value: dict[str, Any]) -> Any:
    if set(value) == {"$datetime"}:
        try:
            return datetime.fromisoformat(value["$datetime"])
        except (TypeError, ValueError):
            return None
    return value
