"""One task of the map: the run's steps chained over the task's inputs, then its completion marker.

:func:`run_task` is a module-level function of picklable arguments, so any executor (a
process pool, Dask) can run it.  It knows no step: it chains them (:class:`~pipeline.steps.Chain`)
and the steps read the task's inputs and write its staged output; nothing but a small
:class:`TaskResult` travels back.  The completion marker is written last, atomically, so a
task either counts as done with all its output present or is redone from scratch.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import pickle
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline.ingest import InputFile, Task
from pipeline.io.atomic import write_json_atomic
from pipeline.io.lock import writing
from pipeline.io.rundir import marker_path
from pipeline.steps import BaseStep, Chain, TaskContext
from pipeline.steps.settings import DOC_TIME_LIMIT

log = logging.getLogger(__name__)

#: Version of what a task leaves behind: a marker of another version is not trusted (the task is redone).
OUTPUT_FORMAT = 3


@dataclass
class TaskSpec:
    """What every task of a run shares: the steps (configuration only), where to write, and
    who makes the rows (the provenance the steps record)."""

    steps: list[BaseStep]
    output_dir: str
    provenance: dict[str, str | None]
    doc_time_limit: float | None = DOC_TIME_LIMIT
    cache_key: str = ""
    #: an object-store output, when the workers share no disk with the driver: each task runs in
    #: a scratch folder of its worker and uploads what it staged there (:func:`run_task`)
    store: str | None = None

    def __post_init__(self) -> None:
        if not self.cache_key:
            self.cache_key = pipeline_key(self.steps, self.doc_time_limit)


@dataclass
class TaskResult:
    """What a finished task reports back to the driver."""

    task_id: str
    documents: int = 0
    rows: int = 0
    rejects: int = 0
    reject_reasons: dict[str, int] = field(default_factory=dict)
    topics: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    input_hashes: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    skipped: bool = False

    @classmethod
    def of(cls, context: TaskContext, seconds: float) -> TaskResult:
        """The result of the task the steps ran with ``context``."""
        return cls(task_id=context.task_id, documents=context.documents, rows=context.rows, rejects=context.rejects,
                   reject_reasons=dict(context.reject_reasons), topics=dict(context.topics),
                   timings=dict(context.timings), input_hashes=dict(context.input_hashes), seconds=seconds)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


# Per-process steps: unpickled once per task, but their heavy state is built only once per
# process because the set-up steps are kept here, keyed by configuration (under a lock: the
# threads of one multi-threaded Dask worker share them).
_STEPS: dict[str, list[BaseStep]] = {}
_STEPS_LOCK = threading.Lock()


def pipeline_key(steps: Sequence[BaseStep], time_limit: float | None) -> str:
    """The key of a step configuration in this process's cache of set-up steps."""
    return hashlib.sha1(pickle.dumps((list(steps), time_limit))).hexdigest()


def _shared_steps(key: str, steps: Sequence[BaseStep]) -> list[BaseStep]:
    """This process's steps for ``key``, ``steps`` themselves if there are none yet."""
    with _STEPS_LOCK:
        return _STEPS.setdefault(key, list(steps))


def warm_up(steps: Sequence[BaseStep], time_limit: float | None, key: str) -> None:
    """Build this process's steps for ``steps`` and every step's state now.

    Executors call it as soon as a worker process starts, so the set-up (jieba's dictionary,
    OpenCC, the model) overlaps the driver's planning instead of delaying the first task.  A
    set-up error is not raised here: the first task meets it again and reports it.
    """
    for step in _shared_steps(key, steps):
        try:
            step._ensure_ready()
        except Exception:  # noqa: BLE001 - reported by the first task that needs the step
            log.debug("warm-up of step %s failed", step.name, exc_info=True)
            return
    # The set-up state lives as long as the process: keep the cyclic garbage collector from
    # walking it again at every full collection.
    gc.freeze()


def estimated_cost(task: Task) -> float:
    """Expected work of ``task``: its input bytes weighted by kind (``InputFile.cost``)."""
    return sum(f.cost for f in task.files)


def largest_first(tasks: Sequence[Task]) -> list[Task]:
    """Tasks in submission order: most expected work first (:func:`estimated_cost`), so the
    last ones to finish are small and workers end together (ties keep the plan order)."""
    return sorted(tasks, key=lambda task: -estimated_cost(task))


def run_task(spec: TaskSpec, task: Task) -> TaskResult:
    """Chain the steps over ``task``, then write its completion marker (with ``spec.store``: in
    a scratch folder, then upload the task's staged folder and marker to the store)."""
    if spec.store is not None:
        from pipeline.io.remote import upload_task

        with tempfile.TemporaryDirectory(prefix="zhnews-task-") as scratch:
            result = run_task(replace(spec, output_dir=scratch, store=None), task)
            upload_task(Path(scratch), spec.store, task.task_id)
        return result
    started = time.perf_counter()
    context = TaskContext(task=task, output_dir=Path(spec.output_dir), provenance=spec.provenance)
    with writing(spec.output_dir):  # a run starting on this folder waits for it (a driver that died)
        Chain(_shared_steps(spec.cache_key, spec.steps), spec.doc_time_limit).run(context)
        result = TaskResult.of(context, time.perf_counter() - started)
        marker = result.to_dict() | {"files": [asdict(f) for f in task.files], "format": OUTPUT_FORMAT}
        write_json_atomic(marker_path(spec.output_dir, task.task_id), marker)
    return result


def load_marker(output_dir: str | Path, task_id: str) -> TaskResult | None:
    """The result recorded by a finished task, or None when it has not completed (or completed
    in another version's output format)."""
    record = load_record(output_dir, task_id)
    return None if record is None else record[0]


def load_record(output_dir: str | Path, task_id: str) -> tuple[TaskResult, list[InputFile]] | None:
    """The result and the input files recorded by a finished task (None as for :func:`load_marker`)."""
    path = marker_path(output_dir, task_id)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.pop("format", None) != OUTPUT_FORMAT:
            return None
        files = [InputFile(**entry) for entry in data.pop("files")]
        result = TaskResult(**data)
    except (OSError, ValueError, TypeError, KeyError):
        return None
    result.skipped = True
    return result, files
