"""``zhnews run``: plan tasks, run the per-document pass, run the global steps, publish.

1. discover inputs and group them into tasks (deterministic ids);
2. run every task not yet marked complete on the executor (workers write staging parts);
3. global steps over everything staged: deduplication;
4. publish the hive-partitioned dataset, rejects, ``manifest.json`` and the dataset card.

An interrupted run resumes at step 2 with the tasks it had not finished; a run with
different settings on the same output folder starts over.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.config import RunConfig
from pipeline.engine.base import Executor
from pipeline.engine.task import MARKERS, STAGING, TaskResult, TaskSpec, load_marker
from pipeline.dedup import Deduplicator
from pipeline.global_dedup import BackgroundDedup
from pipeline.ingest import Task, discover_inputs, plan_tasks
from pipeline.ingest.readers import shown_path
from pipeline.io.atomic import (
    remove_stale_temporaries,
    write_json_atomic,
    write_text_atomic,
)
from pipeline.io.card import render_card
from pipeline.io.dataset import remove_leftovers
from pipeline.io.publish import publish
from pipeline.io.manifest import build_manifest
from pipeline.io.schema import SCHEMA_VERSION
from pipeline.stages import build_steps
from pipeline.steps import Step

log = logging.getLogger(__name__)

RUN_STATE = "run.json"


@dataclass
class RunSummary:
    """What a run did, for the CLI's summary table and for tests."""

    run_id: str
    output_dir: Path
    input_files: int = 0
    documents: int = 0
    rows: int = 0
    rejects: int = 0
    reject_reasons: dict[str, int] = field(default_factory=dict)
    topics: dict[str, int] = field(default_factory=dict)
    tasks_run: int = 0
    tasks_resumed: int = 0
    wall_seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    duplicates: int = 0


def make_executor(config: RunConfig) -> Executor:
    """The executor named by the config (``local`` process pool or ``dask``)."""
    if config.engine == "local":
        from pipeline.engine.local import LocalExecutor

        return LocalExecutor(config.resolved_workers())
    if config.engine == "dask":
        from pipeline.engine.dask_executor import DaskExecutor

        return DaskExecutor(workers=config.resolved_workers(), scheduler=config.scheduler)
    raise ValueError(f"unknown engine {config.engine!r} (local or dask)")


def _model_version(steps: list[Step]) -> str | None:
    """The classify step's model version, from the model's ``meta.json``.

    The model itself is loaded by the workers only: the driver needs its version (for the run
    id and the provenance columns), not its state (~200 MB) and the seconds spent importing
    scikit-learn and loading it.
    """
    from pipeline.classify.persist import model_file, read_meta

    for step in steps:
        if step.name == "classify":
            file = model_file(getattr(step, "model_dir", None) or None)
            try:
                meta = read_meta(file)
            except (OSError, ValueError):
                return "unknown"  # as the loaded model reports it
            return str(meta.get("model_version", "unknown"))
    return None


def _run_id(tasks: list[Task], config: RunConfig, steps: list[Step], model_version: str | None) -> str:
    payload = json.dumps(
        {
            "version": __version__,
            "model_version": model_version,
            "schema": SCHEMA_VERSION,
            "tasks": [t.task_id for t in tasks],
            "config": config.result_affecting(),
            "steps": {s.name: s.get_params() for s in steps},
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha1(payload.encode()).hexdigest()[:12]


def _prepare_output(output_dir: Path, run_id: str) -> None:
    """Keep staged work of the same run (resume); clear staged work of a different one."""
    output_dir.mkdir(parents=True, exist_ok=True)
    state_path = output_dir / MARKERS / RUN_STATE
    previous = None
    if state_path.exists():
        try:
            previous = json.loads(state_path.read_text(encoding="utf-8")).get("run_id")
        except (OSError, ValueError):
            previous = None
    if previous != run_id:
        for name in (STAGING, MARKERS):
            shutil.rmtree(output_dir / name, ignore_errors=True)
    remove_stale_temporaries(output_dir)
    remove_leftovers(output_dir)
    write_json_atomic(state_path, {"run_id": run_id})


def run_pipeline(
    config: RunConfig,
    on_task_done: Callable[[TaskResult], None] | None = None,
    on_plan: Callable[[int, int], None] | None = None,
    executor: Executor | None = None,
) -> RunSummary:
    """Run everything; ``on_task_done`` is called as tasks finish (progress display).

    ``executor``: one made by :func:`start_executor` beforehand (its workers set up while the
    caller went on); by default one is made here.  It is closed when the run ends.
    """
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    steps = build_steps(config)
    try:
        if executor is None:
            executor = start_executor(config, steps)
        return _run(config, steps, executor, started, started_at, on_task_done, on_plan)
    finally:
        if executor is not None:
            executor.close()


def start_executor(config: RunConfig, steps: list[Step] | None = None) -> Executor:
    """The config's executor, its workers already starting and building their step state
    (they set up while this process imports, plans and checks what is already done)."""
    executor = make_executor(config)
    executor.start(build_steps(config) if steps is None else steps, config.doc_time_limit)
    return executor


def _run(
    config: RunConfig,
    steps: list[Step],
    executor: Executor,
    started: float,
    started_at: str,
    on_task_done: Callable[[TaskResult], None] | None,
    on_plan: Callable[[int, int], None] | None,
) -> RunSummary:
    output_dir = Path(config.output)
    files = discover_inputs(config.inputs)
    tasks = plan_tasks(files, config.task_max_files, config.task_max_bytes)
    model_version = _model_version(steps)
    run_id = _run_id(tasks, config, steps, model_version)
    _prepare_output(output_dir, run_id)

    opencc_config = next((s.get_params().get("opencc_config") for s in steps if s.name == "normalize"), None)
    provenance = {
        "pipeline_version": __version__,
        "run_id": run_id,
        "model_version": model_version,
        "opencc_config": opencc_config,
    }
    spec = TaskSpec(steps=steps, output_dir=str(output_dir), provenance=provenance,
                    max_input_bytes=config.max_input_bytes, batch_docs=config.batch_docs,
                    doc_time_limit=config.doc_time_limit, max_decompression_ratio=config.max_decompression_ratio,
                    dedup_features=Deduplicator(**config.dedup).feature_params() if config.dedup_enabled else None)

    results: list[TaskResult] = []
    pending: list[Task] = []
    for task in tasks:
        done = load_marker(output_dir, task.task_id)
        if done is not None:
            results.append(done)
        else:
            pending.append(task)
    if on_plan:
        on_plan(len(tasks), sum(t.size for t in pending))
    # dedup runs in a driver thread, fed each task as it completes (the driver is idle otherwise)
    dedup = BackgroundDedup(output_dir, config.dedup) if config.dedup_enabled else None
    try:
        for done in results:
            if dedup:
                dedup.add(done.task_id)
            if on_task_done:
                on_task_done(done)
        for result in executor.map_tasks(spec, pending):
            results.append(result)
            if dedup:
                dedup.add(result.task_id)
            if on_task_done:
                on_task_done(result)
    except BaseException:
        if dedup:
            dedup.cancel()
        raise

    task_ids = [t.task_id for t in tasks]
    global_started = time.perf_counter()
    assignments: Mapping[str, Any] = {}
    dedup_params: dict[str, Any] = {}
    if dedup:
        assignments, dedup_params = dedup.finish()
    dedup_wait = time.perf_counter() - global_started
    # the articles are written by the executor's publish jobs (contiguous shares of the tasks;
    # with one job, by this process)
    written = publish(output_dir, task_ids, assignments, jobs=executor.publish_jobs, run_jobs=executor.map_calls,
                      task_docs=dedup.task_docs if dedup else None)
    partitions = written.partitions
    publish_seconds = time.perf_counter() - global_started - dedup_wait

    summary = _summarize(run_id, output_dir, files, results, assignments)
    if dedup:
        summary.stage_seconds["dedup"] = round(dedup.busy_seconds, 3)
        summary.stage_seconds["dedup_after_tasks"] = round(dedup_wait, 3)
    summary.stage_seconds["publish"] = round(publish_seconds, 3)
    summary.wall_seconds = time.perf_counter() - started
    manifest = build_manifest(
        run_id=run_id,
        config=config.to_dict(),
        steps={s.name: s.get_params() for s in steps} | ({"dedup": dedup_params} if dedup_params else {}),
        inputs=_inputs_listing(files, results),
        counts={
            "input_files": summary.input_files,
            "tasks": len(tasks),
            "tasks_resumed": summary.tasks_resumed,
            "documents": summary.documents,
            "rows": summary.rows,
            "rejects": summary.rejects,
            "reject_reasons": summary.reject_reasons,
            "topics": summary.topics,
            "partitions": partitions,
            "duplicates": summary.duplicates,
        },
        timings=summary.stage_seconds,
        provenance=provenance,
        started_at=started_at,
        wall_seconds=summary.wall_seconds,
        engine={"name": executor.name, "workers": executor.workers},
    )
    write_json_atomic(output_dir / "manifest.json", manifest)
    write_text_atomic(output_dir / "README.md", render_card(output_dir, manifest, written.stats))
    return summary


def _inputs_listing(files: Iterable[Any], results: list[TaskResult]) -> list[dict[str, Any]]:
    hashes: dict[str, str] = {}
    for result in results:
        hashes.update(result.input_hashes)
    return [{"path": shown_path(f.path), "kind": f.kind, "bytes": f.size, "sha1": hashes.get(f.path)} for f in files]


def _summarize(run_id: str, output_dir: Path, files: list[Any], results: list[TaskResult],
               assignments: Mapping[str, Any]) -> RunSummary:
    summary = RunSummary(run_id=run_id, output_dir=output_dir, input_files=len(files))
    reasons: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    stages: Counter[str] = Counter()
    for result in results:
        summary.documents += result.documents
        summary.rows += result.rows
        summary.rejects += result.rejects
        reasons.update(result.reject_reasons)
        topics.update(result.topics)
        stages.update(result.timings)
        if result.skipped:
            summary.tasks_resumed += 1
        else:
            summary.tasks_run += 1
    summary.reject_reasons = dict(reasons.most_common())
    summary.topics = dict(topics.most_common())
    summary.stage_seconds = dict(stages)
    summary.duplicates = sum(1 for value in assignments.values() if not value[2])
    return summary
