"""Runs whose inputs and output are ``s3://`` URLs, against a local S3 server (moto, 127.0.0.1).

An s3:// run gives the rows a local run over the same files gives; a run SIGKILLed midway
resumes; an input added later is processed alone, from another machine's empty work folder;
``report`` and ``export`` read the run and write their files into the store; the run lock is a
conditional put; the secret key never reaches a log, the manifest or the card.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pytest
from test_engine_e2e import copy_sample

from pipeline.config import make_config
from pipeline.io import storage
from pipeline.io.lock import OutputInUse
from pipeline.io.remote import POINTER, RemoteOutput, StoreLock, readable_run_folder
from pipeline.io.rundir import RUN_DIR, TASKS
from pipeline.runner import run_pipeline
from tests._s3 import SECRET, s3_bucket, s3_server, upload_folder  # noqa: F401 - fixtures

REPO_ROOT = Path(__file__).resolve().parent.parent
#: Columns that name where a row came from (a path or URL), not what it holds.
PLACE_COLUMNS = {"doc_id", "source_path", "dup_cluster_id"}
TASK_MAX_FILES = 3  # several tasks from the small sample, so a run can be killed midway


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, sample_corpus: Path) -> Path:
    return copy_sample(sample_corpus, tmp_path_factory.mktemp("store") / "sample")


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    out = tmp_path_factory.mktemp("local-out")
    run_pipeline(make_config(inputs=[str(corpus)], output=str(out), workers=1, task_max_files=TASK_MAX_FILES))
    return out


@pytest.fixture
def inputs(s3_bucket: str, corpus: Path) -> str:
    url = f"{s3_bucket}/raw"
    upload_folder(corpus, url)
    return url


def _relative(source_path: str) -> str:
    for marker in ("/raw/", "/sample/"):
        if marker in source_path:
            return source_path.split(marker, 1)[1]
    raise AssertionError(f"unexpected source path {source_path}")


def _rows(folder: Path) -> tuple[dict[tuple[str, str], dict[str, Any]], set[frozenset[tuple[str, str]]]]:
    """The rows of a run keyed by (file below the corpus, document hash), and its clusters as
    sets of those keys."""
    table = ds.dataset(folder / "articles", partitioning="hive").to_table()
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    clusters: dict[str, set[tuple[str, str]]] = {}
    for row in table.to_pylist():
        key = (_relative(row["source_path"]), row["input_sha1"])
        assert key not in rows
        clusters.setdefault(row["dup_cluster_id"], set()).add(key)
        rows[key] = {name: value for name, value in row.items() if name not in PLACE_COLUMNS}
    return rows, {frozenset(members) for members in clusters.values()}


def assert_same_rows(a: Path, b: Path) -> None:
    rows_a, clusters_a = _rows(a)
    rows_b, clusters_b = _rows(b)
    assert rows_a and rows_a == rows_b
    assert clusters_a == clusters_b
    assert any(len(c) > 1 for c in clusters_a)  # the sample has duplicates: clustering was compared


def _zhnews(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *args]


def _cli(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(_zhnews(*args), cwd=REPO_ROOT, capture_output=True, text=True, env=os.environ.copy(),
                          timeout=600)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def _config_file(tmp_path: Path) -> str:
    path = tmp_path / "run.json"
    path.write_text(json.dumps({"task_max_files": TASK_MAX_FILES}), encoding="utf-8")
    return str(path)


@pytest.mark.slow
def test_s3_run_equals_local_run_and_keeps_the_secret_out(inputs: str, s3_bucket: str, local_run: Path,
                                                           tmp_path: Path) -> None:
    out = f"{s3_bucket}/processed"
    done = _cli("-vv", "run", inputs, "-o", out, "--workers", "1", "--config", _config_file(tmp_path))
    assert_same_rows(local_run, readable_run_folder(out))
    pointer = storage.read_bytes(f"{out}/{POINTER}").decode()
    snapshot = json.loads(pointer)["snapshot"]
    card = storage.read_bytes(f"{out}/{snapshot}/README.md").decode()
    assert json.loads(pointer)["inputs"][0]["path"].startswith(f"{inputs}/")
    # debug logging of the whole run, the manifest and the card: no trace of the secret key
    for text in (done.stderr, done.stdout, pointer, card):
        assert SECRET not in text
    assert not storage.exists(f"{out}/.zhnews-run.lock")  # released at the end


@pytest.mark.slow
def test_s3_run_resumes_after_sigkill(inputs: str, s3_bucket: str, local_run: Path, tmp_path: Path) -> None:
    out = f"{s3_bucket}/processed"
    markers = RemoteOutput(out).workspace / RUN_DIR / TASKS
    command = _zhnews("run", inputs, "-o", out, "--workers", "1", "--config", _config_file(tmp_path), "--quiet")
    proc = subprocess.Popen(command, cwd=REPO_ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while len(list(markers.glob("*.json"))) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    finished = len(list(markers.glob("*.json")))
    assert finished >= 2
    assert not storage.exists(f"{out}/{POINTER}")  # nothing published by the killed run
    assert storage.exists(f"{out}/.zhnews-run.lock")  # its lock is left behind

    summary = run_pipeline(make_config(inputs=[inputs], output=out, workers=1, task_max_files=TASK_MAX_FILES))
    assert summary.tasks_resumed == finished and summary.tasks_run > 0
    assert_same_rows(local_run, readable_run_folder(out))


@pytest.mark.slow
def test_s3_incremental_add_from_an_empty_work_folder(inputs: str, s3_bucket: str, corpus: Path,
                                                      tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = f"{s3_bucket}/processed"
    first = run_pipeline(make_config(inputs=[f"{inputs}/html"], output=out, workers=1, task_max_files=TASK_MAX_FILES))
    # the second run starts on another machine: nothing of the first run on its disk
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-machine"))
    added = run_pipeline(make_config(inputs=[f"{inputs}/html", f"{inputs}/jsonl", f"{inputs}/text"], output=out,
                                     workers=1, task_max_files=TASK_MAX_FILES))
    assert added.tasks_reused == first.tasks_run and added.tasks_run > 0
    # the result is a clean run's over all the inputs
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "clean"))
    clean_out = f"{s3_bucket}/clean"
    clean = run_pipeline(make_config(inputs=[f"{inputs}/html", f"{inputs}/jsonl", f"{inputs}/text"], output=clean_out,
                                     workers=1, task_max_files=TASK_MAX_FILES))
    assert added.rows == clean.rows
    table = ds.dataset(readable_run_folder(out) / "articles", partitioning="hive").to_table()
    clean_table = ds.dataset(readable_run_folder(clean_out) / "articles", partitioning="hive").to_table()
    columns = ["doc_id", "dup_cluster_id", "is_canonical", "dup_cluster_size", "text", "topics"]
    assert sorted(table.select(columns).to_pylist(), key=lambda r: r["doc_id"]) == \
        sorted(clean_table.select(columns).to_pylist(), key=lambda r: r["doc_id"])
    # two snapshots kept (the current one, and the one before for readers still on it)
    assert len(storage.subfolders(f"{out}/snapshots")) == 2


@pytest.mark.slow
def test_report_and_export_read_from_and_write_to_the_store(inputs: str, s3_bucket: str) -> None:
    out = f"{s3_bucket}/processed"
    run_pipeline(make_config(inputs=[f"{inputs}/html"], output=out, workers=1))
    rows = json.loads(storage.read_bytes(f"{out}/{POINTER}"))["counts"]["rows"]
    _cli("export", out, "-f", "jsonl", "-o", f"{s3_bucket}/exports/articles.jsonl")
    exported = storage.read_bytes(f"{s3_bucket}/exports/articles.jsonl").decode().splitlines()
    assert len(exported) == rows and all(json.loads(line)["text"] for line in exported)
    _cli("report", out, "--static")  # the default report path: beside the run, in the store
    report = storage.read_bytes(f"{out}/report.html").decode()
    assert report.lstrip().lower().startswith("<!doctype html") and "<svg" in report
    listing = _cli("kwic", "医", out, "--substring", "-f", "jsonl").stdout.splitlines()
    assert listing and all("医" in json.loads(line)["match"] for line in listing)


@pytest.mark.slow
def test_dask_cluster_workers_read_and_stage_through_the_store(inputs: str, s3_bucket: str, local_run: Path) -> None:
    """A cluster we connect to (``--scheduler``) shares no disk with the driver: its workers read
    their inputs from the store and stage each task there; the driver gets task specs back and
    fetches the staged tasks from the store."""
    from distributed import LocalCluster

    out = f"{s3_bucket}/processed"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        summary = run_pipeline(make_config(inputs=[inputs], output=out, workers=2, engine="dask",
                                           scheduler=cluster.scheduler_address, task_max_files=TASK_MAX_FILES))
    assert summary.tasks_run > 1
    assert_same_rows(local_run, readable_run_folder(out))
    assert not storage.exists(f"{out}/_staging")  # the tasks staged in the store are removed once published


@pytest.mark.slow  # builds every step (jieba, the model)
def test_a_task_with_a_store_stages_there_not_in_the_output_folder(s3_bucket: str, tmp_path: Path) -> None:
    from pipeline.engine.task import TaskSpec, run_task
    from pipeline.ingest import discover_inputs, plan_tasks
    from pipeline.io.staging import STAGING
    from pipeline.steps import build_steps

    storage.write_bytes(f"{s3_bucket}/raw/items.jsonl", json.dumps(
        {"id": "x1", "text": "县医院为护理人员发放夜班补贴，每晚一百元。", "date": "2022-06-01"},
        ensure_ascii=False).encode() + b"\n")
    config = make_config(inputs=[f"{s3_bucket}/raw"], output=f"{s3_bucket}/out", workers=1, classify_enabled=False)
    task = plan_tasks(discover_inputs(config.inputs))[0]
    driver_folder = tmp_path / "driver"
    spec = TaskSpec(steps=build_steps(config), output_dir=str(driver_folder), provenance={}, store=f"{s3_bucket}/out")
    result = run_task(spec, task)
    assert result.rows == 1
    assert not driver_folder.exists()  # the worker wrote nothing where the driver's folder is
    assert storage.exists(f"{s3_bucket}/out/_staging/{task.task_id}.json")
    output = RemoteOutput(f"{s3_bucket}/out", workspace=tmp_path / "work")
    assert output.fetch_task(task.task_id)
    assert list((tmp_path / "work" / STAGING / task.task_id).glob("articles-*.arrow"))
    assert (tmp_path / "work" / RUN_DIR / TASKS / f"{task.task_id}.json").is_file()
    assert not output.fetch_task("0" * 16)


@pytest.fixture
def lock_url(s3_bucket: str) -> Iterator[str]:
    yield f"{s3_bucket}/locked"


def test_store_lock_is_exclusive_and_taken_over_from_dead_runs(lock_url: str) -> None:
    first = StoreLock(lock_url).acquire("run-a")
    try:
        with pytest.raises(OutputInUse, match="run-a"):
            StoreLock(lock_url).acquire("run-b")
    finally:
        first.release()
    assert not storage.exists(f"{lock_url}/.zhnews-run.lock")
    # a lock of a process of this machine that no longer runs is taken over at once
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    import socket

    storage.write_bytes(f"{lock_url}/.zhnews-run.lock", json.dumps(
        {"pid": int(dead.stdout), "host": socket.gethostname(), "run_id": "dead", "renewed_at": time.time()}).encode())
    with StoreLock(lock_url) as taken:
        assert json.loads(storage.read_bytes(taken.path))["pid"] == os.getpid()
    # a lock of another machine is taken over only once its lease ran out
    other = {"pid": 1, "host": "elsewhere", "run_id": "remote", "renewed_at": time.time()}
    storage.write_bytes(f"{lock_url}/.zhnews-run.lock", json.dumps(other).encode())
    with pytest.raises(OutputInUse, match="elsewhere"):
        StoreLock(lock_url).acquire()
    storage.write_bytes(f"{lock_url}/.zhnews-run.lock", json.dumps(other | {"renewed_at": 0}).encode())
    StoreLock(lock_url).acquire().release()


def test_conditional_put_on_s3(s3_bucket: str) -> None:
    assert storage.create_exclusive(f"{s3_bucket}/x.json", b"1")
    assert not storage.create_exclusive(f"{s3_bucket}/x.json", b"2")
    assert storage.read_bytes(f"{s3_bucket}/x.json") == b"1"
