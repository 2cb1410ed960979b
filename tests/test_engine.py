"""Executors (local process pool, Dask LocalCluster) on a small real-file corpus with tiny steps.

The steps here are deliberately trivial so these tests exercise the engines only: task
planning, per-process set-up, staging output, bounded submission and equal results whatever
the executor.  The full pipeline on the sample corpus is in ``test_engine_e2e.py``.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pytest

from pipeline.engine.dask_executor import DaskExecutor
from pipeline.engine.local import LocalExecutor
from pipeline.engine.task import TaskSpec, load_marker, run_task
from pipeline.errors import InputRejected
from pipeline.ingest import discover_inputs, plan_tasks
from pipeline.ingest.step import ReadStep
from pipeline.io.staging import StageStep
from pipeline.publish import publish_jobs_for
from pipeline.record import Doc
from pipeline.steps import BaseStep, Result, Step


class StripStep(Step):
    """Text from the raw payload; rejects very short items.  Logs its set-ups by process."""

    name = "strip"

    def __init__(self, setup_log: str = "", min_chars: int = 4) -> None:
        super().__init__()
        self.setup_log = setup_log
        self.min_chars = min_chars

    def setup(self) -> None:
        if self.setup_log:
            with open(self.setup_log, "a", encoding="utf-8") as handle:
                handle.write(f"{self.name} {os.getpid()}\n")

    def process(self, doc: Doc) -> Result:
        text = doc.raw.decode("utf-8") if isinstance(doc.raw, bytes) else (doc.raw or "")
        text = text.strip()
        if len(text) < self.min_chars:
            raise InputRejected("too_short", f"{len(text)} characters")
        doc.paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
        doc.text = "\n".join(doc.paragraphs)
        return doc


class CharTokensStep(Step):
    """Every non-space character is a token (a stand-in for segmentation)."""

    name = "chars"

    def __init__(self, setup_log: str = "") -> None:
        super().__init__()
        self.setup_log = setup_log

    def setup(self) -> None:
        if self.setup_log:
            with open(self.setup_log, "a", encoding="utf-8") as handle:
                handle.write(f"{self.name} {os.getpid()}\n")

    def process(self, doc: Doc) -> Result:
        doc.tokens = [ch for ch in doc.text or "" if not ch.isspace()]
        return doc


STORIES = [
    "市卫生健康委员会近日印发通知，要求各级医疗机构落实医务人员带薪休假制度。",
    "某县人民医院为夜班护士增设值班补贴，每班次补助标准提高到一百二十元。",
    "乡村医生养老保障问题受到关注，多地出台补助办法。",
    "急诊科医生连续工作超过二十四小时的情况仍然存在，院方表示将调整排班。",
    "区政府今天召开会议，部署今冬明春道路维修工作。",
    "本市首届龙舟邀请赛在滨江公园开幕，二十支队伍参赛。",
]


def _write_corpus(root: Path, jsonl_files: int = 5, lines: int = 40, texts: int = 6) -> Path:
    """Small JSONL files (one malformed line, one empty text each) and plain-text dumps."""
    corpus = root / "corpus"
    (corpus / "feeds").mkdir(parents=True)
    (corpus / "dumps").mkdir()
    for f in range(jsonl_files):
        with open(corpus / "feeds" / f"feed-{f:02d}.jsonl", "w", encoding="utf-8") as handle:
            for i in range(lines):
                story = STORIES[(f + i) % len(STORIES)]
                record = {"id": f"f{f}-{i}", "title": story[:10], "date": f"2021-0{1 + i % 9}-1{i % 10}",
                          "text": f"{story}\n（第{f}批第{i}条）"}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            handle.write('{"id": "broken", "text": "未闭合的记录\n')
            handle.write(json.dumps({"id": f"f{f}-empty", "text": "  "}) + "\n")
            handle.write(json.dumps({"id": f"f{f}-short", "text": "短"}, ensure_ascii=False) + "\n")
    for t in range(texts):
        body = "\n\n".join(STORIES[t % len(STORIES):] + STORIES[: t % len(STORIES)])
        (corpus / "dumps" / f"story-{t:02d}.txt").write_text(body + "\n", encoding="utf-8")
    return corpus


def chain(*steps: Step) -> list[BaseStep]:
    """``steps`` between reading (1 MB per input) and staging (parts of 25 documents)."""
    return [ReadStep(max_input_bytes=1 << 20, batch_size=25), *steps, StageStep(batch_docs=25)]


def _spec(out: Path, setup_log: str = "") -> TaskSpec:
    steps = chain(StripStep(setup_log=setup_log), CharTokensStep(setup_log=setup_log))
    provenance = {"pipeline_version": "test", "run_id": "r1", "model_version": None, "opencc_config": None}
    return TaskSpec(steps=steps, output_dir=str(out), provenance=provenance)


def _staged(out: Path, kind: str) -> pa.Table:
    tables = [pa.ipc.open_file(p).read_all() for p in sorted((out / "_staging").glob(f"*/{kind}-*.arrow"))]
    table = pa.concat_tables(tables)
    return table.sort_by("doc_id")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_corpus(tmp_path_factory.mktemp("engine"))


@pytest.fixture(scope="module")
def tasks(corpus: Path):
    files = discover_inputs([str(corpus)])
    planned = plan_tasks(files, max_files=2, max_bytes=1 << 20)
    assert len(planned) == 5 + 3  # five JSONL files, six dumps in groups of two
    return planned


@pytest.fixture(scope="module")
def serial_output(tmp_path_factory: pytest.TempPathFactory, tasks) -> Path:
    """Every task run in this process: the reference the executors must reproduce."""
    out = tmp_path_factory.mktemp("serial")
    spec = _spec(out)
    for task in tasks:
        run_task(spec, task)
    return out


def test_serial_output_is_what_the_inputs_hold(serial_output: Path) -> None:
    articles = _staged(serial_output, "articles")
    rejects = _staged(serial_output, "rejects")
    # 5 files x 40 good lines + 6 dumps; per file one bad JSON line, one empty, one too short
    assert articles.num_rows == 5 * 40 + 6
    assert Counter(rejects.column("reason").to_pylist()) == {"bad_json": 5, "missing_text": 5, "too_short": 5}
    first = articles.filter(pa.compute.equal(articles.column("source_id"), "f0-0")).to_pylist()[0]
    assert first["tokens"] == [ch for ch in first["text"] if not ch.isspace()]
    assert first["published_at_original"].startswith("2021-01-10")
    # batch_docs=25 splits every 43-line feed into several parts
    assert len(list((serial_output / "_staging").glob("*/articles-00001.arrow"))) == 5


@pytest.mark.parametrize(("workers", "cores", "jobs"), [
    (1, 2, 1), (2, 2, 1), (3, 2, 1), (4, 4, 2), (8, 8, 4), (8, 2, 1), (16, 64, 8), (5, 8, 2)])
def test_publish_jobs_follow_the_cores_a_job_keeps_busy(workers: int, cores: int, jobs: int) -> None:
    """One publish job keeps about two cores busy: a second one pays only with cores for it."""
    assert publish_jobs_for(workers, cores) == jobs


def _log_pid(path: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"{os.getpid()}\n")


def _pid(_: object) -> int:
    return os.getpid()


def _lines(path: Path, count: int) -> list[str]:
    """The lines of ``path`` once it has ``count`` of them (within a minute)."""
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not path.exists() or len(path.read_text().splitlines()) < count):
        time.sleep(0.05)
    return path.read_text().splitlines() if path.exists() else []


@pytest.mark.slow
def test_local_pool_frees_its_task_workers_and_starts_call_processes_only_when_asked(tmp_path: Path, tasks) -> None:
    """The task workers exit after the last task; light processes for ``map_calls`` start when
    the caller prepares them (each running the initializer), not before."""
    import functools
    import multiprocessing

    setups, calls = tmp_path / "setups.log", tmp_path / "calls.log"
    executor = LocalExecutor(2)
    try:
        list(executor.map_tasks(_spec(tmp_path / "out", str(setups)), tasks))
        task_workers = {int(line.split()[1]) for line in setups.read_text().splitlines()}
        live = {p.pid for p in multiprocessing.active_children()}
        executor.prepare_calls(functools.partial(_log_pid, str(calls)))
        call_processes = {int(pid) for pid in _lines(calls, 2)}
        assert len(call_processes) == 2 and not call_processes & task_workers
        assert not live - task_workers  # no process of the map's is left but exiting task workers
        assert set(executor.map_calls(_pid, list(range(8)))) <= call_processes
    finally:
        executor.close()


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_local_executor_matches_serial(tmp_path: Path, tasks, serial_output: Path, workers: int) -> None:
    log = tmp_path / "setups.log"
    executor = LocalExecutor(workers)
    try:
        results = list(executor.map_tasks(_spec(tmp_path / "out", str(log)), tasks))
    finally:
        executor.close()
    assert sorted(r.task_id for r in results) == sorted(t.task_id for t in tasks)
    assert _staged(tmp_path / "out", "articles").equals(_staged(serial_output, "articles"))
    assert _staged(tmp_path / "out", "rejects").equals(_staged(serial_output, "rejects"))
    setups = Counter(log.read_text().split("\n")[:-1])
    assert all(count == 1 for count in setups.values()), setups  # once per step per process
    assert len({line.split()[1] for line in setups}) == workers


def _cluster_settings() -> tuple[str | None, bool, str, str]:
    import dask

    return (os.environ.get("MALLOC_TRIM_THRESHOLD_"), dask.config.get("distributed.worker.profile.enabled"),
            dask.config.get("distributed.admin.tick.interval"), dask.config.get("distributed.worker.memory.monitor-interval"))


@pytest.mark.slow
def test_dask_executor_matches_serial_and_sets_up_once_per_worker(tmp_path: Path, tasks, serial_output: Path) -> None:
    log = tmp_path / "setups.log"
    executor = DaskExecutor(workers=2)
    try:
        results = list(executor.map_tasks(_spec(tmp_path / "out", str(log)), tasks))
        worker_pids = set(executor._client.run(os.getpid).values())
        worker_settings = list(executor._client.run(_cluster_settings).values())
        ticks = [executor._client.run_on_scheduler(
            lambda dask_scheduler: dask_scheduler.periodic_callbacks["tick"].callback_time)]
        nannies = list(executor._cluster.workers.values())
        ticks += [nanny.periodic_callbacks["tick"].callback_time for nanny in nannies]
        nanny_polls = [nanny.periodic_callbacks["memory_monitor"].callback_time for nanny in nannies]
    finally:
        executor.close()
    assert executor._client is None and executor._cluster is None
    assert sorted(r.task_id for r in results) == sorted(t.task_id for t in tasks)
    assert sum(r.rows for r in results) == 5 * 40 + 6
    assert _staged(tmp_path / "out", "articles").equals(_staged(serial_output, "articles"))
    assert _staged(tmp_path / "out", "rejects").equals(_staged(serial_output, "rejects"))
    # the LocalCluster we start keeps glibc's malloc defaults and its periodic work slow
    assert worker_settings == [(None, False, "500ms", "500ms")] * 2
    assert ticks == [500] * 3  # ms, the scheduler and both nannies (in this process)
    assert nanny_polls == [500] * 2
    setups = Counter(log.read_text().split("\n")[:-1])
    assert all(count == 1 for count in setups.values()), setups
    setup_pids = {int(line.split()[1]) for line in setups}
    assert setup_pids <= worker_pids and os.getpid() not in setup_pids
    for task in tasks:
        assert load_marker(tmp_path / "out", task.task_id) is not None


@pytest.mark.slow
def test_dask_executor_keeps_few_tasks_in_flight(tmp_path: Path, tasks) -> None:
    """While the driver consumes results, the scheduler knows only a bounded number of tasks."""
    executor = DaskExecutor(workers=1)
    seen: list[int] = []
    try:
        for _ in executor.map_tasks(_spec(tmp_path / "out"), tasks):
            seen.append(executor._client.run_on_scheduler(
                lambda dask_scheduler: sum(str(k).startswith("zhnews-task") for k in dask_scheduler.tasks)))
    finally:
        executor.close()
    assert len(seen) == len(tasks)
    assert max(seen) <= 2  # IN_FLIGHT_PER_THREAD x one worker thread


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["local", "dask"])
def test_started_workers_set_up_before_the_first_task_and_only_once(tmp_path: Path, tasks, serial_output: Path,
                                                                   engine: str) -> None:
    """``start`` builds every worker's step state up front; the tasks reuse it (one set-up per
    step per process: the warm-up's pipeline key is the spec's)."""
    import time

    log = tmp_path / "setups.log"
    spec = _spec(tmp_path / "out", str(log))
    executor = LocalExecutor(2) if engine == "local" else DaskExecutor(workers=2)
    try:
        executor.start(spec.steps, spec.doc_time_limit)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (not log.exists() or len(log.read_text().splitlines()) < 4):
            time.sleep(0.2)
        before_tasks = Counter(log.read_text().splitlines())
        results = list(executor.map_tasks(spec, tasks))
    finally:
        executor.close()
    assert len(before_tasks) == 4 and len({line.split()[1] for line in before_tasks}) == 2  # 2 steps x 2 workers
    assert Counter(log.read_text().splitlines()) == before_tasks
    assert sum(r.rows for r in results) == 5 * 40 + 6
    assert _staged(tmp_path / "out", "articles").equals(_staged(serial_output, "articles"))


class FailingSetupStep(Step):
    name = "failing"

    def setup(self) -> None:
        raise OSError("model file missing")

    def process(self, doc: Doc) -> Result:
        return doc


def test_warm_up_leaves_a_failing_set_up_to_the_first_task(tmp_path: Path, tasks) -> None:
    from pipeline.engine.task import pipeline_key, warm_up

    log = tmp_path / "setups.log"
    spec = _spec(tmp_path / "out")
    spec = TaskSpec(steps=chain(CharTokensStep(setup_log=str(log)), FailingSetupStep()), output_dir=spec.output_dir,
                    provenance=spec.provenance)
    warm_up(spec.steps, spec.doc_time_limit, pipeline_key(spec.steps, spec.doc_time_limit))  # no exception here
    assert log.read_text().splitlines() == [f"chars {os.getpid()}"]  # the steps before the failing one are set up
    with pytest.raises(OSError, match="model file missing"):
        run_task(spec, tasks[0])
    assert log.read_text().splitlines() == [f"chars {os.getpid()}"]  # and not set up again
