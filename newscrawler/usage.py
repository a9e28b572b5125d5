"""Errors in what the operator asked for, as opposed to failures while doing it.

A spider argument that is missing or wrong (``-a path``, a ``sources.toml``
with an unknown key) is the operator's to fix, not a crash: spiders raise
:class:`SpiderArgumentError`, and ``scrapy crawl`` (our
:mod:`newscrawler.commands.crawl`) prints it as one line and exits with
:data:`newscrawler.verdict.USAGE`, without a traceback.
"""

from __future__ import annotations

from scrapy.exceptions import UsageError


class SpiderArgumentError(UsageError):
    """A spider argument is missing or invalid; the message says which and what to give."""

    def __init__(self, message: str) -> None:
        super().__init__(message, print_help=False)


def require(value: str | None, message: str) -> str:
    """``value`` if given, else raise :class:`SpiderArgumentError` with ``message``."""
    if not value:
        raise SpiderArgumentError(message)
    return value
