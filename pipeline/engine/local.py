"""Local executor: the calling process (one worker) or a pool of worker processes.

Workers are started with ``spawn`` (no inherited threads or locks) and keep their set-up
pipeline between tasks, so jieba, OpenCC and the model load once per worker process.  They die
with the driver (:mod:`pipeline.engine.lifeline`).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import TypeVar

from pipeline.engine.lifeline import init_worker
from pipeline.engine.settings import IN_FLIGHT_PER_THREAD
from pipeline.engine.task import TaskResult, TaskSpec, largest_first, pipeline_key, run_task, warm_up
from pipeline.ingest import Task
from pipeline.steps import BaseStep

T = TypeVar("T")
R = TypeVar("R")


class LocalExecutor:
    """Runs tasks in this process (``workers=1``) or in a process pool."""

    name = "local"
    local = True

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, int(workers))
        self._pool: ProcessPoolExecutor | None = None  # the task workers, with their step state
        self._call_pool: ProcessPoolExecutor | None = None  # light processes for map_calls

    def start(self, steps: Sequence[BaseStep], time_limit: float | None) -> None:
        """Start every worker process now; each builds its step state as it starts (with one
        worker, this process builds it now)."""
        if self.workers == 1:
            warm_up(steps, time_limit, pipeline_key(steps, time_limit))
            return
        if self._pool is not None:
            return
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_worker,
            initargs=(os.getpid(), warm_up, list(steps), time_limit, pipeline_key(steps, time_limit)),
        )
        for _ in range(self.workers):  # the pool starts a process per submission while none is idle
            self._pool.submit(int)

    def map_tasks(self, spec: TaskSpec, tasks: Sequence[Task]) -> Iterator[TaskResult]:
        if self.workers == 1:
            for task in tasks:
                yield run_task(spec, task)
            return
        if self._pool is None and tasks:
            self.start(spec.steps, spec.doc_time_limit)
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
        for pool in (self._pool, self._call_pool):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        self._pool = self._call_pool = None
