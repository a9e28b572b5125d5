"""Turning raw document bytes into clean article text and metadata.

The Scrapy-facing stage lives in :mod:`pipelines.extract`; this
package holds the pure functions it calls, so that benchmarks, the
``reextract`` command and tests use exactly the same code.
"""
