"""Crawl settings: politeness, limits and identity, all plain data."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Identify the crawler and give site owners a way to reach whoever runs it.
DEFAULT_USER_AGENT = "zhnews-crawler/0.1 (+research crawl; contact: CHANGE-ME@example.org)"
#: Content types archived as pages; anything else is refused with ``content_type``.
PAGE_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(slots=True)
class CrawlConfig:
    """Everything that shapes a crawl; the CLI fills it from its options."""

    user_agent: str = DEFAULT_USER_AGENT
    #: Minimum seconds between the starts of two requests to the same host.
    delay: float = 1.0
    #: Requests in flight at once, over all hosts.
    concurrency: int = 4
    #: Requests in flight at once to one host.
    per_host_concurrency: int = 1
    #: Seconds for connect, read and write (each) of one request.
    timeout: float = 20.0
    #: Retries after the first attempt, on timeouts, connection errors, 5xx and 429.
    max_retries: int = 3
    #: First backoff in seconds; doubled for each further retry, plus up to 10 % jitter.
    backoff: float = 1.0
    #: Longest backoff or ``Retry-After`` wait honoured; longer asks fail the URL.
    max_wait: float = 120.0
    #: Longest one request may take in all (guards against servers that drip bytes).
    max_request_seconds: float = 120.0
    max_redirects: int = 5
    #: Largest body accepted (after content decoding), in bytes.
    max_bytes: int = 5 * 1024 * 1024
    #: Largest sitemap after gunzip, in bytes (the sitemap protocol allows 50 MB).
    max_sitemap_bytes: int = 50 * 1024 * 1024
    #: Stop after this many archived pages (None: no limit).
    max_pages: int | None = None
    #: How many link hops from a seed page to follow (0: fetch the seeds only).
    max_depth: int = 0
    #: Regexes a discovered link must match one of (empty: all in-site links).
    include: list[str] = field(default_factory=list)
    #: Regexes that exclude a discovered link.
    exclude: list[str] = field(default_factory=list)
    #: Allow loopback, private, link-local and other non-public addresses.
    allow_private: bool = False
    #: Start a new WARC file once the current one reaches this size.
    warc_max_bytes: int = 1024 * 1024 * 1024
    #: Longest robots.txt ``Crawl-delay`` honoured, in seconds.
    max_crawl_delay: float = 30.0
