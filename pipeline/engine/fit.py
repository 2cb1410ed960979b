"""How many workers an input can use: a worker's start-up is repaid only by enough work.

A worker process spends about two seconds starting (interpreter, jieba's dictionary, OpenCC, the
model) before its first document, and a run with several workers also starts processes to
publish.  On a small input that costs more than sharing the work saves, so the default worker
count (all cores) is lowered to what the input's expected work can keep busy, down to one (the
tasks run in this process); and no run starts more workers than it has tasks.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

from pipeline.engine.settings import WORKER_MIN_COST
from pipeline.ingest import InputFile


def estimated_tasks(files: Sequence[InputFile], max_files: int, max_bytes: int) -> int:
    """About how many tasks :func:`~pipeline.ingest.plan_tasks` makes of ``files``, without
    reading them (a plain JSONL file is cut into ranges of ``max_bytes``)."""
    containers = [f for f in files if f.kind in ("jsonl", "warc")]
    tasks = 0
    for file in containers:
        splittable = file.kind == "jsonl" and not file.path.lower().endswith(".gz") and max_bytes > 0
        tasks += max(1, math.ceil(file.size / max_bytes)) if splittable else 1
    small = [f for f in files if f.kind not in ("jsonl", "warc")]
    if small:
        by_cost = math.ceil(sum(f.cost for f in small) / max(1, max_bytes))
        tasks += max(1, by_cost, math.ceil(len(small) / max(1, max_files)))
    return tasks


def fitted_workers(requested: int, files: Sequence[InputFile], max_files: int, max_bytes: int,
                   cores: int | None = None) -> int:
    """Workers to start for ``files``: ``requested`` (0: one per core, at most one per
    :data:`WORKER_MIN_COST` of expected work), never more than the tasks."""
    if requested > 0:
        wanted = requested
    else:
        work = sum(f.cost for f in files)
        wanted = min(cores or os.cpu_count() or 1, max(1, int(work // WORKER_MIN_COST)))
    return max(1, min(wanted, estimated_tasks(files, max_files, max_bytes)))
