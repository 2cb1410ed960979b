"""SIGKILL during ``zhnews run`` at random moments: the visible dataset is always the previous
complete one or the new complete one, every Parquet file under its final name opens, and a
re-run ends with exactly the rows of an uninterrupted run (no document lost or doubled).
Runs prune and overwrite, so a folder that held a dataset of other inputs ends with the new inputs' rows only.

Real timing, no hooks: the kill delay is drawn over the whole length of a reference run, so
kills land in start-up/ingest, staging, dedup and publish.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from pipeline.io.rundir import RUN_DIR, TASKS
from tests.make_bad_inputs import make_crash_corpus

pytestmark = pytest.mark.slow  # SIGKILL trials

REPO = Path(__file__).resolve().parent.parent
#: where a run keeps its task markers
MARKERS = Path(RUN_DIR) / TASKS


def write_config(path: Path) -> Path:
    """Small tasks, so a killed run leaves some tasks finished and some not."""
    path.write_text(json.dumps({"task_max_files": 8, "classify_enabled": False}), encoding="utf-8")
    return path


def _start(inputs: Path, output: Path, config: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", str(inputs), "-o", str(output), "--config", str(config),
         "--workers", "1", "--prune", "--quiet", "--overwrite"],  # chains start from a dataset of other inputs
        cwd=inputs.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def run_to_end(inputs: Path, output: Path, config: Path) -> float:
    """Run to completion; returns the wall time. Raises when the run fails."""
    started = time.perf_counter()
    proc = _start(inputs, output, config)
    _, err = proc.communicate(timeout=600)
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"zhnews run failed ({proc.returncode}): {err.decode()[-2000:]}")
    return time.perf_counter() - started


def timed_run(inputs: Path, output: Path, config: Path) -> tuple[float, float, float]:
    """Run to completion, watching the output: seconds until the first task marker, until
    the last one, and until the end (start-up+ingest | staging | dedup+publish)."""
    started = time.perf_counter()
    proc = _start(inputs, output, config)
    first = last = None
    seen = 0
    while proc.poll() is None:
        markers = len(list((output / MARKERS).glob("*.json")))
        now = time.perf_counter() - started
        if markers and first is None:
            first = now
        if markers > seen:
            seen, last = markers, now
        time.sleep(0.02)
    end = time.perf_counter() - started
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"zhnews run failed ({proc.returncode}): {proc.stderr.read().decode()[-2000:]}")
    return first or end, last or end, end


def kill_after(inputs: Path, output: Path, config: Path, delay: float) -> bool:
    """Start a run and SIGKILL it after ``delay`` s; False when it finished before that."""
    proc = _start(inputs, output, config)
    try:
        proc.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        return True


def snapshot(output: Path) -> dict[str, list[str]] | None:
    """The visible dataset (sorted article rows, reject keys); None when there is none yet.

    Every Parquet file under ``articles/`` and ``rejects/`` is opened and read: a partial file
    under its final name fails here.
    """
    articles, rejects = output / "articles", output / "rejects"
    if not articles.exists() and not rejects.exists():
        return None
    for path in [*articles.rglob("*.parquet"), *rejects.rglob("*.parquet")]:
        pq.read_table(path)
    rows: list[str] = []
    if articles.exists():
        table = ds.dataset(articles, format="parquet", partitioning="hive").to_table(
            columns=["doc_id", "source_path", "text", "tokens", "dup_cluster_id", "is_canonical"])
        rows = sorted(json.dumps(row, ensure_ascii=False, sort_keys=True) for row in table.to_pylist())
    reject_keys: list[str] = []
    if rejects.exists():
        reject_keys = sorted(f"{r['doc_id']}|{r['reason']}"
                             for r in pq.read_table(rejects, columns=["doc_id", "reason"]).to_pylist())
    return {"rows": rows, "rejects": reject_keys}


def phase_of(output: Path, tasks: int) -> str:
    """Where a killed run was, judged from what it left on disk."""
    done = len(list((output / MARKERS).glob("*.json")))
    if any(output.glob("_publish-*")) or any(output.glob("_trash-*")):
        return "publish"
    if done <= 0:
        return "start-up/ingest"
    if done < tasks:
        return "staging"
    return "dedup/publish"


@dataclass
class Trials:
    """What the kill trials saw, for the assertions and the reliability table."""

    kills: list[dict[str, Any]] = field(default_factory=list)
    reruns: int = 0
    reruns_identical: int = 0


def sigkill_trials(work: Path, chains: int = 7, kills_per_chain: int = 3, seed: int = 11) -> Trials:
    """Kill runs over a small corpus; each chain ends with a re-run compared with a reference.

    Delays are drawn in turn from the three phases the reference run went through (start-up
    and ingest, staging, dedup and publish), timed by watching its output folder.  Odd chains
    start from a previous complete dataset of other inputs in the same folder, so "the
    previous complete state" is checked as well as "nothing yet".
    """
    inputs = make_crash_corpus(work / "in")
    previous_inputs = make_crash_corpus(work / "prev", pages=12, records=5, seed=5)
    config = write_config(work / "config.json")
    first, staged, end = timed_run(inputs, work / "reference", config)
    windows = [(0.1, first), (first, staged), (staged, end * 1.05)]
    reference = snapshot(work / "reference")
    run_to_end(previous_inputs, work / "previous", config)
    previous = snapshot(work / "previous")
    tasks = len(list((work / "reference" / MARKERS).glob("*.json")))
    rng = random.Random(seed)
    trials = Trials()
    for chain in range(chains):
        out = work / f"out{chain}"
        prior = None
        if chain % 2:
            shutil.copytree(work / "previous", out)
            prior = previous
        for kill in range(kills_per_chain):
            low, high = windows[(chain * kills_per_chain + kill) % len(windows)]
            delay = rng.uniform(low, max(high, low + 0.05))
            killed = kill_after(inputs, out, config, delay)
            phase = phase_of(out, tasks) if killed else "finished"
            state = snapshot(out)
            if state == reference:
                visible = "new"
                prior = reference
            elif state == prior:
                visible = "previous" if prior is not None else "none"
            else:
                visible = "other"
            trials.kills.append({"delay": round(delay, 2), "killed": killed, "phase": phase, "visible": visible})
        run_to_end(inputs, out, config)
        trials.reruns += 1
        trials.reruns_identical += snapshot(out) == reference
    return trials


@pytest.mark.slow
def test_sigkill_trials(tmp_path: Path) -> None:
    trials = sigkill_trials(tmp_path)
    assert len(trials.kills) >= 20
    bad = [k for k in trials.kills if k["visible"] == "other"]
    assert not bad, bad
    assert trials.reruns_identical == trials.reruns
    # the delays must have reached more than one phase (real timing, no hooks)
    assert len({k["phase"] for k in trials.kills if k["killed"]}) >= 2, trials.kills


def test_leftover_swap_is_restored(tmp_path: Path) -> None:
    """A kill between the two renames of a publish swap leaves the previous folder in the
    trash; the next run's clean-up puts it back before anything else."""
    from pipeline.io.dataset import remove_leftovers

    out = tmp_path / "out"
    (out / "_trash-_publish-1" / "articles" / "year=2021" / "month=03").mkdir(parents=True)
    (out / "_trash-_publish-1" / "articles" / "year=2021" / "month=03" / "part-a-00000.parquet").write_bytes(b"x")
    (out / "_publish-1" / "articles").mkdir(parents=True)
    (out / "rejects").mkdir()
    remove_leftovers(out)
    assert (out / "articles" / "year=2021" / "month=03" / "part-a-00000.parquet").exists()
    assert (out / "rejects").exists()
    assert not list(out.glob("_trash-*")) and not list(out.glob("_publish-*"))
