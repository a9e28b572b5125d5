"""URL keys: one spelling per page, so that the same article under cosmetic URL
variants (case, default ports, fragments, tracking parameters, trailing
slashes) is recognised as the same URL.

Keying never raises: URLs come from pages and feeds, and a malformed one (a
port out of range, a broken IPv6 literal) must not make a valid article fail.
A URL that cannot be parsed is keyed by its own trimmed spelling, and a
malformed canonical URL is ignored (the fetched URL is used instead).
"""

from __future__ import annotations

import logging
import re
from typing import NamedTuple
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

logger = logging.getLogger(__name__)

TRACKING_PARAMETER = re.compile(
    r"^(utm_\w+|fbclid|gclid|gclsrc|dclid|msclkid|yclid|mc_cid|mc_eid|igshid|_ga|_gl|"
    r"_hsenc|_hsmi|mkt_tok|oly_anon_id|oly_enc_id|vero_id|wt_mc|wt\.mc_id|cmpid|ocid|"
    r"sr_share|share|smid|ito|xtor)$",
    re.IGNORECASE,
)
DEFAULT_PORTS = {"http": 80, "https": 443}


class ParsedUrl(NamedTuple):
    """The parts of a URL that keying needs, all validated."""

    parts: SplitResult
    host: str
    port: int | None


def parse_url(url: str) -> ParsedUrl | None:
    """``url`` split and validated (host, port in range), or None when it is malformed."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return None
    return ParsedUrl(parts, host, port)


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be keyed as a web URL (bad port, broken host), or None."""
    parsed = parse_url(url)
    if parsed is None:
        return "malformed URL (bad port or host)"
    if parsed.parts.scheme.lower() in DEFAULT_PORTS and not parsed.host:
        return "no host"
    if parsed.port == 0:
        return "port 0"
    return None


def url_key(url: str) -> str:
    """The normalised form of ``url`` used to compare URLs (never raises)."""
    parsed = parse_url(url)
    if parsed is None:
        return url.strip()
    parts, host, port = parsed
    scheme = parts.scheme.lower()
    if scheme == "file":
        return urlunsplit((scheme, "", parts.path, "", ""))
    netloc = host
    if ":" in host:  # an IPv6 literal keeps its brackets
        netloc = f"[{host}]"
    if port and port != DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if len(path) > 1:
        path = path.rstrip("/")
    query = urlencode(sorted(_kept_parameters(parts.query)))
    return urlunsplit((scheme, netloc, path, query, ""))


def _kept_parameters(query: str) -> list[tuple[str, str]]:
    return [
        (name, value)
        for name, value in parse_qsl(query, keep_blank_values=True)
        if not TRACKING_PARAMETER.match(name)
    ]


def article_url_key(url: str, canonical_url: str | None) -> str:
    """The key of an article page: its declared canonical URL when that is plausible.

    A canonical URL is trusted only when it names a page (not a site's home
    page) on the same host as the fetched URL, or when the document is a
    local file; pages that point every article at the home page would
    otherwise all collapse into one. A malformed canonical URL is ignored.
    """
    if canonical_url and _plausible_canonical(url, canonical_url):
        return url_key(canonical_url)
    return url_key(url)


def _plausible_canonical(url: str, canonical_url: str) -> bool:
    fetched, declared = parse_url(url), parse_url(canonical_url)
    if fetched is None or declared is None or url_problem(canonical_url):
        return False
    if declared.parts.scheme not in ("http", "https") or declared.parts.path.strip("/") == "":
        return False
    if fetched.parts.scheme == "file":
        return True
    return _site(fetched.host) == _site(declared.host)


def _site(host: str | None) -> str:
    labels = (host or "").lower().removeprefix("www.").split(".")
    return ".".join(labels[-2:])
