"""The whole pipeline on the sample corpus: local pool and a real Dask LocalCluster agree row for row."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from pipeline.config import make_config
from pipeline.runner import run_pipeline

pytestmark = pytest.mark.slow  # whole runs on the local pool and on Dask


def read_output(out: Path) -> tuple[pa.Table, pa.Table]:
    """Articles (hive columns included) and rejects of a run folder, sorted by doc_id."""
    articles = ds.dataset(out / "articles", format="parquet", partitioning="hive").to_table()
    rejects = ds.dataset(out / "rejects", format="parquet").to_table()
    return articles.sort_by("doc_id"), rejects.sort_by("doc_id")


def assert_same_output(a: Path, b: Path) -> None:
    """Every row and every column equal (``run_id`` included: it does not depend on the engine)."""
    arts_a, rej_a = read_output(a)
    arts_b, rej_b = read_output(b)
    assert arts_a.num_rows > 0
    assert arts_a.column_names == arts_b.column_names
    for name in arts_a.column_names:
        assert arts_a.column(name).to_pylist() == arts_b.column(name).to_pylist(), name
    assert rej_a.to_pylist() == rej_b.to_pylist()


def copy_sample(sample_corpus: Path, dest: Path) -> Path:
    """A private copy of the sample corpus: the runs compared must read the very same files
    even if the sample is regenerated meanwhile."""
    if not any(sample_corpus.rglob("*.*")):
        pytest.fail(f"sample corpus is empty: {sample_corpus}")
    shutil.copytree(sample_corpus, dest)
    return dest


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, sample_corpus: Path) -> Path:
    return copy_sample(sample_corpus, tmp_path_factory.mktemp("e2e") / "sample")


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    out = tmp_path_factory.mktemp("local")
    # small tasks, so both engines get several tasks and the order of completion varies
    run_pipeline(make_config(inputs=[str(corpus)], output=str(out), workers=1, task_max_files=3))
    return out


def test_dask_local_cluster_matches_local_pool(tmp_path: Path, corpus: Path, local_run: Path) -> None:
    out = tmp_path / "dask"
    config = make_config(inputs=[str(corpus)], output=str(out), workers=2, engine="dask", task_max_files=3)
    summary = run_pipeline(config)
    assert summary.tasks_run > 2 and summary.tasks_resumed == 0
    assert_same_output(local_run, out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == {"name": "dask", "workers": 2}
    local_manifest = json.loads((local_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["run_id"] == local_manifest["run_id"]


def test_two_process_pool_matches_one_worker(tmp_path: Path, corpus: Path, local_run: Path) -> None:
    out = tmp_path / "pool"
    summary = run_pipeline(make_config(inputs=[str(corpus)], output=str(out), workers=2, task_max_files=3))
    assert summary.tasks_run > 2
    assert_same_output(local_run, out)
