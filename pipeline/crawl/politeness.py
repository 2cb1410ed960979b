"""Per-host politeness: a minimum delay between request starts and a concurrency cap.

Every request the crawler makes (pages, retries, redirect hops, robots.txt, sitemaps) takes
a slot from :class:`HostScheduler` first, so the delay holds whatever the request is for.
A host that answers 429/503 with ``Retry-After`` is paused as a whole, not just one URL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


class SchedulerClosed(Exception):
    """The crawl is stopping: no more requests may start."""


@dataclass(slots=True)
class _HostState:
    active: int = 0
    next_start: float = 0.0
    delay: float = 0.0


class HostScheduler:
    """Thread-safe gate: ``with scheduler.slot(host): request()``."""

    def __init__(
        self,
        delay: float,
        per_host: int = 1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if delay < 0 or per_host < 1:
            raise ValueError("delay must be >= 0 and per_host >= 1")
        self.delay = delay
        self.per_host = per_host
        self._clock = clock
        self._hosts: dict[str, _HostState] = {}
        self._cond = threading.Condition()
        self._closed = False

    def close(self) -> None:
        """Wake every waiting request with :class:`SchedulerClosed`; refuse new ones."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def _state(self, host: str) -> _HostState:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _HostState(delay=self.delay)
        return state

    def set_delay(self, host: str, delay: float) -> None:
        """Raise the host's delay (from robots.txt ``Crawl-delay``); never below the default."""
        with self._cond:
            self._state(host).delay = max(self.delay, delay)

    def pause(self, host: str, seconds: float) -> None:
        """No new request to ``host`` for ``seconds`` (``Retry-After``, backoff)."""
        with self._cond:
            state = self._state(host)
            state.next_start = max(state.next_start, self._clock() + seconds)
            self._cond.notify_all()

    def acquire(self, host: str) -> None:
        """Block until ``host`` has a free slot and its delay has passed, then take the slot."""
        with self._cond:
            state = self._state(host)
            while True:
                if self._closed:
                    raise SchedulerClosed(host)
                now = self._clock()
                if state.active < self.per_host and now >= state.next_start:
                    state.active += 1
                    state.next_start = now + state.delay
                    return
                wait = state.next_start - now if state.active < self.per_host else None
                self._cond.wait(timeout=wait if wait is None or wait > 0 else 0)

    def release(self, host: str) -> None:
        with self._cond:
            self._state(host).active -= 1
            self._cond.notify_all()

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        self.acquire(host)
        try:
            yield
        finally:
            self.release(host)

    def active(self, host: str) -> int:
        """Requests to ``host`` in flight now."""
        with self._cond:
            return self._state(host).active
