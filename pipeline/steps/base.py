"""The step protocol: configuration in the constructor, heavy state built once per process.

A run is a list of steps (:mod:`pipeline.steps.registry`), as datatrove's ``PipelineStep``
list or scikit-learn's ``Pipeline``.  Every step

* keeps its configuration as constructor keyword arguments (plain data, recorded in the run
  manifest through :meth:`BaseStep.get_params`), built from the run config by
  :meth:`BaseStep.from_config`;
* builds its heavy state (jieba dictionary, OpenCC converter, model) lazily in
  :meth:`BaseStep.setup`, at most once per process (also when several threads of one worker
  reach it together); that state is never pickled, so a step can be shipped to a worker process
  or a Dask worker before or after it was used;
* declares the columns it fills (:attr:`BaseStep.columns`): a column the record
  (:class:`~pipeline.record.Doc`) does not have is added to the run's articles table.

Two kinds of steps: a :class:`Step` turns one :class:`~pipeline.record.Doc` into the same
``Doc`` (updated) or a :class:`~pipeline.record.Reject` (an exception inside :meth:`Step.process`
becomes a reject with reason ``error:<ExceptionType>``, never a crash of the run); a
:class:`StreamStep` works on a task's whole stream (reading the inputs, writing the staged
parts, computing the dedup signatures of each part).  A step may also contribute a
:class:`GlobalStage`, run on the driver over every task's staged output (global dedup).
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from pipeline.errors import InputRejected
from pipeline.limits import DocumentTimeout
from pipeline.record import DOC_COLUMNS, Column, Doc, Reject

if TYPE_CHECKING:
    import pyarrow as pa

    from pipeline.config import RunConfig
    from pipeline.ingest.discover import Task

log = logging.getLogger(__name__)

Result = Doc | Reject

#: What flows between steps: nothing (into a reader), batches of documents, staged parts.
NOTHING, DOCS, PARTS = "nothing", "docs", "parts"

#: Held while a step builds its state: two threads of one worker process (a ``dask worker``
#: started with several threads) that reach a step together build it once, not twice.
#: Re-entrant, so a step's ``setup`` may set up another step.
_SETUP_LOCK = threading.RLock()

_DOC_COLUMNS = {c.name: c for c in DOC_COLUMNS}


def record_columns(*names: str) -> tuple[Column, ...]:
    """The record's own columns ``names`` (for a step that fills fields of :class:`Doc`)."""
    missing = [n for n in names if n not in _DOC_COLUMNS]
    if missing:
        raise ValueError(f"not columns of the record: {', '.join(missing)}")
    return tuple(_DOC_COLUMNS[n] for n in names)


def added_columns(steps: Iterable[BaseStep]) -> tuple[Column, ...]:
    """The columns ``steps`` declare that the record does not have, in step order."""
    return tuple(c for step in steps for c in step.columns if c.name not in _DOC_COLUMNS)


class BaseStep:
    """What every step shares: a name, parameters, declared columns, state built once."""

    #: Short name: the step's name in the run config, in rejects and in timings.
    name: ClassVar[str] = "step"
    #: The columns this step fills (see :func:`record_columns`; others are added to the table).
    columns: ClassVar[tuple[Column, ...]] = ()
    #: What the step takes from the step before it, and gives to the next one.
    consumes: ClassVar[str] = DOCS
    produces: ClassVar[str] = DOCS

    def __init__(self) -> None:
        self._ready = False

    # -- configuration -------------------------------------------------------------------
    @classmethod
    def from_config(cls, config: RunConfig, section: Mapping[str, Any]) -> BaseStep:
        """The step a run config asks for (``section``: the config's section named after it)."""
        return cls(**section)

    def get_params(self) -> dict[str, Any]:
        """The constructor's keyword arguments, as in scikit-learn."""
        params = {}
        for pname in inspect.signature(type(self).__init__).parameters:
            if pname in ("self", "args", "kwargs"):
                continue
            params[pname] = getattr(self, pname, None)
        return params

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def provenance(self) -> dict[str, str | None]:
        """Facts about the run this step decides (model version, OpenCC config), recorded in
        the manifest and the provenance columns; read on the driver, so kept light."""
        return {}

    def global_stage(self, output_dir: Path) -> GlobalStage | None:
        """A stage to run on the driver over every task's staged output, if the step needs one."""
        return None

    # -- heavy state ---------------------------------------------------------------------
    def setup(self) -> None:
        """Build heavy state. Called once per process before the first document."""

    def start_setup_aside(self) -> bool:
        """Begin the part of :meth:`setup` that can run in another process while this process
        sets the other steps up; :meth:`setup` then collects it.  Whether anything was begun
        (default: nothing).  Only a process that sets up several steps before serving work
        calls it (the fork server of the local pool)."""
        return False

    def _ensure_ready(self) -> None:
        if getattr(self, "_ready", False):
            return
        with _SETUP_LOCK:
            if not getattr(self, "_ready", False):  # another thread may have finished it meanwhile
                self.setup()
                self._ready = True

    def __getstate__(self) -> dict[str, Any]:
        # Only configuration travels; every attribute starting with "_" is process-local state.
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._ready = False


class Step(BaseStep):
    """A per-document step: one document in, the same document (updated) or a reject out."""

    # -- processing ----------------------------------------------------------------------
    def process(self, doc: Doc) -> Result:
        """Transform one document. Subclasses implement this."""
        raise NotImplementedError

    #: Steps that gain from seeing many documents at once (vectorized models) set this and
    #: implement :meth:`process_batch`; others are called one document at a time.
    batched: ClassVar[bool] = False

    def process_batch(self, docs: list[Doc]) -> list[Result]:
        """Transform many documents; the default applies :meth:`process` to each."""
        return [self.process(doc) for doc in docs]

    def call_batch(self, docs: list[Doc]) -> list[Result]:
        """:meth:`process_batch` with the same guarantees as ``__call__``: should the batch
        fail, every document is retried alone, so one bad document becomes one reject."""
        self._ensure_ready()
        try:
            return self.process_batch(docs)
        except Exception:  # noqa: BLE001 - isolate the failing document(s)
            return [self(doc) for doc in docs]

    def tally(self, doc: Doc) -> Iterable[str]:
        """Labels of a finished document counted over the run (the manifest's ``topics``)."""
        return ()

    def __call__(self, doc: Doc) -> Result:
        self._ensure_ready()
        try:
            return self.process(doc)
        except InputRejected as exc:
            return Reject.of(doc, self.name, exc.reason, exc.detail)
        except DocumentTimeout:
            return Reject.of(doc, self.name, "timeout", "the document exceeded its time limit")
        except RecursionError:
            return Reject.of(doc, self.name, "too_deep", "recursion limit reached while processing")
        except MemoryError:
            return Reject.of(doc, self.name, "out_of_memory", "document too large to process")
        except Exception as exc:  # noqa: BLE001 - a reject instead of an exception is the contract
            log.debug("step %s failed on %s", self.name, doc.doc_id, exc_info=True)
            return Reject.of(doc, self.name, f"error:{type(exc).__name__}", str(exc))


@dataclass
class TaskContext:
    """What the steps of one task share: the task, where its output goes, and what it counts."""

    task: Task
    output_dir: Path
    #: who makes the rows (pipeline version, run id, model version, OpenCC config)
    provenance: Mapping[str, str | None]
    #: the columns the run's steps add to the articles table
    columns: tuple[Column, ...] = ()
    documents: int = 0
    rows: int = 0
    rejects: int = 0
    reject_reasons: Counter[str] = field(default_factory=Counter)
    topics: Counter[str] = field(default_factory=Counter)
    input_hashes: dict[str, str] = field(default_factory=dict)
    #: seconds spent per step
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def task_id(self) -> str:
        return self.task.task_id


class StreamStep(BaseStep):
    """A step over a task's whole stream (a reader, a writer): it takes what the step before it
    gives (:attr:`consumes`) and gives the next one what it :attr:`produces`."""

    def run(self, data: Iterator[Any], context: TaskContext) -> Iterator[Any]:
        """The step over the stream ``data`` of one task."""
        raise NotImplementedError


class RowFill(Protocol):
    """Values a global stage adds to the published rows (dedup's cluster columns)."""

    @property
    def columns(self) -> Sequence[str]:
        """The columns it fills (an incremental run compares them to find the partitions that change)."""
        ...

    def share(self, task_ids: Sequence[str]) -> RowFill:
        """What a publish job over these tasks needs (picklable, only their rows' values)."""
        ...

    def __call__(self, table: pa.Table) -> pa.Table:
        """``table`` (staged rows) with the stage's columns filled in."""
        ...


@dataclass
class StageOutcome:
    """What a global stage gives the run once every task was added."""

    #: recorded in the manifest under the stage's name
    params: dict[str, Any]
    #: columns it fills when publishing
    fill: RowFill | None = None
    #: run counts (the manifest's ``counts``, the run summary)
    counts: dict[str, int] = field(default_factory=dict)


class GlobalStage(Protocol):
    """A stage on the driver over every task's staged output, fed task by task as they finish."""

    name: str
    #: seconds spent working (not waiting for tasks)
    busy_seconds: float

    def add(self, task_id: str) -> None:
        """A task whose staged output is complete (resumed ones too), in any order."""
        ...

    def finish(self) -> StageOutcome:
        """The result once every task was added."""
        ...

    def cancel(self) -> None:
        """Stop without a result (the run failed)."""
        ...
