"""Every newscrawler setting, read in one place.

The defaults live in :mod:`newscrawler.settings` and nowhere else; this
module gives them names and types. One :class:`NewscrawlerConfig` is built per
crawler, by :class:`newscrawler.extensions.Services`, and components take it
from there instead of reading raw settings themselves. The two values that
depend on where the crawl runs (the database and the journal folder) are
resolved here, when the crawler starts, never at import.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from scrapy.utils.conf import closest_scrapy_cfg

from newscrawler.frontier.keys import clean_name, resolve_run_name

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

DATABASE_URL_ENV = "NEWSCRAWLER_DATABASE_URL"
HOME_ENV = "NEWSCRAWLER_HOME"
REDIS_URL_ENV = "NEWSCRAWLER_REDIS_URL"


def project_root() -> Path:
    """The folder holding ``scrapy.cfg`` (searched upwards from the working directory)."""
    cfg = closest_scrapy_cfg()
    return Path(cfg).parent if cfg else Path.cwd()


def data_dir() -> Path:
    """Where the default database and journal live.

    ``$NEWSCRAWLER_HOME`` if set; else ``var/`` in the project folder when run
    from a checkout (the folder with ``scrapy.cfg``); else, for an installed
    package run anywhere, the platform's user data folder
    (``~/.local/share/newscrawler`` on Linux).
    """
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser()
    cfg = closest_scrapy_cfg()
    if cfg:
        return Path(cfg).parent / "var"
    return Path(platformdirs.user_data_dir("newscrawler", appauthor=False))


def default_database_url() -> str:
    """``NEWSCRAWLER_DATABASE_URL`` if set, else ``news.sqlite3`` in the :func:`data_dir`."""
    return os.environ.get(DATABASE_URL_ENV) or f"sqlite:///{data_dir() / 'news.sqlite3'}"


@dataclass(frozen=True, slots=True)
class NewscrawlerConfig:
    database_url: str
    store_batch_size: int
    store_reconnect_seconds: float
    spool_dir: str
    journal_max_failures: int
    journal_max_replays: int
    request_deadline: float
    sitemap_max_depth: int
    extract_max_bytes: int
    recurring_min_documents: int
    recurring_capacity: int
    extract_processes: int
    dedup_threshold: float
    dedup_num_perm: int
    dedup_shingle_size: int
    languages: tuple[str, ...] | None
    language_min_confidence: float
    language_min_chars: int
    revisit_interval: float
    retry_after_max: float
    retry_backoff_base: float
    redis_url: str
    frontier_name: str
    frontier_run: str
    frontier_run_interval: float
    frontier_heartbeat_seconds: float
    frontier_lease_timeout: float
    frontier_poll_seconds: float
    frontier_keep_seconds: float
    frontier_redis_outage_seconds: float
    frontier_politeness: bool
    story_window_hours: float
    story_min_shared: float
    story_min_overlap: float
    story_min_keys: int
    progress_bar: bool

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> NewscrawlerConfig:
        languages = settings.getlist("LANGUAGES")
        return cls(
            database_url=settings.get("DATABASE_URL") or default_database_url(),
            store_batch_size=settings.getint("STORE_BATCH_SIZE"),
            store_reconnect_seconds=settings.getfloat("STORE_RECONNECT_SECONDS"),
            spool_dir=settings.get("SPOOL_DIR") or str(data_dir() / "spool"),
            journal_max_failures=settings.getint("JOURNAL_MAX_FAILURES"),
            journal_max_replays=settings.getint("JOURNAL_MAX_REPLAYS"),
            request_deadline=settings.getfloat("REQUEST_DEADLINE"),
            sitemap_max_depth=settings.getint("SITEMAP_MAX_DEPTH"),
            extract_max_bytes=settings.getint("EXTRACT_MAX_BYTES"),
            recurring_min_documents=settings.getint("EXTRACT_RECURRING_MIN_DOCUMENTS"),
            recurring_capacity=settings.getint("EXTRACT_RECURRING_CAPACITY"),
            extract_processes=settings.getint("EXTRACT_PROCESSES"),
            dedup_threshold=settings.getfloat("DEDUP_THRESHOLD"),
            dedup_num_perm=settings.getint("DEDUP_NUM_PERM"),
            dedup_shingle_size=settings.getint("DEDUP_SHINGLE_SIZE"),
            languages=tuple(code.strip() for code in languages if code.strip()) or None,
            language_min_confidence=settings.getfloat("LANGUAGE_MIN_CONFIDENCE"),
            language_min_chars=settings.getint("LANGUAGE_MIN_CHARS"),
            revisit_interval=settings.getfloat("REVISIT_INTERVAL"),
            retry_after_max=settings.getfloat("RETRY_AFTER_MAX"),
            retry_backoff_base=settings.getfloat("RETRY_BACKOFF_BASE"),
            redis_url=settings.get("REDIS_URL") or os.environ.get(REDIS_URL_ENV, ""),
            frontier_name=settings.get("FRONTIER_NAME"),
            frontier_run=resolve_run_name(
                settings.get("FRONTIER_RUN"),
                time.time(),
                settings.getfloat("FRONTIER_RUN_INTERVAL"),
            ),
            frontier_run_interval=settings.getfloat("FRONTIER_RUN_INTERVAL"),
            frontier_heartbeat_seconds=settings.getfloat("FRONTIER_HEARTBEAT_SECONDS"),
            frontier_lease_timeout=settings.getfloat("FRONTIER_LEASE_TIMEOUT"),
            frontier_poll_seconds=settings.getfloat("FRONTIER_POLL_SECONDS"),
            frontier_keep_seconds=settings.getfloat("FRONTIER_KEEP_SECONDS"),
            frontier_redis_outage_seconds=settings.getfloat("FRONTIER_REDIS_OUTAGE_SECONDS"),
            frontier_politeness=settings.getbool("FRONTIER_POLITENESS"),
            story_window_hours=settings.getfloat("STORY_WINDOW_HOURS"),
            story_min_shared=settings.getfloat("STORY_MIN_SHARED"),
            story_min_overlap=settings.getfloat("STORY_MIN_OVERLAP"),
            story_min_keys=settings.getint("STORY_MIN_KEYS"),
            progress_bar=settings.getbool("PROGRESS_BAR"),
        )

    def fleet_run(self, spider_name: str) -> str | None:
        """``frontier/run`` this crawl belongs to when it is part of a fleet, else None."""
        if not self.redis_url:
            return None
        return f"{clean_name(self.frontier_name or spider_name)}/{self.frontier_run}"
