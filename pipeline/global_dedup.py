"""Global deduplication fed task by task while the executor is still running.

Each task stages its articles' dedup features (normalized-text hashes, MinHash signatures,
short documents' shingles, paragraph hashes: the costly, per-document part) beside its
articles.  :class:`BackgroundDedup` is a driver thread that reads each finished task's features
into a :class:`~pipeline.dedup.core.DedupIndex`, so that when the last task ends only the
clustering is left, and the driver stays light however many workers feed it.  A task staged
without features (or with features of other parameters) is featurized here from its staged
text.  The index's result does not depend on the order in which documents arrive, so
completion order does not matter.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pipeline.dedup import DedupInput, Deduplicator
from pipeline.dedup.features import FeatureBatch, featurize, from_table, table_params
from pipeline.engine.task import DEDUP_FEATURES
from pipeline.io.dataset import iter_part_columns, read_part, staging_parts
from pipeline.memory import release_freed_memory

_COLUMNS = ("doc_id", "text", "published_at", "char_count")
_TEXT_BATCH = 2_000
_END = object()


class DedupCancelled(Exception):
    """Raised inside the dedup thread when the run stops before all tasks were added."""


class BackgroundDedup:
    """Dedup over staged articles, in a thread, one finished task at a time.

    ``add(task_id)`` for every task whose staging is complete (resumed ones too), then
    ``finish()`` returns ``(result, params)``; ``cancel()`` stops it without a result.
    """

    def __init__(self, output_dir: Path, params: Mapping[str, Any]) -> None:
        self.output_dir = Path(output_dir)
        self.dedup = Deduplicator(**params)
        self.feature_params = self.dedup.feature_params()
        self.index = self.dedup.index()
        self.busy_seconds = 0.0  # time spent deduplicating, not waiting for tasks
        #: the doc ids read from each task's staged features (publish shares out their results)
        self.task_docs: dict[str, list[str]] = {}
        #: tasks whose features were computed here from their staged text (none staged, or stale)
        self.featurized_here: list[str] = []
        self._tasks: queue.Queue[object] = queue.Queue()
        self._cancelled = threading.Event()
        self._result: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="zhnews-dedup", daemon=True)
        self._thread.start()

    def add(self, task_id: str) -> None:
        self._tasks.put(task_id)

    def finish(self) -> tuple[Mapping[str, Any], dict[str, Any]]:
        """Wait for the clustering of everything added; the result and the dedup parameters."""
        self._tasks.put(_END)
        self._thread.join()
        if self._error is not None:
            raise self._error
        stats = dict(self._result.stats) | {"tasks_featurized_by_driver": len(self.featurized_here)}
        return self._result, self.dedup.get_params() | {"stats": stats}

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
        """The staged features of every articles part of ``task_id`` (computed here when missing)."""
        for _, path in staging_parts(self.output_dir, [task_id], "articles"):
            staged = path.with_name(path.name.replace("articles-", f"{DEDUP_FEATURES}-", 1))
            table = read_part(staged) if staged.exists() else None
            if table is not None and table_params(table.schema) == self.feature_params:
                yield from_table(table)
                continue
            if task_id not in self.featurized_here:
                self.featurized_here.append(task_id)
            for values in iter_part_columns(path, _COLUMNS, _TEXT_BATCH):
                records = [DedupInput(doc_id=d, text=t or "", published_at=p, char_count=c or 0)
                           for d, t, p, c in zip(*(values[c] for c in _COLUMNS))]
                yield featurize(records, **self.feature_params)

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            # the clustering's one import (0.2 s), now while tasks run rather than after the last
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
