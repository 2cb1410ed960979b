"""Dask executor: the same tasks on a ``dask.distributed`` cluster.

Without a scheduler address it starts a :class:`~distributed.LocalCluster` of ``workers``
single-threaded worker processes on 127.0.0.1 (dashboard off); with an address it connects to
an existing scheduler (``dask scheduler`` + ``dask worker``, or dask-jobqueue on Slurm).

Each Dask task is one :func:`~pipeline.engine.task.run_task` call: the worker reads the task's
files, writes its own staging Parquet and completion marker, and returns a small
:class:`TaskResult`.  The output folder must therefore be visible to every worker (a shared
file system on a cluster).  The :class:`TaskSpec` is sent once per worker (scattered), and at
most ``2 x worker threads`` tasks are in flight, so the scheduler never holds the whole plan.
Per-worker state (jieba, OpenCC, the model) is built once per worker process by
``run_task``'s process-level cache, exactly as in the local process pool.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from pipeline.engine.task import TaskResult, TaskSpec, largest_first, run_task
from pipeline.ingest import Task

#: Tasks in flight per worker thread: one running, one queued so a worker never idles.
IN_FLIGHT_PER_THREAD = 2

#: Settings for the workers of a LocalCluster we start: no statistical profiler sampling the
#: busy thread's stack 100 times a second, and a slower system monitor (both are CPU taken
#: from the tasks; the dashboard that would show them is off anyway).
LOCAL_WORKER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "2s",
}


class DaskExecutor:
    """Runs tasks on a Dask cluster (a local one unless ``scheduler`` is given)."""

    name = "dask"

    def __init__(self, workers: int = 1, scheduler: str | None = None, retries: int = 1) -> None:
        self.workers = max(1, int(workers))
        self.scheduler = scheduler
        self.retries = retries
        self._client: Any = None
        self._cluster: Any = None

    # -- cluster ------------------------------------------------------------------------
    def _connect(self) -> Any:
        if self._client is not None:
            return self._client
        import dask
        from distributed import Client, LocalCluster

        if self.scheduler:
            self._client = Client(self.scheduler)
        else:
            with dask.config.set(LOCAL_WORKER_CONFIG):
                self._cluster = LocalCluster(
                    n_workers=self.workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                )
            self._client = Client(self._cluster)
        return self._client

    def _slots(self, client: Any) -> int:
        """Worker threads currently on the cluster (waits for at least one worker)."""
        client.wait_for_workers(1)
        return max(1, sum(client.nthreads().values()))

    # -- the interface --------------------------------------------------------------------
    def map_tasks(self, spec: TaskSpec, tasks: Sequence[Task]) -> Iterator[TaskResult]:
        if not tasks:
            return
        from distributed import as_completed

        client = self._connect()
        remote_spec = client.scatter(spec, broadcast=True, hash=False)
        queue = largest_first(tasks)
        queue.reverse()  # popped from the end

        def submit(task: Task) -> Any:
            return client.submit(run_task, remote_spec, task, key=f"zhnews-task-{task.task_id}-{uuid.uuid4().hex[:8]}",
                                 pure=False, retries=self.retries)

        running = as_completed()

        def top_up() -> None:
            # re-read the cluster size each time: an adaptive (jobqueue) cluster grows and shrinks
            limit = IN_FLIGHT_PER_THREAD * self._slots(client)
            while queue and running.count() < limit:
                running.add(submit(queue.pop()))

        top_up()
        for future in running:
            result: TaskResult = future.result()
            future.release()
            top_up()
            yield result

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
