"""Global deduplication on the driver, fed task by task while the executor is still running.

Each task staged its articles' dedup features beside them (:class:`~pipeline.dedup.step.DedupStep`).
:class:`GlobalDedup` is a driver thread that reads each finished task's features into a
:class:`~pipeline.dedup.core.DedupIndex`, so that when the last task ends only the clustering is
left, and the driver stays light however many workers feed it.  A task staged without features
(or with features of other parameters) is featurized here from its staged text.  Each task's
features are kept in the run folder (``_run/dedup/<task>/``, linked from staging), so a later
incremental run reads a published task's features there, without its text.  The index's
result does not depend on the order in which documents arrive, so completion order does not
matter.  The clusters reach the published rows through :class:`DedupColumns`.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline.dedup.core import Deduplicator
from pipeline.dedup.features import FEATURES_PART, FeatureBatch, featurize, from_table, table_params, to_table
from pipeline.dedup.settings import TEXT_BATCH
from pipeline.dedup.types import DedupInput, DedupResult, DupInfo
from pipeline.io.atomic import STAGING_SUFFIX, write_staging_atomic
from pipeline.io.rundir import link_or_copy, stage_store
from pipeline.io.staging import ARTICLES_PART, beside, iter_part_columns, iter_staging_columns, read_part, staging_parts
from pipeline.memory import release_freed_memory
from pipeline.steps.base import StageOutcome

#: the publication time as found (an ISO string, which dedup compares), not the UTC instant
_COLUMNS = ("doc_id", "text", "published_at_original", "char_count")
_END = object()


class DedupCancelled(Exception):
    """Raised inside the dedup thread when the run stops before all tasks were added."""


class GlobalDedup:
    """Dedup over staged articles, in a thread, one finished task at a time.

    ``add(task_id)`` for every task whose staging is complete (resumed ones too), then
    ``finish()`` gives the clusters (as :class:`DedupColumns`) and the parameters and counts to
    record; ``cancel()`` stops it without a result.
    """

    name = "dedup"

    def __init__(self, output_dir: Path, params: Mapping[str, Any]) -> None:
        self.output_dir = Path(output_dir)
        self.dedup = Deduplicator(**params)
        self.feature_params = self.dedup.feature_params()
        # shingle sets past memory go beside the staged parts (same disk, removed with the file)
        self.index = self.dedup.index(spill_dir=self.output_dir)
        self.busy_seconds = 0.0  # time spent deduplicating, not waiting for tasks
        #: the doc ids read from each task's staged features (publish shares out their results)
        self.task_docs: dict[str, list[str]] = {}
        #: tasks whose features were computed here from their staged text (none staged, or stale)
        self.featurized_here: list[str] = []
        self._tasks: queue.Queue[object] = queue.Queue()
        self._cancelled = threading.Event()
        self._result: DedupResult | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="zhnews-dedup", daemon=True)
        self._thread.start()

    def add(self, task_id: str) -> None:
        self._tasks.put(task_id)

    def finish(self) -> StageOutcome:
        """Wait for the clustering of everything added: the columns to fill in, the dedup
        parameters (with the clustering's statistics) and the number of duplicates."""
        self._tasks.put(_END)
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        result = self._result
        stats = dict(result.stats) | {"tasks_featurized_by_driver": len(self.featurized_here)}
        duplicates = sum(1 for info in result.values() if not info.is_canonical)
        return StageOutcome(params=self.dedup.get_params() | {"stats": stats},
                            fill=DedupColumns(result, self.output_dir, self.task_docs),
                            counts={"duplicates": duplicates})

    def cancel(self) -> None:
        """Stop at the next batch (not after every task already queued) and wait for the thread."""
        self._cancelled.set()
        self._tasks.put(_END)  # wakes a thread waiting for the next task
        self._thread.join()

    def _batches(self) -> Iterator[FeatureBatch]:
        while True:
            waited = time.perf_counter()
            item = self._tasks.get()
            self.busy_seconds -= time.perf_counter() - waited
            if self._cancelled.is_set():
                raise DedupCancelled()
            if item is _END:
                return
            task_id = str(item)
            docs = self.task_docs.setdefault(task_id, [])
            for batch in self._task_features(task_id):
                if self._cancelled.is_set():
                    raise DedupCancelled()
                docs.extend(batch.doc_ids)
                yield batch

    def _task_features(self, task_id: str) -> Iterator[FeatureBatch]:
        """The features of every articles part of ``task_id``: staged (computed here when
        missing or stale, and kept in the run folder), or kept by the run that published it."""
        store = stage_store(self.output_dir, self.name, task_id)
        parts = list(staging_parts(self.output_dir, [task_id], ARTICLES_PART))
        if not parts:
            yield from self._kept_features(task_id)
            return
        for _, path in parts:
            staged = beside(path, FEATURES_PART)
            table = read_part(staged) if staged.exists() else None
            if table is None or table_params(table.schema) != self.feature_params:
                if task_id not in self.featurized_here:
                    self.featurized_here.append(task_id)
                batches = list(self.dedup.featurized(_staged_records(path)))
                tables = [to_table(batch, self.feature_params) for batch in batches]
                table = pa.concat_tables(tables) if tables else to_table(
                    featurize([], **self.feature_params), self.feature_params)
                write_staging_atomic(table, staged)
            link_or_copy(staged, store / staged.name)
            yield from_table(table)

    def _kept_features(self, task_id: str) -> Iterator[FeatureBatch]:
        store = stage_store(self.output_dir, self.name, task_id)
        if not store.is_dir():
            raise FileNotFoundError(f"task {task_id} has neither staged rows nor kept dedup features ({store})")
        for path in sorted(store.glob(f"{FEATURES_PART}-*{STAGING_SUFFIX}")):
            table = read_part(path)
            if table_params(table.schema) != self.feature_params:
                raise ValueError(f"{path}: dedup features of other parameters than this run's")
            yield from_table(table)

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            # the clustering's one import, now while tasks run rather than after the last
            import scipy.sparse  # noqa: F401

            for batch in self._batches():
                self.index.add(batch)
            self._result = self.index.result()
            # the index has dropped its per-document state; hand those pages back before
            # publishing starts processes of its own (peak RSS of a large run)
            release_freed_memory()
        except DedupCancelled:
            pass
        except BaseException as exc:  # handed to the caller by finish()
            self._error = exc
        self.busy_seconds += time.perf_counter() - started


def _staged_records(path: Path) -> Iterator[DedupInput]:
    """The dedup view of every row of a staged articles part."""
    for values in iter_part_columns(path, _COLUMNS, TEXT_BATCH):
        for d, t, p, c in zip(*(values[c] for c in _COLUMNS), strict=True):
            yield DedupInput(doc_id=d, text=t or "", published_at=p, char_count=c or 0)


class DedupColumns:
    """The dedup columns of published rows: each row's :class:`~pipeline.dedup.types.DupInfo`
    (a row absent from the result keeps them empty)."""

    columns = DupInfo._fields

    def __init__(self, assignments: Mapping[str, DupInfo], output_dir: Path | None = None,
                 task_docs: Mapping[str, Sequence[str]] | None = None) -> None:
        self.assignments = assignments
        #: where to read a task's doc ids from when ``task_docs`` does not list them
        self.output_dir = output_dir
        self.task_docs = task_docs

    def share(self, task_ids: Sequence[str]) -> DedupColumns:
        """The assignments of the doc ids these tasks staged (``task_docs`` when known, else read
        from the staged articles)."""
        if not self.assignments:
            return DedupColumns({})

        def doc_ids(task_id: str) -> Iterator[str]:
            if self.task_docs is not None and task_id in self.task_docs:
                yield from self.task_docs[task_id]
                return
            if self.output_dir is None:
                raise ValueError(f"the doc ids of task {task_id} are not known")
            for batch in iter_staging_columns(self.output_dir, [task_id], ["doc_id"]):
                yield from batch["doc_id"]

        found = {d: self.assignments[d] for task_id in task_ids for d in doc_ids(task_id) if d in self.assignments}
        return DedupColumns(found)

    def __call__(self, table: pa.Table) -> pa.Table:
        if not self.assignments:
            return table
        found = [self.assignments.get(doc_id) for doc_id in table.column("doc_id").to_pylist()]
        for name in DupInfo._fields:
            index = table.schema.get_field_index(name)
            field = table.schema.field(index)
            values = pa.array([getattr(info, name) if info else None for info in found], field.type)
            table = table.set_column(index, field, values)
        return table

