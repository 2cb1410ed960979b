"""Storage URLs without a server: fsspec's ``memory://`` store and ``file://`` URLs.

Inputs listed and read from a store give the documents the same files give on disk; a run whose
inputs and output are ``memory://`` URLs publishes a snapshot behind a pointer, and the report,
export and query readers read it back.
"""

from __future__ import annotations

import gzip
import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import fsspec
import pyarrow.dataset as ds
import pytest

from pipeline.errors import UsageError
from pipeline.ingest.discover import discover_inputs, plan_tasks
from pipeline.ingest.readers import iter_documents
from pipeline.io import storage
from pipeline.io.remote import POINTER, RemoteOutput, readable_run_folder, written_to

ITEMS = [
    {"id": "a1", "title": "护士夜班补贴上调", "text": "本市护士夜班补贴自下月起上调，每班增加五十元。", "date": "2021-03-02"},
    {"id": "a2", "title": "医院增派心理咨询师", "text": "多家医院为一线医护人员增派心理咨询师，开设减压课程。", "date": "2021-04-11"},
    {"id": "a3", "text": ""},  # no text: a reject
    {"id": "a4", "title": "醫護人員子女託管服務", "text": "社區為醫護人員子女提供暑期託管服務，減輕家庭負擔。", "date": "2020-07-19"},
]
PAGE = ("<html><head><meta charset='utf-8'><title>卫健委：保障医务人员合理休息</title></head><body>"
        "<article><h1>卫健委：保障医务人员合理休息</h1><p>2020年2月15日 来源：健康时报</p>"
        "<p>国家卫健委要求各地合理安排医务人员轮休，确保一线人员每周至少休息一天，并落实临时性工作补助。</p>"
        "<p>各地医院随后公布了轮休安排，部分医院为医务人员提供了住宿和餐饮保障。</p></article></body></html>")


def _jsonl(items: list[dict]) -> bytes:
    return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items).encode()


@pytest.fixture
def bucket() -> Iterator[str]:
    """A fresh ``memory://`` prefix holding a small corpus (removed afterwards)."""
    root = f"memory://zhnews-test-{uuid.uuid4().hex[:8]}"
    fs = fsspec.filesystem("memory")
    fs.pipe_file(f"{root}/in/items.jsonl", _jsonl(ITEMS))
    fs.pipe_file(f"{root}/in/more/items.jsonl.gz", gzip.compress(_jsonl(ITEMS[:2])))
    fs.pipe_file(f"{root}/in/pages/rest.html", PAGE.encode())
    fs.pipe_file(f"{root}/in/.hidden/skip.html", PAGE.encode())
    fs.pipe_file(f"{root}/in/README.md", b"# notes about the corpus\n")
    yield root
    fs.rm(root.removeprefix("memory://"), recursive=True)


def _mirror(root: str, dest: Path) -> Path:
    """The store's ``in/`` prefix as local files."""
    for relative, _ in storage.iter_tree(f"{root}/in"):
        storage.download_file(f"{root}/in/{relative}", dest / relative)
    return dest


def test_url_helpers() -> None:
    assert storage.is_url("s3://lab/in") and storage.is_url("memory://x")
    assert not storage.is_url("corpus/raw") and not storage.is_url("file:///tmp/x") and not storage.is_url(Path("/a"))
    assert storage.local_path("file:///tmp/x") == "/tmp/x"
    assert storage.join("s3://lab/out/", "snapshots", "a/") == "s3://lab/out/snapshots/a"
    assert storage.redacted("s3://KEY:SECRET@lab/out") == "s3://lab/out"
    with pytest.raises(UsageError, match="gcsfs|not a storage URL"):
        storage.filesystem("gs://lab/in") if not _has("gcsfs") else storage.filesystem("nosuchscheme://x")


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def test_discovered_objects_are_the_inputs_a_folder_gives(bucket: str, tmp_path: Path) -> None:
    remote = discover_inputs([f"{bucket}/in/"])
    local = discover_inputs([str(_mirror(bucket, tmp_path / "in"))])
    # hidden objects and the corpus's README are left out, as in a folder
    assert [f.path.rsplit("/in/", 1)[1] for f in remote] == ["items.jsonl", "more/items.jsonl.gz", "pages/rest.html"]
    assert [(f.kind, f.size) for f in remote] == [(f.kind, f.size) for f in local]
    assert all(f.path.startswith("memory://") for f in remote)
    assert [f.path for f in discover_inputs([f"{bucket}/in/*.jsonl"])] == [remote[0].path]
    with pytest.raises(UsageError, match="input not found"):
        discover_inputs([f"{bucket}/nothing/here.jsonl"])


def test_objects_read_as_the_same_documents(bucket: str, tmp_path: Path) -> None:
    remote = discover_inputs([f"{bucket}/in/"])
    local = discover_inputs([str(_mirror(bucket, tmp_path / "in"))])
    for r, loc in zip(remote, local, strict=True):
        got = [(type(d).__name__, getattr(d, "raw", None), getattr(d, "reason", None), d.source_id) for d in iter_documents(r)]
        want = [(type(d).__name__, getattr(d, "raw", None), getattr(d, "reason", None), d.source_id) for d in iter_documents(loc)]
        assert got == want and got
    # a JSONL object cut into byte ranges reads every line once, numbered as in the whole object
    tasks = plan_tasks([remote[0]], max_bytes=120)
    assert len(tasks) > 1
    ids = [d.source_id for task in tasks for f in task.files for d in iter_documents(f)]
    assert ids == ["a1", "a2", "a3", "a4"]


def test_file_urls_are_local_paths(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "items.jsonl").write_bytes(_jsonl(ITEMS))
    assert discover_inputs([f"file://{tmp_path}/in"]) == discover_inputs([str(tmp_path / "in")])


def test_exclusive_create_and_written_to(bucket: str) -> None:
    assert storage.create_exclusive(f"{bucket}/lock", b"first")
    assert not storage.create_exclusive(f"{bucket}/lock", b"second")
    assert storage.read_bytes(f"{bucket}/lock") == b"first"
    with written_to(f"{bucket}/out/a.txt") as local:
        local.write_text("写好了", encoding="utf-8")
    assert storage.read_bytes(f"{bucket}/out/a.txt").decode() == "写好了"
    with pytest.raises(RuntimeError), written_to(f"{bucket}/out/b.txt") as local:
        local.write_text("half", encoding="utf-8")
        raise RuntimeError("failed before the end")
    assert not storage.exists(f"{bucket}/out/b.txt")  # nothing uploaded from a failed command


@pytest.mark.slow  # two runs of the pipeline
def test_memory_run_publishes_a_snapshot_readers_follow(bucket: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.config import make_config
    from pipeline.io.export import export_articles
    from pipeline.runner import run_pipeline

    monkeypatch.delenv("ZHNEWS_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    out = f"{bucket}/out"
    config = make_config(inputs=[f"{bucket}/in/"], output=out, workers=1, classify_enabled=False)
    first = run_pipeline(config)
    assert first.rows == 6 and first.rejects == 1
    pointer = json.loads(storage.read_bytes(f"{out}/{POINTER}"))
    snapshot = pointer["snapshot"]
    assert pointer["counts"]["rows"] == 6 and pointer["config"]["output"] == out
    assert {i["path"] for i in pointer["inputs"]} == {f.path for f in discover_inputs([f"{bucket}/in/"])}
    # the pointer's manifest is the snapshot's, plus the snapshot's name
    inner = json.loads(storage.read_bytes(f"{out}/{snapshot}/manifest.json"))
    assert pointer == inner | {"snapshot": snapshot}

    local = readable_run_folder(out)
    rows = ds.dataset(local / "articles", partitioning="hive").to_table()
    assert rows.num_rows == 6
    assert "卫健委：保障医务人员合理休息" in rows.column("title").to_pylist()

    # another machine (an empty work folder) adds an input: the published tasks are carried over
    shutil.rmtree(tmp_path / "cache")
    fsspec.filesystem("memory").pipe_file(f"{bucket}/in2/new.jsonl", _jsonl([
        {"id": "b1", "title": "乡村医生养老保障", "text": "乡村医生养老保障办法出台，按工作年限给予补助。", "date": "2022-01-05"}]))
    second = run_pipeline(make_config(inputs=[f"{bucket}/in/", f"{bucket}/in2/"], output=out, workers=1,
                                      classify_enabled=False))
    assert second.tasks_reused == first.tasks_run and second.tasks_run == 1 and second.rows == 7
    newer = json.loads(storage.read_bytes(f"{out}/{POINTER}"))["snapshot"]
    assert newer != snapshot
    # the snapshot before stays for readers that read the old pointer; none older is kept
    assert sorted(storage.subfolders(f"{out}/snapshots")) == sorted(s.split("/")[1] for s in (snapshot, newer))
    import io

    text = io.StringIO()
    assert export_articles(readable_run_folder(out), "jsonl", text) == 7
    assert "乡村医生养老保障" in text.getvalue()


def test_a_url_without_a_run_is_refused(bucket: str) -> None:
    with pytest.raises(UsageError, match="not a zhnews run folder"):
        readable_run_folder(f"{bucket}/in")


def test_pull_keeps_a_work_folder_that_mirrors_the_snapshot(bucket: str, tmp_path: Path) -> None:
    output = RemoteOutput(f"{bucket}/out", workspace=tmp_path / "work")
    output.pull()
    staged = tmp_path / "work" / "_staging" / "t1" / "articles-00000.arrow"
    staged.parent.mkdir(parents=True)
    staged.write_bytes(b"rows of a killed run")
    output.pull()  # nothing published meanwhile: what the killed run staged is still there
    assert staged.read_bytes() == b"rows of a killed run"
