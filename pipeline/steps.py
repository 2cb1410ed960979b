"""The step protocol: configuration in the constructor, heavy state built once per process.

Every stage of the per-document pass is a :class:`Step`.  A step

* keeps its configuration as constructor keyword arguments (plain data, recorded in the run
  manifest through :meth:`Step.get_params`);
* builds its heavy state (jieba dictionary, OpenCC converter, model) lazily in
  :meth:`Step.setup`, at most once per process (also when several threads of one worker reach
  it together); that state is never pickled, so a step can be shipped to a worker process or
  a Dask worker before or after it was used;
* turns a :class:`~pipeline.record.Doc` into the same ``Doc`` (updated) or a
  :class:`~pipeline.record.Reject`; an exception inside :meth:`Step.process` becomes a reject
  with reason ``error:<ExceptionType>``, never a crash of the run.
"""

from __future__ import annotations

import inspect
import logging
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, ClassVar

from pipeline.errors import InputRejected
from pipeline.limits import DocumentTimeout, time_limit
from pipeline.record import Doc, Reject

log = logging.getLogger(__name__)

Result = Doc | Reject

#: Held while a step builds its state: two threads of one worker process (a ``dask worker``
#: started with several threads) that reach a step together build it once, not twice.
#: Re-entrant, so a step's ``setup`` may set up another step.
_SETUP_LOCK = threading.RLock()


class Step:
    """Base class of every per-document stage."""

    #: Short stage name, used in rejects and timings.
    name: ClassVar[str] = "step"

    def __init__(self) -> None:
        self._ready = False

    # -- configuration -------------------------------------------------------------------
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

    # -- heavy state ---------------------------------------------------------------------
    def setup(self) -> None:
        """Build heavy state. Called once per process before the first document."""

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


class StepPipeline:
    """A sequence of steps applied to each document in turn; stops at the first reject."""

    def __init__(self, steps: Sequence[Step], time_limit: float | None = None) -> None:
        self.steps = list(steps)
        #: Seconds one document may spend in all steps together (None: no limit).
        self.time_limit = time_limit
        #: Seconds spent in each step in this process (for per-stage time shares).
        self.timings: dict[str, float] = {step.name: 0.0 for step in self.steps}

    def __call__(self, doc: Doc) -> Result:
        return self.run_batch([doc])[0]

    def run_batch(self, items: list[Doc | Reject]) -> list[Result]:
        """Apply the steps to a batch, in order; equal to calling the pipeline on each item.

        Per-document steps run one document at a time; each document's time in them counts
        against one budget of ``time_limit`` seconds for all steps together.  A ``batched``
        step gets every document still alive at that point in one call.
        """
        results: list[Result] = list(items)
        spent = [0.0] * len(results)
        for step in self.steps:
            step._ensure_ready()  # set-up time does not count against a document
            alive = [i for i, r in enumerate(results) if isinstance(r, Doc)]
            if not alive:
                break
            if step.batched:
                started = time.perf_counter()
                outcomes = step.call_batch([results[i] for i in alive])  # type: ignore[misc]
                self.timings[step.name] += time.perf_counter() - started
                for i, outcome in zip(alive, outcomes):
                    results[i] = outcome
                continue
            for i in alive:
                results[i], elapsed = self._call_limited(step, results[i], spent[i])  # type: ignore[arg-type]
                spent[i] += elapsed
        return results

    def _call_limited(self, step: Step, doc: Doc, spent: float) -> tuple[Result, float]:
        """One step on one document, timed, within what is left of the document's budget."""
        timeout = Reject.of(doc, step.name, "timeout", f"over the limit of {self.time_limit} s per document")
        remaining = None if self.time_limit is None else self.time_limit - spent
        if remaining is not None and remaining <= 0:
            return timeout, 0.0
        started = time.perf_counter()
        try:
            with time_limit(remaining):
                result = step(doc)
        except DocumentTimeout:
            result = timeout
        elapsed = time.perf_counter() - started
        self.timings[step.name] += elapsed
        return result, elapsed

    def run(self, docs: Iterable[Doc | Reject]) -> Iterator[Result]:
        """Apply the steps to a stream; rejects coming from ingest pass through untouched."""
        for doc in docs:
            if isinstance(doc, Reject):
                yield doc
            else:
                yield self(doc)

    def get_params(self) -> dict[str, dict[str, Any]]:
        return {step.name: step.get_params() for step in self.steps}
