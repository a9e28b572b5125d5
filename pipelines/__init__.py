"""newscrawler's Scrapy item pipelines: one thin component per stage.

``ITEM_PIPELINES`` runs them in order: Extract, Dedup, Language, Store. Each
takes what it needs from the item and from the crawler's shared services
(:mod:`newscrawler.extensions`); the text logic they call lives, free of
Scrapy and of the database, in :mod:`newscrawler.extraction`,
:mod:`newscrawler.dedup` and :mod:`newscrawler.language`.
"""
