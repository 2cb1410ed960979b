"""Dask executor: the same tasks on a ``dask.distributed`` cluster.

Without a scheduler address it starts a :class:`~distributed.LocalCluster` of ``workers``
single-threaded worker processes on 127.0.0.1 (dashboard off); with an address it connects to
an existing scheduler (``dask scheduler`` + ``dask worker``, or dask-jobqueue on Slurm).

Each Dask task is one :func:`~pipeline.engine.task.run_task` call: the worker reads the task's
files, writes its own staging parts and completion marker, and returns a small
:class:`TaskResult`.  The output folder must therefore be visible to every worker (a shared
file system on a cluster).  The :class:`TaskSpec` is sent once per worker (scattered), and at
most ``2 x worker threads`` tasks are in flight, so the scheduler never holds the whole plan.
Per-worker state (jieba, OpenCC, the model) is built once per worker process by
``run_task``'s process-level cache, exactly as in the local process pool.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from pipeline.engine.settings import IN_FLIGHT_PER_THREAD
from pipeline.engine.task import TaskResult, TaskSpec, largest_first, pipeline_key, run_task, warm_up
from pipeline.ingest import Task
from pipeline.steps import BaseStep

T = TypeVar("T")
R = TypeVar("R")

log = logging.getLogger(__name__)

#: Settings for the scheduler, nannies and workers of a LocalCluster we start.  Dask's periodic
#: work (a statistical profiler sampling the busy thread's stack, the system monitor, event-loop
#: ticks and memory polls) takes CPU from the tasks: no profiler, and the rest every 500 ms or
#: more (the dashboard that would show them is off anyway, a blocked event loop is still
#: reported after ``distributed.admin.tick.limit``, and a worker past its memory limit is still
#: paused or restarted, half a second later at most).  The nannies' default environment also sets
#: ``MALLOC_TRIM_THRESHOLD_``, which turns off glibc's adaptive mmap threshold, so that every
#: temporary numpy array above 128 KB is mapped afresh and its pages faulted in again; our
#: workers hold a bounded working set and exit at the end of the run, so they keep glibc's defaults.
LOCAL_WORKER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.tick.interval": "500ms",
    "distributed.worker.memory.monitor-interval": "500ms",
    "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1},
}


#: Module every worker of a LocalCluster we start loads: it dies with the driver.
LIFELINE = "pipeline.engine.lifeline"


class DaskExecutor:
    """Runs tasks on a Dask cluster (a local one unless ``scheduler`` is given)."""

    name = "dask"

    def __init__(self, workers: int = 1, scheduler: str | None = None, retries: int = 1) -> None:
        self.workers = max(1, int(workers))
        self.scheduler = scheduler
        #: a LocalCluster's workers share this machine; a cluster we connect to has machines of its own
        self.local = scheduler is None
        self.retries = retries
        self._client: Any = None
        self._cluster: Any = None
        self._starting: threading.Thread | None = None
        self._start_error: BaseException | None = None
        self._warm_ups: list[Any] = []
        self._most_workers = 0  # worker processes seen on a cluster we did not start
        self._warned_threads = False

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
                    preload=[LIFELINE],  # the workers die with this process (their nannies live here)
                )
            self._client = Client(self._cluster)
        return self._client

    def _slots(self, client: Any) -> int:
        """Worker threads currently on the cluster (waits for at least one worker)."""
        client.wait_for_workers(1)
        nthreads: dict[str, int] = client.nthreads()
        if self.scheduler:
            self._observe(nthreads)
        return max(1, sum(nthreads.values()))

    def _observe(self, nthreads: dict[str, int]) -> None:
        """On a cluster we did not start: :attr:`workers` becomes the most worker processes
        seen (the manifest records it, publishing shares its work out by it), and workers with
        several threads are reported once (a zhnews task holds the GIL for most of its work, so
        a second thread in one worker process gains nothing)."""
        self._most_workers = max(self._most_workers, len(nthreads))
        self.workers = self._most_workers
        threaded = sum(1 for n in nthreads.values() if n > 1)
        if threaded and not self._warned_threads:
            self._warned_threads = True
            log.warning("%d of %d Dask workers run several threads; a zhnews task holds the GIL, so "
                        "the threads of one worker process take turns for most of a task: start "
                        "workers with one process per core and one thread each "
                        "('dask worker ADDR --nworkers auto --nthreads 1')", threaded, len(nthreads))

    # -- the interface --------------------------------------------------------------------
    def start(self, steps: Sequence[BaseStep], time_limit: float | None) -> None:
        """Connect (or start the LocalCluster) in a background thread and have every worker
        present build its step state, while the driver goes on planning."""
        if self._starting is not None or self._client is not None:
            return
        steps, key = list(steps), pipeline_key(steps, time_limit)

        def begin() -> None:
            try:
                client = self._connect()
                for address in client.scheduler_info()["workers"]:
                    self._warm_ups.append(client.submit(
                        warm_up, steps, time_limit, key, workers=[address], allow_other_workers=False,
                        pure=False, key=f"zhnews-warm-up-{uuid.uuid4().hex[:8]}"))
            except BaseException as exc:  # re-raised by map_tasks
                self._start_error = exc

        self._starting = threading.Thread(target=begin, name="zhnews-dask-start", daemon=True)
        self._starting.start()

    def _started_client(self) -> Any:
        if self._starting is not None:
            self._starting.join()
            self._starting = None
            if self._start_error is not None:
                raise self._start_error
        return self._connect()

    def map_tasks(self, spec: TaskSpec, tasks: Sequence[Task]) -> Iterator[TaskResult]:
        if not tasks:
            return
        from distributed import as_completed

        client = self._started_client()
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

    def prepare_calls(self, initializer: Callable[[], None]) -> None:
        """Nothing to start: calls run on the cluster's workers, which are up."""

    def map_calls(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``[fn(item) for item in items]``, run on the cluster's workers (``fn`` picklable)."""
        if not items:
            return []
        client = self._started_client()
        futures = client.map(fn, list(items), pure=False, retries=self.retries,
                             key=[f"zhnews-call-{uuid.uuid4().hex[:12]}" for _ in items])
        try:
            return client.gather(futures)
        finally:
            for future in futures:
                future.release()

    def close(self) -> None:
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        for future in self._warm_ups:
            future.release()
        self._warm_ups.clear()
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
