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


class ConfigurationError(UsageError):
    """A setting cannot work as given (a malformed ``DATABASE_URL``, a driver not installed)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, print_help=False)


# Optional dependencies, by the module that is missing: the extra that installs it.
EXTRAS = {"psycopg": "postgres", "psycopg2": "postgres", "pyarrow": "parquet"}


def install_hint(module: str) -> str | None:
    """``pip install 'newscrawler[extra]'`` for an optional module, else None."""
    extra = EXTRAS.get(module.split(".")[0])
    if extra is None:
        return None
    return (
        f"this needs the {module.split('.')[0]} module: pip install 'newscrawler[{extra}]' "
        f"(in a checkout: pip install -e '.[{extra}]')"
    )


def check_database_url(url: str) -> None:
    """Fail at start, in one line, on a URL that can never connect (password masked)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    from newscrawler.credentials import mask_credentials

    try:
        make_url(url).get_dialect().import_dbapi()
    except ModuleNotFoundError as error:
        hint = install_hint(error.name or "")
        raise ConfigurationError(hint or f"DATABASE_URL needs a missing module: {error}") from None
    except (ArgumentError, NoSuchModuleError, ValueError) as error:
        raise ConfigurationError(
            f"DATABASE_URL {mask_credentials(url)!r} is not a usable database URL ({error})"
        ) from None
