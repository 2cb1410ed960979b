"""Steps chained over one task's stream, as datatrove's executors chain a ``PipelineStep`` list.

:class:`Chain` gives each step the iterator the step before it returned and drains the last
one.  Consecutive per-document steps run together in a :class:`StepPipeline`, batch by batch,
so one time limit covers all of a document's steps and a batched step (classify) sees every
document still alive in the batch.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from pipeline.limits import DocumentTimeout, time_limit
from pipeline.record import Doc, Reject
from pipeline.steps.base import BaseStep, Result, Step, StreamStep, TaskContext, added_columns


class StepPipeline:
    """Per-document steps applied to each document in turn; stops at the first reject."""

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
        step gets every document still alive at that point in one call.  Rejects (from
        reading) pass through untouched.
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
                for i, outcome in zip(alive, outcomes, strict=True):
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

    def run(self, data: Iterable[list[Doc | Reject]], context: TaskContext) -> Iterator[list[Result]]:
        """The steps over a task's stream of batches; each finished document's labels counted
        (:meth:`Step.tally`), the seconds per step added to the task's timings."""
        for step in self.steps:
            context.timings.setdefault(step.name, 0.0)
        before = dict(self.timings)
        try:
            for batch in data:
                results = self.run_batch(batch)
                for result in results:
                    if isinstance(result, Doc):
                        for step in self.steps:
                            context.topics.update(step.tally(result))
                yield results
        finally:
            for name, seconds in self.timings.items():
                context.timings[name] += seconds - before[name]

    def get_params(self) -> dict[str, dict[str, Any]]:
        return {step.name: step.get_params() for step in self.steps}


class Chain:
    """The steps of a run over one task: readers, per-document steps, writers, in order."""

    def __init__(self, steps: Sequence[BaseStep], time_limit: float | None = None) -> None:
        self.steps = list(steps)
        self.time_limit = time_limit

    def links(self) -> list[StepPipeline | StreamStep]:
        """The steps as links of the chain: runs of per-document steps grouped in a
        :class:`StepPipeline` (with timings of its own)."""
        links: list[StepPipeline | StreamStep] = []
        group: list[Step] = []
        for step in self.steps:
            if isinstance(step, Step):
                group.append(step)
                continue
            if group:
                links.append(StepPipeline(group, self.time_limit))
                group = []
            if not isinstance(step, StreamStep):
                raise TypeError(f"{step!r} is neither a Step nor a StreamStep")
            links.append(step)
        if group:
            links.append(StepPipeline(group, self.time_limit))
        return links

    def run(self, context: TaskContext) -> None:
        """Every step over the task of ``context``, to the end of the stream."""
        context.columns = added_columns(self.steps)
        data: Iterator[Any] = iter(())
        for link in self.links():
            if isinstance(link, StreamStep):
                link._ensure_ready()
            data = iter(link.run(data, context))
        collections.deque(data, maxlen=0)


def check_order(steps: Sequence[BaseStep]) -> None:
    """Raise ValueError unless each step takes what the step before it gives (a reader first)."""
    gives = "nothing"
    for step in steps:
        if step.consumes != gives:
            where = f"after {gives}" if gives != "nothing" else "first"
            raise ValueError(f"step {step.name!r} takes {step.consumes} but comes {where}: "
                             "a run reads first, then per-document steps, then stages what they give")
        gives = step.produces
