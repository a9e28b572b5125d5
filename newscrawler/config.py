"""Every newscrawler setting, read in one place.

Components call :meth:`NewscrawlerConfig.from_settings` in their
``from_crawler`` instead of reading raw settings themselves, so that names,
types and defaults live here and nowhere else.
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
    extract_max_bytes: int
    recurring_min_documents: int
    dedup_threshold: float
    dedup_num_perm: int
    dedup_shingle_size: int
    languages: tuple[str, ...] | None
    language_min_confidence: float
    language_min_chars: int
    revisit_interval: float
    retry_after_max: float
    retry_backoff_base: float

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> NewscrawlerConfig:
        languages = settings.getlist("LANGUAGES")
        return cls(
            database_url=settings.get("DATABASE_URL") or default_database_url(),
            store_batch_size=settings.getint("STORE_BATCH_SIZE", 100),
            store_reconnect_seconds=settings.getfloat("STORE_RECONNECT_SECONDS", 30.0),
            spool_dir=settings.get("SPOOL_DIR") or str(project_root() / "var" / "spool"),
            extract_max_bytes=settings.getint("EXTRACT_MAX_BYTES", 20 * 1024 * 1024),
            recurring_min_documents=settings.getint("EXTRACT_RECURRING_MIN_DOCUMENTS", 3),
            dedup_threshold=settings.getfloat("DEDUP_THRESHOLD", 0.8),
            dedup_num_perm=settings.getint("DEDUP_NUM_PERM", 128),
            dedup_shingle_size=settings.getint("DEDUP_SHINGLE_SIZE", 3),
            languages=tuple(code.strip() for code in languages if code.strip()) or None,
            language_min_confidence=settings.getfloat("LANGUAGE_MIN_CONFIDENCE", 0.3),
            language_min_chars=settings.getint("LANGUAGE_MIN_CHARS", 8),
            revisit_interval=settings.getfloat("REVISIT_INTERVAL", 6 * 3600),
            retry_after_max=settings.getfloat("RETRY_AFTER_MAX", 120.0),
            retry_backoff_base=settings.getfloat("RETRY_BACKOFF_BASE", 1.0),
        )
