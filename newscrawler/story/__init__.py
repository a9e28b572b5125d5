"""Stories: which articles, in any language, report the same event.

Near-duplicate links (:mod:`newscrawler.dedup`) only catch copies of one
text. This package decides, without translating anything, whether two
articles report the same event, from signals that survive translation:
named entities normalised across languages and scripts
(:mod:`~newscrawler.story.names`), numbers with their scale or unit and
calendar dates (:mod:`~newscrawler.story.quantities`), collected per article
by :mod:`~newscrawler.story.signals`, compared by :mod:`~newscrawler.story.match`
and assigned incrementally to stories by :mod:`~newscrawler.story.cluster`.
It is free of Scrapy and of the database: the candidate index it asks is a
protocol, implemented on SQL by :mod:`newscrawler.db.stories`.
"""
