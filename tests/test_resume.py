"""Resume: a ``zhnews run`` killed midway (SIGKILL) and run again gives the uninterrupted output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_engine_e2e import assert_same_output, copy_sample

from pipeline.config import make_config
from pipeline.io.rundir import RUN_DIR, TASKS
from pipeline.io.staging import STAGING
from pipeline.runner import run_pipeline

pytestmark = pytest.mark.slow  # SIGKILLed runs resumed end to end (local pool and Dask)

MARKERS = Path(RUN_DIR) / TASKS

REPO_ROOT = Path(__file__).resolve().parent.parent


def _zhnews(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", "run", *args, "--quiet"]


def _markers(out: Path) -> int:
    return len(list((out / MARKERS).glob("*.json")))


@pytest.fixture(scope="module")
def config_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cfg") / "run.json"
    path.write_text(json.dumps({"task_max_files": 1}), encoding="utf-8")  # one task per page
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, sample_corpus: Path) -> Path:
    return copy_sample(sample_corpus, tmp_path_factory.mktemp("resume") / "sample")


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory, corpus: Path, config_file: Path) -> Path:
    out = tmp_path_factory.mktemp("whole")
    done = subprocess.run(_zhnews(str(corpus), "-o", str(out), "--workers", "1", "--config", str(config_file)),
                          cwd=REPO_ROOT, capture_output=True, text=True)
    assert done.returncode in (0, 3), done.stderr
    return out


def _kill_midway(out: Path, corpus: Path, config_file: Path, total: int) -> int:
    """Start a 1-worker run, SIGKILL it once two tasks are done; the tasks it finished."""
    proc = subprocess.Popen(_zhnews(str(corpus), "-o", str(out), "--workers", "1", "--config", str(config_file)),
                            cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while _markers(out) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    finished = _markers(out)
    assert proc.returncode == -signal.SIGKILL
    assert 2 <= finished < total, "the run must be killed midway"
    assert not (out / "manifest.json").exists() and not (out / "articles").exists()
    return finished


def test_killed_run_resumes_to_the_same_dataset(tmp_path: Path, corpus: Path, config_file: Path,
                                                uninterrupted: Path) -> None:
    out = tmp_path / "killed"
    total = len(json.loads((uninterrupted / "manifest.json").read_text(encoding="utf-8"))["inputs"])
    finished = _kill_midway(out, corpus, config_file, total)
    rerun = subprocess.run(_zhnews(str(corpus), "-o", str(out), "--workers", "1", "--config", str(config_file)),
                           cwd=REPO_ROOT, capture_output=True, text=True)
    assert rerun.returncode in (0, 3), rerun.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["tasks_resumed"] >= finished
    assert manifest["counts"]["tasks_resumed"] < manifest["counts"]["tasks"]
    assert_same_output(uninterrupted, out)


def test_killed_run_finishes_on_dask_with_staging_of_an_older_version(
    tmp_path: Path, corpus: Path, config_file: Path, uninterrupted: Path
) -> None:
    """Resumed on a Dask LocalCluster after one finished task lost its staged dedup features
    (as staging written before tasks computed them) and another's marker was written by a
    version with another output format (its staged parts are not trusted: it is redone): the
    same dataset, and no Dask chatter."""
    out = tmp_path / "killed"
    total = len(json.loads((uninterrupted / "manifest.json").read_text(encoding="utf-8"))["inputs"])
    _kill_midway(out, corpus, config_file, total)
    done = sorted(p.stem for p in (out / MARKERS).glob("*.json"))
    for path in (out / STAGING / done[0]).glob("dedup-*.arrow"):
        path.unlink()
    older = out / MARKERS / f"{done[-1]}.json"
    assert len(done) >= 2
    marker = json.loads(older.read_text(encoding="utf-8"))
    older.write_text(json.dumps({k: v for k, v in marker.items() if k != "format"}), encoding="utf-8")
    rerun = subprocess.run(_zhnews(str(corpus), "-o", str(out), "--engine", "dask", "--workers", "2",
                                   "--config", str(config_file)), cwd=REPO_ROOT, capture_output=True, text=True)
    assert rerun.returncode in (0, 3), rerun.stderr
    assert not [line for line in rerun.stderr.splitlines() if line.startswith("INFO ")], rerun.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == {"name": "dask", "workers": 2}
    assert manifest["steps"]["dedup"]["stats"]["tasks_featurized_by_driver"] == 1
    assert_same_output(uninterrupted, out)


def test_half_written_task_is_redone_and_other_settings_start_over(tmp_path: Path, corpus: Path,
                                                                   uninterrupted: Path) -> None:
    """A task whose marker is missing is redone from scratch (its stale parts replaced), the
    others carried over; a run with different result-affecting settings ignores the work of the old one."""
    out = tmp_path / "out"
    # staging kept, so a task can be made to look half-written
    config = make_config(inputs=[str(corpus)], output=str(out), workers=1, task_max_files=1, keep_staging=True)
    cwd = os.getcwd()
    os.chdir(REPO_ROOT)  # the same working directory as the CLI runs (relative paths in the model config)
    try:
        run_pipeline(config)
        markers = sorted((out / MARKERS).glob("*.json"))
        victim = markers[len(markers) // 2]
        victim.unlink()  # as if the worker died after writing its parts, before its marker
        stale = out / STAGING / victim.stem / "articles-00099.parquet"
        stale.write_bytes(b"PAR1 half-written")
        summary = run_pipeline(config)
        assert (summary.tasks_run, summary.tasks_resumed, summary.tasks_reused) == (1, 0, len(markers) - 1)
        assert not stale.exists()
        assert_same_output(uninterrupted, out)

        other = make_config(inputs=[str(corpus)], output=str(out), workers=1, task_max_files=1,
                            dedup_enabled=False)
        summary = run_pipeline(other)
        assert summary.tasks_resumed == summary.tasks_reused == 0 and summary.tasks_run == len(markers)
    finally:
        os.chdir(cwd)
