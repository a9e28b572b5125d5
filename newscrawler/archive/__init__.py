"""WARC archives in and out, without Scrapy.

News corpora (Common Crawl's CC-NEWS, other crawlers' archives) come as
WARC files; :mod:`newscrawler.archive.read` turns their HTTP responses into
documents the pipeline can ingest, streaming record by record, and
:mod:`newscrawler.archive.write` writes stored raw documents back out as
WARC so that any archive tool, or our own ``warc`` spider, can read them.
"""
