"""Global deduplication fed task by task while the executor is still running.

The driver process is idle while workers run tasks.  :class:`BackgroundDedup` uses that time:
a thread reads each finished task's staged articles and streams them into the
:class:`~pipeline.dedup.Deduplicator` (n-gram hashing and MinHash signatures, the costly part),
so that when the last task ends only the clustering is left.  The deduplicator's result does
not depend on the order in which documents arrive, so completion order does not matter.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pipeline.dedup import DedupInput, Deduplicator
from pipeline.io.dataset import iter_staging_columns

_COLUMNS = ("doc_id", "text", "published_at", "char_count")
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
        self.busy_seconds = 0.0  # time spent deduplicating, not waiting for tasks
        #: the doc ids read from each task's staged articles (publish shares out their results)
        self.task_docs: dict[str, list[str]] = {}
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
        return self._result, self.dedup.get_params() | {"stats": dict(self._result.stats)}

    def cancel(self) -> None:
        """Stop at the next batch (not after every task already queued) and wait for the thread."""
        self._cancelled.set()
        self._tasks.put(_END)  # wakes a thread waiting for the next task
        self._thread.join()

    def _records(self) -> Iterator[DedupInput]:
        while True:
            waited = time.perf_counter()
            item = self._tasks.get()
            self.busy_seconds -= time.perf_counter() - waited
            if self._cancelled.is_set():
                raise DedupCancelled()
            if item is _END:
                return
            docs = self.task_docs.setdefault(str(item), [])
            for batch in iter_staging_columns(self.output_dir, [str(item)], _COLUMNS):
                if self._cancelled.is_set():
                    raise DedupCancelled()
                docs.extend(batch["doc_id"])
                for doc_id, text, published, chars in zip(*(batch[c] for c in _COLUMNS)):
                    yield DedupInput(doc_id=doc_id, text=text or "", published_at=published, char_count=chars or 0)

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            self._result = self.dedup.run(self._records())
        except DedupCancelled:
            pass
        except BaseException as exc:  # handed to the caller by finish()
            self._error = exc
        self.busy_seconds += time.perf_counter() - started
