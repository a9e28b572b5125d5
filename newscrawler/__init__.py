"""newscrawler: a Scrapy project that turns news pages into a clean, deduplicated SQL corpus."""

__version__ = "0.1.0"
