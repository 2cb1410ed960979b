"""The warm parent of the local pool's workers: steps set up once, then forked per worker.

A worker spawned from scratch spends about two CPU-seconds importing the steps' libraries and
loading jieba's dictionary, OpenCC's tables and the model before its first document, and every
worker of a pool pays it again.  On Linux the pool starts its workers through Python's fork
server instead (:func:`~pipeline.engine.server.worker_context`), which imports this module
once, and only it: it sets up the steps of
the default configuration, and each worker forked from it starts with their process-wide state
(the tokenizer, the converters, the model) already loaded.  A worker then sets up the run's own
steps as usual (:func:`~pipeline.engine.task.warm_up`); what the default configuration already
loaded it finds in memory, anything else it loads itself, so a run of any configuration gives
the same rows.

The fork server is a fresh interpreter started by the driver, which forks each worker from its
main thread: no lock or thread of the driver is inherited (the libraries' own native threads,
OpenBLAS's and Arrow's jemalloc's, have fork handlers).  It dies with the driver
(:func:`~pipeline.engine.lifeline.set_parent_death_signal`), and its workers with it.
"""

from __future__ import annotations

import gc
import logging

from pipeline.engine.lifeline import set_parent_death_signal

log = logging.getLogger(__name__)


def set_up_default_steps() -> None:
    """Build the default configuration's steps and set every one up, in this process (the fork
    server, as it starts); then freeze what they loaded, so workers share it with the server
    rather than copy it (the garbage collector would otherwise touch every object)."""
    from pipeline.config import RunConfig
    from pipeline.steps import build_steps

    waiting: set[int] = set()  # the steps whose set-up began in another process
    try:
        steps = build_steps(RunConfig())
        # the process reading aside is forked with what is imported so far: frozen, neither
        # process's collector walks it, so neither copies those pages by writing to them
        gc.freeze()
        waiting = {id(step) for step in steps if step.start_setup_aside()}
    except Exception:  # noqa: BLE001 - a worker sets up its own steps and reports what fails
        log.debug("warm parent: default steps not built", exc_info=True)
        steps = []
    # each step on its own: one that fails must not leave another's reading process unjoined
    # (workers are forked from this process afterwards) or the others cold; the steps that
    # wait for a reading process last, so that the others are set up while it reads
    for step in sorted(steps, key=lambda step: id(step) in waiting):
        try:
            step._ensure_ready()
        except Exception:  # noqa: BLE001 - as above
            log.debug("warm parent: step %s not set up", step.name, exc_info=True)
    # what a worker unpickles its initializer and its tasks from
    import pipeline.engine.local  # noqa: F401

    gc.freeze()


# Only the fork server imports this module (the local pool names it as its preload).
set_parent_death_signal()
set_up_default_steps()
