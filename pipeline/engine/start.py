"""The run's executor, made from its config and started as early as the run allows.

Importing this module is cheap (the engines and the steps are imported when needed), so the
command line calls :func:`start_executor` right after taking the output's lock: with a local
pool of several workers, the warm fork server (:mod:`pipeline.engine.server`) then sets the
steps up while this process imports the engine, the steps and the rest of the run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.config import RunConfig
from pipeline.ingest import discover_inputs

if TYPE_CHECKING:
    from pipeline.engine.base import Executor
    from pipeline.steps import BaseStep


def make_executor(config: RunConfig, workers: int | None = None) -> Executor:
    """The executor named by the config (``local`` process pool or ``dask``), with ``workers``
    processes (default: the config's count)."""
    workers = config.resolved_workers() if workers is None else workers
    if config.engine == "local":
        from pipeline.engine.local import LocalExecutor

        return LocalExecutor(workers)
    if config.engine == "dask":
        from pipeline.extras import require_extra

        require_extra("dask", "the dask engine")
        from pipeline.engine.dask_executor import DaskExecutor

        return DaskExecutor(workers=workers, scheduler=config.scheduler)
    raise ValueError(f"unknown engine {config.engine!r} (local or dask)")


def start_executor(config: RunConfig, steps: list[BaseStep] | None = None) -> Executor:
    """The config's executor, its workers already starting and building their step state
    (they set up while this process imports, plans and checks what is already done).

    On this machine (the local pool, or a Dask cluster we start) the worker count is fitted to
    the inputs (:func:`~pipeline.engine.fit.fitted_workers`): a small input runs in this process.
    Call it from the main thread (a local pool's fork server lives as long as the thread that
    started it).
    """
    workers = None
    if config.engine == "local" or config.scheduler is None:
        from pipeline.engine.fit import fitted_workers

        workers = fitted_workers(config.workers, discover_inputs(config.inputs),
                                 config.task_max_files, config.task_max_bytes)
    if config.engine == "local" and workers is not None and workers > 1:
        from pipeline.engine.server import start_warm_server

        start_warm_server()  # before the imports below: its set-up is the longer of the two
    if steps is None:
        from pipeline.steps import build_steps

        steps = build_steps(config)
    executor = make_executor(config, workers)
    executor.start(steps, config.doc_time_limit)
    return executor
