"""One task of the per-document pass: read its inputs, run the steps, write staging parts.

:func:`run_task` is a module-level function of picklable arguments, so any executor (a
process pool, Dask) can run it.  The worker writes its own output: nothing but a small
:class:`TaskResult` travels back.  Its completion marker is written last, atomically, so a
task either counts as done with all its parts present or is redone from scratch.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import pickle
import shutil
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.ingest import Task, iter_documents
from pipeline.io.atomic import STAGING_SUFFIX, write_json_atomic, write_staging_atomic
from pipeline.io.schema import articles_table, doc_to_row, partition_of, reject_to_row, rejects_table
from pipeline.record import Doc, Reject
from pipeline.steps import Step, StepPipeline

log = logging.getLogger(__name__)

STAGING = "_staging"
MARKERS = "_markers"
#: Name prefix of the staged dedup-feature parts (one beside each ``articles-*`` part).
DEDUP_FEATURES = "dedup"


@dataclass
class TaskSpec:
    """What every task of a run shares: the steps (configuration only) and where to write."""

    steps: list[Step]
    output_dir: str
    provenance: dict[str, str | None]
    max_input_bytes: int
    batch_docs: int = 2000
    cache_key: str = ""
    doc_time_limit: float | None = 60.0
    max_decompression_ratio: int = 200
    #: :func:`~pipeline.dedup.features.featurize` parameters: when set, every task also stages
    #: its articles' dedup features, so the driver's global dedup only gathers and clusters
    dedup_features: dict[str, Any] | None = None

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

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


# Per-process pipelines: steps are unpickled once per task, but their heavy state is built
# only once per process because the set-up pipeline is kept here, keyed by configuration
# (under a lock: the threads of one multi-threaded Dask worker share it).
_PIPELINES: dict[str, StepPipeline] = {}
_PIPELINES_LOCK = threading.Lock()


def pipeline_key(steps: Sequence[Step], time_limit: float | None) -> str:
    """The key of a step configuration in this process's cache of set-up pipelines."""
    return hashlib.sha1(pickle.dumps((list(steps), time_limit))).hexdigest()


def _shared_pipeline(key: str, steps: Sequence[Step], time_limit: float | None) -> StepPipeline:
    """This process's pipeline for ``key``, made from ``steps`` if there is none yet."""
    with _PIPELINES_LOCK:
        pipeline = _PIPELINES.get(key)
        if pipeline is None:
            pipeline = _PIPELINES[key] = StepPipeline(list(steps), time_limit=time_limit)
        return pipeline


def _pipeline_for(spec: TaskSpec) -> StepPipeline:
    """A pipeline of this process's set-up steps for ``spec``, with stage timings of its own
    (a task running beside another in the same process must not count the other's seconds)."""
    shared = _shared_pipeline(spec.cache_key, spec.steps, spec.doc_time_limit)
    return StepPipeline(shared.steps, time_limit=shared.time_limit)


def warm_up(steps: Sequence[Step], time_limit: float | None, key: str) -> None:
    """Build this process's pipeline for ``steps`` and every step's state now.

    Executors call it as soon as a worker process starts, so the set-up (jieba's dictionary,
    OpenCC, the model) overlaps the driver's planning instead of delaying the first task.  A
    set-up error is not raised here: the first task meets it again and reports it.
    """
    pipeline = _shared_pipeline(key, steps, time_limit)
    for step in pipeline.steps:
        try:
            step._ensure_ready()
        except Exception:  # noqa: BLE001 - reported by the first task that needs the step
            log.debug("warm-up of step %s failed", step.name, exc_info=True)
            return
    # The set-up state lives as long as the process: keep the cyclic garbage collector from
    # walking it again at every full collection (measured: ~5 % of a worker's CPU).
    gc.freeze()


#: CPU cost of an input byte relative to a JSONL/text byte: a saved page is mostly markup
#: (measured on real pages: about 0.19 CPU s per MB of HTML against 1.9 per MB of JSONL text).
COST_PER_BYTE = {"html": 0.1, "warc": 0.1}


def estimated_cost(task: Task) -> float:
    """Expected work of ``task``: its input bytes weighted by kind (:data:`COST_PER_BYTE`)."""
    return sum(f.span_bytes * COST_PER_BYTE.get(f.kind or "", 1.0) for f in task.files)


def largest_first(tasks: Sequence[Task]) -> list[Task]:
    """Tasks in submission order: most expected work first (:func:`estimated_cost`), so the
    last ones to finish are small and workers end together (ties keep the plan order)."""
    return sorted(tasks, key=lambda task: -estimated_cost(task))


def marker_path(output_dir: str | Path, task_id: str) -> Path:
    return Path(output_dir) / MARKERS / f"{task_id}.json"


def staging_dir(output_dir: str | Path, task_id: str) -> Path:
    return Path(output_dir) / STAGING / task_id


def _file_sha1(path: str) -> str:
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


#: Documents handed to the steps at once (batched steps such as classify vectorize over them).
STEP_BATCH = 64


def _batches(items: Iterable[Doc | Reject], size: int) -> Iterator[list[Doc | Reject]]:
    batch: list[Doc | Reject] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_task(spec: TaskSpec, task: Task) -> TaskResult:
    """Process every input of ``task`` and write its staging parts and completion marker."""
    started = time.perf_counter()
    pipeline = _pipeline_for(spec)
    out_dir = staging_dir(spec.output_dir, task.task_id)
    if out_dir.exists():  # a previous attempt died mid-task: redo it from scratch
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    result = TaskResult(task_id=task.task_id)
    reasons: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    rows: list[dict[str, Any]] = []
    rejects: list[dict[str, Any]] = []
    part = 0
    feature_seconds = [0.0]

    def flush(final: bool = False) -> None:
        nonlocal rows, rejects, part
        if rows or (final and part == 0):
            # rows of one year/month partition are contiguous: publish regroups them by slicing
            rows.sort(key=lambda row: partition_of(row["published_at"]))
            write_staging_atomic(articles_table(rows), out_dir / f"articles-{part:05d}{STAGING_SUFFIX}")
            if spec.dedup_features is not None:
                feature_seconds[0] += write_dedup_features(rows, spec.dedup_features, out_dir, part)
        if rejects or (final and part == 0):
            write_staging_atomic(rejects_table(rejects), out_dir / f"rejects-{part:05d}{STAGING_SUFFIX}")
        rows, rejects = [], []
        part += 1

    for file in task.files:
        if file.start == 0:  # a file read in ranges is hashed once, by its first range's task
            try:
                result.input_hashes[file.path] = _file_sha1(file.path)
            except OSError:
                result.input_hashes[file.path] = ""
        step_batch = max(1, min(STEP_BATCH, spec.batch_docs))
        for batch in _batches(iter_documents(file, spec.max_input_bytes, spec.max_decompression_ratio), step_batch):
            for outcome in pipeline.run_batch(batch):
                result.documents += 1
                if isinstance(outcome, Reject):
                    reasons[outcome.reason] += 1
                    rejects.append(reject_to_row(outcome, spec.provenance))
                else:
                    topics.update(outcome.topics)
                    if outcome.relevant:
                        topics["(relevant)"] += 1
                    rows.append(doc_to_row(outcome, spec.provenance))
            if len(rows) + len(rejects) >= spec.batch_docs:
                result.rows += len(rows)
                result.rejects += len(rejects)
                flush()
    result.rows += len(rows)
    result.rejects += len(rejects)
    flush(final=True)

    result.reject_reasons = dict(reasons)
    result.topics = dict(topics)
    result.timings = dict(pipeline.timings)
    if spec.dedup_features is not None:
        result.timings["dedup_features"] = feature_seconds[0]
    result.seconds = time.perf_counter() - started
    marker = result.to_dict() | {"files": [f.path for f in task.files]}
    write_json_atomic(marker_path(spec.output_dir, task.task_id), marker)
    return result


def write_dedup_features(rows: Sequence[dict[str, Any]], params: dict[str, Any], out_dir: Path, part: int) -> float:
    """Stage the dedup features of one articles part as ``dedup-<part>.arrow``; seconds taken."""
    from pipeline.dedup.features import featurize, to_table
    from pipeline.dedup.types import DedupInput

    started = time.perf_counter()
    records = (DedupInput(r["doc_id"], r["text"] or "", r["published_at"], r["char_count"] or 0) for r in rows)
    table = to_table(featurize(records, **params), params)
    write_staging_atomic(table, out_dir / f"{DEDUP_FEATURES}-{part:05d}{STAGING_SUFFIX}")
    return time.perf_counter() - started


def load_marker(output_dir: str | Path, task_id: str) -> TaskResult | None:
    """The result recorded by a finished task, or None when it has not completed."""
    import json

    path = marker_path(output_dir, task_id)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    data.pop("files", None)
    result = TaskResult(**data)
    result.skipped = True
    return result
