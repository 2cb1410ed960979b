"""robots.txt rules per host, fetched once and cached, read with Protego (RFC 9309).

Outcomes follow RFC 9309: a 2xx file is parsed; 4xx means no rules (everything allowed);
a 5xx or an unreachable host means everything is disallowed for this crawl.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

#: RFC 9309 asks parsers to read at least 500 KiB; anything past that is ignored.
MAX_ROBOTS_BYTES = 512 * 1024

#: ``fetch(robots_url) -> (http status or None when unreachable, body)``.
RobotsFetcher = Callable[[str], tuple[int | None, bytes]]


@dataclass(slots=True)
class RobotsRules:
    """What one host's robots.txt allows for our user agent."""

    status: str  # "parsed", "missing" (4xx: allow all) or "unreachable" (disallow all)
    parser: Protego | None = None

    def allowed(self, url: str, user_agent: str) -> bool:
        if self.status == "unreachable":
            return False
        return self.parser is None or bool(self.parser.can_fetch(url, user_agent))

    def crawl_delay(self, user_agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(user_agent)
        return float(delay) if delay is not None else None


def parse_robots(status: int | None, body: bytes) -> RobotsRules:
    """Rules from a robots.txt response (``status`` None when the host was unreachable)."""
    if status is None or status >= 500 or status == 429:
        return RobotsRules("unreachable")
    if 400 <= status < 500:
        return RobotsRules("missing")
    if not 200 <= status < 300:
        return RobotsRules("unreachable")
    text = body[:MAX_ROBOTS_BYTES].decode("utf-8", "replace")
    return RobotsRules("parsed", Protego.parse(text))


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


class RobotsCache:
    """One :class:`RobotsRules` per scheme+host, fetched on first use (thread-safe)."""

    def __init__(self, fetch: RobotsFetcher, user_agent: str,
                 on_rules: Callable[[str, RobotsRules], None] | None = None) -> None:
        self._fetch = fetch
        self.user_agent = user_agent
        #: Called once per host with ``(robots_url, rules)`` right after they are fetched.
        self.on_rules = on_rules
        self._rules: dict[str, RobotsRules] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def rules(self, url: str) -> RobotsRules:
        key = robots_url(url)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._rules:
                status, body = self._fetch(key)
                self._rules[key] = parse_robots(status, body)
                if self.on_rules is not None:
                    self.on_rules(key, self._rules[key])
            return self._rules[key]

    def allowed(self, url: str) -> bool:
        return self.rules(url).allowed(url, self.user_agent)
