"""Incremental runs: ``zhnews run A B -o OUT`` after ``zhnews run A -o OUT`` processes only B's
tasks and gives the dataset a clean run over A + B gives (rows, clusters, canonical copies);
``--prune`` drops the rows of inputs no longer listed; a finished run keeps only ``_run/``.

The inputs are real items of ../shared/data, a few dozen per file, written into the test's own
folder; B also holds copies of A items made here (an earlier-dated exact copy, which becomes
its cluster's canonical copy, and a later near copy), so deduplicating B changes A's rows.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from pipeline.cli import main as cli_main
from pipeline.config import make_config
from pipeline.engine.reuse import plan_reuse, with_hashes
from pipeline.engine.task import TaskResult
from pipeline.ingest import InputFile
from pipeline.io.rundir import RUN_DIR, STATE, TASKS
from pipeline.io.staging import STAGING
from pipeline.runner import RunSummary, run_pipeline

REPO_ROOT = Path(__file__).resolve().parent.parent


def _items(path: Path, count: int) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for _, line in zip(range(count), handle, strict=False)]


def _write(path: Path, items: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items), encoding="utf-8")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """``A/`` (two files of real items) and ``B/`` (real items of a third file, plus copies of two A items)."""
    root = tmp_path_factory.mktemp("incremental")
    indomain = shared_data / "indomain"
    cctv = _items(indomain / "cctv_xinwenlianbo_2012_2021.jsonl", 30)
    hk = _items(indomain / "hkcnews.jsonl", 20)
    _write(root / "A" / "cctv.jsonl", cctv)
    _write(root / "A" / "hk.jsonl", hk)
    exact = cctv[5] | {"id": "copy-exact", "date": "2012-10-30"}  # earlier, in another month: the new canonical
    text = hk[0]["text"]
    middle = len(text) // 2
    near = hk[0] | {"id": "copy-near", "date": "2020-01-20", "text": text[:middle] + "某" + text[middle + 1:]}
    _write(root / "B" / "weibo.jsonl", _items(indomain / "covid_weibo_posts_2020.jsonl", 25) + [exact, near])
    return root


def _run(corpus: Path, out: Path, *inputs: str, **settings: object) -> RunSummary:
    cwd = os.getcwd()
    os.chdir(REPO_ROOT)  # the CLI's working directory (relative paths in the model config)
    try:
        return run_pipeline(make_config(inputs=[str(corpus / i) for i in inputs], output=str(out), workers=1,
                                        **settings))
    finally:
        os.chdir(cwd)


def _articles(out: Path) -> pa.Table:
    return ds.dataset(out / "articles", format="parquet", partitioning="hive").to_table().sort_by("doc_id")


def _rejects(out: Path) -> list[dict]:
    return sorted(ds.dataset(out / "rejects", format="parquet").to_table().to_pylist(), key=lambda r: r["doc_id"])


def _assert_same_dataset(a: Path, b: Path) -> None:
    left, right = _articles(a), _articles(b)
    assert left.num_rows > 0 and left.column_names == right.column_names
    for name in left.column_names:
        assert left.column(name).to_pylist() == right.column(name).to_pylist(), name
    assert _rejects(a) == _rejects(b)


def _row(out: Path, source_id: str) -> dict:
    rows = [r for r in _articles(out).to_pylist() if r["source_id"] == source_id]
    assert len(rows) == 1
    return rows[0]


def _inodes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in folder.glob("*.parquet")}


@pytest.fixture(scope="module")
def first_run(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("first") / "out"
    _run(corpus, out, "A")
    return out


@pytest.mark.slow
def test_adding_inputs_equals_a_clean_run(corpus: Path, first_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(first_run, out)
    cctv_item = _items(corpus / "A" / "cctv.jsonl", 6)[5]["id"]
    hk_item = _items(corpus / "A" / "hk.jsonl", 1)[0]["id"]
    before = {name: _row(out, name) for name in (cctv_item, hk_item)}
    assert all(row["is_canonical"] and row["dup_cluster_size"] == 1 for row in before.values())
    untouched = out / "articles" / "year=2013" / "month=1"
    inodes = _inodes(untouched)
    assert inodes

    summary = _run(corpus, out, "A", "B")
    clean = _run(corpus, tmp_path / "clean", "A", "B")

    _assert_same_dataset(out, tmp_path / "clean")
    assert (summary.tasks_run, summary.tasks_reused, summary.tasks_resumed) == (1, 2, 0)
    assert clean.tasks_run == 3 and clean.duplicates == summary.duplicates >= 2
    # the exact copy, dated earlier, is now the canonical copy of the A item's cluster
    exact, old = _row(out, "copy-exact"), _row(out, cctv_item)
    assert exact["is_canonical"] and not old["is_canonical"]
    assert old["dup_cluster_id"] == exact["doc_id"] and old["dup_cluster_size"] == 2
    near, original = _row(out, "copy-near"), _row(out, hk_item)
    assert original["is_canonical"] and near["dup_cluster_id"] == original["doc_id"] == original["dup_cluster_id"]
    # a partition B changed nothing in keeps its files; the A item's partition was rewritten
    assert _inodes(untouched) == inodes
    assert (out / "articles" / "year=2012" / "month=11" / "part-earlier-00000.parquet").exists()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["tasks_reused"] == 2 and manifest["counts"]["tasks"] == 3
    assert manifest["counts"]["rows"] == clean.rows
    assert len(list((out / RUN_DIR / TASKS).glob("*.json"))) == 3
    assert not (out / STAGING).exists()


@pytest.mark.slow
def test_prune_drops_the_rows_of_inputs_no_longer_listed(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(corpus, out, "A", "B")
    with_b = _articles(out)
    summary = _run(corpus, out, "A")
    assert summary.tasks_run == 0 and summary.tasks_reused == 3
    assert _articles(out).equals(with_b)  # without --prune, B's rows stay
    summary = _run(corpus, out, "A", prune=True)
    assert summary.tasks_dropped == 1 and summary.tasks_run == 0
    _run(corpus, tmp_path / "clean", "A")
    _assert_same_dataset(out, tmp_path / "clean")
    assert len(list((out / RUN_DIR / TASKS).glob("*.json"))) == 2
    assert len(list((out / RUN_DIR / "dedup").iterdir())) == 2


@pytest.mark.slow
def test_a_changed_input_replaces_its_rows(corpus: Path, tmp_path: Path) -> None:
    source = tmp_path / "in"
    shutil.copytree(corpus, source)
    out = tmp_path / "out"
    _run(source, out, "A", "B")
    weibo = source / "B" / "weibo.jsonl"
    lines = weibo.read_text(encoding="utf-8").splitlines(keepends=True)
    weibo.write_text("".join(lines[5:]), encoding="utf-8")
    summary = _run(source, out, "A", "B")
    assert (summary.tasks_run, summary.tasks_reused, summary.tasks_dropped) == (1, 2, 1)
    _run(source, tmp_path / "clean", "A", "B")
    _assert_same_dataset(out, tmp_path / "clean")


@pytest.mark.slow
def test_staging_is_removed_unless_kept(corpus: Path, first_run: Path, tmp_path: Path) -> None:
    assert not (first_run / STAGING).exists()
    assert sorted(p.name for p in (first_run / RUN_DIR).iterdir()) == ["dedup", STATE, TASKS]
    assert [p.name for p in first_run.iterdir() if p.name.startswith("_")] == [RUN_DIR]
    kept = tmp_path / "kept"
    cwd = os.getcwd()
    os.chdir(REPO_ROOT)
    try:
        assert cli_main(["run", str(corpus / "A"), "-o", str(kept), "--workers", "1", "--keep-staging", "--quiet"]) == 0
    finally:
        os.chdir(cwd)
    staged = sorted(p.name for p in (kept / STAGING).iterdir())
    assert staged == sorted(p.stem for p in (kept / RUN_DIR / TASKS).glob("*.json"))
    _assert_same_dataset(first_run, kept)


def _file(path: str, sha1: str) -> InputFile:
    return InputFile(path, "jsonl", 10, 1, sha1=sha1)


def _marker(task_id: str, *files: InputFile) -> tuple[TaskResult, list[InputFile]]:
    return TaskResult(task_id=task_id), list(files)


def test_published_tasks_are_reused_kept_or_dropped_by_their_inputs() -> None:
    published = {
        "same": _marker("same", _file("a.jsonl", "1")),
        "changed": _marker("changed", _file("b.jsonl", "2")),
        "gone": _marker("gone", _file("c.jsonl", "3")),
        "half": _marker("half", _file("d.html", "4"), _file("e.html", "5")),
    }
    listed = [_file("a.jsonl", "1"), _file("b.jsonl", "2b"), _file("d.html", "4"), _file("f.jsonl", "6")]
    plan = plan_reuse(listed, published)
    assert [r.task_id for r in plan.reused] == ["same"]
    assert [r.task_id for r in plan.kept] == ["gone", "half"]
    assert plan.dropped == ["changed"]
    assert [f.path for f in plan.todo] == ["b.jsonl", "f.jsonl"]
    assert sorted(f.path for f in plan.absent) == ["c.jsonl", "e.html"]

    pruned = plan_reuse(listed, published, prune=True)
    assert [r.task_id for r in pruned.reused] == ["same"] and not pruned.kept
    assert pruned.dropped == ["changed", "gone", "half"]
    assert [f.path for f in pruned.todo] == ["b.jsonl", "d.html", "f.jsonl"]


def test_inputs_are_hashed_unless_their_stat_is_known(tmp_path: Path) -> None:
    from pipeline.ingest import discover_inputs
    from pipeline.ingest.step import file_sha1

    (tmp_path / "a.jsonl").write_text('{"text": "甲"}\n', encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"text": "乙"}\n', encoding="utf-8")
    first = with_hashes(discover_inputs([str(tmp_path)]))
    assert [f.sha1 for f in first] == [file_sha1(f.path) for f in first]
    # a recorded hash is trusted while path, size and modification time match ...
    known = [replace(first[0], sha1="recorded"), replace(first[1], sha1="recorded")]
    (tmp_path / "b.jsonl").write_text('{"text": "丙"}\n', encoding="utf-8")  # same size, new mtime
    os.utime(tmp_path / "b.jsonl", ns=(first[1].mtime_ns + 10**9, first[1].mtime_ns + 10**9))
    again = with_hashes(discover_inputs([str(tmp_path)]), known)
    assert again[0].sha1 == "recorded"
    # ... and a file whose stat changed is read again
    assert again[1].sha1 == file_sha1(again[1].path) != first[1].sha1


def test_published_partitions_are_keyed_as_publishing_counts_them(tmp_path: Path) -> None:
    """A month before October is ``month=3`` on disk and ``2021-03`` in the counts: an
    incremental run must see that new rows go into it (else its old file, linked over the
    new one of the same name, loses them)."""
    from pipeline.io.schema import partition_dir, partition_key
    from pipeline.publish.incremental import published_partitions

    for year, month in [(2021, 3), (2021, 11), (0, 0)]:
        (tmp_path / partition_dir(year, month)).mkdir(parents=True)
    assert {key for key, _ in published_partitions(tmp_path)} == {
        partition_key(0, 0), partition_key(2021, 3), partition_key(2021, 11)}


@pytest.mark.slow  # two runs
def test_adding_rows_to_an_early_month_keeps_them(tmp_path: Path) -> None:
    """New rows in a partition of a month before October survive an incremental add."""
    first = [{"id": "a", "text": "医院为夜班护士增设休息室，配备床铺和热水。", "date": "2021-03-02"}]
    added = [{"id": "b", "text": "社区卫生服务中心医生的绩效工资将按月发放。", "date": "2021-03-20"}]
    _write(tmp_path / "A" / "a.jsonl", first)
    _write(tmp_path / "B" / "b.jsonl", added)
    out = tmp_path / "out"
    run_pipeline(make_config(inputs=[str(tmp_path / "A")], output=str(out), workers=1, classify_enabled=False))
    summary = run_pipeline(make_config(inputs=[str(tmp_path / "A"), str(tmp_path / "B")], output=str(out), workers=1,
                                       classify_enabled=False))
    table = ds.dataset(out / "articles", partitioning="hive").to_table()
    assert summary.rows == table.num_rows == 2
    assert sorted(table.column("source_id").to_pylist()) == ["a", "b"]
