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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.utils.conf import closest_scrapy_cfg

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

DATABASE_URL_ENV = "NEWSCRAWLER_DATABASE_URL"


def project_root() -> Path:
    """The folder holding ``scrapy.cfg`` (searched upwards from the working directory)."""
    cfg = closest_scrapy_cfg()
    return Path(cfg).parent if cfg else Path.cwd()


def default_database_url() -> str:
    """``NEWSCRAWLER_DATABASE_URL`` if set, else ``var/news.sqlite3`` under the project root."""
    return (
        os.environ.get(DATABASE_URL_ENV) or f"sqlite:///{project_root() / 'var' / 'news.sqlite3'}"
    )


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
    story_window_hours: float
    story_min_shared: float
    story_min_overlap: float
    story_min_keys: int

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> NewscrawlerConfig:
        languages = settings.getlist("LANGUAGES")
        return cls(
            database_url=settings.get("DATABASE_URL") or default_database_url(),
            store_batch_size=settings.getint("STORE_BATCH_SIZE"),
            store_reconnect_seconds=settings.getfloat("STORE_RECONNECT_SECONDS"),
            spool_dir=settings.get("SPOOL_DIR") or str(project_root() / "var" / "spool"),
            journal_max_failures=settings.getint("JOURNAL_MAX_FAILURES"),
            journal_max_replays=settings.getint("JOURNAL_MAX_REPLAYS"),
            request_deadline=settings.getfloat("REQUEST_DEADLINE"),
            sitemap_max_depth=settings.getint("SITEMAP_MAX_DEPTH"),
            extract_max_bytes=settings.getint("EXTRACT_MAX_BYTES"),
            recurring_min_documents=settings.getint("EXTRACT_RECURRING_MIN_DOCUMENTS"),
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
            story_window_hours=settings.getfloat("STORY_WINDOW_HOURS"),
            story_min_shared=settings.getfloat("STORY_MIN_SHARED"),
            story_min_overlap=settings.getfloat("STORY_MIN_OVERLAP"),
            story_min_keys=settings.getint("STORY_MIN_KEYS"),
        )
