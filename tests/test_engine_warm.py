"""Task workers start warm: forked by a fork server that set the default steps up once.

Real processes throughout: the fork server the local pool uses, workers forked from it, a
driver killed with its workers running.
"""

from __future__ import annotations

import json
import multiprocessing.forkserver
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from pipeline.config import RunConfig
from pipeline.engine.local import LocalExecutor, worker_context
from pipeline.engine.server import start_warm_server
from pipeline.engine.task import TaskSpec, run_task
from pipeline.ingest import Task, discover_inputs, plan_tasks
from pipeline.ingest.step import ReadStep
from pipeline.io.staging import StageStep
from pipeline.record import Doc
from pipeline.steps import Result, Step, build_steps

SAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "sample"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fork server is used on Linux")


def _what_a_fresh_worker_holds() -> dict[str, object]:
    """Run in a worker before any set-up of its own: what it inherited from its parent."""
    from pipeline.classify import step as classify_step
    from pipeline.segment import tokenizer

    return {"parent": os.getppid(), "tokenizers": sorted(tokenizer._TOKENIZERS),
            "models": len(classify_step._MODELS), "jieba": "jieba" in sys.modules,
            "scikit-learn": "sklearn" in sys.modules, "skops": "skops" in sys.modules}


def test_workers_are_forked_with_the_default_steps_already_set_up() -> None:
    context = worker_context()
    assert context.get_start_method() == "forkserver"
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        held = pool.submit(_what_a_fresh_worker_holds).result(timeout=120)
    # jieba's dictionary with the domain words, and the default model: loaded by the server
    assert held["tokenizers"] == [True] and held["models"] == 1 and held["jieba"]
    # the model was read by a process of its own: the server never imported skops or scikit-learn
    assert not held["skops"] and not held["scikit-learn"]
    assert held["parent"] != os.getpid()  # forked by the server, not by this process


def _modules_tasks_import(spec: TaskSpec, tasks: list[Task]) -> list[str]:
    """Run in a fresh worker: the modules it imports while running ``tasks`` (set-up included)."""
    before = set(sys.modules)
    for task in tasks:
        run_task(spec, task)
    return sorted(set(sys.modules) - before)


def test_a_forked_worker_imports_no_library_for_its_tasks(tmp_path: Path) -> None:
    """What the tasks import on first use (pyarrow's pandas bridge, scipy.special for scoring;
    datasketch is not needed at all) was loaded by the server: a worker that imported them
    itself would pay about 0.5 CPU-s, once per worker."""
    spec = TaskSpec(steps=build_steps(RunConfig()), output_dir=str(tmp_path / "out"), provenance={})
    # the sample's pages, JSONL and text files: every reader and step runs
    tasks = plan_tasks(discover_inputs([str(SAMPLE)]))
    with ProcessPoolExecutor(max_workers=1, mp_context=worker_context()) as pool:
        imported = pool.submit(_modules_tasks_import, spec, tasks).result(timeout=300)
    libraries = {name for name in imported if not name.startswith(("pipeline", "encodings", "_"))}
    assert not {"pandas", "scipy.special", "datasketch"} & libraries, libraries
    assert len(libraries) < 20, libraries  # was over 700 modules


class EnvStep(Step):
    """Records, as it sets up and for every document, the environment variable ``variable``."""

    name = "env"

    def __init__(self, variable: str = "", log: str = "") -> None:
        super().__init__()
        self.variable = variable
        self.log = log

    def setup(self) -> None:
        with open(self.log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {os.environ.get(self.variable, '-')}\n")

    def process(self, doc: Doc) -> Result:
        doc.text = doc.raw.decode("utf-8") if isinstance(doc.raw, bytes) else str(doc.raw or "")
        doc.paragraphs = [doc.text]
        return doc


def _map_four_inputs(tmp_path: Path, step: Step) -> int:
    """Rows staged by a 2-worker pool running ``step`` over four one-line inputs (one task each)."""
    for i in range(4):
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / f"{i}.txt").write_text(f"第{i}篇：医务人员补助发放", encoding="utf-8")
    spec = TaskSpec(steps=[ReadStep(), step, StageStep()], output_dir=str(tmp_path / "out"), provenance={})
    executor = LocalExecutor(2)
    try:
        results = list(executor.map_tasks(spec, plan_tasks(discover_inputs([str(tmp_path / "in")]), max_files=1)))
    finally:
        executor.close()
    return sum(r.rows for r in results)


def test_forked_workers_see_the_drivers_environment_of_now(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server keeps the environment it started with; a worker takes the driver's current one
    (steps read settings such as ``ZHNEWS_MODEL_DIR`` from it), as a spawned worker would."""
    worker_context()
    multiprocessing.forkserver.ensure_running()  # started before the variable is set
    monkeypatch.setenv("ZHNEWS_TEST_MARK", "set-after-the-server")
    log = tmp_path / "setups.log"
    assert _map_four_inputs(tmp_path, EnvStep("ZHNEWS_TEST_MARK", str(log))) == 4
    setups = log.read_text(encoding="utf-8").splitlines()
    # one set-up per worker that ran a task: on a busy machine one worker may take all four
    assert 1 <= len(setups) <= 2 and {line.split()[1] for line in setups} == {"set-after-the-server"}


class ParentStep(Step):
    """Records, for every document, the process that forked the worker running it."""

    name = "parent"

    def __init__(self, log: str = "") -> None:
        super().__init__()
        self.log = log

    def process(self, doc: Doc) -> Result:
        with open(self.log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getppid()}\n")
        doc.text = doc.raw.decode("utf-8") if isinstance(doc.raw, bytes) else str(doc.raw or "")
        doc.paragraphs = [doc.text]
        return doc


def test_the_pool_forks_its_workers_from_a_server_started_before_it(tmp_path: Path) -> None:
    """A run starts the server as soon as it knows it will fork workers; the pool made later
    forks them from that server rather than starting one of its own."""
    assert start_warm_server()
    server = multiprocessing.forkserver._forkserver._forkserver_pid
    assert server is not None and server != os.getpid()
    log = tmp_path / "parents.log"
    assert _map_four_inputs(tmp_path, ParentStep(str(log))) == 4
    assert set(log.read_text(encoding="utf-8").split()) == {str(server)}
    assert multiprocessing.forkserver._forkserver._forkserver_pid == server


_READ_ASIDE = """
import json, sys
from pipeline.classify.step import ClassifyStep
from pipeline.record import Doc
step = ClassifyStep(model_dir=sys.argv[1] or None)
began = step.start_setup_aside()
step._ensure_ready()
doc = Doc(doc_id="a", source_path="a", input_kind="text", title=sys.argv[2], text=sys.argv[3])
out = step(doc)
print(json.dumps({"score": out.relevant_score, "topics": out.topics, "evidence": out.evidence,
                  "sklearn": "sklearn" in sys.modules, "began": began,
                  "again": ClassifyStep(model_dir=sys.argv[1] or None).start_setup_aside()}))
"""


def _read_aside(model_dir: str, title: str, text: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _READ_ASIDE, model_dir, title, text],
                          capture_output=True, text=True, timeout=300, check=False)


def test_a_model_read_aside_scores_as_the_model_loaded_here(tmp_path: Path) -> None:
    from pipeline.classify.step import ClassifyStep

    title, text = "护士夜班补贴提高", "市卫健委宣布，全市护士夜班补贴从每晚50元提高到100元，医务人员的休息时间也将得到保障。"
    done = _read_aside("", title, text)
    assert done.returncode == 0, done.stderr
    aside = json.loads(done.stdout)
    here = ClassifyStep()(Doc(doc_id="a", source_path="a", input_kind="text", title=title, text=text))
    assert aside["score"] == here.relevant_score and aside["topics"] == here.topics
    assert aside["evidence"] == here.evidence
    assert not aside["sklearn"]
    # the step says it began reading aside, so the fork server sets the other steps up first;
    # once the model is loaded there is nothing to read aside
    assert aside["began"] is True and aside["again"] is False
    # a folder without a model fails as a load in this process does, with the same message
    failed = _read_aside(str(tmp_path), title, text)
    assert failed.returncode != 0 and "no model at" in failed.stderr


def test_the_reading_process_runs_without_the_cycle_collector() -> None:
    """The process that reads the model aside ends once it has sent the state: walking the
    objects scikit-learn's imports make would be work for nothing."""
    code = ("import gc; from pipeline.classify.step import _model_key, _read_state; "
            "state, meta = _read_state(_model_key(None)); print(bool(state), gc.isenabled())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False"]
