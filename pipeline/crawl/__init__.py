"""Polite, resumable crawling of news sites into WARC files that ``zhnews run`` reads.

Pieces, one job each: :mod:`.urls` (normalization and filtering), :mod:`.addresses`
(refusing private targets), :mod:`.politeness` (per-host delay and concurrency),
:mod:`.robots` (robots.txt cache), :mod:`.fetch` (one URL with redirects, retries and
limits), :mod:`.discover` (sitemaps, feeds, in-site links), :mod:`.frontier` (SQLite queue),
:mod:`.warc` (durable, rotated WARC output) and :mod:`.crawler` (the loop tying them).
"""

from pipeline.crawl.config import CrawlConfig

__all__ = ["CrawlConfig"]
