"""``--scheduler ADDR``: zhnews on a Dask cluster it did not start.

A real ``dask scheduler`` and a real ``dask worker`` are started as separate processes on
127.0.0.1, as a researcher starts them on a cluster.  The worker is started with two threads
(``dask worker``'s default is one thread per core), so two tasks reach one worker process at
the same time, before its step state exists: the state must still be built once per process,
and the output must be the one every other engine gives.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_engine import CharTokensStep, StripStep, _spec, _staged, chain, corpus, serial_output, tasks  # noqa: F401 (fixtures)
from test_engine_e2e import assert_same_output, copy_sample

from pipeline.config import make_config
from pipeline.engine.dask_executor import DaskExecutor
from pipeline.publish import publish_jobs_for
from pipeline.runner import run_pipeline

pytestmark = pytest.mark.slow  # a Dask scheduler and worker started as processes

REPO = Path(__file__).resolve().parents[1]
DASK = Path(sys.executable).with_name("dask")


class SlowSetupStripStep(StripStep):
    """:class:`StripStep` whose set-up takes a while, as jieba's or the model's does: the
    window in which a second thread could start a second set-up."""

    name = "slow-strip"

    def setup(self) -> None:
        time.sleep(0.5)
        super().setup()


def _spawn(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "tests")])}
    with open(log, "wb") as handle:
        return subprocess.Popen([str(DASK), *args], stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=log.parent)


def _address(scheduler_file: Path, process: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"dask scheduler exited: {log.read_text(errors='replace')}")
        try:
            return str(json.loads(scheduler_file.read_text(encoding="utf-8"))["address"])
        except (OSError, ValueError, KeyError):
            time.sleep(0.1)
    pytest.fail("dask scheduler did not write its address within 60 s")


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a scheduler with one two-thread worker process, both on 127.0.0.1."""
    root = tmp_path_factory.mktemp("cluster")
    scheduler_file = root / "scheduler.json"
    processes = [_spawn(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                         "--scheduler-file", str(scheduler_file)], root / "scheduler.log")]
    try:
        address = _address(scheduler_file, processes[0], root / "scheduler.log")
        processes.append(_spawn(["worker", address, "--nworkers", "1", "--nthreads", "2", "--no-dashboard",
                                 "--host", "127.0.0.1", "--local-directory", str(root / "worker")],
                                root / "worker.log"))
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def test_external_cluster_with_threaded_worker_sets_up_once(tmp_path: Path, scheduler: str, tasks,
                                                            serial_output: Path, caplog: pytest.LogCaptureFixture) -> None:
    log = tmp_path / "setups.log"
    steps = chain(SlowSetupStripStep(setup_log=str(log)), CharTokensStep(setup_log=str(log)))
    spec = dataclasses.replace(_spec(tmp_path / "out", str(log)), steps=steps, cache_key="")  # key of these steps
    executor = DaskExecutor(workers=8, scheduler=scheduler)  # the cluster has the workers it has
    try:
        executor.start(spec.steps, spec.doc_time_limit)
        results = list(executor.map_tasks(spec, tasks))
        worker_pids = set(executor._client.run(os.getpid).values())
    finally:
        executor.close()
    assert executor._cluster is None  # nothing was started: the cluster is the caller's
    assert executor.workers == 1  # as the manifest records it: the processes the cluster had
    assert publish_jobs_for(executor.workers, local=executor.local) == 1  # a publish job per worker process of the cluster
    threads_warnings = [r for r in caplog.records if "--nthreads 1" in r.getMessage()]
    assert len(threads_warnings) == 1 and threads_warnings[0].levelname == "WARNING"
    assert sorted(r.task_id for r in results) == sorted(t.task_id for t in tasks)
    staged = _staged(tmp_path / "out", "articles")
    assert staged.num_rows == 5 * 40 + 6
    assert staged.column("tokens").to_pylist() == _staged(serial_output, "articles").column("tokens").to_pylist()
    setups = Counter(log.read_text(encoding="utf-8").splitlines())
    assert len(worker_pids) == 1
    pid = worker_pids.pop()
    assert setups == {f"slow-strip {pid}": 1, f"chars {pid}": 1}  # one set-up per step, not per thread
    # each task reports its own stage seconds, not those of the task beside it
    assert all(0 <= r.timings["slow-strip"] < r.seconds for r in results)


def test_zhnews_run_on_an_external_cluster_matches_the_local_engine(tmp_path: Path, scheduler: str,
                                                                    sample_corpus: Path) -> None:
    corpus = copy_sample(sample_corpus, tmp_path / "sample")
    local = tmp_path / "local"
    run_pipeline(make_config(inputs=[str(corpus)], output=str(local), workers=1, task_max_files=3))
    out = tmp_path / "dask"
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", str(corpus), "-o", str(out), "--engine", "dask",
         "--scheduler", scheduler, "--quiet", "--config", str(_config(tmp_path))],
        capture_output=True, text=True, cwd=REPO, timeout=600,
    )
    assert done.returncode in (0, 3), done.stderr  # 3: the sample corpus has rejects, by design
    assert_same_output(local, out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == {"name": "dask", "workers": 1}
    assert "1 of 1 Dask workers run several threads" in done.stderr


def _config(tmp_path: Path) -> Path:
    """The reference run's task size (the run id, a column, depends on how tasks are cut)."""
    path = tmp_path / "zhnews.json"
    path.write_text(json.dumps({"task_max_files": 3}), encoding="utf-8")
    return path
