"""Local executor: the calling process (one worker) or a pool of worker processes.

Workers are started with ``spawn`` (no inherited threads or locks) and keep their set-up
pipeline between tasks, so jieba, OpenCC and the model load once per worker process.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from pipeline.engine.task import TaskResult, TaskSpec, largest_first, run_task
from pipeline.ingest import Task


class LocalExecutor:
    """Runs tasks in this process (``workers=1``) or in a process pool."""

    name = "local"

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, int(workers))
        self._pool: ProcessPoolExecutor | None = None

    def map_tasks(self, spec: TaskSpec, tasks: Sequence[Task]) -> Iterator[TaskResult]:
        if self.workers == 1 or len(tasks) <= 1:
            for task in tasks:
                yield run_task(spec, task)
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn")
            )
        # Bounded submission: at most 2 tasks per worker in flight, so memory stays flat.
        pending: set[Future[TaskResult]] = set()
        queue = largest_first(tasks)
        queue.reverse()
        while queue or pending:
            while queue and len(pending) < 2 * self.workers:
                pending.add(self._pool.submit(run_task, spec, queue.pop()))
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
