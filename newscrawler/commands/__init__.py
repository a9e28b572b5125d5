"""newscrawler's Scrapy commands (``COMMANDS_MODULE``): a ``crawl`` with meaningful exit codes."""
