"""Keep database and Redis passwords out of every log line.

``DATABASE_URL`` and ``REDIS_URL`` may carry a password, and Scrapy itself
prints every overridden setting when a crawl starts. The
:class:`MaskCredentials` add-on installs a logging filter on the root
handlers before that happens, so that any ``scheme://user:password@host``
in any message (ours, Scrapy's, SQLAlchemy's) is printed as
``scheme://user:***@host``.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

USERINFO_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][\w+.-]*://[^\s:/@'\"]*:)[^\s@/'\"]+(?=@)")
MASK = "***"


def mask_credentials(text: str) -> str:
    """``text`` with the password of every URL in it replaced by ``***``."""
    return USERINFO_PASSWORD.sub(lambda match: match.group("head") + MASK, text)


class CredentialFilter(logging.Filter):
    """Rewrites records whose message contains a URL with a password."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_credentials(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


_FILTER = CredentialFilter()


def install_credential_filter() -> None:
    """Attach the filter to every root handler (idempotent)."""
    for handler in logging.getLogger().handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)


class MaskCredentials:
    """Scrapy add-on: install the filter before Scrapy logs its overridden settings."""

    def update_settings(self, settings: BaseSettings) -> None:
        install_credential_filter()
