"""A per-document time limit that turns a runaway step into a reject instead of a hang.

In a process's main thread the limit is a ``SIGALRM`` interval timer; in any other thread (a
Dask worker's executor thread) one watchdog thread per process raises the exception
asynchronously in the late thread.  Both are delivered between Python bytecodes: a single
long C call (one huge regular-expression match, one lxml parse) finishes first, which is why
input size, DOM depth and node count are limited as well.
"""

from __future__ import annotations

import ctypes
import itertools
import math
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class DocumentTimeout(Exception):
    """Raised inside a step when a document exceeded its time limit."""


def _raise_timeout(signum: int, frame: object) -> None:
    raise DocumentTimeout()


class _Watchdog:
    """One daemon thread per process that raises :class:`DocumentTimeout` in threads past
    their deadline.  Arming and disarming are a dict update under a lock; the watchdog sleeps
    until the earliest deadline and is woken only when a new deadline comes before it, so a
    stream of documents costs no thread start and almost no wake-ups (a ``threading.Timer``
    per call started a thread per document and step)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._deadlines: dict[int, tuple[float, int]] = {}  # thread ident -> (deadline, token)
        self._fired: dict[int, int] = {}  # thread ident -> token of the limit that fired
        self._sleeping_until = math.inf
        self._tokens = itertools.count(1)
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float) -> int:
        ident = threading.get_ident()
        deadline = time.monotonic() + seconds
        with self._cond:
            token = next(self._tokens)
            self._deadlines[ident] = (deadline, token)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._watch, name="zhnews-time-limit", daemon=True)
                self._thread.start()
            elif deadline < self._sleeping_until:
                self._cond.notify()
        return token

    def disarm(self, token: int) -> None:
        ident = threading.get_ident()
        with self._cond:
            if self._deadlines.get(ident, (0.0, 0))[1] == token:
                del self._deadlines[ident]
            if self._fired.get(ident) == token:
                del self._fired[ident]
                # the exception may not have been delivered yet: cancel it
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), None)

    def _watch(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                for ident, (deadline, token) in list(self._deadlines.items()):
                    if deadline <= now:
                        del self._deadlines[ident]
                        self._fired[ident] = token
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(
                            ctypes.c_ulong(ident), ctypes.py_object(DocumentTimeout))
                self._sleeping_until = min((d for d, _ in self._deadlines.values()), default=math.inf)
                self._cond.wait(None if self._sleeping_until == math.inf else self._sleeping_until - now)


_WATCHDOG = _Watchdog()


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`DocumentTimeout` in the current thread after ``seconds`` (None: no limit)."""
    if not seconds or seconds <= 0:
        yield
        return
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        previous = signal.signal(signal.SIGALRM, _raise_timeout)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return
    token = _WATCHDOG.arm(seconds)
    try:
        yield
    finally:
        _WATCHDOG.disarm(token)
