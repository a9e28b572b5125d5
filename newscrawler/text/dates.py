"""Publication dates as pages, feeds and sitemaps write them, into aware UTC datetimes.

Extraction metadata and the feed and sitemap spiders read the same formats
(ISO 8601 with or without zone, RFC 2822); one parser serves them all and
never raises: a value it cannot read, or one outside the representable range
(``0001-01-01T00:00:00+01:00``), gives None.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_COMPACT_OFFSET = re.compile(r"([+-]\d\d)(\d\d)$")


def parse_datetime(value: str | None) -> datetime | None:
    """ISO 8601 or RFC 2822 into an aware UTC datetime; a naive value is taken as UTC."""
    if not value or not value.strip():
        return None
    text = value.strip()
    parsed = _parse_iso(text)
    if parsed is None:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None  # the instant falls outside years 1..9999 in UTC


def _parse_iso(text: str) -> datetime | None:
    text = _COMPACT_OFFSET.sub(r"\1:\2", text.replace(" ", "T", 1) if "T" not in text else text)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
