"""The executor interface: run :func:`~pipeline.engine.task.run_task` over many tasks.

Executors know nothing about steps; steps know nothing about executors.  An executor takes
the shared :class:`TaskSpec` and the tasks, and yields each :class:`TaskResult` as it finishes
(in any order: outputs are keyed by task id, so order does not change the dataset).
"""

from __future__ import annotations

import os

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol, TypeVar

from pipeline.engine.task import TaskResult, TaskSpec
from pipeline.ingest import Task
from pipeline.steps import Step

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    """Runs tasks somewhere and yields their results as they complete."""

    name: str
    workers: int
    #: publish jobs worth running at once (see :func:`publish_jobs_for`); 1 publishes in the driver
    publish_jobs: int

    def start(self, steps: Sequence[Step], time_limit: float | None) -> None:
        """Begin starting workers and building their step state, without waiting (optional
        warm-up: ``map_tasks`` works without it)."""
        ...

    def map_tasks(self, spec: TaskSpec, tasks: Sequence[Task]) -> Iterator[TaskResult]: ...

    def map_calls(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``[fn(item) for item in items]`` (``fn`` picklable) on the executor's workers (the
        local pool's are light processes of their own: its task workers exit after the last task)."""
        ...

    def close(self) -> None: ...


#: Cores one publish job keeps busy: its own thread reads, fills and regroups the staged rows
#: while four writer threads encode (measured on a 12,058-row run: 2.3 CPU-s in 1.3 s wall).
CORES_PER_PUBLISH_JOB = 2


def publish_jobs_for(workers: int, cores: int | None = None) -> int:
    """Publish jobs for ``workers`` worker processes sharing this machine's ``cores``.

    One job already keeps about :data:`CORES_PER_PUBLISH_JOB` cores busy, so a second one only
    pays for itself when there are cores for it: on 2 cores two jobs in fresh processes took
    2.26-2.28 s against 1.63-1.64 s for one job in the driver (12,058 rows, alternating runs).
    """
    usable = min(max(1, workers), cores or os.cpu_count() or 1)
    return max(1, usable // CORES_PER_PUBLISH_JOB)
