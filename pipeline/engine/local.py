"""Local executor: the calling process (one worker) or a pool of worker processes.

Workers are started with ``spawn`` (no inherited threads or locks) and keep their set-up
pipeline between tasks, so jieba, OpenCC and the model load once per worker process.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from pipeline.engine.base import publish_jobs_for
from pipeline.engine.task import TaskResult, TaskSpec, largest_first, pipeline_key, run_task, warm_up
from pipeline.ingest import Task
from pipeline.steps import Step

T = TypeVar("T")
R = TypeVar("R")


class LocalExecutor:
    """Runs tasks in this process (``workers=1``) or in a process pool."""

    name = "local"

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, int(workers))
        self.publish_jobs = publish_jobs_for(self.workers)
        self._pool: ProcessPoolExecutor | None = None  # the task workers, with their step state
        self._call_pool: ProcessPoolExecutor | None = None  # light processes for map_calls

    def start(self, steps: Sequence[Step], time_limit: float | None) -> None:
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
            initializer=warm_up,
            initargs=(list(steps), time_limit, pipeline_key(steps, time_limit)),
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
        # Bounded submission: at most 2 tasks per worker in flight, so memory stays flat.
        pending: set[Future[TaskResult]] = set()
        pool = self._pool
        queue = largest_first(tasks)
        queue.reverse()
        while queue or pending:
            while queue and len(pending) < 2 * self.workers:
                assert pool is not None
                pending.add(pool.submit(run_task, spec, queue.pop()))
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
        # Every task is done: the task workers exit, freeing their step state (~600 MB each)
        # before the driver's global steps peak, and, when publishing will use them, light
        # processes start for map_calls (they import while the driver clusters).
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None
        if self.publish_jobs > 1:
            self._start_call_pool()

    def _start_call_pool(self) -> ProcessPoolExecutor:
        if self._call_pool is None:
            self._call_pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_import_publish
            )
            for _ in range(self.workers):
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


def _import_publish() -> None:
    """Initializer of the light processes: import what publish jobs run."""
    import pipeline.io.publish  # noqa: F401
