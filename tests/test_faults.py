"""Faults around a run, with real processes: a killed driver's workers, two runs on one folder,
a folder holding another dataset, exact counters, a file-size limit hit while publishing."""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from pipeline.io.lock import LOCK_NAME, OutputInUse, RunLock, read_holder
from pipeline.io.previous import Relation, relation
from tests.make_bad_inputs import make_crash_corpus
from tests.test_crash_safety import MARKERS, snapshot

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def zhnews_run(*args: str | Path, cwd: Path, **popen: object) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(REPO), COLUMNS="200")  # rich's summary table unwrapped
    return subprocess.Popen([sys.executable, "-m", "pipeline", "run", *map(str, args)], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)  # type: ignore[call-overload]


def finish(proc: subprocess.Popen[bytes], timeout: float = 600) -> tuple[int, str]:
    _, err = proc.communicate(timeout=timeout)
    return proc.returncode, err.decode("utf-8", "replace")


def config_file(path: Path, **settings: object) -> Path:
    path.write_text(json.dumps({"classify_enabled": False, **settings}), encoding="utf-8")
    return path


def digest(folder: Path) -> dict[str, str]:
    """SHA-1 of every file of a dataset (articles, rejects, manifest, card) by relative path."""
    names = [p for p in folder.rglob("*") if p.is_file() and p.relative_to(folder).parts[0] in
             ("articles", "rejects", "manifest.json", "README.md")]
    return {str(p.relative_to(folder)): hashlib.sha1(p.read_bytes()).hexdigest() for p in sorted(names)}


# -- processes of a run ----------------------------------------------------------------------
def _stat(pid: int) -> tuple[int, str, int] | None:
    """``(parent pid, state, start time)`` of a live process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), fields[0], int(fields[19])


def descendants(root: int) -> dict[int, int]:
    """``{pid: start time}`` of every process below ``root``."""
    children: dict[int, list[int]] = {}
    starts: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (info := _stat(int(entry.name))) is not None:
            children.setdefault(info[0], []).append(int(entry.name))
            starts[int(entry.name)] = info[2]
    found: dict[int, int] = {}
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found[child] = starts[child]
            todo.append(child)
    return found


def alive(processes: dict[int, int]) -> list[int]:
    """The processes still running (same pid and start time, not a zombie)."""
    return [pid for pid, start in processes.items()
            if (info := _stat(pid)) is not None and info[2] == start and info[1] != "Z"]


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("engine", ["local", "dask"])
def test_sigkill_of_the_driver_leaves_no_process_and_the_rerun_equals_a_clean_run(tmp_path: Path, engine: str) -> None:
    inputs = make_crash_corpus(tmp_path / "in", pages=400, records=40)
    config = config_file(tmp_path / "config.json", task_max_files=4)
    common = ("--config", config, "--workers", "2", "--engine", engine, "--quiet")
    code, err = finish(zhnews_run(inputs, "-o", tmp_path / "clean", *common, cwd=tmp_path))
    assert code == 0, err
    out = tmp_path / "out"
    proc = zhnews_run(inputs, "-o", out, *common, cwd=tmp_path)
    deadline = time.monotonic() + 300
    workers: dict[int, int] = {}
    while time.monotonic() < deadline:  # kill once the workers are busy with tasks
        workers = descendants(proc.pid) | workers
        if len(list((out / MARKERS).glob("*.json"))) > 2 and len(workers) >= 2:
            break
        assert proc.poll() is None, finish(proc)[1]
        time.sleep(0.05)
    workers |= descendants(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert len(workers) >= 2, workers
    time.sleep(15)
    assert alive(workers) == [], f"processes of the killed run still alive: {alive(workers)}"
    code, err = finish(zhnews_run(inputs, "-o", out, *common, cwd=tmp_path))
    assert code == 0, err
    assert snapshot(out) == snapshot(tmp_path / "clean")


# -- one run per output folder ------------------------------------------------------------------
def test_lock_refuses_a_second_holder_and_takes_over_a_dead_ones(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / LOCK_NAME).write_text(json.dumps({"pid": dead.pid, "host": "h", "started_at": "t",
                                                  "run_id": "0123456789ab"}))
    with RunLock(tmp_path) as lock:
        assert "taking over the lock of run 0123456789ab" in caplog.text
        lock.set_run_id("feedfacecafe")
        assert read_holder(tmp_path)["pid"] == os.getpid()
        with pytest.raises(OutputInUse, match=rf"in use by run feedfacecafe \(pid {os.getpid()}\)"):
            RunLock(tmp_path).acquire()  # another open file: flock conflicts even in one process
    assert read_holder(tmp_path) == {}  # released: emptied
    RunLock(tmp_path).acquire().release()


@pytest.mark.slow
def test_second_run_on_a_held_folder_exits_2_at_once(tmp_path: Path) -> None:
    inputs = make_crash_corpus(tmp_path / "in", pages=200, records=20)
    config = config_file(tmp_path / "config.json", task_max_files=4)
    out = tmp_path / "out"
    first = zhnews_run(inputs, "-o", out, "--config", config, "--workers", "1", "--quiet", cwd=tmp_path)
    deadline = time.monotonic() + 120
    while not read_holder(out).get("run_id"):
        assert time.monotonic() < deadline and first.poll() is None, finish(first)[1]
        time.sleep(0.05)
    holder = read_holder(out)
    started = time.monotonic()
    code, err = finish(zhnews_run(inputs, "-o", out, "--config", config, "--workers", "1", "--quiet", cwd=tmp_path))
    waited = time.monotonic() - started
    assert first.poll() is None, "the first run ended before the second was refused: use more inputs"
    assert code == 2, err
    assert err.strip().splitlines() == [
        f"zhnews run: error: output {out} is in use by run {holder['run_id']} (pid {first.pid})"]
    assert waited < 15  # no worker started, no input read
    code, err = finish(first)
    assert code == 0, err
    assert json.loads((out / "manifest.json").read_text())["run_id"] == holder["run_id"]


def test_a_run_waits_for_workers_still_writing(tmp_path: Path) -> None:
    """A process inside ``writing`` (a worker of a dead run) holds a starting run back; once it
    has gone, the run goes on."""
    from pipeline.io.lock import wait_for_orphans

    code = ("import sys, time; from pipeline.io.lock import writing\n"
            "with writing(sys.argv[1]):\n    print('in', flush=True); time.sleep(60)")
    worker = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE,
                              env=dict(os.environ, PYTHONPATH=str(REPO)))
    try:
        assert worker.stdout is not None and worker.stdout.readline() == b"in\n"
        with pytest.raises(OutputInUse, match="still being written by workers of an interrupted run"):
            wait_for_orphans(tmp_path, timeout=0.5)
    finally:
        worker.kill()
        worker.wait()
    wait_for_orphans(tmp_path, timeout=5)


# -- no silent replacement ----------------------------------------------------------------------
def test_relation_of_inputs() -> None:
    old = [{"path": "in/a.html", "bytes": 10}, {"path": "in/b.html", "bytes": 20}]
    assert relation(old, [("in/a.html", 10), ("in/b.html", 20)]) is Relation.SAME
    assert relation(old, [("in/a.html", 10), ("in/b.html", 20), ("in/c.html", 5)]) is Relation.SUPERSET
    assert relation(old, [("in/a.html", 10), ("in/c.html", 5)]) is Relation.OVERLAP
    assert relation(old, [("other/c.html", 5)]) is Relation.DISJOINT
    # started from another folder: same file name and size
    assert relation(old, [("/data/in/a.html", 10), ("/data/in/b.html", 20)]) is Relation.SAME
    assert relation(old, [("/data/in/a.html", 11)]) is Relation.DISJOINT
    assert relation([], [("in/a.html", 10)]) is Relation.NONE


@pytest.mark.slow
def test_a_dataset_of_other_inputs_is_replaced_only_with_overwrite(tmp_path: Path) -> None:
    first, other = tmp_path / "first", tmp_path / "other"
    for folder, names in ((first, ["news_boilerplate.html", "other_story.html"]),
                          (other, ["wechat_article.html", "news_traditional.html"])):
        folder.mkdir()
        for name in names:
            shutil.copy(FIXTURES / "html" / name, folder / name)
    config = config_file(tmp_path / "config.json")
    out = tmp_path / "out"
    code, err = finish(zhnews_run(first, "-o", out, "--config", config, "--workers", "1", "--quiet", cwd=tmp_path))
    assert code == 0, err
    before = digest(out)
    run_id = json.loads((out / "manifest.json").read_text())["run_id"]
    code, err = finish(zhnews_run(other, "-o", out, "--config", config, "--workers", "1", "--quiet", cwd=tmp_path))
    assert code == 2
    assert err.strip().splitlines() == [
        f"zhnews run: error: output {out} holds a dataset of other inputs (run {run_id}, 2 input files); "
        "pass --overwrite to replace it"]
    assert digest(out) == before
    code, err = finish(zhnews_run(other, "-o", out, "--config", config, "--workers", "1", "--quiet", "--overwrite",
                                  cwd=tmp_path))
    assert code == 0, err
    paths = set(ds.dataset(out / "articles", partitioning="hive").to_table(columns=["source_path"])
                .column("source_path").to_pylist())
    assert paths == {"other/wechat_article.html", "other/news_traditional.html"}
    # inputs in common with the dataset: no --overwrite needed, the run adds to it incrementally
    code, err = finish(zhnews_run(other, first, "-o", out, "--config", config, "--workers", "1", "--quiet",
                                  cwd=tmp_path))
    assert code == 0, err
    counts = json.loads((out / "manifest.json").read_text())["counts"]
    assert counts["tasks_reused"] >= 1 and counts["tasks_dropped"] == 0, counts
    paths = set(ds.dataset(out / "articles", partitioning="hive").to_table(columns=["source_path"])
                .column("source_path").to_pylist())
    assert paths == {"other/wechat_article.html", "other/news_traditional.html",
                     "first/news_boilerplate.html", "first/other_story.html"}


# -- exact counters -----------------------------------------------------------------------------
@pytest.mark.slow
def test_progress_and_summary_count_what_was_written(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for page in sorted((FIXTURES / "html").glob("*.html")):
        shutil.copy(page, inputs / page.name)
    (inputs / "empty.html").write_bytes(b"")
    (inputs / "picture.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (inputs / "blank.txt").write_text("   \n", encoding="utf-8")
    (inputs / "menu.html").write_text("<html><body><ul><li><a href='/'>首页</a></li></ul></body></html>",
                                      encoding="utf-8")
    config = config_file(tmp_path / "config.json", task_max_files=2)
    out = tmp_path / "out"
    code, err = finish(zhnews_run(inputs, "-o", out, "--config", config, "--workers", "1", cwd=tmp_path))
    assert code == 0, err
    rows = ds.dataset(out / "articles", partitioning="hive").count_rows()
    rejects = pq.read_table(out / "rejects").num_rows
    assert rows >= 10 and rejects >= 4
    bar = re.findall(r"rows=(\d+), rejects=(\d+)", err)
    assert bar, err
    assert (int(bar[-1][0]), int(bar[-1][1])) == (rows, rejects)
    assert re.search(rf"articles written\s*│\s*{rows}\s*│", err), err
    assert re.search(rf"rejected\s*│\s*{rejects}\s*│", err), err
    counts = json.loads((out / "manifest.json").read_text())["counts"]
    assert (counts["rows"], counts["rejects"]) == (rows, rejects)


# -- disk trouble ---------------------------------------------------------------------------------
def _largest(folder: Path, pattern: str) -> int:
    return max(p.stat().st_size for p in folder.rglob(pattern))


@pytest.mark.slow
def test_file_size_limit_mid_publish_leaves_the_old_dataset(tmp_path: Path) -> None:
    """A run whose published files would pass RLIMIT_FSIZE (its staged parts do not) fails with
    one line, and the dataset of the run before it is still there, byte for byte."""
    old_inputs = make_crash_corpus(tmp_path / "in" / "a", pages=20, records=0)
    make_crash_corpus(tmp_path / "in" / "b", pages=120, records=0, seed=8)
    config = config_file(tmp_path / "config.json", task_max_files=2, dedup_enabled=False)
    common = ("--config", config, "--workers", "1", "--quiet")
    # the new inputs' rows without a limit (the run below adds them to the dataset of "a"
    # incrementally, writing them as this clean run does): where the limit must fall
    reference = tmp_path / "reference"
    code, err = finish(zhnews_run(tmp_path / "in" / "b", "-o", reference, *common, "--keep-staging", cwd=tmp_path))
    assert code == 0, err
    staged = _largest(reference / "_staging", "*.arrow")
    published = _largest(reference / "articles", "*.parquet")
    assert published > 2 * staged, (published, staged)
    limit = (published + staged) // 2

    out = tmp_path / "out"
    code, err = finish(zhnews_run(old_inputs, "-o", out, *common, cwd=tmp_path))
    assert code == 0, err
    before = digest(out)

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    code, err = finish(zhnews_run(tmp_path / "in", "-o", out, *common, cwd=tmp_path, preexec_fn=limit_file_size))
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "File too large" in lines[0] and "Traceback" not in err, err
    assert digest(out) == before
    assert ds.dataset(out / "articles", partitioning="hive").count_rows() > 0
    assert not list(out.glob("_publish-*")) and not list(out.glob("_trash-*"))


def test_a_swap_that_fails_midway_is_rolled_back(tmp_path: Path) -> None:
    """The second rename of a publish swap fails (here: its folder was never built): the first
    is undone, so the previous articles, rejects and manifest are all still in place."""
    from pipeline.publish import swap_in

    out = tmp_path / "out"
    for name, text in (("articles/year=2021/month=03/part-000-00000.parquet", "old articles"),
                       ("rejects/part-00000.parquet", "old rejects"), ("manifest.json", "{}")):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text)
    before = digest(out)
    build = out / "_publish-1"
    (build / "articles" / "year=2022" / "month=01").mkdir(parents=True)
    (build / "articles" / "year=2022" / "month=01" / "part-000-00000.parquet").write_text("new articles")
    with pytest.raises(FileNotFoundError):
        swap_in(out, build, ("articles", "rejects", "manifest.json"))
    assert digest(out) == before
    assert (build / "articles" / "year=2022" / "month=01" / "part-000-00000.parquet").exists()
    assert not list(out.glob("_trash-*"))
