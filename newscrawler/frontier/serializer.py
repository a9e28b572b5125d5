"""JSON instead of pickle for requests kept in Redis (``SCHEDULER_SERIALIZER``).

scrapy-redis pickles requests by default, so anyone who can write to the
Redis server can run code on every worker. It accepts any module with
``dumps``/``loads`` as ``SCHEDULER_SERIALIZER``; the standard ``json`` module
fails on a request's bytes (body, headers) and on the datetimes our feed hints
carry, so this module tags those two types. Decoding also refuses a request
class other than Scrapy's own (``_class`` would otherwise be imported and
called by ``request_from_dict``) and drops a ``proxy`` meta key, so a
forged queue entry can at most name an http(s) URL and one of the spider's
callbacks.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

ALLOWED_CLASSES = frozenset(
    {
        "scrapy.http.request.Request",
        "scrapy.Request",
        "scrapy.http.request.form.FormRequest",
        "scrapy.http.request.json_request.JsonRequest",
    }
)
DROPPED_META = ("proxy", "_auth_proxy")
BYTES_TAG = "$b64"
DATETIME_TAG = "$datetime"


class UnsafeRequest(ValueError):
    """A queue entry that names a request class we do not build."""


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return {BYTES_TAG: base64.b64encode(value).decode("ascii")}
    if isinstance(value, datetime):
        return {DATETIME_TAG: value.isoformat()}
    raise TypeError(f"a {type(value).__name__} cannot be queued in Redis")


def _decode(value: dict[str, Any]) -> Any:
    if len(value) == 1:
        if BYTES_TAG in value:
            return base64.b64decode(value[BYTES_TAG])
        if DATETIME_TAG in value:
            return datetime.fromisoformat(value[DATETIME_TAG])
    return value


def _tag_keys(value: Any) -> Any:
    """Headers are a dict keyed by bytes: JSON keys must be strings."""
    if isinstance(value, dict):
        return {
            (key.decode("latin-1") if isinstance(key, bytes) else key): _tag_keys(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_tag_keys(item) for item in value]
    return value


def dumps(obj: dict[str, Any]) -> bytes:
    return json.dumps(_tag_keys(obj), default=_encode, separators=(",", ":")).encode("utf-8")


def loads(data: bytes | str) -> dict[str, Any]:
    obj: dict[str, Any] = json.loads(data, object_hook=_decode)
    request_class = obj.get("_class")
    if request_class is not None and request_class not in ALLOWED_CLASSES:
        raise UnsafeRequest(f"refusing to build a queued request of class {request_class!r}")
    meta = obj.get("meta") or {}
    for key in DROPPED_META:
        meta.pop(key, None)
    return obj
