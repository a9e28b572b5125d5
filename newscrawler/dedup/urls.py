"""URL keys: one spelling per page, so that the same article under cosmetic URL
variants (case, default ports, fragments, tracking parameters, trailing
slashes) is recognised as the same URL.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMETER = re.compile(
    r"^(utm_\w+|fbclid|gclid|gclsrc|dclid|msclkid|yclid|mc_cid|mc_eid|igshid|_ga|_gl|"
    r"_hsenc|_hsmi|mkt_tok|oly_anon_id|oly_enc_id|vero_id|wt_mc|wt\.mc_id|cmpid|ocid|"
    r"sr_share|share|smid|ito|xtor)$",
    re.IGNORECASE,
)
DEFAULT_PORTS = {"http": 80, "https": 443}


def url_key(url: str) -> str:
    """The normalised form of ``url`` used to compare URLs."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "file":
        return urlunsplit((scheme, "", parts.path, "", ""))
    host = (parts.hostname or "").lower().rstrip(".")
    netloc = host
    if parts.port and parts.port != DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{parts.port}"
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if len(path) > 1:
        path = path.rstrip("/")
    query = urlencode(sorted(_kept_parameters(parts.query)))
    return urlunsplit((scheme, netloc, path, query, ""))


def clean_url(url: str) -> str:
    """``url`` without its tracking parameters (``utm_*``, ``fbclid``…), otherwise as given."""
    parts = urlsplit(url)
    if not parts.query or parts.scheme == "file":
        return url
    kept = _kept_parameters(parts.query)
    if len(kept) == len(parse_qsl(parts.query, keep_blank_values=True)):
        return url
    return urlunsplit(parts._replace(query=urlencode(kept)))


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
    otherwise all collapse into one.
    """
    if canonical_url and _plausible_canonical(url, canonical_url):
        return url_key(canonical_url)
    return url_key(url)


def _plausible_canonical(url: str, canonical_url: str) -> bool:
    fetched, declared = urlsplit(url), urlsplit(canonical_url)
    if declared.scheme not in ("http", "https") or declared.path.strip("/") == "":
        return False
    if fetched.scheme == "file":
        return True
    return _site(fetched.hostname) == _site(declared.hostname)


def _site(host: str | None) -> str:
    labels = (host or "").lower().removeprefix("www.").split(".")
    return ".".join(labels[-2:])
