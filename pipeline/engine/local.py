"""Local executor: the calling process (one worker) or a pool of worker processes.

Task workers are forked by a fork server that set the steps up once
(:mod:`pipeline.engine.warm_parent`; elsewhere than Linux, spawned fresh), so none inherits the
driver's threads or locks and each starts with jieba, OpenCC and the model already loaded; they
keep their set-up pipeline between tasks.  They die with the driver
(:mod:`pipeline.engine.lifeline`).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import TypeVar

from pipeline.engine.lifeline import init_worker
from pipeline.engine.server import start_warm_server, worker_context
from pipeline.engine.settings import IN_FLIGHT_PER_THREAD
from pipeline.engine.task import TaskResult, TaskSpec, largest_first, pipeline_key, run_task, warm_up
from pipeline.ingest import Task
from pipeline.steps import BaseStep

T = TypeVar("T")
R = TypeVar("R")


def _start_processes(pool: ProcessPoolExecutor, count: int) -> None:
    """Have ``pool`` start ``count`` worker processes (one per submission while none is idle)."""
    for _ in range(count):
        pool.submit(int)


def start_worker(environ: dict[str, str], steps: Sequence[BaseStep], time_limit: float | None, key: str) -> None:
    """A task worker's initializer: take the driver's environment as it is now (a forked worker
    has the fork server's, from when the server started, and steps read settings such as
    ``ZHNEWS_MODEL_DIR`` from it), then set up the run's steps."""
    if os.environ != environ:
        os.environ.clear()
        os.environ.update(environ)
    warm_up(steps, time_limit, key)


class LocalExecutor:
    """Runs tasks in this process (``workers=1``) or in a process pool."""

    name = "local"
    local = True

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, int(workers))
        self._pool: ProcessPoolExecutor | None = None  # the task workers, with their step state
        self._call_pool: ProcessPoolExecutor | None = None  # light processes for map_calls
        self._starting: threading.Thread | None = None  # asking the pool for its workers

    def start(self, steps: Sequence[BaseStep], time_limit: float | None) -> None:
        """Start the workers' set-up now (with one worker, this process sets up now).

        The fork server starts setting the default steps up at once, and the workers are forked
        from it as soon as it is ready, while this process goes on; each then sets up only what
        the run's configuration adds.
        """
        if self.workers == 1:
            warm_up(steps, time_limit, pipeline_key(steps, time_limit))
            return
        if self._pool is not None:
            return
        context = worker_context()
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=init_worker,
            initargs=(os.getpid(), start_worker, dict(os.environ), list(steps), time_limit,
                      pipeline_key(steps, time_limit)),
        )
        if context.get_start_method() != "forkserver":
            _start_processes(self._pool, self.workers)
            return
        # The server from this thread, which lives as long as the process (a parent-death signal
        # fires when the thread that started the process ends), if it was not started earlier; a
        # forked worker waits for the server's set-up, so another thread asks for them while
        # this one goes on.
        start_warm_server()
        self._starting = threading.Thread(target=_start_processes, args=(self._pool, self.workers),
                                          name="zhnews-start-workers", daemon=True)
        self._starting.start()

    def map_tasks(self, spec: TaskSpec, tasks: Sequence[Task]) -> Iterator[TaskResult]:
        if self.workers == 1:
            for task in tasks:
                yield run_task(spec, task)
            return
        if self._pool is None and tasks:
            self.start(spec.steps, spec.doc_time_limit)
        self._started()
        # Bounded submission: a few tasks per worker in flight, so memory stays flat.
        pending: set[Future[TaskResult]] = set()
        pool = self._pool
        queue = largest_first(tasks)
        queue.reverse()
        while queue or pending:
            while queue and len(pending) < IN_FLIGHT_PER_THREAD * self.workers:
                assert pool is not None
                pending.add(pool.submit(run_task, spec, queue.pop()))
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
        # Every task is done: the task workers exit, freeing their step state (the larger part
        # of a worker's memory) before the driver's stages after the map peak.
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None

    def _started(self) -> None:
        """Wait until the pool has been asked for its workers (they may still be setting up)."""
        if self._starting is not None:
            self._starting.join()
            self._starting = None

    def prepare_calls(self, initializer: Callable[[], None]) -> None:
        """Start the light processes of :meth:`map_calls` now (they run ``initializer`` while
        the driver goes on); with one worker, calls run in this process."""
        if self.workers > 1:
            self._start_call_pool(initializer)

    def _start_call_pool(self, initializer: Callable[[], None] | None = None) -> ProcessPoolExecutor:
        if self._call_pool is None:
            self._call_pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=init_worker, initargs=(os.getpid(), initializer),
            )
            for _ in range(self.workers):  # the pool starts a process per submission while none is idle
                self._call_pool.submit(int)
        return self._call_pool

    def map_calls(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``[fn(item) for item in items]`` (``fn`` picklable), run by light worker processes
        (not the task workers: they exit when the last task is done)."""
        if self.workers == 1 or len(items) <= 1:
            return [fn(item) for item in items]
        return list(self._start_call_pool().map(fn, items))

    def close(self) -> None:
        self._started()
        for pool in (self._pool, self._call_pool):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        self._pool = self._call_pool = None
