"""URL normalization (one key per article) and the filter deciding which links to follow."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import courlan
from courlan.filters import extension_filter

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _remove_dot_segments(path: str) -> str:
    if not path:
        return "/"
    trailing = path.endswith("/") or path.endswith("/.") or path.endswith("/..")
    clean = posixpath.normpath(path)
    if clean.startswith("//"):
        clean = "/" + clean.lstrip("/")
    if trailing and clean != "/":
        clean += "/"
    return clean


def normalize_url(url: str) -> str | None:
    """The canonical form of an http(s) URL, or None when it is not one.

    Lower-cased scheme and host, default port and fragment dropped, ``.``/``..`` segments
    resolved, query parameters sorted and tracking parameters (``utm_*`` and the like)
    removed by courlan.  Two spellings of the same article give the same string.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    rebuilt = urlunsplit((scheme, netloc, _remove_dot_segments(parts.path), parts.query, ""))
    try:
        return courlan.normalize_url(rebuilt)
    except ValueError:
        return None


def host_key(url: str) -> str:
    """``host[:port]`` of a URL: the unit of politeness and of robots.txt."""
    return urlsplit(url).netloc.lower()


def site_of(url: str) -> str:
    """The host without a leading ``www.``: links between ``www.x.cn`` and ``x.cn`` are in-site."""
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


@dataclass(slots=True)
class LinkFilter:
    """Which discovered links to enqueue: in-site, page-like, matching include/exclude."""

    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    _include: list[re.Pattern[str]] = field(default_factory=list, init=False, repr=False)
    _exclude: list[re.Pattern[str]] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        self._include = [re.compile(p) for p in self.include]
        self._exclude = [re.compile(p) for p in self.exclude]

    def matches(self, url: str) -> bool:
        """Whether ``url`` passes the include/exclude patterns (searched anywhere in the URL)."""
        if any(p.search(url) for p in self._exclude):
            return False
        return not self._include or any(p.search(url) for p in self._include)

    def follow(self, url: str, sites: Iterable[str]) -> bool:
        """Whether a link found on a page should be crawled: in one of ``sites`` and page-like."""
        return site_of(url) in set(sites) and extension_filter(url) and self.matches(url)
