"""``zhnews run``: plan tasks, map the steps over them, run the stages after the map, publish.

1. under the output folder's lock (:mod:`pipeline.io.lock`: one run per folder), discover and
   hash the inputs; refuse to replace a dataset none of whose inputs are listed unless told to
   overwrite it (:mod:`pipeline.io.previous`); sort the tasks the output already published
   against the inputs (carried over or dropped, :mod:`pipeline.engine.reuse`; nothing carried
   over from a dataset being overwritten) and group the other inputs into tasks named by
   their content;
2. the map: every new task not yet staged runs the run's steps on the executor (they read
   its inputs and write its staging parts);
3. the global stages the steps contribute (deduplication), fed every task of the dataset;
4. publish the hive-partitioned dataset (only the partitions that change, when there is one),
   rejects, ``manifest.json`` and the dataset card, swapped in together (a write error leaves
   the previous ones); record the dataset's tasks in ``_run/`` and remove ``_staging/``.

The runner only wires these together: it never looks inside a step.  An interrupted run
resumes at step 2 with the tasks it had not finished; a run with different settings on the
same output folder starts over.
"""

from __future__ import annotations

import datetime as dt
import gc
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
from pipeline.engine.reuse import ReusePlan, content_task, plan_reuse, with_hashes
from pipeline.engine.start import start_executor
from pipeline.engine.task import TaskResult, TaskSpec, load_marker, load_record
from pipeline.ingest import InputFile, Task, discover_inputs, plan_tasks
from pipeline.ingest.readers import shown_path
from pipeline.io import storage
from pipeline.io.atomic import remove_stale_temporaries
from pipeline.io.card import render_card
from pipeline.io.dataset import ARTICLES, remove_leftovers
from pipeline.io.lock import RunLock, run_lock_for, wait_for_orphans
from pipeline.io.manifest import build_manifest
from pipeline.io.previous import Relation, check_replacement
from pipeline.io.remote import RemoteOutput, StoreLock
from pipeline.io.rundir import RunState, forget_tasks_except, start_state, write_state
from pipeline.io.schema import SCHEMA_VERSION, article_schema, schema_fingerprint
from pipeline.io.staging import STAGING, staging_dir
from pipeline.publish import Written, publish, publish_jobs_for
from pipeline.publish import warm_up as warm_up_publishing
from pipeline.publish.incremental import republish
from pipeline.steps import BaseStep, GlobalStage, StageOutcome, Step, added_columns, build_steps

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
CARD = "README.md"


@dataclass
class RunSummary:
    """What a run did, for the CLI's summary table and for tests."""

    run_id: str
    #: the output folder, or the URL of an output in an object store
    output_dir: Path | str
    input_files: int = 0
    documents: int = 0
    rows: int = 0
    rejects: int = 0
    reject_reasons: dict[str, int] = field(default_factory=dict)
    topics: dict[str, int] = field(default_factory=dict)
    tasks_run: int = 0
    tasks_resumed: int = 0
    #: tasks an earlier run published whose rows this run carries over
    tasks_reused: int = 0
    #: tasks an earlier run published whose rows left (input changed, or pruned)
    tasks_dropped: int = 0
    wall_seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    duplicates: int = 0


def run_facts(steps: Sequence[BaseStep]) -> dict[str, str | None]:
    """What the steps decide about the run (model version, OpenCC config), read on the driver
    without building any step's state."""
    facts: dict[str, str | None] = {}
    for step in steps:
        facts.update(step.provenance())
    return facts


def _config_id(config: RunConfig, steps: Sequence[BaseStep], model_version: str | None) -> str:
    """The id of what decides a run's rows besides its inputs: code, model, schema and settings."""
    payload = json.dumps(
        {
            "version": __version__,
            "model_version": model_version,
            # the columns too: rows of a dataset written with other columns are never carried over
            "schema": [SCHEMA_VERSION, schema_fingerprint(article_schema(added_columns(steps)))],
            "config": config.result_affecting(),
            # the per-document steps' parameters as resolved; the others are set by the config above
            "steps": {s.name: s.get_params() for s in steps if isinstance(s, Step)},
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha1(payload.encode()).hexdigest()[:12]


def _prepare_output(output_dir: Path, config_id: str) -> RunState:
    """The run folder's state to build on (cleared with staging when the settings changed)."""
    output_dir.mkdir(parents=True, exist_ok=True)
    wait_for_orphans(output_dir)  # a worker of a killed run may still be finishing a task
    state = start_state(output_dir, config_id)
    remove_stale_temporaries(output_dir)
    remove_leftovers(output_dir)
    return state


@dataclass
class _Plan:
    """What a run does: the published tasks it carries over, and its own tasks."""

    reuse: ReusePlan
    tasks: list[Task]
    files: list[InputFile]
    #: the ``source_path`` of the rows the carried-over tasks published
    carried_paths: set[str]


def _plan(config: RunConfig, output_dir: Path, config_id: str, state: RunState, found: Sequence[InputFile],
          prune: bool) -> _Plan:
    """Hash the inputs ``found``, sort the published tasks against them (dropping those of
    inputs no longer listed when ``prune``), plan tasks for the rest."""
    published = {task_id: record for task_id in state.tasks
                 if (record := load_record(output_dir, task_id)) is not None}
    known = [f for _, files in published.values() for f in files]
    files = with_hashes(found, known)
    reuse = plan_reuse(files, published, prune)
    tasks = [content_task(t, config_id) for t in plan_tasks(reuse.todo, config.task_max_files, config.task_max_bytes)]
    carried_paths = {shown_path(f.path) for r in reuse.carried for f in published[r.task_id][1]}
    return _Plan(reuse, tasks, files, carried_paths)


def run_pipeline(
    config: RunConfig,
    on_task_done: Callable[[TaskResult], None] | None = None,
    on_plan: Callable[[int, int], None] | None = None,
    executor: Executor | None = None,
    lock: RunLock | StoreLock | None = None,
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
        lock = run_lock_for(config.output).acquire()
    remote = RemoteOutput(config.output) if storage.is_url(config.output) else None
    local_lock: RunLock | None = None
    steps = build_steps(config)
    try:
        if remote is not None:  # the run works in a local mirror of the store's output
            local_lock = RunLock(remote.workspace).acquire()
            remote.pull()
        output_dir = remote.workspace if remote else Path(storage.local_path(config.output))
        if executor is None:
            executor = start_executor(config, steps)
        summary = _run(config, output_dir, steps, executor, lock, started, started_at,
                       on_task_done, on_plan, remote)
        if remote is not None:
            remote.publish()
            summary.output_dir = storage.redacted(remote.url)
        return summary
    finally:
        try:
            if executor is not None:
                executor.close()
        finally:
            if local_lock is not None:
                local_lock.release()
            if owned:
                lock.release()


def _run(
    config: RunConfig,
    output_dir: Path,
    steps: list[BaseStep],
    executor: Executor,
    lock: RunLock | StoreLock,
    started: float,
    started_at: str,
    on_task_done: Callable[[TaskResult], None] | None,
    on_plan: Callable[[int, int], None] | None,
    remote: RemoteOutput | None = None,
) -> RunSummary:
    facts = run_facts(steps)
    model_version = facts.get("model_version")
    run_id = _config_id(config, steps, model_version)
    lock.set_run_id(run_id)
    found = discover_inputs(config.inputs)
    # a dataset of other inputs is replaced only when asked (--overwrite); one sharing inputs
    # with this run is added to incrementally (the reuse plan)
    relation = check_replacement(output_dir, [(shown_path(f.path), f.size) for f in found], config.overwrite)
    state = _prepare_output(output_dir, run_id)
    # replacing a dataset of other inputs: none of its tasks is carried over
    plan = _plan(config, output_dir, run_id, state, found, prune=config.prune or relation is Relation.DISJOINT)
    tasks, carried = plan.tasks, plan.reuse.carried

    provenance = {
        "pipeline_version": __version__,
        "run_id": run_id,
        "model_version": model_version,
        "opencc_config": facts.get("opencc_config"),
    }
    # workers of a cluster we connect to share no disk with this process: with an output in an
    # object store they stage each task there, and this process fetches it as the task completes
    store = remote.url if remote is not None and not executor.local else None
    spec = TaskSpec(steps=steps, output_dir=str(output_dir), provenance=provenance,
                    doc_time_limit=config.doc_time_limit, store=store)

    results: list[TaskResult] = []
    pending: list[Task] = []
    for task in tasks:
        if store is not None and remote is not None and not staging_dir(output_dir, task.task_id).is_dir():
            remote.fetch_task(task.task_id)  # staged in the store by a worker of an interrupted run
        done = load_marker(output_dir, task.task_id) if staging_dir(output_dir, task.task_id).is_dir() else None
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

    # what this process holds now (its imports, the plan) lives through the run: the cyclic
    # collector need not walk it again at every full collection of the stages and publishing
    gc.freeze()
    try:
        for done in [*carried, *results]:
            finished(done)
        for result in executor.map_tasks(spec, pending):
            if store is not None and remote is not None:
                remote.fetch_task(result.task_id)
            results.append(result)
            finished(result)
    except BaseException:
        for stage in stages:
            stage.cancel()
        raise

    # staged in a store: the rows are here, not on the workers' disks, so this process publishes them
    jobs = 1 if store else publish_jobs_for(executor.workers, local=executor.local)
    if jobs > 1:
        executor.prepare_calls(warm_up_publishing)  # the publish processes import while the stages finish
    global_started = time.perf_counter()
    outcomes: list[tuple[GlobalStage, StageOutcome, float]] = []
    for stage in stages:
        waited = time.perf_counter()
        outcomes.append((stage, stage.finish(), time.perf_counter() - waited))
    finish_seconds = time.perf_counter() - global_started
    summary = _summarize(run_id, output_dir, plan.files, results, [o for _, o, _ in outcomes], carried)
    summary.tasks_dropped = len(plan.reuse.dropped)
    for stage, _, after_tasks in outcomes:
        summary.stage_seconds[stage.name] = round(stage.busy_seconds, 3)
        summary.stage_seconds[f"{stage.name}_after_tasks"] = round(after_tasks, 3)
    task_ids = [t.task_id for t in tasks]

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
            inputs=_inputs_listing([*plan.files, *plan.reuse.absent], [*carried, *results]),
            counts={
                "input_files": summary.input_files,
                "tasks": len(tasks) + len(carried),
                "tasks_resumed": summary.tasks_resumed,
                "tasks_reused": summary.tasks_reused,
                "tasks_dropped": summary.tasks_dropped,
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
        return {MANIFEST: json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False, default=str) + "\n",
                CARD: render_card(output_dir, manifest, written.stats)}

    # the articles are written by the executor's publish jobs (contiguous shares of the tasks;
    # with one job, by this process); the manifest and card are swapped in with them
    fills = [o.fill for _, o, _ in outcomes if o.fill]
    schema = article_schema(added_columns(steps))
    if carried and (output_dir / ARTICLES).is_dir():
        republish(output_dir, task_ids, plan.carried_paths, fills, jobs=jobs, run_jobs=executor.map_calls,
                  schema=schema, files=published_files)
    else:
        publish(output_dir, task_ids, fills, jobs=jobs, run_jobs=executor.map_calls, schema=schema,
                files=published_files)
    dataset_tasks = [r.task_id for r in carried] + task_ids
    write_state(output_dir, RunState(config_id=run_id, tasks=dataset_tasks))
    _tidy(output_dir, dataset_tasks, config.keep_staging)
    return summary


def _tidy(output_dir: Path, dataset_tasks: Sequence[str], keep_staging: bool) -> None:
    """After publishing: forget the tasks whose rows left, and remove staging (unless kept)."""
    forget_tasks_except(output_dir, dataset_tasks)
    if not keep_staging:
        shutil.rmtree(output_dir / STAGING, ignore_errors=True)
        return
    kept = set(dataset_tasks)
    for folder in (output_dir / STAGING).glob("*"):
        if folder.name not in kept:
            shutil.rmtree(folder, ignore_errors=True)


def _inputs_listing(files: Iterable[Any], results: list[TaskResult]) -> list[dict[str, Any]]:
    hashes: dict[str, str] = {}
    for result in results:
        hashes.update(result.input_hashes)
    return [{"path": shown_path(f.path), "kind": f.kind, "bytes": f.size, "sha1": hashes.get(f.path)} for f in files]


def _summarize(run_id: str, output_dir: Path, files: list[Any], results: list[TaskResult],
               outcomes: list[StageOutcome], carried: Sequence[TaskResult] = ()) -> RunSummary:
    """The run's counts over its own tasks (``results``) and the published ones it carried
    over; stage timings of its own tasks only."""
    summary = RunSummary(run_id=run_id, output_dir=output_dir, input_files=len(files), tasks_reused=len(carried))
    reasons: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    stages: Counter[str] = Counter()
    for result in [*carried, *results]:
        summary.documents += result.documents
        summary.rows += result.rows
        summary.rejects += result.rejects
        reasons.update(result.reject_reasons)
        topics.update(result.topics)
    for result in results:
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
