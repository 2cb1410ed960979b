"""The executor interface: run :func:`~pipeline.engine.task.run_task` over many tasks.

Executors only chain steps over tasks: they know nothing of what the steps do (reading,
staging, dedup signatures) nor of the stages after the map.  An executor takes the shared
:class:`TaskSpec` and the tasks, and yields each :class:`TaskResult` as it finishes (in any
order: outputs are keyed by task id, so order does not change the dataset); it also runs any
picklable function on its workers (:meth:`Executor.map_calls`, the publish jobs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol, TypeVar

from pipeline.engine.task import TaskResult, TaskSpec
from pipeline.ingest import Task
from pipeline.steps import BaseStep

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    """Runs tasks somewhere and yields their results as they complete."""

    name: str
    #: worker processes (on a cluster we connect to: the most seen so far)
    workers: int
    #: whether the workers share this machine's cores (False: a cluster of other machines)
    local: bool

    def start(self, steps: Sequence[BaseStep], time_limit: float | None) -> None:
        """Begin starting workers and building their step state, without waiting (optional
        warm-up: ``map_tasks`` works without it)."""
        ...

    def map_tasks(self, spec: TaskSpec, tasks: Sequence[Task]) -> Iterator[TaskResult]: ...

    def prepare_calls(self, initializer: Callable[[], None]) -> None:
        """Start the processes :meth:`map_calls` will use now, each running ``initializer``
        (optional: ``map_calls`` works without it)."""
        ...

    def map_calls(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``[fn(item) for item in items]`` (``fn`` picklable) on the executor's workers (the
        local pool's are light processes of their own: its task workers exit after the last task)."""
        ...

    def close(self) -> None: ...
