"""A per-document time limit that turns a runaway step into a reject instead of a hang.

In a process's main thread the limit is a ``SIGALRM`` interval timer; in any other thread (a
Dask worker's executor thread) a timer thread raises the exception asynchronously in the
worker thread.  Both are delivered between Python bytecodes: a single long C call (one huge
regular-expression match, one lxml parse) finishes first, which is why input size, DOM depth
and node count are limited as well.
"""

from __future__ import annotations

import ctypes
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class DocumentTimeout(Exception):
    """Raised inside a step when a document exceeded its time limit."""


def _raise_timeout(signum: int, frame: object) -> None:
    raise DocumentTimeout()


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
    target = threading.get_ident()
    fired = threading.Event()
    done = threading.Event()

    def fire() -> None:
        if not done.is_set():
            fired.set()
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(DocumentTimeout))

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        done.set()
        timer.cancel()
        if fired.is_set():  # the exception may still be pending: clear it
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), None)
