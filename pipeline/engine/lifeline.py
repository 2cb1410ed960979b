"""Worker processes die with the driver that started them.

A worker whose driver was killed (SIGKILL, out of memory) would otherwise finish its task, find
nobody to report to and wait for ever, holding its memory and perhaps writing into an output
folder a new run is using.  Two guards, set as a worker starts (:func:`bind_to_parent`):

* on Linux, ``prctl(PR_SET_PDEATHSIG, SIGKILL)``: the kernel kills the worker when its parent
  dies (the parent's thread that started it, in fact: our pools start workers from threads that
  live as long as the pool).  The local pool's workers are forked by a fork server the driver
  started (:mod:`pipeline.engine.warm_parent`), which is itself killed when the driver dies: a
  worker binds to that server, its parent;
* everywhere, a daemon thread that polls the parent pid and kills its own process when the
  parent is gone (the worker is re-parented), within :data:`PARENT_POLL_SECONDS`.

The local process pools run :func:`init_worker` as their initializer; the workers of a Dask
LocalCluster load this module as a preload (:func:`dask_setup`).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

from pipeline.engine.settings import PARENT_POLL_SECONDS

#: ``PR_SET_PDEATHSIG`` of ``<linux/prctl.h>``.
_PR_SET_PDEATHSIG = 1


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def set_parent_death_signal() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False elsewhere or on failure."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int, interval: float) -> None:
    event = threading.Event()
    while not event.wait(interval):
        if os.getppid() != parent:
            _die()


def _parent_of(pid: int) -> int | None:
    """The parent of process ``pid`` (Linux: from ``/proc``), None when unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        return None
    return int(text[text.rindex(")") + 2:].split()[1])


def bind_to_parent(parent: int | None = None, interval: float = PARENT_POLL_SECONDS) -> None:
    """Make this process die with ``parent`` (by default its parent now), directly or through
    its parent, a fork server of ``parent``'s that dies with it."""
    parent = os.getppid() if parent is None else parent
    direct = os.getppid()
    if direct != parent and _parent_of(direct) != parent:  # the parent died before we got here
        _die()
    set_parent_death_signal()
    if os.getppid() != direct:  # the parent died before the signal was asked for
        _die()
    threading.Thread(target=_watch, args=(direct, interval), name="zhnews-parent-watch", daemon=True).start()


def init_worker(parent: int, initializer: Callable[..., Any] | None = None, *args: Any) -> None:
    """Process-pool initializer: bind to the driver ``parent``, then run ``initializer(*args)``."""
    bind_to_parent(parent)
    if initializer is not None:
        initializer(*args)


def dask_setup(worker: Any) -> None:
    """Dask preload hook: a LocalCluster worker dies with the driver (its nanny's process)."""
    bind_to_parent()
