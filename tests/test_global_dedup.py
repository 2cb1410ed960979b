"""Dedup fed task by task in a driver thread gives the clusters of one pass over everything."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from pipeline.dedup import DedupInput, Deduplicator, DupInfo
from pipeline.dedup.features import featurize, to_table
from pipeline.dedup.stage import DedupColumns, GlobalDedup
from pipeline.io.atomic import write_staging_atomic
from pipeline.io.staging import iter_staging_columns
from tests._run_fixture import sample_run  # noqa: F401  (fixture)
from tests.dedup_helpers import find_duplicates

COLUMNS = ("doc_id", "text", "published_at_original", "char_count")


def _task_ids(run: Path) -> list[str]:
    return sorted(p.name for p in (run / "_staging").iterdir() if p.is_dir())


def _one_pass(run: Path, task_ids: list[str]) -> dict[str, tuple]:
    records = [
        DedupInput(doc_id=i, text=t or "", published_at=p, char_count=c or 0)
        for batch in iter_staging_columns(run, task_ids, COLUMNS)
        for i, t, p, c in zip(*(batch[k] for k in COLUMNS))
    ]
    return {k: tuple(v) for k, v in find_duplicates(records).items()}


def _finish(background: GlobalDedup) -> tuple[Mapping[str, DupInfo], dict]:
    """The clusters and the recorded parameters of a finished stage."""
    outcome = background.finish()
    assert isinstance(outcome.fill, DedupColumns)
    return outcome.fill.assignments, outcome.params


def test_same_clusters_whatever_the_completion_order(sample_run: Path) -> None:  # noqa: F811
    task_ids = _task_ids(sample_run)
    assert len(task_ids) > 2
    background = GlobalDedup(sample_run, {})
    for task_id in reversed(task_ids):  # tasks finishing in another order than planned
        background.add(task_id)
    result, params = _finish(background)
    assert {k: tuple(v) for k, v in result.items()} == _one_pass(sample_run, task_ids)
    assert params["stats"]["documents"] == len(result) and background.busy_seconds >= 0
    # and it is what the run published
    table = ds.dataset(sample_run / "articles", format="parquet", partitioning="hive").to_table()
    published = dict(zip(table.column("doc_id").to_pylist(), table.column("dup_cluster_id").to_pylist()))
    assert published == {k: v[0] for k, v in result.items()}
    assert any(v[1] > 1 for v in result.values())  # the sample corpus has near-duplicates


def test_cancel_stops_the_thread_without_a_result(sample_run: Path) -> None:  # noqa: F811
    background = GlobalDedup(sample_run, {})
    background.add(_task_ids(sample_run)[0])
    background.cancel()
    assert "zhnews-dedup" not in {thread.name for thread in threading.enumerate()}


def test_an_error_in_the_thread_reaches_the_caller(tmp_path: Path) -> None:
    staging = tmp_path / "_staging" / "t1"
    staging.mkdir(parents=True)
    (staging / "articles-00000.arrow").write_bytes(b"not an Arrow file")
    background = GlobalDedup(tmp_path, {})
    background.add("t1")
    with pytest.raises(pa.ArrowInvalid):  # raised in the caller, not lost in the thread
        background.finish()


def test_tasks_stage_features_so_the_driver_only_clusters(sample_run: Path) -> None:  # noqa: F811
    task_ids = _task_ids(sample_run)
    for task_id in task_ids:
        folder = sample_run / "_staging" / task_id
        articles = sorted(p.name for p in folder.glob("articles-*.arrow"))
        features = sorted(p.name for p in folder.glob("dedup-*.arrow"))
        assert articles and features == [a.replace("articles-", "dedup-") for a in articles]
    background = GlobalDedup(sample_run, {})
    for task_id in task_ids:
        background.add(task_id)
    result, params = _finish(background)
    assert background.featurized_here == [] and params["stats"]["tasks_featurized_by_driver"] == 0
    assert {k: tuple(v) for k, v in result.items()} == _one_pass(sample_run, task_ids)


def test_missing_or_stale_features_are_computed_from_the_staged_text(
    sample_run: Path, tmp_path: Path  # noqa: F811
) -> None:
    import shutil

    run = tmp_path / "run"
    shutil.copytree(sample_run / "_staging", run / "_staging")
    task_ids = _task_ids(run)
    missing, stale = task_ids[0], task_ids[1]
    for path in (run / "_staging" / missing).glob("dedup-*.arrow"):
        path.unlink()  # staged by a version that did not write features
    # features computed with other parameters (another n-gram size) must not be used
    other = Deduplicator(ngram=4).feature_params()
    for path in (run / "_staging" / stale).glob("dedup-*.arrow"):
        texts = pa.ipc.open_file(path.with_name(path.name.replace("dedup-", "articles-"))).read_all()
        records = [DedupInput(*row) for row in zip(*(texts.column(c).to_pylist() for c in COLUMNS))]
        records = [r._replace(text=r.text or "", char_count=r.char_count or 0) for r in records]
        write_staging_atomic(to_table(featurize(records, **other), other), path)
    background = GlobalDedup(run, {})
    for task_id in task_ids:
        background.add(task_id)
    result, _ = _finish(background)
    assert sorted(background.featurized_here) == sorted([missing, stale])
    assert {k: tuple(v) for k, v in result.items()} == _one_pass(sample_run, task_ids)
