"""The executor interface: run :func:`~pipeline.engine.task.run_task` over many tasks.

Executors know nothing about steps; steps know nothing about executors.  An executor takes
the shared :class:`TaskSpec` and the tasks, and yields each :class:`TaskResult` as it finishes
(in any order: outputs are keyed by task id, so order does not change the dataset).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from pipeline.engine.task import TaskResult, TaskSpec
from pipeline.ingest import Task


class Executor(Protocol):
    """Runs tasks somewhere and yields their results as they complete."""

    name: str
    workers: int

    def map_tasks(self, spec: TaskSpec, tasks: Sequence[Task]) -> Iterator[TaskResult]: ...

    def close(self) -> None: ...
