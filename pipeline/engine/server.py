"""The local pool's warm fork server (:mod:`pipeline.engine.warm_parent`): how task workers start.

Its set-up (the steps' libraries, jieba's dictionary, OpenCC, the model) is the longest stretch
before the first task, so :func:`start_warm_server` may be called as soon as a run knows it will
fork workers, before this process imports the engine and the steps: the server sets up while
the driver imports, plans and hashes.  This module imports nothing heavy for that reason.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import sys
from multiprocessing.context import BaseContext

#: The module the fork server imports as it starts: it sets the default steps up once.
WARM_PARENT = "pipeline.engine.warm_parent"


def worker_context() -> BaseContext:
    """How task workers start: forked by the warm fork server where the kernel ties it to the
    driver's life (Linux), a fresh interpreter each elsewhere."""
    if sys.platform.startswith("linux") and "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([WARM_PARENT])
        return context
    return multiprocessing.get_context("spawn")


def start_warm_server() -> bool:
    """Start the fork server now, without waiting for its set-up; whether there is one (Linux).

    Call it from a thread that lives as long as the process (the main thread): the server gets a
    parent-death signal, which the kernel sends when the thread that started it ends.  Starting
    it again is a no-op, so the pool that later forks workers from it finds it running."""
    context = worker_context()
    if context.get_start_method() != "forkserver":
        return False
    multiprocessing.forkserver.ensure_running()
    return True
