"""``zhnews run``: plan tasks, map the steps over them, run the stages after the map, publish.

1. discover inputs and group them into tasks (deterministic ids);
2. the map: every task not yet marked complete runs the run's steps on the executor (they read
   its inputs and write its staging parts);
3. the global stages the steps contribute (deduplication), fed each task as it finishes;
4. publish the hive-partitioned dataset, rejects, ``manifest.json`` and the dataset card.

The runner only wires these together: it never looks inside a step.  An interrupted run
resumes at step 2 with the tasks it had not finished; a run with different settings on the
same output folder starts over.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.config import RunConfig
from pipeline.engine.base import Executor
from pipeline.engine.task import MARKERS, TaskResult, TaskSpec, load_marker
from pipeline.ingest import Task, discover_inputs, plan_tasks
from pipeline.ingest.readers import shown_path
from pipeline.io.atomic import remove_stale_temporaries, write_json_atomic
from pipeline.io.card import render_card
from pipeline.io.dataset import remove_leftovers
from pipeline.io.lock import RunLock, wait_for_orphans
from pipeline.io.manifest import build_manifest
from pipeline.io.previous import Relation, check_replacement
from pipeline.io.schema import SCHEMA_VERSION, article_schema
from pipeline.io.staging import STAGING
from pipeline.publish import Written, publish, publish_jobs_for
from pipeline.publish import warm_up as warm_up_publishing
from pipeline.steps import BaseStep, GlobalStage, StageOutcome, Step, added_columns, build_steps

log = logging.getLogger(__name__)

RUN_STATE = "run.json"
MANIFEST = "manifest.json"
CARD = "README.md"


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


def run_facts(steps: Sequence[BaseStep]) -> dict[str, str | None]:
    """What the steps decide about the run (model version, OpenCC config), read on the driver
    without building any step's state."""
    facts: dict[str, str | None] = {}
    for step in steps:
        facts.update(step.provenance())
    return facts


def _run_id(tasks: list[Task], config: RunConfig, steps: Sequence[BaseStep], model_version: str | None) -> str:
    payload = json.dumps(
        {
            "version": __version__,
            "model_version": model_version,
            "schema": SCHEMA_VERSION,
            "tasks": [t.task_id for t in tasks],
            "config": config.result_affecting(),
            # the per-document steps' parameters as resolved; the others are set by the config above
            "steps": {s.name: s.get_params() for s in steps if isinstance(s, Step)},
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha1(payload.encode()).hexdigest()[:12]


def _prepare_output(output_dir: Path, run_id: str) -> None:
    """Keep staged work of the same run (resume); clear staged work of a different one."""
    output_dir.mkdir(parents=True, exist_ok=True)
    wait_for_orphans(output_dir)  # a worker of a killed run may still be finishing a task
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
    lock: RunLock | None = None,
) -> RunSummary:
    """Run everything; ``on_task_done`` is called as tasks finish (progress display).

    ``executor``: one made by :func:`start_executor` beforehand (its workers set up while the
    caller went on); by default one is made here.  It is closed when the run ends.
    ``lock``: the output folder's lock, taken beforehand; by default it is taken here (raising
    :class:`~pipeline.io.lock.OutputInUse` when another run holds the folder) and released at the end.
    """
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    owned = lock is None
    if lock is None:
        lock = RunLock(config.output).acquire()
    steps = build_steps(config)
    try:
        if executor is None:
            executor = start_executor(config, steps)
        return _run(config, steps, executor, lock, started, started_at, on_task_done, on_plan)
    finally:
        try:
            if executor is not None:
                executor.close()
        finally:
            if owned:
                lock.release()


def start_executor(config: RunConfig, steps: list[BaseStep] | None = None) -> Executor:
    """The config's executor, its workers already starting and building their step state
    (they set up while this process imports, plans and checks what is already done)."""
    executor = make_executor(config)
    executor.start(build_steps(config) if steps is None else steps, config.doc_time_limit)
    return executor


def _run(
    config: RunConfig,
    steps: list[BaseStep],
    executor: Executor,
    lock: RunLock,
    started: float,
    started_at: str,
    on_task_done: Callable[[TaskResult], None] | None,
    on_plan: Callable[[int, int], None] | None,
) -> RunSummary:
    output_dir = Path(config.output)
    files = discover_inputs(config.inputs)
    tasks = plan_tasks(files, config.task_max_files, config.task_max_bytes)
    facts = run_facts(steps)
    model_version = facts.get("model_version")
    run_id = _run_id(tasks, config, steps, model_version)
    lock.set_run_id(run_id)
    relation = check_replacement(output_dir, [(shown_path(f.path), f.size) for f in files], config.overwrite)
    if relation is Relation.SUPERSET:
        # Incremental runs hook in here: the dataset's inputs are all among this run's.  Until
        # then the dataset is rebuilt whole (the tasks of the same inputs resume from staging
        # only when the settings are the same).
        log.info("output %s: %s than its dataset; rebuilding it whole", output_dir, relation.value)
    _prepare_output(output_dir, run_id)

    provenance = {
        "pipeline_version": __version__,
        "run_id": run_id,
        "model_version": model_version,
        "opencc_config": facts.get("opencc_config"),
    }
    spec = TaskSpec(steps=steps, output_dir=str(output_dir), provenance=provenance,
                    doc_time_limit=config.doc_time_limit)

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
    # the global stages (dedup) run in driver threads, fed each task as it completes
    stages = [stage for step in steps if (stage := step.global_stage(output_dir)) is not None]

    def finished(result: TaskResult) -> None:
        for stage in stages:
            stage.add(result.task_id)
        if on_task_done:
            on_task_done(result)

    try:
        for done in results:
            finished(done)
        for result in executor.map_tasks(spec, pending):
            results.append(result)
            finished(result)
    except BaseException:
        for stage in stages:
            stage.cancel()
        raise

    jobs = publish_jobs_for(executor.workers, local=executor.local)
    if jobs > 1:
        executor.prepare_calls(warm_up_publishing)  # the publish processes import while the stages finish
    global_started = time.perf_counter()
    outcomes: list[tuple[GlobalStage, StageOutcome, float]] = []
    for stage in stages:
        waited = time.perf_counter()
        outcomes.append((stage, stage.finish(), time.perf_counter() - waited))
    finish_seconds = time.perf_counter() - global_started
    summary = _summarize(run_id, output_dir, files, results, [o for _, o, _ in outcomes])
    for stage, _, after_tasks in outcomes:
        summary.stage_seconds[stage.name] = round(stage.busy_seconds, 3)
        summary.stage_seconds[f"{stage.name}_after_tasks"] = round(after_tasks, 3)

    def published_files(written: Written) -> dict[str, str]:
        """The manifest and the card, published with the dataset they describe."""
        # the counts of what was written, which the tasks' own counts must equal
        if (written.rows, written.rejects) != (summary.rows, summary.rejects):
            log.warning("tasks counted %d rows and %d rejects, publishing wrote %d and %d",
                        summary.rows, summary.rejects, written.rows, written.rejects)
        summary.rows, summary.rejects = written.rows, written.rejects
        summary.stage_seconds["publish"] = round(time.perf_counter() - global_started - finish_seconds, 3)
        summary.wall_seconds = time.perf_counter() - started
        manifest = build_manifest(
            run_id=run_id,
            config=config.to_dict(),
            steps={s.name: s.get_params() for s in steps} | {stage.name: o.params for stage, o, _ in outcomes},
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
                "partitions": written.partitions,
                "duplicates": summary.duplicates,
            },
            timings=summary.stage_seconds,
            provenance=provenance,
            started_at=started_at,
            wall_seconds=summary.wall_seconds,
            engine={"name": executor.name, "workers": executor.workers},
        )
        return {MANIFEST: json.dumps(manifest, ensure_ascii=False, indent=2, default=str) + "\n",
                CARD: render_card(output_dir, manifest, written.stats)}

    # the articles are written by the executor's publish jobs (contiguous shares of the tasks;
    # with one job, by this process); the manifest and card are swapped in with them
    publish(output_dir, [t.task_id for t in tasks], [o.fill for _, o, _ in outcomes if o.fill], jobs=jobs,
            run_jobs=executor.map_calls, schema=article_schema(added_columns(steps)), files=published_files)
    return summary


def _inputs_listing(files: Iterable[Any], results: list[TaskResult]) -> list[dict[str, Any]]:
    hashes: dict[str, str] = {}
    for result in results:
        hashes.update(result.input_hashes)
    return [{"path": shown_path(f.path), "kind": f.kind, "bytes": f.size, "sha1": hashes.get(f.path)} for f in files]


def _summarize(run_id: str, output_dir: Path, files: list[Any], results: list[TaskResult],
               outcomes: list[StageOutcome]) -> RunSummary:
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
    summary.duplicates = sum(outcome.counts.get("duplicates", 0) for outcome in outcomes)
    return summary
